#!/usr/bin/env python3
"""Console streams at once against QEMU's own virtconsole (`make bench`;
docs/performance.md "Streams at once").

  scripts/bench-streams.py [RUNS] [--only bulkhead|native] [--seconds S]
                           [--load quiet|busy|both] [--plot-only] [--markdown]
                           (after `make all`)

Boots RUNS times (default 3, or $BENCH_RUNS) each of
  bulkhead  the reference system: frontend1's and frontend2's /dev/hvc0 served by
            the boot model in the backend, each on its pty
  native    the same kernel and initramfs without the hypervisor (-smp 2), QEMU's
            own virtio-serial-device with two virtconsoles (hvc0, hvc1) on host ptys
and measures, S seconds each (default 10):
  both ways   one console, raw: guest -> pty alone, pty -> guest alone, then both at
              once; each direction's rate while the other runs, its share of what both
              moved, of its own rate alone, and the ratio of the two.  Bulkhead:
              bh-stream gen/check at both ends (every byte checked, as
              test_dm_streams); native: bh-stream gen in the guest, the script's pty
              reader counts what arrived (QEMU drops what its pty does not take), the
              script writes into the pty and a `cat | wc -c` in the guest counts.
  two streams two consoles (Bulkhead: frontend1 and frontend2; native: hvc0 and hvc1
              of its one guest, a vCPU each) into their ptys at once: the total and
              each stream's share of it.
And, to say where the time goes (Bulkhead): per QEMU vCPU thread, CPUs' worth run
and ready-but-waiting on the host (/proc/PID/task/TID/schedstat), the device's
counters (`bulkhead-dm --stats`, frontend1's console) and the busiest tasks of the
guests (/proc/PID/stat), during the both-ways phase and during the two streams.
With --load both (the default, or $BENCH_LOAD) each run boots each system once on
the host as it is and once while one more host core is kept busy
(scripts/benchload.py).  Prints a table of the medians and ratios, quiet and
loaded side by side with how much of its quiet ratio each loaded rate kept,
writes every run and `uptime` to $BUILD/bench/streams.json and draws the rates,
quiet and loaded, to $BUILD/bench/streams.svg.
"""

import argparse
import datetime
import os
import re
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
sys.path.insert(0, os.path.join(ROOT, "scripts"))

import benchload  # noqa: E402
import consoles  # noqa: E402
from benchcommon import (HostPty, exit_status, fmt, git_commit, held_rows,  # noqa: E402
                         load_doc, modes_markdown, modes_plot, modes_table, save_doc,
                         skip_without_virtio, summarise)
from harness import Ctx, check, host_thread_schedstat  # noqa: E402

MiB = consoles.MIB
PTY_RX = re.compile(r"char device redirected to (/dev/pts/\d+) \(label (\S+)\)")
# QEMU vCPU thread -> what runs on it (configs/reference.c; native: its one guest)
BULKHEAD_CPUS = {"CPU 0/TCG": "backend", "CPU 1/TCG": "backend", "CPU 2/TCG": "frontend1",
                 "CPU 3/TCG": "frontend2"}
STATS = ("traps", "doorbells", "frontend_irqs", "backend_irqs", "dm_polls")

# key, what, unit, kind: "rate" (ratio Bulkhead/native), "share" (no ratio)
METRICS = [
    ("up_alone", "guest->pty alone", "MiB/s", "rate"),
    ("down_alone", "pty->guest alone", "MiB/s", "rate"),
    ("up_both", "both ways: guest->pty", "MiB/s", "rate"),
    ("down_both", "both ways: pty->guest", "MiB/s", "rate"),
    ("up_share", "  guest->pty, share of both", "%", "share"),
    ("down_share", "  pty->guest, share of both", "%", "share"),
    ("up_of_alone", "  guest->pty, of its rate alone", "%", "share"),
    ("down_of_alone", "  pty->guest, of its rate alone", "%", "share"),
    ("both_ratio", "  guest->pty over pty->guest", "x", "share"),
    ("two_total", "two consoles -> ptys, total", "MiB/s", "rate"),
    ("two_share1", "  share of console 1", "%", "share"),
    ("two_share2", "  share of console 2", "%", "share"),
]


