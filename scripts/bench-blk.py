#!/usr/bin/env python3
"""The frontends' disk, side by side with QEMU's own virtio-blk (`make bench`;
docs/performance.md, "Storage").

  scripts/bench-blk.py [RUNS] [--only bulkhead|native] [--seconds S]   (after `make all`;
                                           default 3 runs, or $BENCH_RUNS; 5 s a point)

Boots RUNS times each of
  bulkhead  the reference system (configs/reference.c) on a new host disk image:
            frontend1's /dev/vda is a remote-I/O virtio-blk served by bulkhead-dm in
            the backend from /data/frontend1.img (256 MiB, sparse, on the backend's
            ext4 on QEMU's virtio-blk-device on a raw sparse host file)
  native    the same kernel and initramfs without the hypervisor, one vCPU and
            128 MiB like a frontend, its /dev/vda QEMU's own virtio-blk-device on a
            raw sparse 256 MiB host file in the same host directory
and in each, with /data unmounted, runs bh-blkload (guest/tools/bh-blkload.c:
O_DIRECT, Linux native AIO) on the first REGION of /dev/vda: one untimed
sequential write over it (so that no point reads holes or allocates), then each
POINT for S seconds: 4 KiB random read and write at queue depth 1 and 32, 1 MiB
sequential read and write at queue depth 4, and fdatasync() after a 4 KiB write
(its latency).  On Bulkhead it also takes the hypervisor's counters of the
device (`bulkhead-dm --stats blk-frontend1`) around each point: traps, interrupts
and doorbells per request.  Prints a table of the medians with the ratios
Bulkhead/native; writes every run to $BUILD/bench/blk.json and draws the medians
to $BUILD/bench/blk.svg.
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
sys.path.insert(0, os.path.join(ROOT, "scripts"))

import benchplot  # noqa: E402
import consoles  # noqa: E402
from harness import Ctx, Qemu, Shell, check  # noqa: E402

REGION = "64m"
DISK_SIZE = 256 << 20  # a frontend's image (guest/rio/rc.local FRONTEND_DISK_SIZE)
DEV = "/dev/vda"
# key, bh-blkload arguments, what the table calls it, the figure compared
POINTS = [
    ("randread_qd1", "randread --bs 4k --qd 1", "4 KiB random read, QD 1", "iops"),
    ("randread_qd32", "randread --bs 4k --qd 32", "4 KiB random read, QD 32", "iops"),
    ("randwrite_qd1", "randwrite --bs 4k --qd 1", "4 KiB random write, QD 1", "iops"),
    ("randwrite_qd32", "randwrite --bs 4k --qd 32", "4 KiB random write, QD 32", "iops"),
    ("seqread", "read --bs 1m --qd 4", "1 MiB sequential read, QD 4", "mibs"),
    ("seqwrite", "write --bs 1m --qd 4", "1 MiB sequential write, QD 4", "mibs"),
    ("fsync", "fsync --bs 4k", "fdatasync after a 4 KiB write", "lat_median_us"),
]
UNITS = {"iops": "IOPS", "mibs": "MiB/s", "lat_median_us": "µs"}
LINE_RX = re.compile(r"^(\w+) bs=\d+ qd=\d+: (.*)$", re.MULTILINE)
STATS = ("traps", "frontend_irqs", "backend_irqs", "doorbells")


def blkload(sh, args, seconds):
    """bh-blkload @args on the disk for @seconds: its figures as a dict of floats."""
    out = sh.run(f"bh-blkload {args} --seconds {seconds} --size {REGION} {DEV}",
                 timeout=seconds + 120)
    m = LINE_RX.search(out)
    check(m, f"no figures from `bh-blkload {args}`:\n{out}")
    return {k: float(v) for k, v in (f.split("=") for f in m.group(2).split())}


def measure(sh, seconds, stats=None):
    """Every POINT on @sh's disk; with @stats (a function returning the device's
    counters) also the counters per request."""
    sh.run(f"umount /data 2>/dev/null; bh-blkload write --bs 1m --qd 4 --size {REGION} "
           f"--count {int(REGION[:-1])} {DEV}", timeout=600)
    r = {}
    for key, args, _, _ in POINTS:
        before = stats() if stats else None
        got = blkload(sh, args, seconds)
        for k in ("iops", "mibs", "lat_median_us", "lat_p99_us"):
            r[f"{key}_{k}"] = got[k]
        if stats:
            after = stats()
            for k in STATS:
                r[f"{key}_{k}_per_io"] = (after[k] - before[k]) / max(got["ios"], 1)
    return r


def bulkhead_run(ctx, i, seconds):
    with consoles.boot_reference(ctx, name=f"bench-blk-bulkhead-{i}") as q:
        sh = consoles.vm_shells(q)
        for vm in sh:
            consoles.ssh_ready(sh[vm], vm)
        be = sh["backend"]
        name = consoles.DISKS["frontend1"]
        return measure(sh["frontend1"], seconds,
                       lambda: {k: int(v) for k, v in consoles.stats(be, name).items()
                                if k in STATS})


def native_run(ctx, i, seconds):
    with tempfile.TemporaryDirectory(prefix="bh-blk-") as tmp:
        disk = os.path.join(tmp, "disk.img")
        with open(disk, "wb") as f:
            f.truncate(DISK_SIZE)
        blk = ["-global", "virtio-mmio.force-legacy=false",
               "-drive", f"file={disk},if=none,id=d0,format=raw",
               "-device", "virtio-blk-device,drive=d0"]
        with Qemu(ctx, kernel=ctx.out("guest", "Image"),
                  initrd=ctx.out("guest", "initramfs-shell.cpio.gz"),
                  append="console=ttyAMA0 bulkhead.name=guest", smp=1, mem="128M",
                  extra=blk, name=f"bench-blk-native-{i}") as q:
            q.con("uart0").expect(r"bulkhead: guest up", timeout=consoles.BOOT_TIMEOUT)
            sh = Shell(q.con("uart0"))
            sh.wait_prompt("guest# ", timeout=30)
            return measure(sh, seconds)


def medians(runs):
    return {side: {k: statistics.median(r[k] for r in rs) for k in rs[0]}
            for side, rs in runs.items() if rs}


def table(runs):
    med = medians(runs)
    b, n = med.get("bulkhead", {}), med.get("native", {})
    lines = ["| point | Bulkhead | native | ratio | target | traps/req | irqs/req |",
             "|---|---|---|---|---|---|---|"]
    for key, _, what, fig in POINTS:
        bv, nv = b.get(f"{key}_{fig}"), n.get(f"{key}_{fig}")
        unit = UNITS[fig]
        ratio = bv / nv if bv is not None and nv else None
        if fig == "lat_median_us":
            target = "≤ 2×" + ("" if ratio is None else (" ok" if ratio <= 2 else " MISSED"))
        else:
            target = "≥ 0.5×" + ("" if ratio is None else (" ok" if ratio >= 0.5 else " MISSED"))
        fmt = (lambda v: "-" if v is None else f"{v:.1f} {unit}")
        traps = b.get(f"{key}_traps_per_io")
        irqs = b.get(f"{key}_frontend_irqs_per_io")
        lines.append(f"| {what} | {fmt(bv)} | {fmt(nv)} | "
                     f"{'-' if ratio is None else f'{ratio:.2f}'} | {target} | "
                     f"{'-' if traps is None else f'{traps:.1f}'} | "
                     f"{'-' if irqs is None else f'{irqs:.2f}'} |")
    return "\n".join(lines)


def plot(runs, out_path):
    """The medians of every point, Bulkhead against native (SVG, log scale)."""
    med = medians(runs)
    b, n = med.get("bulkhead", {}), med.get("native", {})
    benchplot.clustered_bars(
        [(f"{what} ({UNITS[fig]})", b.get(f"{key}_{fig}"), n.get(f"{key}_{fig}"))
         for key, _, what, fig in POINTS],
        "Storage: Bulkhead vs QEMU native virtio-blk (median, log scale; fdatasync: lower "
        "is better)", out_path)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("runs", nargs="?", type=int, default=int(os.environ.get("BENCH_RUNS", 3)))
    ap.add_argument("--only", choices=("bulkhead", "native"))
    ap.add_argument("--seconds", type=int, default=5, help="length of each point")
    a = ap.parse_args()
    ctx = Ctx("bench-blk")
    runs = {"bulkhead": [], "native": []}
    sides = [(s, fn) for s, fn in (("bulkhead", bulkhead_run), ("native", native_run))
             if a.only in (None, s)]
    for i in range(a.runs):
        for side, fn in sides:
            r = fn(ctx, i, a.seconds)
            print(f"# run {i + 1} {side}: " + " ".join(
                f"{key}={r[f'{key}_{fig}']:.1f}" for key, _, _, fig in POINTS), flush=True)
            runs[side].append(r)
    out = ctx.out("bench")
    os.makedirs(out, exist_ok=True)
    load = os.getloadavg()
    with open(os.path.join(out, "blk.json"), "w") as f:
        json.dump({"runs": runs, "seconds": a.seconds, "region": REGION, "load": load,
                   "uptime": subprocess.run(["uptime"], capture_output=True,
                                            text=True).stdout.strip()}, f, indent=1)
    print(table(runs))
    plot(runs, os.path.join(out, "blk.svg"))
    print(f"(medians of {a.runs}, {a.seconds} s a point on the first {REGION} of {DEV}; "
          f"ratio Bulkhead/native; traps and frontend interrupts per request on Bulkhead; "
          f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f})")


if __name__ == "__main__":
    main()
