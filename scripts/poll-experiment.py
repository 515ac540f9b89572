#!/usr/bin/env python3
"""Compare device-model options in one boot of the reference system.

    scripts/poll-experiment.py [--load quiet|busy|both] [OPTIONS ...]   # after `make all`

Each OPTIONS is what follows `-transport uio,id=u,` for the consoles' model,
e.g. `poll=256` (the default window), `poll=1000`, `poll=0` (no polling).
The script boots the reference system once, stops the model /etc/rc.local
started and, for each OPTIONS in turn, starts a model with both consoles on
ptys and measures from frontend1, a `cat` in the backend reading its pty:

  text   `seq 1 3000 >/dev/hvc0`, cooked (lines/s)
  in     the backend writes the lines of `seq 1 30000` into the pty (a `cat`
         of them, as `make bench` does), frontend1 reads them from cooked
         hvc0 (lines/s)
  raw    4 MiB of random bytes written raw to hvc0 (MiB/s)
  echo   bh-echo in the backend against a `cat <&3 >&3` on hvc0 (median, p99)

with the model's `--stats` counters around each (per 1000 lines, per MiB, per
echo), the host CPU each of QEMU's threads used during `text` (% of one
host CPU; vCPU threads are "CPU N/TCG", reference config: backend CPU 0-1,
frontend1 CPU 2, frontend2 CPU 3) and the model's `--latency` breakdown at
the end.  Not a benchmark (one boot, no
native reference: that is `make bench`); a way to see what one option does,
as docs/performance.md quotes it.  Default: `poll=256 poll=0`.  With `--load
busy` the variants run while one more host core is kept busy, with `both`
first on the host as it is and then so (scripts/benchload.py).
"""

import os
import re
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
sys.path.insert(0, os.path.join(ROOT, "scripts"))

import consoles  # noqa: E402
import benchload  # noqa: E402
from harness import Ctx, host_thread_cpu_seconds  # noqa: E402

MIB = 1 << 20
RAW_MIB = 4
LINES = 3000
LINES_IN = 30000
ECHOES = 1000
PTY_RX = re.compile(r"(/dev/pts/\d+) \(label p1\)")


def seconds(out):
    m = re.search(r"real\s+(?:(\d+)m\s*)?([\d.]+)s", out)
    return max(int(m.group(1) or 0) * 60 + float(m.group(2)), 0.01)


def delta(a, b, keys, per):
    return " ".join(f"{k} {(int(b[k]) - int(a[k])) / per:.2f}" for k in keys)


KEYS = ("traps", "backend_irqs", "polled", "doorbells", "frontend_irqs", "dm_polls", "dm_poll_hits")


def start_model(be, opts, tag):
    be.run(f"(setsid bulkhead-dm -transport uio,id=u,{opts} "
           "-chardev pty,id=p1 -device virtio-console,chardev=p1,transport=u,name=console-frontend1 "
           "-chardev pty,id=p2 -device virtio-console,chardev=p2,transport=u,name=console-frontend2 "
           f">/tmp/dm-{tag}.log 2>&1 & echo $! >/tmp/dm-{tag}.pid); sleep 1")
    m = PTY_RX.search(be.run(f"cat /tmp/dm-{tag}.log"))
    if not m:
        sys.exit(f"model '{opts}' made no pty:\n" + be.run(f"cat /tmp/dm-{tag}.log"))
    return m.group(1)


def threads_busy(pid, before, seconds):
    """% of a host CPU each of @pid's threads used since @before."""
    now = host_thread_cpu_seconds(pid)
    return " ".join(f"{k} {100 * (v - before.get(k, 0)) / seconds:.0f}%"
                    for k, v in sorted(now.items()) if v - before.get(k, 0) >= 0.01)


def measure(q, be, fe, opts, tag):
    stats = lambda: consoles.stats(be, "console-frontend1")  # noqa: E731
    pty = start_model(be, opts, tag)
    be.run(f"exec 5<>{pty}; rm -f /tmp/out1; (cat <&5 >/tmp/out1 &)")
    time.sleep(0.5)
    fe.run("stty -raw -echo <&3")
    s0 = stats()
    th0, w0 = host_thread_cpu_seconds(q.proc.pid), time.monotonic()
    text = LINES / seconds(fe.run(f"time sh -c 'seq 1 {LINES} >&3'", timeout=300))
    busy = threads_busy(q.proc.pid, th0, time.monotonic() - w0)
    time.sleep(0.5)
    si = stats()
    be.run(f"seq 1 {LINES_IN} >/tmp/lines")
    fe.run(f"(read -r x; time head -n {LINES_IN - 1} >/dev/null) <&3 2>/tmp/tm & echo $! >/tmp/tm.pid")
    be.run("cat /tmp/lines >&5", timeout=120)
    lines_in = (LINES_IN - 1) / seconds(fe.run("wait $(cat /tmp/tm.pid); cat /tmp/tm", timeout=120))
    so = stats()
    fe.run("stty raw -echo <&3")
    s1 = stats()
    raw = RAW_MIB / seconds(fe.run(f"time sh -c 'for i in $(seq {RAW_MIB}); do cat /tmp/r >&3; done'",
                                   timeout=300))
    s2 = stats()
    be.run("kill $(pidof cat) 2>/dev/null; true")
    fe.run("(cat <&3 >&3 &); sleep 0.5")
    s3 = stats()
    echo = be.run(f"bh-echo -n {ECHOES} {pty}", timeout=120).strip().splitlines()[-1]
    s4 = stats()
    fe.run("kill $(pidof cat) 2>/dev/null; true")
    print(f"== -transport uio,id=u,{opts}")
    print(f"text  {text:.0f} lines/s; per 1000 lines: {delta(s0, si, KEYS, LINES / 1000)}")
    print(f"      host CPU meanwhile: {busy}")
    print(f"in    {lines_in:.0f} lines/s; per 1000 lines: {delta(si, so, KEYS, LINES_IN / 1000)}")
    print(f"raw   {raw:.2f} MiB/s; per MiB: {delta(s1, s2, KEYS, RAW_MIB)}")
    print(f"echo  {echo}; per echo: {delta(s3, s4, KEYS, ECHOES)}")
    print(be.run("bulkhead-dm --latency console-frontend1"), flush=True)
    be.run(f"kill $(cat /tmp/dm-{tag}.pid); sleep 0.5")


def main():
    if any(a in ("-h", "--help") for a in sys.argv[1:]):
        print(__doc__.strip())
        return
    args, load = sys.argv[1:], "quiet"
    if "--load" in args:
        i = args.index("--load")
        load, args = args[i + 1], args[:i] + args[i + 2:]
    variants = args or ["poll=256", "poll=0"]
    ctx = Ctx("poll-experiment")
    with consoles.boot_reference(ctx, name="poll-experiment") as q:
        sh = consoles.vm_shells(q)
        be, fe = sh["backend"], sh["frontend1"]
        fe.run(f"exec 3<>/dev/hvc0; stty -echo <&3; head -c {MIB} /dev/urandom >/tmp/r")
        consoles.kill_dm(be)
        n = 0
        for mode in benchload.modes(load):
            with benchload.HostLoad(mode) as hl:
                print(f"==== {mode}: {hl.uptime_start}", flush=True)
                for opts in variants:
                    measure(q, be, fe, opts, f"x{n}")
                    n += 1
            print(f"==== {mode} done: {hl.uptime_end}; busy core got "
                  f"{hl.info()['load_spinner_cpus']}", flush=True)
        consoles.no_trouble(q)


if __name__ == "__main__":
    main()