def derive(r):
    """The shares and ratio from the four rates (and the two streams' rates)."""
    total = r["up_both"] + r["down_both"]
    r["up_share"] = 100.0 * r["up_both"] / total if total else None
    r["down_share"] = 100.0 * r["down_both"] / total if total else None
    r["up_of_alone"] = 100.0 * r["up_both"] / r["up_alone"] if r["up_alone"] else None
    r["down_of_alone"] = 100.0 * r["down_both"] / r["down_alone"] if r["down_alone"] else None
    r["both_ratio"] = r["up_both"] / r["down_both"] if r["down_both"] else None
    two = r.pop("two_rates")
    r["two_total"] = sum(two)
    r["two_share1"] = 100.0 * two[0] / sum(two) if sum(two) else None
    r["two_share2"] = 100.0 * two[1] / sum(two) if sum(two) else None


# ---------------------------------------------------------------- where the time goes

def sched(pid):
    return host_thread_schedstat(pid), time.monotonic()


def sched_delta(before, after, names):
    """{group: [CPUs run, CPUs waiting]} of the QEMU threads @names maps to a group."""
    (s0, t0), (s1, t1) = before, after
    out = {}
    for thread, group in names.items():
        a, b = s0.get(thread), s1.get(thread)
        if not a or not b:
            continue
        g = out.setdefault(group, [0.0, 0.0])
        g[0] += (b[0] - a[0]) / 1e9 / (t1 - t0)
        g[1] += (b[1] - a[1]) / 1e9 / (t1 - t0)
    return out


def guest_tasks(sh):
    """{task: CPU ticks} of every task in @sh's VM (bh-stream named by its mode,
    kworker/0:1-events as kworker), and its /proc/stat cpu line."""
    out = sh.run("cat /proc/[0-9]*/stat 2>/dev/null; echo; head -1 /proc/stat; "
                 "echo up $(cat /proc/uptime) $(grep -c ^processor /proc/cpuinfo); "
                 "for p in $(pidof bh-stream); do echo \"cmd $p $(tr '\\0' ' ' "
                 "</proc/$p/cmdline)\"; done", timeout=60)
    mode = {pid: f"bh-stream {m}" for pid, m in re.findall(r"^cmd (\d+) bh-stream (\w+)", out,
                                                            re.MULTILINE)}
    tasks = {}
    for m in re.finditer(r"^(\d+) \((.*?)\) \S+ (?:\S+ ){10}(\d+) (\d+)", out, re.MULTILINE):
        name = mode.get(m.group(1)) or re.sub(r"[/:]\d+.*$", "", m.group(2))
        tasks[name] = tasks.get(name, 0) + int(m.group(3)) + int(m.group(4))
    cpu = re.search(r"^cpu +(.*)$", out, re.MULTILINE)
    up = re.search(r"^up ([\d.]+) [\d.]+ (\d+)", out, re.MULTILINE)
    return (tasks, [int(v) for v in cpu.group(1).split()] if cpu else [],
            (float(up.group(1)), int(up.group(2))) if up else None)


