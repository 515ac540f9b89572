#!/bin/sh
# Run a fuzz target for FUZZ_SECONDS (default 60): virtqueue (the ring
# parser and register file, the default), net (the virtio-net device) or
# blk (the virtio-blk device and its request parser).
# Used by `make test` (CHECK_CMDS dm-fuzz, dm-fuzz-net, dm-fuzz-blk) and `make fuzz`
# (600 s each).  Exit 0 = no finding.  Crash inputs land in
# BUILD/dm/fuzz/artifacts/.
set -eu
cd "$(dirname "$0")/../.."
# the build directory make uses (make test BUILD=out)
out=${BUILD:-build}
secs=${FUZZ_SECONDS:-60}
target=${1:-virtqueue}
case "$target" in
virtqueue) corpus=$out/dm/fuzz/corpus seeds=dm/fuzz/seeds ;;
net) corpus=$out/dm/fuzz/corpus-net seeds=dm/fuzz/seeds-net ;;
blk) corpus=$out/dm/fuzz/corpus-blk seeds=dm/fuzz/seeds-blk ;;
*) echo "run-fuzz.sh: unknown target '$target' (virtqueue, net or blk)" >&2; exit 2 ;;
esac
bin=$out/dm/fuzz/fuzz_$target
# always through make: a binary older than its sources would fuzz old code
make -s BUILD="$out" "$bin" >/dev/null
mkdir -p "$corpus" $out/dm/fuzz/artifacts
exec "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	-max_len=16384 -print_final_stats=1 \
	-artifact_prefix=$out/dm/fuzz/artifacts/ "$corpus" "$seeds"
