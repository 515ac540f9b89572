#!/bin/sh
# apt-download.sh ARCH PACKAGE DESTDIR: fetch one Debian package's .deb for ARCH into DESTDIR
# without touching the system's dpkg architectures: a private APT configuration with its own
# lists and cache (docs/design.md §3). Prints the path of the .deb.
set -eu
arch=$1 pkg=$2 dest=$3
root="$(dirname "$0")"
cache=$("$root/cache-dir.sh")/apt-$arch
mkdir -p "$cache/lists/partial" "$cache/archives/partial" "$dest"
# One at a time per cache: the configuration, lists and status below are
# shared, and APT's own locking is off (Debug::NoLocking, no root needed).
exec 9>"$cache/.lock"
flock 9

conf="$cache/apt.conf"
cat >"$conf" <<CONF
APT::Architecture "$arch";
APT::Architectures { "$arch"; };
Dir::State::Lists "$cache/lists";
Dir::State::status "$cache/status";
Dir::Cache "$cache";
Dir::Cache::archives "$cache/archives";
Debug::NoLocking "true";
APT::Sandbox::User "root";
CONF
: >"$cache/status"
export APT_CONFIG="$conf"

# Refresh the private lists at most once a day.
stamp="$cache/lists/.updated"
if [ ! -f "$stamp" ] || [ -n "$(find "$stamp" -mmin +1440)" ]; then
	apt-get -qq update >&2
	touch "$stamp"
fi
ver=$(apt-cache show "$pkg" 2>/dev/null | sed -n 's/^Version: //p' | head -n 1)
[ -n "$ver" ] || { echo "apt-download: no package $pkg for $arch" >&2; exit 1; }
# The file name apt-get download uses: epochs are written as %3a
file="${pkg}_$(echo "$ver" | sed 's/:/%3a/')_$( [ "$arch" = all ] && echo all || apt-cache show "$pkg=$ver" | sed -n 's/^Architecture: //p' | head -n1).deb"
if [ ! -f "$dest/$file" ]; then
	(cd "$dest" && apt-get -qq download "$pkg=$ver" >&2)
fi
echo "$dest/$file"