def tasks_delta(before, after, top=6):
    """The busiest tasks between two guest_tasks() snapshots, in % of the VM's CPU
    time by its own clock (/proc/uptime times its CPUs), with its idle and interrupt
    time, and what its tick accounting missed: time a vCPU spent stopped in the
    hypervisor (a QueueNotify it waits on) or not running on the host counts no tick
    (docs/performance.md "Both directions at once")."""
    (t0, c0, u0), (t1, c1, u1) = before, after
    ticks = lambda c0, c1: sum(c1) - sum(c0)
    wall = (u1[0] - u0[0]) * 100 * u1[1] if u0 and u1 else max(ticks(c0, c1), 1)
    d = {k: v - t0.get(k, 0) for k, v in t1.items() if v - t0.get(k, 0) > 0}
    out = {k: round(100.0 * v / wall, 1) for k, v in sorted(d.items(), key=lambda kv: -kv[1])[:top]}
    if c0 and c1:
        # /proc/stat: user nice system idle iowait irq softirq
        out["(idle)"] = round(100.0 * (c1[3] - c0[3]) / wall, 1)
        out["(irq+softirq)"] = round(100.0 * sum(c1[i] - c0[i] for i in (5, 6)) / wall, 1)
        out["(no tick)"] = round(100.0 * (wall - ticks(c0, c1)) / wall, 1)
    return out


# ---------------------------------------------------------------- Bulkhead

def bulkhead_streams(be, fes, ptys, seconds, look):
    """Both frontends' hvc0 into their ptys at once, every byte checked; rates.
    @look(seconds) sleeps through the streams, looking at them."""
    for vm, fe in fes.items():
        be.run(f"stty -F {ptys[vm]} raw -echo; rm -f /tmp/two{vm[-1]}.*")
        fe.run("rm -f /tmp/two.*")
        consoles.background(be, f"bh-stream check TWO{vm[-1]} {consoles.STREAM_BIG} 10 <{ptys[vm]} "
                   f">/tmp/two{vm[-1]}.rx 2>&1; touch /tmp/two{vm[-1]}.rx.done")
    for vm, fe in fes.items():
        consoles.background(fe, f"bh-stream gen TWO{vm[-1]} {consoles.STREAM_BIG} {seconds} >&3 "
                   "2>/tmp/two.sent; touch /tmp/two.sent.done")
    look(seconds)
    rates = []
    for vm, fe in fes.items():
        consoles.wait_for(fe, "[ -e /tmp/two.sent.done ]", 300)
        consoles.wait_for(be, f"[ -e /tmp/two{vm[-1]}.rx.done ]", 300)
        sent = int(re.search(r"sent=(\d+)", fe.run("cat /tmp/two.sent")).group(1))
        res = consoles.stream_result(be.run(f"grep '^stream TWO' /tmp/two{vm[-1]}.rx"),
                                     f"TWO{vm[-1]}")
        checked(f"{vm} -> pty", sent, res)
        rates.append(sent / seconds / MiB)
    return rates


def checked(way, sent, res):
    check(sent > 0 and res["through"] == sent and not res["gaps"] and not res["duplicated"]
          and not res["foreign"], f"{way}: sent {sent}, checker says {res}")


def bulkhead_ways(be, fe, pty, seconds, up, down, during=None):
    out = {}
    for way, (sent, res) in consoles.stream_timed(be, fe, pty, seconds, up, down,
                                                  during=during).items():
        checked(way, sent, res)
        out[way] = sent / seconds / MiB
    return out


class Look:
    """Where the time goes while streams run: from 1 s after their start to 1 s
    before their deadline, the QEMU threads' schedstat, the device's counters and
    the guests' tasks."""

    def __init__(self, q, shells, dev):
        self.q, self.shells, self.dev = q, shells, dev
        self.r = {}

    def snap(self):
        return (consoles.stats(self.shells["backend"], self.dev), sched(self.q.proc.pid),
                {vm: guest_tasks(sh) for vm, sh in self.shells.items()})

    def __call__(self, seconds):
        t0 = time.monotonic()
        time.sleep(1)
        a = self.snap()
        time.sleep(max(seconds - 2 - (time.monotonic() - t0), 0))
        b = self.snap()
        time.sleep(max(seconds - (time.monotonic() - t0), 0))
        (st0, h0, g0), (st1, h1, g1) = a, b
        dt = h1[1] - h0[1]
        self.r = {
            "host_cpus": {k: [round(v, 3) for v in vals] for k, vals in
                          sched_delta(h0, h1, BULKHEAD_CPUS).items()},
            "stats_per_s": {k: round((int(st1[k]) - int(st0[k])) / dt, 1)
                            for k in STATS if k in st0 and k in st1},
            "guest_tasks_pct": {vm: tasks_delta(g0[vm], g1[vm]) for vm in g0}}


