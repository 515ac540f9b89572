#!/usr/bin/env python3
"""The remote-I/O gap, side by side (`make bench`; docs/performance.md).

  scripts/bench-rio.py [RUNS] [--only bulkhead|native] [--load quiet|busy|both]
                       [--plot-only] [--markdown]                  (after `make all`)

Boots RUNS times (default 3, or $BENCH_RUNS) each of
  bulkhead  the reference system (configs/reference.c): each frontend's
            /dev/hvc0 is virtio-mmio trapped by the hypervisor and served by
            bulkhead-dm in the backend, on ptys (the model rc.local starts),
            then in a second boot on files (a model of our own started before
            any traffic, test_rio_linux.start_dm)
  native    the same kernel and initramfs without the hypervisor, with QEMU's
            own virtio-serial-device: hvc0 on a host pty, hvc1 and hvc2 on host
            files, hvc3 on a pipe chardev (host -> guest: QEMU 7.2's file
            chardev has no input-path)
and measures in each boot: boot time, idle host CPU, cooked-mode lines/s both
ways, raw MiB/s both ways on pty and file, both ways on the pty at once
(each direction's rate while the other runs, against its own rate alone in
the same boot), two streams at once, the
frontend's traps and the backend's interrupts per MiB, the QEMU process's
CPU-seconds per MiB, and the keystroke echo round trip.  With --load both (the
default, or $BENCH_LOAD) each run boots each system once on the host as it is
and once while one more host core is kept busy (scripts/benchload.py).  Prints
a table of the medians, quiet and loaded side by side with how much of its
quiet ratio each loaded one kept, and writes every run to
$BUILD/bench/rio.json, plotted to rio.svg.  BUILD picks the platform (its
platform.env): BUILD=build/virt-gicv2 measures virt with a GICv2.

Times are taken where the data ends up: the guest's busybox `time` (10 ms
resolution) around a write to hvc0 (virtio_console returns when the device
has used the buffers) or around a read of everything but the first line/byte
(so the time does not include starting the writer).
"""

import argparse
import datetime
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import tty

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
sys.path.insert(0, os.path.join(ROOT, "scripts"))

import benchload  # noqa: E402
import consoles  # noqa: E402
from benchcommon import (HostPty, exit_status, fmt, git_commit, held_rows,  # noqa: E402
                         load_doc, modes_markdown, modes_plot, modes_table, save_doc,
                         skip_without_virtio, summarise)
from harness import (Ctx, TestFailure, check, host_cpu_seconds, host_vcpu_schedstat,  # noqa: E402
                     platform)

MiB = consoles.MIB
LINES = 3000                  # `seq 1 LINES` from the frontend
LINES_IN = 30000              # lines 1..LINES_IN into the frontend (3000: ~20 ms, 2 ticks of `time`)
MIB_BULKHEAD = 8              # MiB per timed raw transfer (10 ms `time` resolution)
MIB_NATIVE = 64
IDLE_SECONDS = 10
IDLE_SETTLE_SECONDS = 10      # the guests' boot tail after the last prompt is no idling
RTT_ROUNDS = 1000
BW_SECONDS = 10               # each timed stream of the both-ways figure
PROBE_RX = re.compile(r"(echo|timerlat): n=\d+ median_us=([\d.]+)")
TIME_RX = re.compile(r"real\s+(\d+)m\s*([\d.]+)s")
PTY_RX = re.compile(r"char device redirected to (/dev/pts/\d+) \(label (\S+)\)")

