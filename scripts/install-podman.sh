#!/usr/bin/env bash
# Installs what tests/container needs from Debian's packages: podman (run with runc, see
# tests/container/_podman.py), debootstrap (the stand-in base image) and podman-compose.
# Idempotent: does nothing when all are on PATH. Needs root (or sudo) and apt.
set -euo pipefail

missing=()
for tool in podman runc debootstrap podman-compose; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if [ "${#missing[@]}" -eq 0 ]; then
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-podman: apt-get not found; install ${missing[*]} and put them on PATH" >&2
    exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq podman runc debootstrap podman-compose >/dev/null
for tool in podman runc debootstrap podman-compose; do
    command -v "$tool" >/dev/null
done