def bulkhead_run(ctx, i, seconds):
    r = {}
    with consoles.boot_reference(ctx, name=f"bench-streams-bulkhead-{i}") as q:
        sh = consoles.vm_shells(q)
        be, fes = sh["backend"], {vm: sh[vm] for vm in consoles.DEVICES}
        for f in fes.values():
            consoles.open_hvc(f)
        ptys = consoles.boot_ptys(be)
        fe, pty, dev = fes["frontend1"], ptys["frontend1"], consoles.DEVICES["frontend1"]
        r["up_alone"] = bulkhead_ways(be, fe, pty, seconds, True, False)["up"]
        r["down_alone"] = bulkhead_ways(be, fe, pty, seconds, False, True)["down"]
        look = Look(q, {"backend": be, "frontend1": fe}, dev)
        both = bulkhead_ways(be, fe, pty, seconds, True, True, during=look)
        r["up_both"], r["down_both"] = both["up"], both["down"]
        r["look_both"] = look.r
        look = Look(q, {"backend": be, **fes}, dev)
        r["two_rates"] = bulkhead_streams(be, fes, ptys, seconds, look)
        r["look_two"] = look.r
        consoles.no_trouble(q)
    derive(r)
    return r


# ---------------------------------------------------------------- QEMU native

def native_ways(sh, pty, seconds, up, down):
    """Guest -> pty: bh-stream gen into hvc0, what reached the host pty counted;
    pty -> guest: the script writes, a `cat | wc -c` in the guest counts."""
    out, stop = {}, threading.Event()

    def writer():
        block = os.urandom(65536)
        while not stop.is_set():
            pty.write(block, stop)

    if down:
        sh.run("(cat <&3 | wc -c >/tmp/bw.n &); sleep 0.2")
    base = pty.got
    if up:
        sh.run(f"(bh-stream gen BWUP {consoles.STREAM_BIG} {seconds} >&3 2>/dev/null &)")
    w = threading.Thread(target=writer, daemon=True)
    if down:
        w.start()
    time.sleep(seconds)
    stop.set()
    if down:
        w.join()
    if up:
        out["up"] = (pty.wait_quiet() - base) / seconds / MiB
    if down:
        time.sleep(1)
        sh.run("kill $(pidof cat); sleep 0.5")
        out["down"] = int(sh.run("cat /tmp/bw.n").strip().splitlines()[-1]) / seconds / MiB
    return out


def native_run(ctx, i, seconds):
    r = {}
    extra = ["-global", "virtio-mmio.force-legacy=false", "-device", "virtio-serial-device"]
    for n in (0, 1):
        extra += ["-chardev", f"pty,id=vcp{n}", "-device", f"virtconsole,chardev=vcp{n}"]
    name = f"bench-streams-native-{i}"
    ptys = []
    try:
        with consoles.boot_bare(ctx, name=name, extra=extra) as q:
            sh = consoles.bare_shell(q)
            with open(os.path.join(ctx.logdir, f"{name}.log"), encoding="latin-1") as f:
                paths = {lab: p for p, lab in PTY_RX.findall(f.read())}
            ptys = [HostPty(paths[f"vcp{n}"]) for n in (0, 1)]
            sh.run("exec 3<>/dev/hvc0 4<>/dev/hvc1; stty raw -echo <&3; stty raw -echo <&4")
            time.sleep(1.5)  # QEMU notices the pty's slave (1 s poll)
            r["up_alone"] = native_ways(sh, ptys[0], seconds, True, False)["up"]
            r["down_alone"] = native_ways(sh, ptys[0], seconds, False, True)["down"]
            both = native_ways(sh, ptys[0], seconds, True, True)
            r["up_both"], r["down_both"] = both["up"], both["down"]
            base = [p.got for p in ptys]
            for fd in (3, 4):
                sh.run(f"(bh-stream gen TWO{fd} {consoles.STREAM_BIG} {seconds} >&{fd} "
                       "2>/dev/null &)")
            time.sleep(seconds)
            r["two_rates"] = [(p.wait_quiet() - b) / seconds / MiB for p, b in zip(ptys, base)]
            consoles.no_trouble(q)
    finally:
        for p in ptys:
            p.close()
    derive(r)
    return r


