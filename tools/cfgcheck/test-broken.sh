#!/bin/sh
# Every configs/broken/*.c must be rejected by the config checker with the
# message its "EXPECT:" comment line gives (naming the VM and the field), and
# building a hypervisor image from the two classic mistakes (two VMs on one
# CPU, overlapping memory) must fail in make with that message.
set -u
cd "$(dirname "$0")/../.." || exit 1
out=${BUILD:-build}/tools/cfgcheck/broken-test
mkdir -p "$out"
fail=0
# The message a broken config must be rejected with; an empty or missing
# EXPECT: line would match any message, so it fails instead.
expect_of() {
	e=$(sed -n 's/^.*EXPECT:[[:space:]]*//p' "$1" | head -n1)
	[ -n "$e" ] || { echo "FAIL $1: no message on its EXPECT: line" >&2; return 1; }
	printf '%s\n' "$e"
}
for cfg in configs/broken/*.c; do
	name=$(basename "$cfg" .c)
	expect=$(expect_of "$cfg") || { fail=1; continue; }
	${HOST_CC:-cc} -std=gnu11 -Wall -Wextra -Werror -I. -Iinclude -Itools/cfgcheck -Iplatform/"${PLATFORM:-virt}" \
		-DCFGCHECK_NAME="\"$cfg\"" -o "$out/$name" \
		tools/cfgcheck/check.c tools/cfgcheck/main.c "${PLAT_BOARD_C:-platform/virt/board.c}" "$cfg" || { fail=1; continue; }
	if "$out/$name" 2>"$out/$name.err"; then
		echo "FAIL $cfg: accepted"; fail=1; continue
	fi
	if ! grep -qF -- "$expect" "$out/$name.err"; then
		echo "FAIL $cfg: expected \"$expect\", got:"; cat "$out/$name.err"; fail=1; continue
	fi
	echo "ok $cfg: $(grep -F -- "$expect" "$out/$name.err" | head -n1)"
done
for name in two-vms-one-cpu overlapping-memory; do
	cfg=configs/broken/$name.c
	expect=$(expect_of "$cfg") || { fail=1; continue; }
	if env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL ${MAKE:-make} --no-print-directory \
		HYP_CONFIGS=broken/$name "${BUILD:-build}/hyp/broken/$name/bulkhead.bin" \
		>"$out/$name.make" 2>&1; then
		echo "FAIL make of $cfg succeeded"; fail=1; continue
	fi
	if ! grep -qF -- "$expect" "$out/$name.make"; then
		echo "FAIL make of $cfg failed without \"$expect\":"; cat "$out/$name.make"; fail=1; continue
	fi
	echo "ok make of $cfg fails: $(grep -F -- "$expect" "$out/$name.make" | head -n1)"
done
exit $fail