# key, what, unit, kind: "rate" (ratio Bulkhead/native), "cost" (Bulkhead/native),
# "time" (native/Bulkhead)
METRICS = [
    ("boot_s", "boot to all shells", "s", "time"),
    ("idle_cpu_pct", "idle host CPU, whole system", "% of a CPU", "cost"),
    ("text_g2h_lps", "text frontend->pty, cooked", "lines/s", "rate"),
    ("text_g2h_lost_pct", "  bytes lost on the way", "%", "count"),
    ("text_g2h_cores", "  host CPUs busy meanwhile (of 2)", "CPUs", "cost"),
    ("text_h2g_lps", "text pty->frontend, cooked", "lines/s", "rate"),
    ("pty_g2h_mibs", "raw frontend->pty", "MiB/s", "rate"),
    ("pty_g2h_lost_pct", "  bytes lost on the way", "%", "count"),
    ("pty_h2g_mibs", "raw pty->frontend", "MiB/s", "rate"),
    ("bw_up_alone_mibs", "raw frontend->pty, timed stream alone", "MiB/s", "rate"),
    ("bw_down_alone_mibs", "raw pty->frontend, timed stream alone", "MiB/s", "rate"),
    ("bw_up_mibs", "both ways at once: frontend->pty", "MiB/s", "rate"),
    ("bw_down_mibs", "both ways at once: pty->frontend", "MiB/s", "rate"),
    ("bw_up_share_pct", "  frontend->pty, of its rate alone", "%", "share"),
    ("bw_down_share_pct", "  pty->frontend, of its rate alone", "%", "share"),
    ("bw_ratio", "  frontend->pty over pty->frontend", "x", "share"),
    ("file_g2h_mibs", "raw frontend->file", "MiB/s", "rate"),
    ("file_g2h_run_cpus", "  vCPU threads running meanwhile", "CPUs", "cost"),
    ("file_g2h_wait_cpus", "  vCPU threads ready, waiting for a host CPU", "CPUs", "cost"),
    ("file_h2g_mibs", "raw file->frontend", "MiB/s", "rate"),
    ("both_mibs", "2 streams at once -> file, total", "MiB/s", "rate"),
    ("both_share1_pct", "  share of stream 1", "%", "share"),
    ("both_share2_pct", "  share of stream 2", "%", "share"),
    ("file_g2h_traps", "frontend traps, frontend->file", "/MiB", "count"),
    ("file_g2h_backend_irqs", "backend irqs, frontend->file", "/MiB", "count"),
    ("file_g2h_doorbells", "doorbells, frontend->file", "/MiB", "count"),
    ("file_g2h_frontend_irqs", "frontend irqs, frontend->file", "/MiB", "count"),
    ("file_h2g_traps", "frontend traps, file->frontend", "/MiB", "count"),
    ("file_h2g_backend_irqs", "backend irqs, file->frontend", "/MiB", "count"),
    ("file_h2g_doorbells", "doorbells, file->frontend", "/MiB", "count"),
    ("file_h2g_frontend_irqs", "frontend irqs, file->frontend", "/MiB", "count"),
    ("pty_g2h_cpu", "host CPU, raw frontend->pty", "CPU-s/MiB", "cost"),
    ("pty_h2g_cpu", "host CPU, raw pty->frontend", "CPU-s/MiB", "cost"),
    ("file_g2h_cpu", "host CPU, raw frontend->file", "CPU-s/MiB", "cost"),
    ("file_h2g_cpu", "host CPU, raw file->frontend", "CPU-s/MiB", "cost"),
    ("echo_rtt_us", "keystroke echo round trip, median", "us", "time"),
    ("timerlat_idle_us", "timer lateness, idle, median", "us", "time"),
    ("timerlat_busy_us", "timer lateness, other stream busy, median", "us", "time"),
]


def seconds(out):
    m = TIME_RX.search(out)
    if not m:
        raise TestFailure(f"no `time` output in {out!r}")
    return max(int(m.group(1)) * 60 + float(m.group(2)), 0.01)


def text_bytes(lines=LINES, eol=b"\n"):
    return sum(len(str(i)) + len(eol) for i in range(1, lines + 1))


def probe(out):
    """The median of a guest/tools probe's output line."""
    m = PROBE_RX.search(out)
    if not m:
        raise TestFailure(f"no probe result in {out!r}")
    return float(m.group(2))


def lost(got, want):
    return max(0.0, 100.0 * (want - got) / want)


