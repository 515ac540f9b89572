#!/bin/sh
# Run a vGIC fuzz target (tests/unit/test_vgic_fuzz.c) for FUZZ_SECONDS
# (default 20): the GICv3 register map, or with argument "v2" the GICv2 one.
# Used by `make test` (CHECK_CMDS vgic-fuzz, vgic-fuzz-v2) and
# `make fuzz-vgic` (600 s each).  Exit 0 = no finding; crash inputs land in
# BUILD/vgic/fuzz/artifacts[-v2]/.
set -eu
cd "$(dirname "$0")/../../../.."
# the build directory make uses (make test BUILD=out)
out=${BUILD:-build}
secs=${FUZZ_SECONDS:-20}
suffix=${1:+_$1}
bin=$out/vgic/fuzz/fuzz_vgic$suffix
make -s "$bin" >/dev/null
corpus=$out/vgic/fuzz/corpus$suffix
artifacts=$out/vgic/fuzz/artifacts$suffix
mkdir -p "$corpus" "$artifacts"
exec "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	-max_len=4096 -print_final_stats=1 \
	-artifact_prefix="$artifacts/" "$corpus"
