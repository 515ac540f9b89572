#!/bin/sh
# ssh-client.sh DIR: who may log into the VMs as root (docs/running.md, "Who may log in").
#
#   DIR/id_ed25519, id_ed25519.pub   a key of this build, made here once (ssh-keygen, no
#                                    passphrase): the tests log in with it, and so does a user
#                                    who has no key of their own (run.sh prints `ssh -i ...`)
#   DIR/authorized_keys              that key and the invoking user's ~/.ssh/id_*.pub, one a
#                                    line; rewritten only when that changes, so the device
#                                    trees that carry it (scripts/ssh-dt.sh) are rebuilt then
#
# Runs at every make: a key the user adds is authorized by the next `make run`.
set -eu
dir=$1
mkdir -p "$dir"
chmod 700 "$dir"
if [ ! -f "$dir/id_ed25519" ]; then
	ssh-keygen -q -t ed25519 -N '' -C "bulkhead build key ($dir)" -f "$dir/id_ed25519.tmp"
	mv -f "$dir/id_ed25519.tmp.pub" "$dir/id_ed25519.pub"
	mv -f "$dir/id_ed25519.tmp" "$dir/id_ed25519"
fi
tmp="$dir/authorized_keys.tmp"
# awk 1: every key on a line of its own, also from a file without a final newline
for key in "$dir/id_ed25519.pub" "${HOME:-/nonexistent}"/.ssh/id_*.pub; do
	[ -f "$key" ] && awk 1 "$key"
done >"$tmp"
if cmp -s "$tmp" "$dir/authorized_keys"; then
	rm -f "$tmp"
else
	mv -f "$tmp" "$dir/authorized_keys"
fi