def send_mib(n, fd):
    """Shell: write the 1 MiB /tmp/r n times to fd, timed."""
    return f"time sh -c 'for i in $(seq {n}); do cat /tmp/r; done >&{fd}'"


def timed_read(fd, nbytes=None, lines=None):
    """Shell: in the background, read the first byte/line of fd, then time the rest."""
    rest = f"head -n {lines - 1}" if lines else f"head -c {nbytes - 1}"
    first = "read -r x" if lines else "dd bs=1 count=1 2>/dev/null"
    return f"({first}; time {rest} >/dev/null) <&{fd} 2>/tmp/tm & echo $! >/tmp/tm.pid"


def timed_read_done(sh, timeout=120):
    return seconds(sh.run("wait $(cat /tmp/tm.pid); cat /tmp/tm", timeout=timeout))


class Cpu:
    """CPU-seconds (utime+stime) a process used since this object was made."""

    def __init__(self, pid):
        self.pid = pid
        self.t0 = host_cpu_seconds(pid)

    def seconds(self):
        return host_cpu_seconds(self.pid) - self.t0


class Busy:
    """Host CPUs some processes kept busy on average since this object was made."""

    def __init__(self, *pids):
        self.cpus0 = [Cpu(p) for p in pids]
        self.w0 = time.monotonic()

    def cpus(self):
        return sum(c.seconds() for c in self.cpus0) / (time.monotonic() - self.w0)


class Sched:
    """How QEMU's vCPU threads fared on the host since this object was made
    (/proc/PID/task/TID/schedstat): CPUs' worth running, and CPUs' worth ready
    but waiting for a host CPU (the other load on the host's cores)."""

    def __init__(self, pid):
        self.pid, self.s0, self.w0 = pid, host_vcpu_schedstat(pid), time.monotonic()

    def record(self, r, prefix):
        s1, dt = host_vcpu_schedstat(self.pid), time.monotonic() - self.w0
        r[f"{prefix}_run_cpus"] = (s1[0] - self.s0[0]) / dt / 1e9
        r[f"{prefix}_wait_cpus"] = (s1[1] - self.s0[1]) / dt / 1e9


def idle_cpu_pct(q):
    time.sleep(IDLE_SETTLE_SECONDS)
    cpu, t0 = Cpu(q.proc.pid), time.monotonic()
    time.sleep(IDLE_SECONDS)
    return 100.0 * cpu.seconds() / (time.monotonic() - t0)


