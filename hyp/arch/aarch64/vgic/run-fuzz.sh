#!/bin/sh
# Run the vGIC fuzz target (tests/unit/test_vgic_fuzz.c) for FUZZ_SECONDS
# (default 20).  Used by `make test` (CHECK_CMDS vgic-fuzz) and
# `make fuzz-vgic` (600 s).  Exit 0 = no finding; crash inputs land in
# BUILD/vgic/fuzz/artifacts/.
set -eu
cd "$(dirname "$0")/../../../.."
# the build directory make uses (make test BUILD=out)
out=${BUILD:-build}
secs=${FUZZ_SECONDS:-20}
bin=$out/vgic/fuzz/fuzz_vgic
make -s "$bin" >/dev/null
corpus=$out/vgic/fuzz/corpus
mkdir -p "$corpus" $out/vgic/fuzz/artifacts
exec "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	-max_len=4096 -print_final_stats=1 \
	-artifact_prefix=$out/vgic/fuzz/artifacts/ "$corpus"
