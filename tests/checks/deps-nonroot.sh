#!/bin/sh
# A user who is not root and lacks a package gets the exact apt-get line and a
# non-zero exit, and nothing is installed.
set -u
here=$(cd "$(dirname "$0")/../.." && pwd)
# nobody may not be able to read the clone (say, under /root): work on a copy
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
cp "$here/scripts/deps.sh" "$tmp/deps.sh"
list=$tmp/packages.txt
printf '# test list\nmake\nbulkhead-no-such-package\n' >"$list"
chmod 644 "$list"
if [ "$(id -u)" -eq 0 ]; then
	run() { setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; }
else
	run() { "$@"; }
fi
BULKHEAD_PACKAGES=$list run sh "$tmp/deps.sh" >"$tmp/out" 2>&1
rc=$?
cat "$tmp/out"
[ "$rc" -ne 0 ] || { echo "FAIL: exit status 0"; exit 1; }
grep -qx '  apt-get update && apt-get install -y bulkhead-no-such-package' "$tmp/out" ||
	{ echo "FAIL: no exact apt-get line for the missing package"; exit 1; }
echo "ok: refused with the apt-get line"
