#!/bin/sh
# The event-loop tests again under ThreadSanitizer (clang): el_stop() is
# called from other threads (the unit-test fixtures, bench_uio), so a data
# race on the loop's state must fail a check.  Exit 0 = no race, all passed.
set -eu
cd "$(dirname "$0")/.."
bin=build/dm/tsan/test_dm_core
make -s "$bin" >/dev/null
TSAN_OPTIONS="halt_on_error=1 exitcode=66" exec "$bin"
