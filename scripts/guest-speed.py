#!/usr/bin/env python3
"""Is a guest slower under the hypervisor than on QEMU alone?

    scripts/guest-speed.py [native] [bulkhead]     # after `make all`

Boots the guest kernel and initramfs bare on QEMU (`-smp 2`, as
`make bench`'s native side) and the reference system, and times the same
guest-only work in each (busybox `time`, median of 3): `seq` into
/dev/null (user code and a few large writes), 50000 one-byte `dd` copies
(system calls), a shell loop (user code only).  Native prints one row per
job, Bulkhead one for frontend1 and one for the backend.  No I/O path is
involved: a difference here would be the cost of running under the
hypervisor (stage 2, trapped registers), which docs/performance.md rules
out as the cause of the console figures.
"""

import re
import statistics
import sys

sys.path.insert(0, __file__.rsplit("/scripts/", 1)[0] + "/tests/lib")

import consoles  # noqa: E402
from harness import Ctx  # noqa: E402

JOBS = [
    ("seq 1 100000 >/dev/null", "seq 1 100000 >/dev/null"),
    ("50000 one-byte dd copies", "dd if=/dev/zero of=/dev/null bs=1 count=50000 2>/dev/null"),
    ("shell loop, 20000 turns", "i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done"),
]
TIME_RX = re.compile(r"real\s+(?:(\d+)m\s*)?([\d.]+)s")


def timed(sh, cmd):
    m = TIME_RX.search(sh.run(f"time sh -c '{cmd}'", timeout=300))
    return int(m.group(1) or 0) * 60 + float(m.group(2))


def run(sh, where):
    for what, cmd in JOBS:
        t = [timed(sh, cmd) for _ in range(3)]
        print(f"{where:10s} {what:28s} {statistics.median(t):.3f} s  (runs {t})", flush=True)


def main():
    if any(a in ("-h", "--help") for a in sys.argv[1:]):
        print(__doc__.strip())
        return
    which = sys.argv[1:] or ["native", "bulkhead"]
    ctx = Ctx("guest-speed")
    if "native" in which:
        with consoles.boot_bare(ctx, name="guest-speed-native") as q:
            run(consoles.bare_shell(q), "native")
    if "bulkhead" in which:
        with consoles.boot_reference(ctx, name="guest-speed-bulkhead") as q:
            sh = consoles.vm_shells(q)
            run(sh["frontend1"], "frontend1")
            run(sh["backend"], "backend")


if __name__ == "__main__":
    main()