def parallel(*fns):
    """Run fns in threads; return their results in order (re-raise a failure)."""
    res, errs = [None] * len(fns), []

    def go(i, fn):
        try:
            res[i] = fn()
        except BaseException as e:  # noqa: B902 - re-raised below
            errs.append(e)

    ts = [threading.Thread(target=go, args=(i, fn)) for i, fn in enumerate(fns)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    if errs:
        raise errs[0]
    return res


# ---------------------------------------------------------------- Bulkhead

def counters(be, dev):
    st = consoles.all_stats(be)[dev]
    return {k: int(st[k]) for k in ("traps", "backend_irqs", "doorbells", "frontend_irqs")}


def per_mib(r, prefix, before, after, mib):
    for k in before:
        r[f"{prefix}_{k}"] = (after[k] - before[k]) / mib


def bulkhead_run(ctx, i):
    r = {}
    dev, vm = consoles.DEVICES["frontend1"], "frontend1"
    with consoles.boot_reference(ctx, name=f"bench-bulkhead-{i}") as q:
        t0 = time.monotonic()
        sh = consoles.vm_shells(q)
        r["boot_s"] = time.monotonic() - t0
        be, fes = sh["backend"], {v: sh[v] for v in consoles.DEVICES}
        fe = fes[vm]
        r["idle_cpu_pct"] = idle_cpu_pct(q)
        pid = q.proc.pid

        # -- ptys: the model rc.local started; the backend holds each slave on fd 4+n
        ptys = {lab: p for p, lab in PTY_RX.findall(be.run("cat /run/bulkhead-dm.log"))}
        check(dev in ptys, f"no pty for {dev} in /run/bulkhead-dm.log")
        be.run(f"exec 5<>{ptys[dev]}; rm -f /tmp/out1; (cat <&5 >/tmp/out1 &); "
               f"head -c {MiB} /dev/urandom >/tmp/r")
        fe.run(f"exec 3<>/dev/hvc0; stty -echo <&3; head -c {MiB} /dev/urandom >/tmp/r")
        time.sleep(0.5)  # the model notices the pty's reader (200 ms poll)

        base, busy = consoles.out_size(be, "1"), Busy(pid)
        s = seconds(fe.run(f"time sh -c 'seq 1 {LINES} >&3'", timeout=300))
        r["text_g2h_cores"] = busy.cpus()
        consoles.wait_out_size(be, "1", base + text_bytes(eol=b"\r\n"))
        r["text_g2h_lps"] = LINES / s
        r["text_g2h_lost_pct"] = lost(consoles.out_size(be, "1") - base, text_bytes(eol=b"\r\n"))

        # the lines written as native writes them: formatted beforehand,
        # then in large writes (busybox cat), not one write per line
        be.run(f"seq 1 {LINES_IN} >/tmp/lines")
        fe.run(timed_read(3, lines=LINES_IN))
        be.run("cat /tmp/lines >&5", timeout=120)
        r["text_h2g_lps"] = (LINES_IN - 1) / timed_read_done(fe)

        fe.run("stty raw -echo <&3")
        base, cpu = consoles.out_size(be, "1"), Cpu(pid)
        s = seconds(fe.run(send_mib(MIB_BULKHEAD, 3), timeout=300))
        consoles.wait_out_size(be, "1", base + MIB_BULKHEAD * MiB, timeout=300)
        r["pty_g2h_mibs"], r["pty_g2h_cpu"] = MIB_BULKHEAD / s, cpu.seconds() / MIB_BULKHEAD
        r["pty_g2h_lost_pct"] = lost(consoles.out_size(be, "1") - base, MIB_BULKHEAD * MiB)

        fe.run(timed_read(3, nbytes=MIB_BULKHEAD * MiB))
        cpu = Cpu(pid)
        be.run(send_mib(MIB_BULKHEAD, 5), timeout=300)
        s = timed_read_done(fe, timeout=300)
        r["pty_h2g_mibs"], r["pty_h2g_cpu"] = MIB_BULKHEAD / s, cpu.seconds() / MIB_BULKHEAD

        # keystroke echo: a cat on the frontend's hvc0 sends back what bh-echo
        # (guest/tools) in the backend types into the pty
        be.run("kill $(pidof cat) 2>/dev/null; true")  # fd 5 stays: the pty stays connected
        both_ways(r, lambda up, down: bulkhead_both_ways(be, fe, ptys[dev], up, down))
        fe.run("(cat <&3 >&3 &); sleep 0.5")
        r["echo_rtt_us"] = probe(be.run(f"bh-echo -n {RTT_ROUNDS} {ptys[dev]}", timeout=120))
        r["timerlat_idle_us"] = probe(fes["frontend2"].run("bh-timerlat", timeout=120))
        consoles.no_trouble(q)

    # -- files: a second boot, whose model is replaced by one of our own serving
    # both (output /tmp/outN, input FIFO /tmp/inN) before any traffic, as the
    # tests do; a model restarted after traffic is no part of this benchmark
    with consoles.boot_reference(ctx, name=f"bench-bulkhead-{i}-files") as q:
        sh = consoles.vm_shells(q)
        be, fes = sh["backend"], {v: sh[v] for v in consoles.DEVICES}
        fe, pid = fes[vm], q.proc.pid
        consoles.kill_dm(be)
        consoles.start_dm(be, list(consoles.DEVICES), "bench", chardev="file")
        be.run(f"head -c {MiB} /dev/urandom >/tmp/r")
        for f in fes.values():
            consoles.open_hvc(f)
            f.run(f"head -c {MiB} /dev/urandom >/tmp/r")

        c0, base, cpu, sched = counters(be, dev), consoles.out_size(be, "1"), Cpu(pid), Sched(pid)
        s = seconds(fe.run(send_mib(MIB_BULKHEAD, 3), timeout=300))
        sched.record(r, "file_g2h")
        consoles.wait_out_size(be, "1", base + MIB_BULKHEAD * MiB, timeout=300)
        r["file_g2h_mibs"], r["file_g2h_cpu"] = MIB_BULKHEAD / s, cpu.seconds() / MIB_BULKHEAD
        per_mib(r, "file_g2h", c0, counters(be, dev), MIB_BULKHEAD)

        fe.run(timed_read(3, nbytes=MIB_BULKHEAD * MiB))
        c0, cpu = counters(be, dev), Cpu(pid)
        be.run(f"for i in $(seq {MIB_BULKHEAD}); do cat /tmp/r; done >/tmp/in1", timeout=300)
        s = timed_read_done(fe, timeout=300)
        r["file_h2g_mibs"], r["file_h2g_cpu"] = MIB_BULKHEAD / s, cpu.seconds() / MIB_BULKHEAD
        per_mib(r, "file_h2g", c0, counters(be, dev), MIB_BULKHEAD)

        base = {v: consoles.out_size(be, v[-1]) for v in fes}
        times = parallel(*(lambda f=f: seconds(f.run(send_mib(MIB_BULKHEAD, 3), timeout=300))
                           for f in fes.values()))
        for v in fes:
            consoles.wait_out_size(be, v[-1], base[v] + MIB_BULKHEAD * MiB, timeout=300)
        both(r, times, MIB_BULKHEAD)

        # frontend2's timer while frontend1 streams
        fe.run(send_mib(MIB_BULKHEAD, 3) + " >/dev/null 2>&1 & sleep 0.5")
        r["timerlat_busy_us"] = probe(fes["frontend2"].run("bh-timerlat", timeout=120))
        fe.run("wait", timeout=300)
        consoles.no_trouble(q)
    return r


def both_ways(r, run):
    """The both-ways figures from run(up, down) -> {"up"/"down": bytes moved in
    BW_SECONDS}: each direction alone, then both at once."""
    up = run(True, False)["up"] / BW_SECONDS / MiB
    down = run(False, True)["down"] / BW_SECONDS / MiB
    bw = {k: v / BW_SECONDS / MiB for k, v in run(True, True).items()}
    r["bw_up_alone_mibs"], r["bw_down_alone_mibs"] = up, down
    r["bw_up_mibs"], r["bw_down_mibs"] = bw["up"], bw["down"]
    r["bw_up_share_pct"] = 100.0 * bw["up"] / up
    r["bw_down_share_pct"] = 100.0 * bw["down"] / down
    r["bw_ratio"] = bw["up"] / bw["down"]


def bulkhead_both_ways(be, fe, pty, up, down):
    """bh-stream through the pty (test_dm_streams): what arrived, every byte checked."""
    out = {}
    for way, (sent, res) in consoles.stream_timed(be, fe, pty, BW_SECONDS, up, down).items():
        check(res["through"] == sent and not res["gaps"] and not res["duplicated"] and
              not res["foreign"], f"both ways, {way}: sent {sent}, checker says {res}")
        out[way] = res["through"]
    return out


def both(r, times, mib):
    """Two streams of mib MiB each, started together, took times: the total is
    what both moved until the slower one finished, the shares are of the rates."""
    rates = [mib / t for t in times]
    r["both_mibs"] = 2 * mib / max(times)
    r["both_share1_pct"] = 100.0 * rates[0] / sum(rates)
    r["both_share2_pct"] = 100.0 * rates[1] / sum(rates)


# ---------------------------------------------------------------- QEMU native

def native_both_ways(sh, pty, up, down):
    """Native's both ways: bh-stream gen in the guest into hvc0 (the host pty
    reader counts what arrives: QEMU drops what the pty does not take), the
    host writes random bytes into the pty, a `cat | wc -c` in the guest counts
    them."""
    out, stop = {}, threading.Event()

    def host_writer():
        block = os.urandom(65536)
        while not stop.is_set():
            pty.write(block)

    if down:
        sh.run("(cat <&3 | wc -c >/tmp/bw.n &); sleep 0.2")
    base = pty.got
    if up:
        sh.run(f"(bh-stream gen BWUP {consoles.STREAM_BIG} {BW_SECONDS} >&3 2>/dev/null &)")
    writer = threading.Thread(target=host_writer, daemon=True)
    if down:
        writer.start()
    time.sleep(BW_SECONDS)
    stop.set()
    if down:
        writer.join()
    if up:
        out["up"] = pty.wait_quiet() - base
    if down:
        time.sleep(1)
        sh.run("kill $(pidof cat); sleep 0.5")
        out["down"] = int(sh.run("cat /tmp/bw.n").strip().splitlines()[-1])
    return out


def native_run(ctx, i):
    r = {}
    tmp = tempfile.mkdtemp(prefix="bh-bench-")
    outs = [os.path.join(tmp, f"out{n}") for n in (1, 2)]
    pipe = os.path.join(tmp, "pipe")
    extra = ["-global", "virtio-mmio.force-legacy=false", "-device", "virtio-serial-device",
             "-chardev", "pty,id=vcp", "-device", "virtconsole,chardev=vcp"]
    for n in (0, 1):
        extra += ["-chardev", f"file,id=vcf{n + 1},path={outs[n]}",
                  "-device", f"virtconsole,chardev=vcf{n + 1}"]
    # QEMU 7.2's file chardev has no input-path: host -> guest goes through a
    # pipe chardev (FIFOs PATH.in and PATH.out, which QEMU opens read-write)
    for end in (".in", ".out"):
        os.mkfifo(pipe + end)
    extra += ["-chardev", f"pipe,id=vpipe,path={pipe}", "-device", "virtconsole,chardev=vpipe"]
    name = f"bench-native-{i}"
    rnd = os.urandom(MiB)
    pty = fifo = None
    try:
        with consoles.boot_bare(ctx, name=name, extra=extra) as q:
            t0 = time.monotonic()
            sh = consoles.bare_shell(q)
            r["boot_s"] = time.monotonic() - t0
            r["idle_cpu_pct"] = idle_cpu_pct(q)
            pid = q.proc.pid
            fifo = os.open(pipe + ".in", os.O_WRONLY)
            with open(os.path.join(ctx.logdir, f"{name}.log"), encoding="latin-1") as f:
                ptys = {lab: p for p, lab in PTY_RX.findall(f.read())}
            pty = HostPty(ptys["vcp"])
            sh.run("exec 3<>/dev/hvc0 4<>/dev/hvc1 5<>/dev/hvc2 6<>/dev/hvc3; stty -echo <&3; "
                   f"for f in 4 5 6; do stty raw -echo <&$f; done; head -c {MiB} /dev/urandom >/tmp/r")
            time.sleep(1.5)  # QEMU notices the pty's slave (1 s poll)

            # QEMU's virtconsole drops what the pty does not take at once (no
            # back-pressure to the guest, virtio-console.c): count what arrived
            # the pty's reader is a thread of ours: its CPU counts too
            base, want, busy = pty.got, text_bytes(eol=b"\r\n"), Busy(pid, os.getpid())
            s = seconds(sh.run(f"time sh -c 'seq 1 {LINES} >&3'", timeout=300))
            r["text_g2h_cores"] = busy.cpus()
            got = pty.wait_quiet() - base
            r["text_g2h_lps"], r["text_g2h_lost_pct"] = LINES * got / want / s, lost(got, want)

            sh.run(timed_read(3, lines=LINES_IN))
            pty.write(b"".join(b"%d\n" % n for n in range(1, LINES_IN + 1)))
            r["text_h2g_lps"] = (LINES_IN - 1) / timed_read_done(sh)

            sh.run("stty raw -echo <&3")
            base, cpu = pty.got, Cpu(pid)
            s = seconds(sh.run(send_mib(MIB_NATIVE, 3), timeout=300))
            got = pty.wait_quiet() - base
            r["pty_g2h_mibs"], r["pty_g2h_cpu"] = got / MiB / s, cpu.seconds() / MIB_NATIVE
            r["pty_g2h_lost_pct"] = lost(got, MIB_NATIVE * MiB)

            sh.run(timed_read(3, nbytes=MIB_NATIVE * MiB))
            cpu = Cpu(pid)
            for _ in range(MIB_NATIVE):
                pty.write(rnd)
            s = timed_read_done(sh, timeout=300)
            r["pty_h2g_mibs"], r["pty_h2g_cpu"] = MIB_NATIVE / s, cpu.seconds() / MIB_NATIVE

            both_ways(r, lambda up, down: native_both_ways(sh, pty, up, down))
            sh.run("(cat <&3 >&3 &); sleep 0.5")
            r["echo_rtt_us"] = pty.rtt_us(RTT_ROUNDS)
            sh.run("kill $(pidof cat)")
            r["timerlat_idle_us"] = probe(sh.run("bh-timerlat", timeout=120))

            cpu, sched = Cpu(pid), Sched(pid)
            s = seconds(sh.run(send_mib(MIB_NATIVE, 4), timeout=300))
            sched.record(r, "file_g2h")
            r["file_g2h_mibs"], r["file_g2h_cpu"] = MIB_NATIVE / s, cpu.seconds() / MIB_NATIVE
            check(os.path.getsize(outs[0]) == MIB_NATIVE * MiB,
                      f"{outs[0]}: {os.path.getsize(outs[0])} bytes")

            sh.run(timed_read(6, nbytes=MIB_NATIVE * MiB))
            cpu = Cpu(pid)
            for _ in range(MIB_NATIVE):
                os.write(fifo, rnd)
            s = timed_read_done(sh, timeout=300)
            r["file_h2g_mibs"], r["file_h2g_cpu"] = MIB_NATIVE / s, cpu.seconds() / MIB_NATIVE

            out = sh.run(f"({send_mib(MIB_NATIVE, 4)}) 2>/tmp/t1 & "
                         f"({send_mib(MIB_NATIVE, 5)}) 2>/tmp/t2 & wait; cat /tmp/t1; echo; cat /tmp/t2",
                         timeout=300)
            times = [max(int(m) * 60 + float(sec), 0.01) for m, sec in TIME_RX.findall(out)]
            check(len(times) == 2, f"two streams: {out!r}")
            both(r, times, MIB_NATIVE)

            sh.run(send_mib(MIB_NATIVE, 5) + " >/dev/null 2>&1 & sleep 0.5")
            r["timerlat_busy_us"] = probe(sh.run("bh-timerlat", timeout=120))
            sh.run("wait", timeout=300)
            consoles.no_trouble(q)
    finally:
        if pty:
            pty.close()
        if fifo is not None:
            os.close(fifo)
        for p in outs + [pipe + ".in", pipe + ".out"]:
            if os.path.exists(p):
                os.unlink(p)
        os.rmdir(tmp)
    return r



# ---------------------------------------------------------------- report

RATIO_NOTE = "ratio: Bulkhead/native; for times (boot, echo, timer) native/Bulkhead."


def markdown(doc):
    """The docs/performance.md table of a run (JSON), every figure as measured."""
    return "\n".join(
        [f"Commit {doc['commit'][:7]}{' (dirty tree)' if doc['dirty'] else ''}, {doc['date']}, "
         f"{doc['qemu']}, {doc['host_cpus']} host CPUs, platform {doc.get('platform', 'virt')}; "
         f"`uptime` {doc['uptime_start']} at the start, {doc['uptime_end']} at the end. "
         "Median of the runs, then each run:", ""] + modes_markdown(doc))


def plot(json_path, out_path):
    """Bulkhead vs native throughput, quiet and loaded, from the JSON (SVG)."""
    modes_plot(json_path, "bench-rio.py",
               "Remote I/O: Bulkhead vs QEMU native virtconsole (median, log scale)",
               out_path)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("runs", nargs="?", type=int, default=int(os.environ.get("BENCH_RUNS") or 3))
    ap.add_argument("--only", choices=("bulkhead", "native"))
    benchload.add_argument(ap)
    ap.add_argument("--plot-only", action="store_true", help="redraw the plot from the JSON")
    ap.add_argument("--markdown", action="store_true",
                    help="print the JSON's figures as the table of docs/performance.md")
    args = ap.parse_args()
    ctx = Ctx("bench-rio")
    outdir = os.path.join(ctx.build, "bench")
    json_path, svg_path = os.path.join(outdir, "rio.json"), os.path.join(outdir, "rio.svg")
    if args.plot_only:
        plot(json_path, svg_path)
        return 0
    if args.markdown:
        print(markdown(load_doc(json_path, "bench-rio.py")))
        return 0
    skip_without_virtio(ctx, "bench-rio.py")
    os.makedirs(outdir, exist_ok=True)
    commit, dirty = git_commit()
    modes = benchload.modes(args.load)
    doc = {"date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
           "commit": commit, "dirty": dirty, "host_cpus": os.cpu_count(),
           "platform": platform(ctx)["PLATFORM"],
           "qemu": subprocess.run([os.environ.get("QEMU", "qemu-system-aarch64"), "--version"],
                                  capture_output=True, text=True).stdout.split("\n")[0],
           "runs_wanted": args.runs, "loadavg_start": os.getloadavg(),
           "uptime_start": benchload.uptime(),
           "sizes": {"lines": LINES, "lines_in": LINES_IN, "mib_bulkhead": MIB_BULKHEAD, "mib_native": MIB_NATIVE,
                     "idle_s": IDLE_SECONDS, "idle_settle_s": IDLE_SETTLE_SECONDS, "echo_rounds": RTT_ROUNDS},
           "runs": {m: {"bulkhead": [], "native": []} for m in modes}, "errors": []}
    systems = [("bulkhead", bulkhead_run), ("native", native_run)]
    for i in range(args.runs):
        for mode in modes:
            for system, run in systems:
                if args.only and system != args.only:
                    continue
                t0 = time.monotonic()
                done = benchload.run_loaded(mode, lambda: run(ctx, f"{i + 1}-{mode}"),
                                            f"{system} run {i + 1} {mode}", doc["errors"])
                if done is None:
                    continue
                r, info = done
                r["loadavg"] = os.getloadavg()[0]
                r.update(info)
                doc["runs"][mode][system].append(r)
                print(f"{system} run {i + 1} {mode}: {time.monotonic() - t0:.0f} s, "
                      f"{r['uptime_end']}: " + ", ".join(
                          f"{k}={fmt(v)}" for k, v in r.items()
                          if isinstance(v, (int, float)) and k != "loadavg"), flush=True)
    doc["loadavg_end"] = os.getloadavg()
    doc["metrics"] = {m: summarise(METRICS, doc["runs"][m]) for m in modes}
    doc["held"] = held_rows(doc["metrics"])
    save_doc(doc, json_path)
    plot(json_path, svg_path)
    print()
    print(modes_table(doc["metrics"], RATIO_NOTE))
    n = ", ".join(f"{m} {len(doc['runs'][m]['bulkhead'])}+{len(doc['runs'][m]['native'])}"
                  for m in modes)
    print(f"runs (median): {n}; platform {doc['platform']}; `uptime` at start: "
          f"{doc['uptime_start']}; at end: {doc['uptime_end']}; {json_path}, {svg_path}")
    return exit_status(doc)


if __name__ == "__main__":
    sys.exit(main())
