#!/bin/sh
# mkinitramfs.sh ROLE_DIR BUSYBOX MKINITRAMFS OUT [SRC:DEST ...]
#
# Build a gzip'd newc initramfs for one guest role:
#   ROLE_DIR/init      becomes /init
#   ROLE_DIR/rootfs/   is copied over / (optional)
#   SRC:DEST           extra files (e.g. the device model) copied to DEST; a directory SRC is
#                      an overlay copied into DEST (e.g. build/guest/dropbear:/), whose files
#                      replace busybox's applet links of the same name (e2fsprogs' mke2fs)
# busybox provides the shell and tools; its applets are linked in /bin and friends.
set -eu
role=$1 busybox=$2 packer=$3 out=$4
shift 4
[ -x "$role/init" ] || { echo "mkinitramfs: $role/init missing or not executable" >&2; exit 1; }

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/bin" "$stage/sbin" "$stage/usr/bin" "$stage/usr/sbin" \
	"$stage/dev" "$stage/proc" "$stage/sys" "$stage/tmp" "$stage/root" "$stage/etc"
cp "$busybox" "$stage/bin/busybox"
chmod 755 "$stage/bin/busybox"
# The applet list comes from the binary itself, run under qemu-user.
for applet in $(qemu-aarch64 "$busybox" --list-full); do
	[ "$applet" = bin/busybox ] || ln -sf /bin/busybox "$stage/$applet"
done
cp "$role/init" "$stage/init"
[ -d "$role/rootfs" ] && cp -a "$role/rootfs/." "$stage/"
for spec in "$@"; do
	src=${spec%%:*} dest=${spec#*:}
	if [ -d "$src" ]; then
		mkdir -p "$stage/$dest"
		cp -a --remove-destination "$src/." "$stage/$dest/"
		continue
	fi
	mkdir -p "$stage/$(dirname "$dest")"
	cp "$src" "$stage/$dest"
done
"$packer" -o "$out.cpio" "$stage"
gzip -9n <"$out.cpio" >"$out"
rm -f "$out.cpio"
