"""The loaded mode of `make bench` (docs/performance.md, "Quiet and loaded"):
the same comparison, Bulkhead against QEMU's own device, once on the host as
it is ("quiet") and once while one more host core is kept busy ("busy"), the
load started and stopped by the benchmark itself around each system's boot,
the same for both systems.

Used by scripts/bench-rio.py, bench-net.py, bench-blk.py and bench-streams.py:

    ap = argparse.ArgumentParser(); benchload.add_argument(ap)
    for i in range(runs):
        for mode in benchload.modes(args.load):
            for system, fn in systems:
                with benchload.HostLoad(mode) as load:
                    r = fn(...)
                r.update(load.info())

`--load quiet|busy|both` (default $BENCH_LOAD, else both): both interleaves
the modes run by run, so that a quiet and a loaded run of one system are never
further apart than one run of the other; compare ratios within one run only.
"""

import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "tests", "lib"))
from harness import TestFailure, host_cpu_seconds  # noqa: E402

MODES = ("quiet", "busy")
CHOICES = ("quiet", "busy", "both")
# What "busy" means: one host core's worth of plain computation at normal
# priority, the kind of neighbour a shared host has (a compiler, another
# VM).  The spinner exits by itself when its parent is gone (a benchmark
# killed by a signal leaves no core burning; the parent's pid is given, not
# read at the spinner's start, which may come after the parent's death) and
# after MAX_SECONDS at most.
MAX_SECONDS = 3600
SPIN = ("import os, time\n"
        "parent, end = {parent}, time.monotonic() + {max}\n"
        "while os.getppid() == parent and time.monotonic() < end:\n"
        "    for _ in range(100000):\n"
        "        pass\n")
# A loaded ratio counts as held when it keeps this much of its quiet ratio
# (issue 20 part 3).
HELD_TARGET = 0.7


def add_argument(ap):
    """Add --load to an argparse parser."""
    ap.add_argument("--load", choices=CHOICES, default=os.environ.get("BENCH_LOAD") or "both",
                    help="quiet: the host as it is; busy: with one host core kept busy by "
                         "the benchmark; both (default, or $BENCH_LOAD): each run in each")


def modes(choice):
    """The modes of a --load choice, in the order they are run."""
    return MODES if choice == "both" else (choice,)


def uptime():
    """`uptime` as the host prints it (load averages of the shared machine)."""
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


class HostLoad:
    """The host load of one mode for the duration of a `with` block: nothing
    for "quiet", one spinning process for "busy" (stopped on leaving)."""

    def __init__(self, mode):
        if mode not in MODES:
            raise ValueError(f"load mode {mode!r}: not one of {MODES}")
        self.mode = mode
        self.proc = None
        self.cpu = None

    def __enter__(self):
        self.uptime_start, self.t0 = uptime(), time.monotonic()
        if self.mode == "busy":
            spin = SPIN.format(parent=os.getpid(), max=MAX_SECONDS)
            self.proc = subprocess.Popen([sys.executable, "-c", spin],
                                         stdin=subprocess.DEVNULL, start_new_session=True)
        return self

    def __exit__(self, *exc):
        wall = time.monotonic() - self.t0
        if self.proc:
            try:
                self.cpu = host_cpu_seconds(self.proc.pid) / max(wall, 1e-3)
            except OSError:
                self.cpu = None
            self.proc.kill()
            self.proc.wait()
            self.proc = None
        self.uptime_end = uptime()
        return False

    def info(self):
        """What a run records of its load: the mode, the share of a host CPU the
        spinner got (None when quiet) and `uptime` before and after."""
        return {"load_mode": self.mode, "load_spinner_cpus": self.cpu,
                "uptime_start": self.uptime_start, "uptime_end": self.uptime_end}


def run_loaded(mode, run, label, errors=None):
    """@run() under the host load of @mode (HostLoad): its dict of figures and the
    load's info(), or None for a run that failed (TestFailure) when @errors is a
    list: its message is appended there under @label and printed.  Without
    @errors the failure ends the benchmark."""
    try:
        with HostLoad(mode) as load:
            r = run()
    except TestFailure as e:
        if errors is None:
            raise
        errors.append(f"{label}: {e}")
        print(f"# {label} FAILED: {e}", flush=True)
        return None
    return r, load.info()


def run_interleaved(runs, modes, sides, run, show, errors=None):
    """Run each of @sides ((name, function) pairs) @runs times in every mode of
    @modes, interleaved run by run so that both systems meet the same host;
    @run(function, i, mode) makes one run's dict, @show(r) its figures for the
    progress line.  With @errors (a list) a run that fails (TestFailure) is left
    out, its message appended to @errors, and the others go on; without, the
    failure ends the benchmark.  Return {mode: {side: [run dict]}}."""
    by_mode = {m: {"bulkhead": [], "native": []} for m in modes}
    for i in range(runs):
        for mode in modes:
            for side, fn in sides:
                done = run_loaded(mode, lambda: run(fn, i, mode), f"{side} run {i + 1} {mode}",
                                  errors)
                if done is None:
                    continue
                r, info = done
                r.update(info)
                print(f"# run {i + 1} {mode} {side}: {show(r)} ({r['uptime_end']})", flush=True)
                by_mode[mode][side].append(r)
    return by_mode


def held(quiet_ratio, busy_ratio):
    """How much of its quiet ratio a loaded ratio kept (ratios where more is
    better: rates Bulkhead/native, times native/Bulkhead); None if either is
    missing."""
    if not quiet_ratio or busy_ratio is None:
        return None
    return busy_ratio / quiet_ratio


def verdict(h):
    """The target of issue 20 part 3 for a held share."""
    if h is None:
        return ""
    return "ok" if h >= HELD_TARGET else "missed"


def loads_line(runs):
    """One line saying the host load of a list of run dicts (their uptimes and
    the spinner's CPU share)."""
    spun = [r["load_spinner_cpus"] for r in runs if r.get("load_spinner_cpus") is not None]
    loads = [u.split("load average:")[-1].strip() for r in runs
             for u in (r.get("uptime_start"), r.get("uptime_end")) if u]
    s = f"load averages {'; '.join(loads)}" if loads else "no load recorded"
    if spun:
        s += f"; the busy core got {min(spun):.2f}–{max(spun):.2f} of a host CPU"
    return s
