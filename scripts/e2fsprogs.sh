#!/bin/sh
# e2fsprogs.sh OUTDIR: mke2fs as a root-file-system overlay in OUTDIR (docs/running.md,
# "Storage"; docs/build.md, "Guest images"): Debian's arm64 e2fsprogs' /sbin/mke2fs with exactly
# the libraries it links (scripts/elf-libs.sh; libc is shared with dropbear's overlay).  It
# formats a VM's empty disk as ext4 at its first boot (guest/disk/rc.disk); busybox's own
# mke2fs writes ext2 only.
set -eu
out=$1
root=$(cd "$(dirname "$0")/.." && pwd)
# e2fsprogs' Depends: closure that mke2fs links in bookworm (apt-cache depends)
pkgs="e2fsprogs libc6 libext2fs2 libcom-err2 libblkid1 libuuid1"
stage="$out.tmp"
"$root/scripts/deb-overlay.sh" "$stage" "$pkgs" sbin/mke2fs
# Proof that the set is complete: it formats a file (under qemu-user) with only these files.
img=$(mktemp)
trap 'rm -f "$img"' EXIT
truncate -s 8M "$img"
qemu-aarch64 -L "$stage" "$stage/sbin/mke2fs" -q -F -t ext4 "$img" >/dev/null 2>&1 &&
	[ "$(od -An -tx1 -j1080 -N2 "$img" | tr -d ' ')" = 53ef ] || {
	echo "e2fsprogs.sh: the staged mke2fs does not run" >&2
	exit 1
}
rm -rf "$out"
mv "$stage" "$out"
