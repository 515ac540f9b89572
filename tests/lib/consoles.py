"""Helpers for the Linux system tests that drive frontend consoles served by
bulkhead-dm in the backend VM: booting a config of three Linux VMs and
waiting for their shells, the model's --stats, polling a condition in a
guest shell, and a 1 MiB transfer each way with sha256 compared.
"""

import os
import re
import time

from harness import Qemu, Shell, TestFailure

# console label -> VM name (QEMU puts the first pci-serial in slot 1: serial1)
CONSOLES = {"uart0": "backend", "serial1": "frontend1", "serial2": "frontend2"}
BOOT_TIMEOUT = 180

MIB = 1 << 20


def check(cond, msg):
    if not cond:
        raise TestFailure(msg)


def loaders(ctx, config="reference"):
    """(file, address) pairs from dtgen's build/dt/CONFIG/loaders."""
    with open(os.path.join(ctx.build, "dt", config, "loaders")) as f:
        return [(file.strip(), int(addr, 16)) for addr, file in (line.split(None, 1) for line in f)]


def smp(ctx, config="reference"):
    """The CPU count dtgen derived from the config (build/dt/CONFIG/smp)."""
    with open(os.path.join(ctx.build, "dt", config, "smp")) as f:
        return int(f.read())


def boot_reference(ctx, config="reference", name="qemu"):
    """QEMU running @config's hypervisor with the three consoles of the
    reference layout (UART0 and two pci-serial)."""
    return Qemu(ctx, kernel=f"build/hyp/{config}/bulkhead.bin", smp=smp(ctx, config), mem="1G",
                consoles=["uart0"], pci_serials=["serial1", "serial2"],
                loaders=loaders(ctx, config), name=name)


def vm_shells(q, timeout=BOOT_TIMEOUT):
    """Wait for all three shells; return {vm name: Shell}."""
    out = {}
    for label, vm in CONSOLES.items():
        q.con(label).expect(rf"bulkhead: {vm} up in", timeout=timeout)
        sh = Shell(q.con(label))
        sh.wait_prompt(rf"{vm}# ", timeout=30)
        out[vm] = sh
    return out


def stats(be, name):
    """The `bulkhead-dm --stats NAME` line of @name as a dict of strings."""
    for line in be.run(f"bulkhead-dm --stats {name}").split("\n"):
        m = re.match(r"(\S+) \((uio\d+)\): (.*)", line.strip())
        if m and m.group(1) == name:
            return {k: v for k, v in (f.split("=", 1) for f in m.group(3).split())}
    raise TestFailure(f"no --stats line for {name}")


def background(sh, cmds):
    """Start the shell commands @cmds in the background of @sh, detached from
    its console (their output must go to files)."""
    sh.run(f"(({cmds}) >/dev/null 2>&1 & true)")


def wait_for(sh, cond_cmd, timeout=120):
    """Poll the shell command @cond_cmd in @sh until it succeeds."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if "yes" in sh.run(f"{cond_cmd} && echo yes; true"):
            return
        time.sleep(0.3)
    raise TestFailure(f"timeout: {cond_cmd}")


def mib_each_way(be, fe, pty, name):
    """1 MiB frontend->backend and backend->frontend through @pty (backend)
    and fd 3 on /dev/hvc0 (frontend, raw), sha256 compared; return the two
    durations in seconds.  @name is the device's uio name, for --stats."""
    fe.run(f"head -c {MIB} /dev/urandom > /tmp/x")
    be.run(f"head -c {MIB} /dev/urandom > /tmp/y")
    s0 = stats(be, name)
    be.run(f"((head -c {MIB} {pty} > /tmp/x; touch /tmp/x.done) >/dev/null 2>&1 & true); sleep 0.5")
    t0 = time.monotonic()
    fe.run("cat /tmp/x >&3", timeout=300)
    wait_for(be, "[ -e /tmp/x.done ]", 300)
    up = time.monotonic() - t0
    s1 = stats(be, name)
    fe.run(f"((head -c {MIB} <&3 > /tmp/y; touch /tmp/y.done) >/dev/null 2>&1 & true); sleep 0.5")
    t0 = time.monotonic()
    be.run(f"cat /tmp/y > {pty}", timeout=300)
    wait_for(fe, "[ -e /tmp/y.done ]", 300)
    down = time.monotonic() - t0
    s2 = stats(be, name)
    for f in ("x", "y"):
        a = fe.run(f"sha256sum /tmp/{f}").split()[0]
        b = be.run(f"sha256sum /tmp/{f}").split()[0]
        check(a == b, f"/tmp/{f} differs: frontend {a} backend {b}")

    def d(a, b, k):
        return int(b[k]) - int(a[k])
    print(f"# frontend->backend 1 MiB: {up:.2f} s ({1 / up:.2f} MiB/s incl. shell round trips), "
          f"{d(s0, s1, 'traps')} traps, {d(s0, s1, 'doorbells')} doorbells, "
          f"{d(s0, s1, 'frontend_irqs')} frontend irqs")
    print(f"# backend->frontend 1 MiB: {down:.2f} s ({1 / down:.2f} MiB/s), "
          f"{d(s1, s2, 'traps')} traps, {d(s1, s2, 'doorbells')} doorbells, "
          f"{d(s1, s2, 'frontend_irqs')} frontend irqs")
    return up, down
