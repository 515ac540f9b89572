#!/usr/bin/env python3
"""The loaded mode of `make bench` does what it says (scripts/benchload.py):

  - "busy" starts one process that burns host CPU for as long as the with
    block runs, and it is gone afterwards; "quiet" starts nothing;
  - a benchmark killed by a signal leaves no core burning: the spinner ends
    when its parent is gone;
  - every benchmark against QEMU native (bench-rio.py, bench-net.py,
    bench-blk.py, bench-streams.py) takes --load quiet|busy|both;
  - the report of bench-rio.py and bench-streams.py (scripts/benchcommon.py)
    sets quiet and loaded ratios side by side and says how much of its quiet
    ratio each loaded one kept, against the target;
  - their --markdown and --plot-only name the record they cannot use (missing,
    not JSON, or written before the modes) instead of failing in a traceback.
"""

import json
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))

import benchcommon  # noqa: E402
import benchload  # noqa: E402
from harness import host_cpu_seconds  # noqa: E402


def expect(what, cond, detail=""):
    if not cond:
        print(f"FAIL: {what}\n{detail}")
        sys.exit(1)
    print(f"ok: {what}")


def alive(pid):
    """True while @pid exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def wait_gone(pid, timeout=20):
    end = time.monotonic() + timeout
    while alive(pid) and time.monotonic() < end:
        time.sleep(0.1)
    return not alive(pid)


def check_busy_and_quiet():
    with benchload.HostLoad("busy") as load:
        pid = load.proc.pid
        cpu0 = host_cpu_seconds(pid)
        time.sleep(2)
        burnt = host_cpu_seconds(pid) - cpu0
        expect("busy: the spinner runs during the block", alive(pid))
    expect(f"busy: the spinner burnt CPU ({burnt:.2f} s in 2 s)", burnt > 0)
    expect("busy: the spinner is gone after the block", wait_gone(pid, timeout=5))
    info = load.info()
    expect("busy: the run records its mode, the spinner's share and uptime",
           info["load_mode"] == "busy" and info["load_spinner_cpus"] is not None and
           "load average" in info["uptime_start"] and "load average" in info["uptime_end"],
           info)
    with benchload.HostLoad("quiet") as load:
        expect("quiet: no process started", load.proc is None)
    expect("quiet: no spinner share recorded", load.info()["load_spinner_cpus"] is None)
    expect("both: quiet, then busy", benchload.modes("both") == ("quiet", "busy"))


CHILD = """
import sys, time
sys.path.insert(0, {scripts!r})
import benchload
with benchload.HostLoad("busy") as load:
    print(load.proc.pid, flush=True)
    time.sleep(600)
