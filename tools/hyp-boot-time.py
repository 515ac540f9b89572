#!/usr/bin/env python3
"""Time from QEMU start to the first guest instruction.

Boots build/hyp/test-two-vms/bulkhead.bin with the hello guest (UART0 on
stdout) N times and reports medians of
  - the guest's own stamp: CNTVCT_EL0 read by its first instruction, i.e. the
    time since QEMU started the machine (virtual counter from 0, CNTVOFF 0);
  - wall time from spawning QEMU to the hypervisor banner and to the guest's
    first line (includes QEMU's own start-up).

usage: tools/hyp-boot-time.py [runs]
"""
import os
import re
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def one_run():
    args = ["qemu-system-aarch64", "-M", "virt,virtualization=on,gic-version=3",
            "-cpu", "cortex-a53", "-smp", "2", "-m", "1G", "-display", "none",
            "-monitor", "none", "-nic", "none", "-serial", "stdio",
            "-kernel", "build/hyp/test-two-vms/bulkhead.bin",
            "-device", "loader,file=build/guest/baremetal/hello.bin,addr=0x50000000,force-raw=on",
            "-device", "loader,file=build/guest/baremetal/hello.bin,addr=0x52000000,force-raw=on",
            "-device", "pci-serial,chardev=s1", "-chardev", "null,id=s1"]
    t0 = time.monotonic()
    p = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL)
    buf, banner, guest, stamp = b"", None, None, None
    try:
        while guest is None:
            chunk = os.read(p.stdout.fileno(), 4096)
            if not chunk:
                break
            buf += chunk
            now = time.monotonic() - t0
            if banner is None and b"bulkhead: hypervisor" in buf:
                banner = now
            m = re.search(rb"vm0 hello.*entered at (\d+) us\r?\n", buf)
            if m:
                guest, stamp = now, int(m.group(1)) / 1e6
    finally:
        p.kill()
        p.wait()
    return banner, guest, stamp


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    res = [one_run() for _ in range(runs)]
    banners = [b for b, _, _ in res if b is not None]
    guests = [g for _, g, _ in res if g is not None]
    stamps = [s for _, _, s in res if s is not None]
    if len(guests) != runs:
        print("guest output missing in some runs", file=sys.stderr)
        return 1
    print(f"runs={runs} first guest instruction at {statistics.median(stamps) * 1000:.1f} ms "
          f"of machine time (median); wall clock from spawning QEMU: banner median {statistics.median(banners) * 1000:.0f} ms, "
          f"first guest output median {statistics.median(guests) * 1000:.0f} ms "
          f"(min {min(guests) * 1000:.0f}, max {max(guests) * 1000:.0f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
