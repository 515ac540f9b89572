#!/usr/bin/env python3
"""Remote-I/O figures for the issue-6 note, measured in one run:

  bulkhead   1 MiB frontend1 -> backend over hvc0 (reference config: virtio-mmio
             trapped by the hypervisor, served by bulkhead-dm in the backend,
             console output to a file there): MiB/s and frontend traps per MiB
  qemu       the same 1 MiB over QEMU's own virtconsole (virtio-serial-device,
             file chardev on the host) on the same kernel without the hypervisor

Each measurement sends the same random MiB REPEAT times and runs 3 times; the
median is printed.  Time is the frontend's own `time` of the writes to hvc0:
virtio_console returns only when the device has used the buffers, so it covers
the whole path.  Usage: scripts/bench-rio.py [RUNS]
(after `make all`).
"""

import os
import re
import statistics
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
sys.path.insert(0, os.path.join(ROOT, "tests", "system"))

from harness import Qemu, Shell  # noqa: E402
import test_rio_linux as rio  # noqa: E402

MiB = 1 << 20
# MiB per timed run (busybox `time` has 10 ms resolution; QEMU is fast)
REPEAT = 8
REPEAT_QEMU = 64


def send(n):
    return f"time sh -c 'for i in $(seq {n}); do cat /tmp/r; done >&3'"
TIME_RX = re.compile(r"real\s+(\d+)m\s*([\d.]+)s")


class Ctx:
    def __init__(self):
        self.root = ROOT
        self.build = os.path.join(ROOT, "build")
        self.logdir = os.path.join(self.build, "test-logs", "bench-rio")


def seconds(out):
    m = TIME_RX.search(out)
    if not m:
        raise RuntimeError(f"no `time` output in {out!r}")
    return int(m.group(1)) * 60 + float(m.group(2))


def bench_bulkhead(ctx, runs):
    rates, traps = [], []
    with rio.boot(ctx, name="bench-bulkhead") as q:
        be = rio.backend_shell(q)
        fe = rio.frontend_shells(q)["frontend1"]
        rio.kill_dm(be)
        rio.start_dm(be, ["frontend1"], "bench")
        rio.open_hvc(fe)
        fe.run(f"head -c {MiB} /dev/urandom >/tmp/r")
        for _ in range(runs):
            t0 = int(rio.stats(be)["console-frontend1"]["traps"])
            base = rio.out_size(be, "1")
            s = seconds(fe.run(send(REPEAT), timeout=300))
            rio.wait_out_size(be, "1", base + REPEAT * MiB, timeout=120)
            t1 = int(rio.stats(be)["console-frontend1"]["traps"])
            rates.append(REPEAT / s)
            traps.append((t1 - t0) / REPEAT)
        dm = be.run("bulkhead-dm --stats")
    return rates, traps, dm


def bench_qemu(ctx, runs):
    rates = []
    out = tempfile.NamedTemporaryFile(prefix="bh-vc-", delete=False).name
    extra = ["-global", "virtio-mmio.force-legacy=false", "-device", "virtio-serial-device",
             "-chardev", f"file,id=vcf,path={out}", "-device", "virtconsole,chardev=vcf"]
    try:
        with Qemu(ctx, kernel="build/guest/Image", initrd="build/guest/initramfs-shell.cpio.gz",
                  append="console=ttyAMA0 bulkhead.name=guest", smp=1, mem="512M",
                  extra=extra, name="bench-qemu") as q:
            q.con("uart0").expect(r"bulkhead: guest up", timeout=120)
            sh = Shell(q.con("uart0"))
            sh.wait_prompt("guest# ")
            sh.run("exec 3<>/dev/hvc0; stty raw -echo <&3")
            sh.run(f"head -c {MiB} /dev/urandom >/tmp/r")
            for i in range(runs):
                s = seconds(sh.run(send(REPEAT_QEMU), timeout=300))
                rates.append(REPEAT_QEMU / s)
            size = os.path.getsize(out)
            if size != runs * REPEAT_QEMU * MiB:
                raise RuntimeError(f"QEMU virtconsole wrote {size} bytes, want {runs * REPEAT_QEMU * MiB}")
    finally:
        os.unlink(out)
    return rates


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    ctx = Ctx()
    b_rates, b_traps, dm = bench_bulkhead(ctx, runs)
    q_rates = bench_qemu(ctx, runs)
    print(f"bulkhead hvc0 frontend1->backend: {statistics.median(b_rates):.2f} MiB/s "
          f"(runs {', '.join(f'{r:.2f}' for r in b_rates)}), "
          f"{statistics.median(b_traps):.0f} frontend traps/MiB "
          f"(runs {', '.join(f'{t:.0f}' for t in b_traps)})")
    print(f"qemu virtconsole guest->host:     {statistics.median(q_rates):.2f} MiB/s "
          f"(runs {', '.join(f'{r:.2f}' for r in q_rates)})")
    print(dm.strip())


if __name__ == "__main__":
    main()
