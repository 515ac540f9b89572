#!/bin/sh
# Install the Debian packages listed in scripts/packages.txt that are missing.
# Used by both `make run` and `make test`; quick when nothing is missing.
set -eu
here=$(dirname "$0")
list="${BULKHEAD_PACKAGES:-$here/packages.txt}"

missing=""
for pkg in $(grep -v '^#' "$list" | sed 's/#.*//'); do
	status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
	[ "$status" = installed ] || missing="$missing $pkg"
done
[ -z "$missing" ] && exit 0

echo "deps: missing Debian packages:$missing"
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: not root; install them with:" >&2
	echo "  apt-get update && apt-get install -y$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086 # word splitting of the package list is intended
apt-get install -y -qq --no-install-recommends $missing
