#!/usr/bin/env python3
"""Boot time of the reference system and QEMU's host CPU while it idles.

  scripts/measure-boot.py [--runs 3] [--idle 30] [--config reference]

Boot time: from starting QEMU to the last of the three shell prompts
(backend on UART0, frontend1/2 on the pci-serial UARTs); median of --runs.
Idle: after the last boot, utime+stime of the QEMU process (/proc/PID/stat)
over --idle seconds with all three shells waiting at their prompts, as a
share of one host CPU.  Needs `make all` first.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
from harness import Qemu, Shell  # noqa: E402

CONSOLES = {"uart0": "backend", "serial1": "frontend1", "serial2": "frontend2"}


class Ctx:
    def __init__(self, logdir):
        self.root = ROOT
        self.build = os.path.join(ROOT, os.environ.get("BUILD", "build"))
        self.logdir = logdir


def loaders(ctx, config):
    out = []
    with open(os.path.join(ctx.build, "dt", config, "loaders")) as f:
        for line in f:
            addr, path = line.split(None, 1)
            out.append((path.strip(), int(addr, 16)))
    return out


def cpu_ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime, stime (fields 14, 15)


def boot(ctx, config):
    with open(os.path.join(ctx.build, "dt", config, "smp")) as f:
        smp = int(f.read())
    q = Qemu(ctx, kernel=f"build/hyp/{config}/bulkhead.bin", smp=smp, mem="1G",
             consoles=["uart0"], pci_serials=["serial1", "serial2"],
             loaders=loaders(ctx, config))
    t0 = time.monotonic()
    q.start()
    for label, vm in CONSOLES.items():
        Shell(q.con(label)).wait_prompt(rf"{vm}# ", timeout=180)
    return q, time.monotonic() - t0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--idle", type=float, default=30.0)
    ap.add_argument("--config", default="reference")
    args = ap.parse_args()
    ctx = Ctx(tempfile.mkdtemp(prefix="bh-measure-"))
    times = []
    for i in range(args.runs):
        q, secs = boot(ctx, args.config)
        times.append(secs)
        print(f"run {i + 1}: all three shells after {secs:.2f} s", flush=True)
        if i < args.runs - 1:
            q.stop()
    print(f"boot to all three shells: median {statistics.median(times):.2f} s "
          f"(runs: {', '.join(f'{t:.2f}' for t in times)})")
    try:
        time.sleep(2)  # let the prompts and the kernels' last timers settle
        hz = os.sysconf("SC_CLK_TCK")
        before, t0 = cpu_ticks(q.proc.pid), time.monotonic()
        time.sleep(args.idle)
        ticks, wall = cpu_ticks(q.proc.pid) - before, time.monotonic() - t0
        print(f"QEMU host CPU over {wall:.0f} s idle: {ticks / hz:.2f} s "
              f"= {100.0 * ticks / hz / wall:.1f}% of one CPU")
    finally:
        q.stop()


if __name__ == "__main__":
    main()
