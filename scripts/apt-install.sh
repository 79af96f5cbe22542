#!/usr/bin/env bash
# Usage: apt-install.sh COMMAND PACKAGE...
# Installs Debian's PACKAGEs (apt, as root or through sudo) unless COMMAND is
# already on PATH (a COMMAND with a slash: unless that file exists); used by
# noxfile.py for the tools tests drive (chromium for tests/server, faketime for
# tests/faults) and files they load (the SQLite JDBC driver for tests/spark_iceberg).
set -euo pipefail

command_name="$1"
shift
present() {
    if [[ "$command_name" == */* ]]; then
        [ -e "$command_name" ]
    else
        command -v "$command_name" >/dev/null 2>&1
    fi
}
if present; then
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "apt-install: apt-get not found; install $* and put '$command_name' on PATH" >&2
    exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "$@" >/dev/null
present
