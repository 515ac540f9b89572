#!/usr/bin/env python3
"""Boot time of the reference system and QEMU's host CPU while it idles.

  scripts/measure-boot.py [--runs 3] [--idle 30] [--window S] [--config reference]

Boot time: from starting QEMU to the last of the three shell prompts
(backend on UART0, frontend1/2 on the pci-serial UARTs); median of --runs.
Idle: after the last boot, utime+stime of the QEMU process (/proc/PID/stat)
over --idle seconds with all three shells waiting at their prompts, as a
share of one host CPU; with --window, also each S-second window of it, split
by QEMU thread (vCPU threads are "CPU N/TCG"), which shows when the guests'
boot tail ends.  Needs `make all` first.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
import consoles  # noqa: E402
from harness import Ctx, Shell, host_cpu_seconds, host_thread_cpu_seconds  # noqa: E402

def boot(ctx, config):
    q = consoles.boot_reference(ctx, config)
    t0 = time.monotonic()
    q.start()
    for vm in consoles.LABELS:
        Shell(q.con(consoles.LABELS[vm])).wait_prompt(rf"{vm}# ", timeout=180)
    return q, time.monotonic() - t0


def idle_windows(pid, seconds, window):
    """Sleep @seconds; with @window > 0 print each window's CPU per thread."""
    end = time.monotonic() + seconds
    while window > 0 and time.monotonic() + window <= end + 0.01:
        t0, w0 = host_thread_cpu_seconds(pid), time.monotonic()
        time.sleep(window)
        t1, w = host_thread_cpu_seconds(pid), time.monotonic() - w0
        use = {k: 100.0 * (v - t0.get(k, 0.0)) / w for k, v in t1.items()}
        print(f"  window of {w:.0f} s: {sum(use.values()):.1f}% ("
              + ", ".join(f"{k} {u:.1f}%" for k, u in sorted(use.items()) if u >= 0.05) + ")",
              flush=True)
    time.sleep(max(0.0, end - time.monotonic()))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--idle", type=float, default=30.0)
    ap.add_argument("--window", type=float, default=0.0,
                    help="also print each WINDOW seconds of the idle time, per thread")
    ap.add_argument("--config", default="reference")
    args = ap.parse_args()
    ctx = Ctx("measure-boot", tempfile.mkdtemp(prefix="bh-measure-"))
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
        before, t0 = host_cpu_seconds(q.proc.pid), time.monotonic()
        idle_windows(q.proc.pid, args.idle, args.window)
        cpu, wall = host_cpu_seconds(q.proc.pid) - before, time.monotonic() - t0
        print(f"QEMU host CPU over {wall:.0f} s idle: {cpu:.2f} s "
              f"= {100.0 * cpu / wall:.1f}% of one CPU")
    finally:
        q.stop()


if __name__ == "__main__":
    main()
