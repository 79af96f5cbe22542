#!/usr/bin/env bash
# Builds a stand-in for the official python slim image from Debian's packages, for
# tests/container on machines that cannot pull images: a debootstrap minbase of this
# host's Debian release with Debian's python3 and venv, trimmed and imported into
# podman as TAG (first argument). Idempotent: does nothing when TAG already exists.
# Needs root, debootstrap and podman (the container session installs them).
set -euo pipefail

TAG="${1:?usage: container-base.sh IMAGE_TAG [SUITE] [MIRROR]}"
SUITE="${2:-bookworm}"
MIRROR="${3:-http://deb.debian.org/debian}"
PACKAGES="python3,python3-venv,ca-certificates"

if podman image exists "$TAG"; then
    exit 0
fi
work="$(mktemp -d /var/tmp/mason-base.XXXXXX)"
trap 'rm -rf "$work"' EXIT
root="$work/rootfs"
echo "container-base: debootstrap $SUITE (minbase + $PACKAGES) into $root" >&2
debootstrap --variant=minbase --include="$PACKAGES" "$SUITE" "$root" "$MIRROR" >"$work/log" 2>&1 || {
    tail -20 "$work/log" >&2
    echo "container-base: debootstrap failed (full log above)" >&2
    exit 1
}
# trim what a container never uses: apt lists and caches, docs, man pages, locales
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/* "$root"/var/cache/debconf/*-old \
    "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/info/* \
    "$root"/usr/share/locale/* "$root"/var/log/* "$root"/tmp/*
find "$root/usr/lib" -name '__pycache__' -type d -prune -exec rm -rf {} +
tar -C "$root" -c . | podman import --quiet \
    --change 'ENV LANG=C.UTF-8' --change 'CMD ["python3"]' - "$TAG" >/dev/null
echo "container-base: imported $TAG" >&2
