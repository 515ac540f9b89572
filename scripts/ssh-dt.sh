#!/bin/sh
# ssh-dt.sh DTS HOSTKEY DROPBEAR AUTHORIZED: give the VM whose device tree source is DTS its ssh
# keys, if its bootargs serve ssh (bulkhead.sshd=, guest/net/rc.sshd); nothing otherwise
# (docs/running.md, "Who may log in").  Appends to DTS, in /chosen:
#
#   security-bulkhead,ssh-host-key   the file HOSTKEY: this VM's own dropbear host key (ed25519),
#                                    made here on first use by DROPBEAR's dropbearkey under
#                                    qemu-user (scripts/dropbear.sh) and kept while the build
#                                    directory exists, so a known_hosts entry stays valid.
#                                    Linux shows a property whose name begins with "security-"
#                                    to root only (mode 0400 under /sys/firmware/devicetree).
#   bulkhead,ssh-authorized-keys     the file AUTHORIZED (scripts/ssh-client.sh): the public
#                                    keys that may log in as root
#
# Both by dtc's /incbin/, so the bytes are the files' own.  The device tree is the one image
# each VM has for itself (the kernel and initramfs are shared by all of them), so no VM's key is
# in any other VM's memory.  DTS is replaced by a rename, never rewritten in place.
set -eu
dts=$1 hostkey=$2 dropbear=$3 authorized=$4
grep -q 'bootargs = ".*bulkhead\.sshd=' "$dts" || exit 0
if [ ! -s "$hostkey" ]; then
	mkdir -p "$(dirname "$hostkey")"
	chmod 700 "$(dirname "$hostkey")"
	rm -f "$hostkey.tmp"
	out=$(qemu-aarch64 -L "$dropbear" "$dropbear/usr/bin/dropbearkey" -t ed25519 \
		-f "$hostkey.tmp" 2>&1) || { echo "ssh-dt.sh: dropbearkey: $out" >&2; exit 1; }
	mv -f "$hostkey.tmp" "$hostkey"
fi
[ -s "$authorized" ] || { echo "ssh-dt.sh: $authorized: no key may log in" >&2; exit 1; }
abs() { echo "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; }
{
	cat "$dts"
	printf '\n/ {\n\tchosen {\n'
	printf '\t\tsecurity-bulkhead,ssh-host-key = /incbin/("%s");\n' "$(abs "$hostkey")"
	printf '\t\tbulkhead,ssh-authorized-keys = /incbin/("%s");\n' "$(abs "$authorized")"
	printf '\t};\n};\n'
} >"$dts.tmp"
mv -f "$dts.tmp" "$dts"
