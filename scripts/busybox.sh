#!/bin/sh
# busybox.sh OUT: Debian's busybox-static for arm64, fetched through a private APT
# configuration (no system-wide multiarch), copied to OUT.
set -eu
out=$1
root=$(cd "$(dirname "$0")/.." && pwd)
cache=$("$root/scripts/cache-dir.sh")
deb=$("$root/scripts/apt-download.sh" arm64 busybox-static "$cache/debs")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dpkg-deb -x "$deb" "$tmp"
mkdir -p "$(dirname "$out")"
cp "$tmp/bin/busybox" "$out"
