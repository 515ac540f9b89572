#!/bin/sh
# Checks that the generator rejects a config in which two VMs'
# memory overlaps, naming both VMs.  Built against the checker's own broken
# example (configs/broken/overlapping-memory.c), whose VMs are alpha and beta.
set -u
cd "$(dirname "$0")/../.." || exit 1
out=${BUILD:-build}/tools/dtgen/overlap-test
mkdir -p "$out"
${HOST_CC:-cc} -std=gnu11 -Wall -Wextra -Werror -I. -Iinclude -Itools/cfgcheck -Itools/dtgen -Iplatform/"${PLATFORM:-virt}" \
	-DDTGEN_CONFIG_NAME='"configs/broken/overlapping-memory.c"' -o "$out/dtgen" \
	tools/dtgen/dtgen.c tools/dtgen/main.c tools/cfgcheck/check.c "${PLAT_BOARD_C:-platform/virt/board.c}" \
	configs/broken/overlapping-memory.c || exit 1
if "$out/dtgen" --out "$out" --dts 2>"$out/err"; then
	echo "FAIL: dtgen accepted overlapping memory"; exit 1
fi
cat "$out/err"
if ! grep -E 'vm "beta": mem\[0\]: PA .* overlaps vm "alpha": mem\[0\]' "$out/err" >/dev/null; then
	echo "FAIL: the message does not name both VMs"; exit 1
fi
if ls "$out"/*.dts >/dev/null 2>&1; then
	echo "FAIL: a DTS was written for a rejected config"; exit 1
fi
echo "ok: rejected, naming both VMs"
