#!/bin/sh
# Run the vGIC fuzz target (tests/unit/test_vgic_fuzz.c) for FUZZ_SECONDS
# (default 20).  Used by `make test` (CHECK_CMDS vgic-fuzz) and
# `make fuzz-vgic` (600 s).  Exit 0 = no finding; crash inputs land in
# build/vgic/fuzz/artifacts/.
set -eu
cd "$(dirname "$0")/../../../.."
secs=${FUZZ_SECONDS:-20}
bin=build/vgic/fuzz/fuzz_vgic
make -s "$bin" >/dev/null
corpus=build/vgic/fuzz/corpus
mkdir -p "$corpus" build/vgic/fuzz/artifacts
exec "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	-max_len=4096 -print_final_stats=1 \
	-artifact_prefix=build/vgic/fuzz/artifacts/ "$corpus"
