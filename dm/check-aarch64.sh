#!/bin/sh
# The aarch64 static bulkhead-dm (what runs in the backend VM) through the
# same CLI/pty/file/stdio tests as the host build, under qemu-aarch64.
set -eu
cd "$(dirname "$0")/.."
# the build directory make uses (make test BUILD=out)
out=${BUILD:-build}
bin=$out/dm/aarch64/bulkhead-dm
test=$out/dm/tests/test_dm_cli
# always through make: a binary older than its sources would test old code
make -s BUILD="$out" "$bin" "$test" >/dev/null
DM_TEST_WRAPPER=qemu-aarch64 DM_TEST_BIN="$bin" exec "$test"
