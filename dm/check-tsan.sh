#!/bin/sh
# The unit tests whose model runs on a thread of its own (event loop, sim
# fixture, uio hypervisor model), again under ThreadSanitizer (clang): a data
# race between threads must fail a check.  Exit 0 = no race, all passed.
set -eu
cd "$(dirname "$0")/.."
# the build directory make uses (make test BUILD=out)
out=${BUILD:-build}
tests="core console uio net blk uio_wakeup"
bins=
for t in $tests; do
	bins="$bins $out/dm/tsan/test_dm_$t"
done
# shellcheck disable=SC2086
make -s BUILD="$out" $bins >/dev/null
for b in $bins; do
	TSAN_OPTIONS="halt_on_error=1 exitcode=66" "$b"
done
