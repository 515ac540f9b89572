#!/bin/sh
# Run the ring-parser fuzz target for FUZZ_SECONDS (default 60).
# Used by `make test` (CHECK_CMDS dm-fuzz) and `make fuzz` (600 s).
# Exit 0 = no finding.  Crash inputs land in build/dm/fuzz/artifacts/.
set -eu
cd "$(dirname "$0")/../.."
secs=${FUZZ_SECONDS:-60}
bin=build/dm/fuzz/fuzz_virtqueue
[ -x "$bin" ] || make -s "$bin" >/dev/null
corpus=build/dm/fuzz/corpus
mkdir -p "$corpus" build/dm/fuzz/artifacts
exec "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	-max_len=16384 -print_final_stats=1 \
	-artifact_prefix=build/dm/fuzz/artifacts/ "$corpus" dm/fuzz/seeds
