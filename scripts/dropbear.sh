#!/bin/sh
# dropbear.sh OUTDIR: the backend's ssh server as a root-file-system overlay in OUTDIR
# (docs/running.md, "ssh into the backend"; docs/build.md, "Guest images"):
#
#   usr/sbin/dropbear                 Debian's arm64 dropbear-bin (dynamically linked)
#   usr/bin/dropbearkey               its key tool: the build runs it under qemu-user to make
#                                     each VM's host key (scripts/ssh-dt.sh), a guest to
#                                     show its key's fingerprint (dropbearkey -y)
#   lib/ld-linux-aarch64.so.1,
#   lib/aarch64-linux-gnu/*.so.*      exactly the libraries they need (DT_NEEDED, transitively)
#
# No host key: the initramfs is shared by all VMs, so each VM's own key comes with its device
# tree (docs/running.md, "Who may log in").  Staged by scripts/deb-overlay.sh.
set -eu
out=$1
root=$(cd "$(dirname "$0")/.." && pwd)
# dropbear-bin and its Depends: closure in bookworm (apt-cache depends)
pkgs="dropbear-bin libc6 libcrypt1 libtomcrypt1 libtommath1 libgmp10 zlib1g"
stage="$out.tmp"
"$root/scripts/deb-overlay.sh" "$stage" "$pkgs" usr/sbin/dropbear usr/bin/dropbearkey
# Proof that the set is complete: the binaries run (under qemu-user) with only these files.
qemu-aarch64 -L "$stage" "$stage/usr/sbin/dropbear" -V 2>&1 | grep -q 'Dropbear' || {
	echo "dropbear.sh: the staged dropbear does not run" >&2
	exit 1
}
qemu-aarch64 -L "$stage" "$stage/usr/bin/dropbearkey" 2>&1 | grep -q 'Usage' || {
	echo "dropbear.sh: the staged dropbearkey does not run" >&2
	exit 1
}
rm -rf "$out"
mv "$stage" "$out"
