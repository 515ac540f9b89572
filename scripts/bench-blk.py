#!/usr/bin/env python3
"""The frontends' disk, side by side with QEMU's own virtio-blk (`make bench`;
docs/performance.md, "Storage").

  scripts/bench-blk.py [RUNS] [--only bulkhead|native] [--seconds S]
                       [--load quiet|busy|both]   (after `make all`; default 3 runs,
                                                   or $BENCH_RUNS; 5 s a point)

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
and doorbells per request, and after the points the backend's own path to the
image (bh-blkload --buffered on /data/frontend1.img in the backend, the model idle).
On both sides, per point, how QEMU's vCPU threads fared on the host
(/proc/PID/task/TID/schedstat): CPUs' worth run, CPUs' worth ready but waiting
for a host CPU, and the mean wait per wake-up.  Prints a table of the medians
with the ratios Bulkhead/native and one of where the time goes; writes every
run to $BUILD/bench/blk.json and draws the medians to $BUILD/bench/blk.svg.
With --load both (the default, or $BENCH_LOAD) each run boots each system once
on the host as it is and once while one more host core is kept busy
(scripts/benchload.py): both tables per mode, then each point's ratio quiet and
loaded and how much of the former the latter kept.
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
sys.path.insert(0, os.path.join(ROOT, "scripts"))

import benchload  # noqa: E402
from benchcommon import skip_without_virtio  # noqa: E402
import benchplot  # noqa: E402
import consoles  # noqa: E402
from harness import Ctx, Qemu, Shell, check, host_vcpu_schedstat, platform  # noqa: E402

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
MIB = consoles.MIB
TIME_RX = re.compile(r"real\s+(\d+)m\s*([\d.]+)s")
LINE_RX = re.compile(r"^(\w+) bs=\d+ qd=\d+: (.*)$", re.MULTILINE)
STATS = ("traps", "frontend_irqs", "backend_irqs", "doorbells")
# The backend's own path to the image, the model idle (what one of its workers does per
# request, buffered as the model's cache=writeback): key, bh-blkload arguments
BACKEND_POINTS = [
    ("be_randread", "randread --bs 4k"),
    ("be_randwrite", "randwrite --bs 4k"),
    ("be_seqread", "read --bs 256k"),   # the model moves a request in 256 KiB chunks
    ("be_seqwrite", "write --bs 256k"),
    ("be_fsync", "fsync --bs 4k"),
]


def blkload(sh, args, seconds):
    """bh-blkload @args on the disk for @seconds: its figures as a dict of floats."""
    out = sh.run(f"bh-blkload {args} --seconds {seconds} --size {REGION} {DEV}",
                 timeout=seconds + 120)
    m = LINE_RX.search(out)
    check(m, f"no figures from `bh-blkload {args}`:\n{out}")
    return {k: float(v) for k, v in (f.split("=") for f in m.group(2).split())}


def vcpu_sched(q):
    """QEMU's vCPU threads' [run ns, wait ns, timeslices], summed."""
    return host_vcpu_schedstat(q.proc.pid)


def measure(q, sh, seconds, stats=None):
    """Every POINT on @sh's disk; with @stats (a function returning the device's
    counters) also the counters per request.  Per point also how QEMU's vCPU threads
    fared on the host: CPUs' worth running, CPUs' worth ready but waiting for a host CPU
    (others' load), and the mean wait each time one became ready."""
    sh.run(f"umount /data 2>/dev/null; bh-blkload write --bs 1m --qd 4 --size {REGION} "
           f"--count {int(REGION[:-1])} {DEV}", timeout=600)
    r = {}
    for key, args, _, _ in POINTS:
        before = stats() if stats else None
        s0, t0 = vcpu_sched(q), time.monotonic()
        got = blkload(sh, args, seconds)
        s1, dt = vcpu_sched(q), time.monotonic() - t0
        for k in ("iops", "mibs", "lat_median_us", "lat_p99_us"):
            r[f"{key}_{k}"] = got[k]
        r[f"{key}_host_run_cpus"] = (s1[0] - s0[0]) / dt / 1e9
        r[f"{key}_host_wait_cpus"] = (s1[1] - s0[1]) / dt / 1e9
        r[f"{key}_host_wait_us"] = (s1[1] - s0[1]) / max(s1[2] - s0[2], 1) / 1e3
        if stats:
            after = stats()
            for k in STATS:
                r[f"{key}_{k}_per_io"] = (after[k] - before[k]) / max(got["ios"], 1)
            for k in ("model_loop", "model_worker"):  # ticks are 10 ms
                r[f"{key}_{k}_us_per_io"] = ((after[f"{k}_ticks"] - before[f"{k}_ticks"]) *
                                             1e4 / max(got["ios"], 1))
    return r


def model_ticks(be, pid):
    """CPU ticks (USER_HZ, 100 a second on arm64) the blk model's loop thread (its
    pid) and its I/O worker threads (the others) have used in the backend."""
    out = be.run(f"for t in /proc/{pid}/task/*; do echo ${{t##*/}} $(cut -d' ' -f14,15 "
                 f"$t/stat); done")
    r = {"model_loop_ticks": 0, "model_worker_ticks": 0}
    for line in out.split("\n"):
        w = line.split()
        if len(w) == 3:
            r["model_loop_ticks" if int(w[0]) == pid else "model_worker_ticks"] += \
                int(w[1]) + int(w[2])
    return r


def copy_mibs(sh, mib, times=4):
    """How fast the VM's kernel copies from its page cache to user space: busybox dd
    of a @mib MiB tmpfs file to /dev/null @times over, timed by `time`: what a copy
    costs under TCG."""
    sh.run(f"head -c {mib * MIB} /dev/zero >/tmp/copy", timeout=300)
    out = sh.run(f"time sh -c 'for i in $(seq {times}); do dd if=/tmp/copy of=/dev/null "
                 f"bs=1M 2>/dev/null; done' 2>&1; rm -f /tmp/copy", timeout=300)
    m = TIME_RX.search(out)
    check(m, f"no `time` output: {out!r}")
    return mib * times / max(int(m.group(1)) * 60 + float(m.group(2)), 0.01)


def backend_path(be, seconds):
    """BACKEND_POINTS in the backend on frontend1's image, buffered, the model idle."""
    r = {}
    for key, args in BACKEND_POINTS:
        out = be.run(f"bh-blkload --buffered {args} --seconds {seconds} --size {REGION} "
                     f"/data/frontend1.img", timeout=seconds + 120)
        m = LINE_RX.search(out)
        check(m, f"no figures from the backend's `bh-blkload {args}`:\n{out}")
        got = {k: float(v) for k, v in (f.split("=") for f in m.group(2).split())}
        for k in ("iops", "mibs", "lat_median_us"):
            r[f"{key}_{k}"] = got[k]
    return r


def bulkhead_run(ctx, i, seconds):
    with consoles.boot_reference(ctx, name=f"bench-blk-bulkhead-{i}") as q:
        sh = consoles.vm_shells(q)
        for vm in sh:
            consoles.ssh_ready(sh[vm], vm)
        be = sh["backend"]
        name = consoles.DISKS["frontend1"]
        pid = int(be.run("cat /run/bulkhead-dm-blk.pid"))

        def stats():
            st = {k: int(v) for k, v in consoles.stats(be, name).items() if k in STATS}
            st.update(model_ticks(be, pid))
            return st

        r = measure(q, sh["frontend1"], seconds, stats)
        r.update(backend_path(be, seconds))
        r["be_copy_mibs"] = copy_mibs(be, 16)
        r["fe_copy_mibs"] = copy_mibs(sh["frontend1"], 16)
        return r


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
            return measure(q, sh, seconds)


def medians(runs):
    return {side: {k: statistics.median(r[k] for r in rs) for k in rs[0]
                   if isinstance(rs[0][k], (int, float))}
            for side, rs in runs.items() if rs}


def point_ratios(runs):
    """{point key: (Bulkhead, native, ratio)} of the medians; for fdatasync's latency
    the ratio is native/Bulkhead, so that for every point more is better."""
    med = medians(runs)
    b, n = med.get("bulkhead", {}), med.get("native", {})
    out = {}
    for key, _, _, fig in POINTS:
        bv, nv = b.get(f"{key}_{fig}"), n.get(f"{key}_{fig}")
        r = None
        if bv and nv:
            r = nv / bv if fig == "lat_median_us" else bv / nv
        out[key] = (bv, nv, r)
    return out


def held_table(by_mode):
    """Each point's ratio quiet and loaded (more is better: fdatasync's is
    native/Bulkhead here), and how much of the quiet one the loaded one kept."""
    q, b = point_ratios(by_mode["quiet"]), point_ratios(by_mode["busy"])
    lines = ["| point | ratio quiet | ratio, one host core busy | held (≥ 0.7) |",
             "|---|---|---|---|"]
    held = {}
    for key, _, what, fig in POINTS:
        h = held[key] = benchload.held(q[key][2], b[key][2])
        inv = " (native/Bulkhead)" if fig == "lat_median_us" else ""
        lines.append(f"| {what}{inv} | {fmt(q[key][2], '.2f')} | {fmt(b[key][2], '.2f')} | "
                     f"{fmt(h, '.2f')} {benchload.verdict(h)} |")
    return "\n".join(lines), held


def fmt(v, spec=".1f", unit=""):
    return "-" if v is None else f"{v:{spec}}{unit}"


def table(runs):
    """The figures: medians, ratios and the targets."""
    med = medians(runs)
    b, n = med.get("bulkhead", {}), med.get("native", {})
    lines = ["| point | Bulkhead | native | ratio | target |", "|---|---|---|---|---|"]
    for key, _, what, fig in POINTS:
        bv, nv = b.get(f"{key}_{fig}"), n.get(f"{key}_{fig}")
        ratio = bv / nv if bv is not None and nv else None
        if fig == "lat_median_us":
            target = "≤ 2×" + ("" if ratio is None else (" ok" if ratio <= 2 else " missed"))
        else:
            target = "≥ 0.5×" + ("" if ratio is None else (" ok" if ratio >= 0.5 else " missed"))
        lines.append(f"| {what} | {fmt(bv, unit=' ' + UNITS[fig])} | "
                     f"{fmt(nv, unit=' ' + UNITS[fig])} | {fmt(ratio, '.2f')} | {target} |")
    return "\n".join(lines)


# point -> the backend's own figure that bounds it (BACKEND_POINTS), and its unit
BACKEND_OF = {"randread_qd1": ("be_randread", "iops"), "randread_qd32": ("be_randread", "iops"),
              "randwrite_qd1": ("be_randwrite", "iops"),
              "randwrite_qd32": ("be_randwrite", "iops"), "seqread": ("be_seqread", "mibs"),
              "seqwrite": ("be_seqwrite", "mibs"), "fsync": ("be_fsync", "lat_median_us")}


def where_table(runs):
    """Where the time goes: per request on Bulkhead, the host's scheduling of the vCPU
    threads on both sides, and the backend's own path to the image."""
    med = medians(runs)
    b, n = med.get("bulkhead", {}), med.get("native", {})
    lines = ["| point | traps/req | frontend irqs/req | model loop / workers, backend CPU µs/req | "
             "vCPUs run / wait (CPUs), Bulkhead | native | "
             "wait per wake-up µs, Bulkhead / native | backend's own path |",
             "|---|---|---|---|---|---|---|---|"]
    for key, _, what, _ in POINTS:
        be_key, be_fig = BACKEND_OF[key]
        lines.append(
            f"| {what} | {fmt(b.get(f'{key}_traps_per_io'))} | "
            f"{fmt(b.get(f'{key}_frontend_irqs_per_io'), '.2f')} | "
            f"{fmt(b.get(f'{key}_model_loop_us_per_io'), '.0f')} / "
            f"{fmt(b.get(f'{key}_model_worker_us_per_io'), '.0f')} | "
            f"{fmt(b.get(f'{key}_host_run_cpus'), '.2f')} / "
            f"{fmt(b.get(f'{key}_host_wait_cpus'), '.2f')} | "
            f"{fmt(n.get(f'{key}_host_run_cpus'), '.2f')} / "
            f"{fmt(n.get(f'{key}_host_wait_cpus'), '.2f')} | "
            f"{fmt(b.get(f'{key}_host_wait_us'), '.0f')} / "
            f"{fmt(n.get(f'{key}_host_wait_us'), '.0f')} | "
            f"{fmt(b.get(f'{be_key}_{be_fig}'), unit=' ' + UNITS[be_fig])} |")
    return "\n".join(lines)


def plot(by_mode, out_path):
    """The medians of every point, Bulkhead against native, quiet and loaded (SVG,
    log scale)."""
    rats = {m: point_ratios(runs) for m, runs in by_mode.items()}
    benchplot.modes_bars(
        [(f"{what} ({UNITS[fig]})", {m: rats[m][key][:2] for m in by_mode})
         for key, _, what, fig in POINTS], list(by_mode),
        "Storage: Bulkhead vs QEMU native virtio-blk (median, log scale; fdatasync: lower "
        "is better)", out_path)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("runs", nargs="?", type=int, default=int(os.environ.get("BENCH_RUNS") or 3))
    ap.add_argument("--only", choices=("bulkhead", "native"))
    ap.add_argument("--seconds", type=int, default=5, help="length of each point")
    benchload.add_argument(ap)
    a = ap.parse_args()
    ctx = Ctx("bench-blk")
    skip_without_virtio(ctx, "bench-blk.py")
    modes = benchload.modes(a.load)
    sides = [(s, fn) for s, fn in (("bulkhead", bulkhead_run), ("native", native_run))
             if a.only in (None, s)]
    uptime0 = benchload.uptime()
    by_mode = benchload.run_interleaved(
        a.runs, modes, sides, lambda fn, i, mode: fn(ctx, f"{i}-{mode}", a.seconds),
        lambda r: " ".join(f"{key}={r[f'{key}_{fig}']:.1f}" for key, _, _, fig in POINTS))
    out = ctx.out("bench")
    os.makedirs(out, exist_ok=True)
    load = os.getloadavg()
    doc = {"modes": by_mode, "seconds": a.seconds, "region": REGION, "load": load,
           "platform": platform(ctx)["PLATFORM"], "uptime_start": uptime0,
           "uptime": benchload.uptime()}
    for mode in modes:
        runs = by_mode[mode]
        print(f"{mode} ({benchload.loads_line(runs['bulkhead'] + runs['native'])}):")
        print(table(runs))
        print()
        print(where_table(runs))
        med = medians(runs).get("bulkhead", {})
        if med:
            print(f"kernel copy page cache -> user (dd of a tmpfs file): backend "
                  f"{med['be_copy_mibs']:.0f} MiB/s, frontend {med['fe_copy_mibs']:.0f} MiB/s")
        print()
    if len(modes) > 1:
        text, doc["held"] = held_table(by_mode)
        print(text)
    with open(os.path.join(out, "blk.json"), "w") as f:
        json.dump(doc, f, indent=1)
    plot(by_mode, os.path.join(out, "blk.svg"))
    print(f"(medians of {a.runs}, {a.seconds} s a point on the first {REGION} of {DEV}; "
          f"ratio Bulkhead/native; backend's own path: bh-blkload --buffered on the image "
          f"in the backend, the model idle; platform {doc['platform']}; `uptime` at start: "
          f"{uptime0}; at end: {doc['uptime']})")


if __name__ == "__main__":
    main()
