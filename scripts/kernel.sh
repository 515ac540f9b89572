#!/bin/sh
# kernel.sh OUT: make sure the guest kernel Image exists and copy it to OUT.
#
# Built from Debian's linux-source-6.1 with `allnoconfig` + guest/kernel/bulkhead.config
# + `olddefconfig`, and cached outside the tree under a key made of the fragment, this
# script and the source package version, so a rebuild from a fresh clone takes seconds.
set -eu
out=$1
root=$(cd "$(dirname "$0")/.." && pwd)
fragment="$root/guest/kernel/bulkhead.config"
cache=$("$root/scripts/cache-dir.sh")
jobs=${JOBS:-$(nproc)}

deb=$("$root/scripts/apt-download.sh" arm64 linux-source-6.1 "$cache/debs")
# Bump when the way the kernel is configured or built below changes.
recipe=1
key=$( (cat "$fragment"; echo "recipe $recipe") | sha256sum | cut -c1-16)-$(basename "$deb" .deb | sed 's/^linux-source-6.1_//')
dir="$cache/kernel/$key"

# One build at a time per cache: a second make waits here, then finds the Image.  A
# cached Image needs no lock (its directory appears whole, by rename, below), so a build
# of another fragment never holds up a make whose kernel is already there.
mkdir -p "$cache/kernel"
if [ ! -f "$dir/Image" ]; then
	exec 9>"$cache/kernel/.lock"
	if ! flock -n 9; then
		echo "kernel: another build holds $cache/kernel/.lock, waiting"
		flock 9
	fi
fi

if [ ! -f "$dir/Image" ]; then
	src="$cache/kernel/src-$(basename "$deb" .deb)"
	if [ ! -f "$src/.extracted" ]; then
		echo "kernel: unpacking $(basename "$deb")"
		rm -rf "$src" && mkdir -p "$src"
		dpkg-deb --fsys-tarfile "$deb" | tar -xO --wildcards '*/linux-source-6.1.tar.xz' |
			tar -xJ -C "$src" --strip-components=1
		touch "$src/.extracted"
	fi
	obj="$dir.build"
	rm -rf "$obj" && mkdir -p "$obj"
	log="$obj/build.log"
	kmake="make -C $src O=$obj ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-"
	echo "kernel: configuring (allnoconfig + $(basename "$fragment"))"
	{
		$kmake allnoconfig &&
			"$src/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" "$fragment" &&
			$kmake olddefconfig
	} >"$log" 2>&1 || { tail -n 30 "$log" >&2; echo "kernel: configuration failed, log: $log" >&2; exit 1; }
	# Every line of the fragment must have survived olddefconfig, or the kernel silently lacks it.
	grep -E '^(CONFIG_|# CONFIG_)' "$fragment" | while read -r line; do
		grep -qxF "$line" "$obj/.config" || { echo "kernel: fragment line not in final .config: $line" >&2; exit 1; }
	done
	echo "kernel: building Image with -j$jobs (about 4 minutes on 2 cores; log: $log)"
	start=$(date +%s)
	$kmake -j"$jobs" Image >>"$log" 2>&1 &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		sleep 15
		kill -0 "$pid" 2>/dev/null || break
		n=$(find "$obj" -name '*.o' | wc -l)
		echo "kernel: still building ($(($(date +%s) - start)) s, $n objects)"
	done
	wait "$pid" || { tail -n 30 "$log" >&2; echo "kernel: build failed, log: $log" >&2; exit 1; }
	rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
	cp "$obj/arch/arm64/boot/Image" "$obj/.config" "$dir.tmp/"
	rm -rf "$dir" && mv "$dir.tmp" "$dir" && rm -rf "$obj"
	echo "kernel: built in $(($(date +%s) - start)) s, cached in $dir"
fi
mkdir -p "$(dirname "$out")"
cmp -s "$dir/Image" "$out" || cp "$dir/Image" "$out"
cmp -s "$dir/.config" "$out.config" || cp "$dir/.config" "$out.config"
