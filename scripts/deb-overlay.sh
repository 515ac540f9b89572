#!/bin/sh
# deb-overlay.sh STAGE "PACKAGES" FILE...: a root-file-system overlay in STAGE (made anew) with
# each FILE (a path inside the packages, e.g. usr/sbin/dropbear) taken from Debian's arm64
# PACKAGES and exactly the shared libraries those files need (scripts/elf-libs.sh, which fails
# naming a library the package list lacks).  The packages come through the private APT
# configuration (scripts/apt-download.sh): the host's dpkg state is never touched.
# The callers (dropbear.sh, e2fsprogs.sh) prove the overlay runs, then move it in place.
set -eu
[ $# -ge 3 ] || { echo "usage: deb-overlay.sh STAGE \"PACKAGES\" FILE..." >&2; exit 2; }
stage=$1
pkgs=$2
shift 2
root=$(cd "$(dirname "$0")/.." && pwd)
cache=$("$root/scripts/cache-dir.sh")

sysroot=$(mktemp -d)
trap 'rm -rf "$sysroot"' EXIT
for p in $pkgs; do
	dpkg-deb -x "$("$root/scripts/apt-download.sh" arm64 "$p" "$cache/debs")" "$sysroot"
done
rm -rf "$stage"
for f in "$@"; do
	mkdir -p "$stage/$(dirname "$f")"
	cp "$sysroot/$f" "$stage/$f"
done
"$root/scripts/elf-libs.sh" "$sysroot" "$stage" "$@"
