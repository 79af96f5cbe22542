#!/usr/bin/env bash
# Installs Debian's chromium for the server's browser test (tests/server/test_ui_browser.py).
# Idempotent: does nothing when chromium is already on PATH. Needs root (or sudo) and apt.
set -euo pipefail

exec bash "$(dirname "$0")/apt-install.sh" chromium chromium fonts-dejavu-core