# ---------------------------------------------------------------- report

RATIO_NOTE = "ratio: Bulkhead/native for rates; shares have none."


def markdown(doc):
    """The docs/performance.md tables of a run (JSON), every figure as measured."""
    return "\n".join(
        [f"Commit {doc['commit'][:7]}{' (dirty tree)' if doc['dirty'] else ''}, {doc['date']}, "
         f"`scripts/bench-streams.py {doc['runs_wanted']} --load {doc['load']} "
         f"--seconds {doc['seconds']}`; `uptime` at the start: {doc['uptime_start']}; "
         f"at the end: {doc['uptime_end']}. Median of the runs, then each run:", ""]
        + modes_markdown(doc))


def plot(json_path, out_path):
    modes_plot(json_path, "bench-streams.py",
               "Console streams at once: Bulkhead vs QEMU native virtconsole "
               "(median, log scale)", out_path)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("runs", nargs="?", type=int, default=int(os.environ.get("BENCH_RUNS") or 3))
    ap.add_argument("--only", choices=("bulkhead", "native"))
    ap.add_argument("--seconds", type=int, default=10, help="each timed stream (default 10)")
    benchload.add_argument(ap)
    ap.add_argument("--plot-only", action="store_true", help="redraw the plot from the JSON")
    ap.add_argument("--markdown", action="store_true",
                    help="print the JSON's figures as the tables of docs/performance.md")
    args = ap.parse_args()
    ctx = Ctx("bench-streams")
    outdir = os.path.join(ctx.build, "bench")
    json_path, svg_path = os.path.join(outdir, "streams.json"), os.path.join(outdir, "streams.svg")
    if args.plot_only:
        plot(json_path, svg_path)
        return 0
    if args.markdown:
        print(markdown(load_doc(json_path, "bench-streams.py")))
        return 0
    skip_without_virtio(ctx, "bench-streams.py")
    os.makedirs(outdir, exist_ok=True)
    commit, dirty = git_commit()
    modes = benchload.modes(args.load)
    doc = {"date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
           "commit": commit, "dirty": dirty, "host_cpus": os.cpu_count(),
           "runs_wanted": args.runs, "seconds": args.seconds, "load": args.load,
           "uptime_start": benchload.uptime(), "errors": []}
    sides = [(s, fn) for s, fn in (("bulkhead", bulkhead_run), ("native", native_run))
             if args.only in (None, s)]
    doc["runs"] = benchload.run_interleaved(
        args.runs, modes, sides, lambda fn, i, mode: fn(ctx, f"{i + 1}-{mode}", args.seconds),
        lambda r: " ".join(f"{k}={fmt(v)}" for k, v in r.items() if isinstance(v, float)),
        doc["errors"])
    doc["metrics"] = {m: summarise(METRICS, doc["runs"][m]) for m in modes}
    doc["held"] = held_rows(doc["metrics"])
    save_doc(doc, json_path)
    plot(json_path, svg_path)
    print()
    print(modes_table(doc["metrics"], RATIO_NOTE))
    for m in modes:
        runs = doc["runs"][m]
        print(f"{m}: {benchload.loads_line(runs['bulkhead'] + runs['native'])}")
    print(f"`uptime` at start: {doc['uptime_start']}; at end: {doc['uptime_end']}; "
          f"{json_path}, {svg_path}")
    return exit_status(doc)


if __name__ == "__main__":
    sys.exit(main())
