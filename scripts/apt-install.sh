#!/usr/bin/env bash
# Usage: apt-install.sh COMMAND PACKAGE...
# Installs Debian's PACKAGEs (apt, as root or through sudo) unless COMMAND is
# already on PATH; used by noxfile.py for the tools tests drive (chromium for
# tests/server, faketime for tests/faults).
set -euo pipefail

command_name="$1"
shift
if command -v "$command_name" >/dev/null 2>&1; then
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
command -v "$command_name" >/dev/null
