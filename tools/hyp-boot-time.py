#!/usr/bin/env python3
"""Time from QEMU start to the hypervisor banner and to the first guest output.

Boots build/hyp/test-two-vms/bulkhead.bin with the hello guest (UART0 on
stdout), takes the wall time at which "bulkhead: hypervisor" and "vm0 hello"
(the guest prints it right after clearing its .bss, i.e. within a few hundred
instructions of its entry) arrive, and prints the median of N runs.

usage: tools/hyp-boot-time.py [runs]
"""
import os
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
    buf, banner, guest = b"", None, None
    try:
        while guest is None:
            chunk = os.read(p.stdout.fileno(), 4096)
            if not chunk:
                break
            buf += chunk
            now = time.monotonic() - t0
            if banner is None and b"bulkhead: hypervisor" in buf:
                banner = now
            if b"vm0 hello" in buf:
                guest = now
    finally:
        p.kill()
        p.wait()
    return banner, guest


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    res = [one_run() for _ in range(runs)]
    banners = [b for b, _ in res if b is not None]
    guests = [g for _, g in res if g is not None]
    if len(guests) != runs:
        print("guest output missing in some runs", file=sys.stderr)
        return 1
    print(f"runs={runs} banner median {statistics.median(banners) * 1000:.0f} ms, "
          f"first guest output median {statistics.median(guests) * 1000:.0f} ms "
          f"(min {min(guests) * 1000:.0f}, max {max(guests) * 1000:.0f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
