#!/usr/bin/env python3
"""Time from QEMU start to the first guest instruction (part of `make bench`).

Boots the hypervisor of configs/test-two-vms.c with the hello guest in both
VMs RUNS times (default 5) and reports medians of
  - the guest's own stamp: CNTVCT_EL0 read by its first instruction, i.e. the
    time since QEMU started the machine (virtual counter from 0, CNTVOFF 0);
  - wall time from spawning QEMU to the hypervisor banner and to the guest's
    first line (includes QEMU's own start-up).
The figures go to $BUILD/bench/hyp-boot.json as well.

usage: scripts/hyp-boot-time.py [RUNS]   (after `make all`)
"""
import json
import os
import re
import statistics
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
from harness import Ctx, boot_baremetal  # noqa: E402

CONFIG = "test-two-vms"


def one_run(ctx, i):
    q = boot_baremetal(ctx, CONFIG, ["hello", "hello"], serials=["ser1"], name=f"boot-{i}")
    t0 = time.monotonic()
    with q:
        u0 = q.con("uart0")
        u0.expect(r"bulkhead: hypervisor", timeout=30)
        banner = time.monotonic() - t0
        m = u0.expect(r"vm0 hello.*entered at (\d+) us\r?\n", timeout=30)
        guest = time.monotonic() - t0
    return banner, guest, int(m.group(1)) / 1e6


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    ctx = Ctx("hyp-boot-time")
    res = [one_run(ctx, i) for i in range(runs)]
    fig = {
        "runs": runs,
        "first_instruction_ms": statistics.median(s for _, _, s in res) * 1000,
        "banner_wall_ms": statistics.median(b for b, _, _ in res) * 1000,
        "first_output_wall_ms": statistics.median(g for _, g, _ in res) * 1000,
        "per_run": [{"banner_s": b, "first_output_s": g, "first_instruction_s": s}
                    for b, g, s in res],
    }
    os.makedirs(ctx.out("bench"), exist_ok=True)
    with open(ctx.out("bench", "hyp-boot.json"), "w") as f:
        json.dump(fig, f, indent=1)
    print(f"runs={runs} first guest instruction at {fig['first_instruction_ms']:.1f} ms of "
          f"machine time (median); wall clock from spawning QEMU: banner median "
          f"{fig['banner_wall_ms']:.0f} ms, first guest output median "
          f"{fig['first_output_wall_ms']:.0f} ms ({ctx.out('bench', 'hyp-boot.json')})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