"""


def check_orphan_ends():
    child = subprocess.Popen([sys.executable, "-c",
                              CHILD.format(scripts=os.path.join(ROOT, "scripts"))],
                             stdout=subprocess.PIPE, text=True)
    spinner = int(child.stdout.readline())
    expect("a benchmark's spinner runs", alive(spinner))
    child.kill()
    child.wait()
    expect("the spinner of a benchmark killed by SIGKILL ends by itself", wait_gone(spinner),
           f"pid {spinner} still running")


BENCHMARKS = ("bench-rio.py", "bench-net.py", "bench-blk.py", "bench-streams.py", "bench-board.py")


def check_load_option():
    for name in BENCHMARKS:
        out = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", name), "--help"],
                             capture_output=True, text=True)
        expect(f"{name} takes --load quiet|busy|both",
               out.returncode == 0 and "--load {quiet,busy,both}" in out.stdout,
               out.stdout + out.stderr)


def check_report():
    rio = benchcommon.script_module("bench-rio.py")
    # made-up runs: quiet, Bulkhead does half of native; busy, a quarter (kept
    # half of its ratio: missed) for the rate, and the boot time ratio holds
    runs = {"quiet": {"bulkhead": [{"pty_g2h_mibs": 5.0, "boot_s": 2.0}],
                      "native": [{"pty_g2h_mibs": 10.0, "boot_s": 1.0}]},
            "busy": {"bulkhead": [{"pty_g2h_mibs": 2.0, "boot_s": 4.0}],
                     "native": [{"pty_g2h_mibs": 8.0, "boot_s": 1.6}]}}
    metrics = {m: benchcommon.summarise(rio.METRICS, runs[m]) for m in runs}
    held = {h["key"]: h for h in benchcommon.held_rows(metrics)}
    expect("a rate's held share is its loaded ratio over its quiet ratio (0.25/0.5)",
           abs(held["pty_g2h_mibs"]["held"] - 0.5) < 1e-9 and
           held["pty_g2h_mibs"]["target"] == "missed", held["pty_g2h_mibs"])
    expect("a time's held share uses native/Bulkhead (0.4/0.5) and meets 0.7",
           abs(held["boot_s"]["held"] - 0.8) < 1e-9 and held["boot_s"]["target"] == "ok",
           held["boot_s"])
    expect("costs and counts have no held share",
           "idle_cpu_pct" not in held and "pty_g2h_lost_pct" not in held)
    text = benchcommon.modes_table(metrics, rio.RATIO_NOTE)
    line = next(x for x in text.splitlines() if x.startswith("raw frontend->pty (MiB/s)"))
    expect("the table sets quiet and busy side by side with the held share",
           line.split()[-8:] == ["5", "10.0", "0.5", "2", "8", "0.25", "0.5", "missed"], text)
    doc = {"commit": "0" * 40, "dirty": False, "date": "d", "qemu": "q", "host_cpus": 2,
           "platform": "virt-gicv2", "uptime_start": "u0", "uptime_end": "u1", "runs": runs,
           "metrics": metrics, "held": benchcommon.held_rows(metrics)}
    md = rio.markdown(doc)
    expect("the markdown has a table per mode, the platform and a held table",
           "**quiet**" in md and "**busy**" in md and "platform virt-gicv2" in md and
           "| raw frontend→pty, timed stream alone" in md and "0.5 missed" in md, md)


def check_streams_report():
    streams = benchcommon.script_module("bench-streams.py")
    # made-up runs: guest->pty alone holds (0.5 quiet, 0.4 busy: 0.8), the two
    # consoles' total does not (0.5 quiet, 0.2 busy: 0.4); shares have no ratio
    def run(up, total):
        r = {"up_alone": up, "down_alone": 1.0, "up_both": 0.5, "down_both": 0.5,
             "two_rates": [total / 2, total / 2]}
        streams.derive(r)
        return [r]
    runs = {"quiet": {"bulkhead": run(1.0, 1.0), "native": run(2.0, 2.0)},
            "busy": {"bulkhead": run(0.4, 0.2), "native": run(1.0, 1.0)}}
    metrics = {m: benchcommon.summarise(streams.METRICS, runs[m]) for m in runs}
    held = {h["key"]: h for h in benchcommon.held_rows(metrics)}
    expect("streams: every rate has a held share, no share has one",
           set(held) == {k for k, _, _, kind in streams.METRICS if kind == "rate"}, held)
    expect("streams: guest->pty alone kept 0.4/0.5 of its ratio (ok), the two consoles' "
           "total 0.2/0.5 (missed)",
           abs(held["up_alone"]["held"] - 0.8) < 1e-9 and held["up_alone"]["target"] == "ok"
           and abs(held["two_total"]["held"] - 0.4) < 1e-9
           and held["two_total"]["target"] == "missed", held)
    text = benchcommon.modes_table(metrics, streams.RATIO_NOTE)
    line = next(x for x in text.splitlines() if x.startswith("two consoles -> ptys, total"))
    expect("streams: the table sets quiet and busy side by side with the held share",
           line.split()[-8:] == ["1", "2", "0.5", "0.2", "1", "0.2", "0.4", "missed"], text)
    doc = {"commit": "0" * 40, "dirty": False, "date": "d", "runs_wanted": 1, "seconds": 4,
           "load": "both", "uptime_start": "u0", "uptime_end": "u1", "runs": runs,
           "metrics": metrics, "held": benchcommon.held_rows(metrics)}
    md = streams.markdown(doc)
    expect("streams: the markdown has the command, a table per mode and a held table",
           "`scripts/bench-streams.py 1 --load both --seconds 4`" in md and "**quiet**" in md and
           "**busy**" in md and "| two consoles → ptys, total (MiB/s) | 0.2 | 1 | 0.2 |" in md
           and "| two consoles → ptys, total (MiB/s) | 0.5 | 0.2 | 0.4 missed |" in md, md)


def check_load_doc():
    with tempfile.TemporaryDirectory() as d:
        def load(name, text):
            path = os.path.join(d, name)
            if text is not None:
                with open(path, "w") as f:
                    f.write(text)
            try:
                return benchcommon.load_doc(path, "bench-streams.py")
            except SystemExit as e:
                return str(e)
        said = load("none.json", None)
        expect("no record: the message names the file and the script to run",
               "none.json" in said and "run scripts/bench-streams.py first" in said, said)
        said = load("torn.json", '{"metrics": {')
        expect("a torn record: the message says it is not JSON", "is not JSON" in said, said)
        said = load("old.json", json.dumps({"metrics": [{"key": "up_alone"}]}))
        expect("a record from before the modes: the message says so",
               "no \"metrics\" per mode" in said and "older bench-streams.py" in said, said)
        doc = {"metrics": {"quiet": [], "busy": []}}
        expect("a record per mode is returned as written",
               load("new.json", json.dumps(doc)) == doc)


def main():
    check_busy_and_quiet()
    check_orphan_ends()
    check_load_option()
    check_report()
    check_streams_report()
    check_load_doc()


if __name__ == "__main__":
    main()
