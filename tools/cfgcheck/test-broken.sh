#!/bin/sh
# Every configs/broken/*.c must be rejected by the config checker with the
# message its "EXPECT:" comment line gives (naming the VM and the field).
set -u
cd "$(dirname "$0")/../.." || exit 1
out=${BUILD:-build}/tools/cfgcheck/broken-test
mkdir -p "$out"
fail=0
for cfg in configs/broken/*.c; do
	name=$(basename "$cfg" .c)
	expect=$(sed -n 's/^.*EXPECT: //p' "$cfg" | head -n1)
	${HOST_CC:-cc} -std=gnu11 -Wall -Wextra -Werror -I. -Iinclude -Itools/cfgcheck \
		-DCFGCHECK_NAME="\"$cfg\"" -o "$out/$name" \
		tools/cfgcheck/check.c tools/cfgcheck/main.c "$cfg" || { fail=1; continue; }
	if "$out/$name" 2>"$out/$name.err"; then
		echo "FAIL $cfg: accepted"; fail=1; continue
	fi
	if ! grep -qF -- "$expect" "$out/$name.err"; then
		echo "FAIL $cfg: expected \"$expect\", got:"; cat "$out/$name.err"; fail=1; continue
	fi
	echo "ok $cfg: $(grep -F -- "$expect" "$out/$name.err" | head -n1)"
done
exit $fail
