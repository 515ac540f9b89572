#!/bin/sh
# dropbear.sh OUTDIR: the backend's ssh server as a root-file-system overlay in OUTDIR
# (docs/running.md, "ssh into the backend"; docs/build.md, "Guest images"):
#
#   usr/sbin/dropbear                 Debian's arm64 dropbear-bin (dynamically linked)
#   lib/ld-linux-aarch64.so.1,
#   lib/aarch64-linux-gnu/*.so.*      exactly the libraries it needs (DT_NEEDED, transitively)
#   etc/dropbear/dropbear_ed25519_host_key
#                                     generated here, at build time, by dropbearkey run under
#                                     qemu-user; kept while OUTDIR exists, so the host's
#                                     known_hosts entry stays valid across rebuilds
#
# The packages come through the private APT configuration (scripts/apt-download.sh), like
# busybox; the host's dpkg state is never touched.
set -eu
out=$1
root=$(cd "$(dirname "$0")/.." && pwd)
cache=$("$root/scripts/cache-dir.sh")
# dropbear-bin and its Depends: closure in bookworm (apt-cache depends); a library missing
# here makes scripts/elf-libs.sh fail, naming it.
pkgs="dropbear-bin libc6 libcrypt1 libtomcrypt1 libtommath1 libgmp10 zlib1g"
sysroot=$(mktemp -d)
trap 'rm -rf "$sysroot"' EXIT
for p in $pkgs; do
	dpkg-deb -x "$("$root/scripts/apt-download.sh" arm64 "$p" "$cache/debs")" "$sysroot"
done

stage="$out.tmp"
rm -rf "$stage"
mkdir -p "$stage/usr/sbin" "$stage/etc/dropbear"
cp "$sysroot/usr/sbin/dropbear" "$stage/usr/sbin/dropbear"
"$root/scripts/elf-libs.sh" "$sysroot" "$stage" usr/sbin/dropbear
# Proof that the set is complete: the binary runs (under qemu-user) with only these files.
qemu-aarch64 -L "$stage" "$stage/usr/sbin/dropbear" -V 2>&1 | grep -q 'Dropbear' || {
	echo "dropbear.sh: the staged dropbear does not run" >&2
	exit 1
}

key=etc/dropbear/dropbear_ed25519_host_key
if [ -f "$out/$key" ]; then
	cp "$out/$key" "$stage/$key"
else
	qemu-aarch64 -L "$sysroot" "$sysroot/usr/bin/dropbearkey" -t ed25519 -f "$stage/$key" \
		>/dev/null 2>&1
fi
chmod 600 "$stage/$key"
rm -rf "$out"
mv "$stage" "$out"
