#!/bin/sh
# elf-libs.sh SYSROOT STAGE BIN...: copy into STAGE the arm64 dynamic loader and exactly the
# shared libraries the staged binaries STAGE/BIN need (DT_NEEDED, transitively), taken from
# SYSROOT (Debian packages unpacked there, scripts/apt-download.sh), where the loader looks for
# them (its multiarch directories).  Used by scripts/dropbear.sh and scripts/e2fsprogs.sh; a
# library missing from SYSROOT fails, naming it and who needs it.
set -eu
sysroot=$1 stage=$2
shift 2
readelf=${CROSS_COMPILE:-aarch64-linux-gnu-}readelf
multiarch=lib/aarch64-linux-gnu
interp=lib/ld-linux-aarch64.so.1

mkdir -p "$stage/$multiarch"
[ -e "$stage/$interp" ] || cp -L "$sysroot/$interp" "$stage/$interp"
find_lib() {
	for d in "$multiarch" "usr/$multiarch"; do
		[ -e "$sysroot/$d/$1" ] && { echo "$sysroot/$d/$1"; return 0; }
	done
	echo "elf-libs.sh: $1 (needed by $2) is not in $sysroot" >&2
	return 1
}
todo=""
for bin in "$@"; do
	todo="$todo $stage/$bin"
done
while [ -n "$todo" ]; do
	next=""
	for f in $todo; do
		for lib in $("$readelf" -d "$f" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
			# the loader itself is the program interpreter, already in place
			[ "$lib" = "${interp#lib/}" ] || [ -e "$stage/$multiarch/$lib" ] && continue
			cp -L "$(find_lib "$lib" "${f#"$stage"/}")" "$stage/$multiarch/$lib"
			next="$next $stage/$multiarch/$lib"
		done
	done
	todo=$next
done
