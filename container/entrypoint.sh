#!/bin/sh
# The image's entrypoint (run under dumb-init): reads the API token from
# $MASON_API_TOKEN_FILE when set (a mounted secret), saves the configurations mounted in
# $MASON_CONFIG_DIR into MASON_HOME, makes $MASON_CONFIG_ID current when set, then runs
# the command (by default `mason server`) in its place. See docs/container.md.
set -eu
if [ -n "${MASON_API_TOKEN_FILE:-}" ]; then
    if [ ! -f "$MASON_API_TOKEN_FILE" ] || [ ! -r "$MASON_API_TOKEN_FILE" ]; then
        echo "error: MASON_API_TOKEN_FILE names $MASON_API_TOKEN_FILE, which is not a readable file" >&2
        exit 2
    fi
    MASON_API_TOKEN="$(cat "$MASON_API_TOKEN_FILE")"
    export MASON_API_TOKEN
fi
if [ -n "${MASON_CONFIG_DIR:-}" ] && [ -d "$MASON_CONFIG_DIR" ] \
    && [ -n "$(find "$MASON_CONFIG_DIR" -maxdepth 1 -name '*.yaml' -print -quit)" ]; then
    # validates every file first; an invalid one stops the container with its one-line error
    mason config "$MASON_CONFIG_DIR" >/dev/null
fi
if [ -n "${MASON_CONFIG_ID:-}" ]; then
    mason config -s "$MASON_CONFIG_ID" >/dev/null
fi
exec "$@"
