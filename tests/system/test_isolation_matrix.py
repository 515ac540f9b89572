"""The cross-VM access matrix (docs/isolation.md).

tools/accessmatrix lists, per VM of a config, the first and last free word of
every range it must not reach and the words around its own windows
(build/matrix/CONFIG/targets; docs/isolation.md says why the ends suffice).  Bare metal (configs/test-matrix.c): the probe
guest in every role makes each of them, read and write; Linux (the reference
system): `devmem` makes a sample with every kind of target in every VM.  Each
attempt must stop the offender with exactly one log line naming it and the
address, and the VMs still running must go on answering.
"""

import copy
import os
import re
import struct

from consoles import LABELS, answers, boot_reference, ssh_ready, vm_shells
from harness import Qemu, TestFailure, check, dt_loaders, dt_smp, require_config

BM_CONFIG = "test-matrix"
LINUX_CONFIG = "reference"
# Bare metal, in the order they make their attempt in each boot: mplain (no
# UART) at once, then mfront and mback when told; the canary makes none.
BM_ORDER = ("mplain", "mfront", "mback")
BM_CONSOLE = {"mback": "ser1", "mfront": "ser2", "canary": "uart0"}
# struct probe_attempt (guest/baremetal/lib/bm_probe.h)
PROBE_MAGIC = 0x45424F52
PROBE_MODES = {"read": 1, "write": 2}
PROBE_VALUE = 0x0BADC0DE
STOP_LINE = (r"bulkhead: vm {vm} stopped: (.*?) esr=0x([0-9a-f]+) far=0x([0-9a-f]+) "
             r"ipa=0x([0-9a-f]+) pc=0x[0-9a-f]+\r?\n")



def targets(ctx, config):
    """{vm: [(kind, address, what)]}: the attempts tools/accessmatrix listed."""
    require_config(ctx, config)
    out = {}
    with open(ctx.out("matrix", config, "targets")) as f:
        for line in f:
            if line.startswith("try "):
                _, vm, kind, addr, what = line.rstrip("\n").split(" ", 4)
                out.setdefault(vm, []).append((kind, int(addr, 16), what))
    check(out, f"no attempts in build/matrix/{config}/targets")
    return out


def expect_stop(q, vm, addr, mmu_off):
    """The one log line that stops @vm for the access to @addr: its IPA, and
    as FAR the same address with the MMU off, else a VA in the same page."""
    m = q.con("uart0").expect(STOP_LINE.format(vm=vm), timeout=30)
    far, mask = int(m.group(3), 16), (1 << 64) - 1 if mmu_off else 0xFFF
    check(int(m.group(4), 16) == addr and far & mask == addr & mask,
          f"{vm}: expected ipa {addr:#x} (and far) in {m.group(0)!r}")
    check(int(m.group(2), 16) >> 26 == 0x24, f"{vm}: not a data abort: {m.group(0)!r}")


# ---------------------------------------------------------------- bare metal

def bm_plan(tgt):
    """Boots: [{vm: (mode, kind, address, what)}], every target of every prober
    read and written, one attempt per prober per boot."""
    per_vm = {vm: [(mode,) + t for t in tgt[vm] for mode in PROBE_MODES] for vm in BM_ORDER}
    boots = max(len(a) for a in per_vm.values())
    return [{vm: a[i] for vm, a in per_vm.items() if i < len(a)} for i in range(boots)]


def bm_loaders(ctx, plan):
    """dtgen's loader list with each VM's attempt file, written to the logs."""
    out = []
    adir = ctx.logdir
    os.makedirs(adir, exist_ok=True)
    for path, addr in dt_loaders(ctx, BM_CONFIG):
        name = os.path.basename(path)
        if name.endswith(".attempt"):
            vm = name[:-len(".attempt")]
            a = plan.get(vm)
            path = os.path.join(adir, name)
            with open(path, "wb") as f:
                f.write(struct.pack("<IIQ", PROBE_MAGIC, PROBE_MODES[a[0]], a[2]) if a
                        else bytes(16))
        out.append((path, addr))
    return out


def bm_alive(q, vms, plan):
    """Each VM answers on its console, naming the attempt it was given: it
    still runs, and it is the VM this boot's plan says."""
    for vm in vms:
        con = q.con(BM_CONSOLE[vm])
        n = con.output().count("probe alive")
        a = plan.get(vm)
        con.send(b"?")
        want = f"{a[0]} {a[2]:#x}" if a else "no attempt"
        # the whole line: the next stop line must not land in its middle
        con.expect(re.escape(f"probe alive {n}: {want}") + r"\r?\n", timeout=30)


def bm_boot(ctx, n, plan):
    """One boot: every prober in @plan makes its attempt, one after another;
    after each, every VM still running answers."""
    ctx = copy.copy(ctx)
    ctx.logdir = os.path.join(ctx.logdir, f"boot-{n}")
    with Qemu(ctx, kernel=ctx.out("hyp", BM_CONFIG, "bulkhead.bin"), smp=dt_smp(ctx, BM_CONFIG),
              consoles=["uart0"], pci_serials=["ser1", "ser2"],
              loaders=bm_loaders(ctx, plan)) as q:
        running = ["mback", "mfront", "canary"]
        if "mplain" not in plan:
            # its list is done: it powers off at once, and the others answer
            q.con("uart0").expect(r"bulkhead: vm mplain powered off\r?\n", timeout=30)
            bm_alive(q, running, plan)
        for vm in BM_ORDER:
            if vm not in plan:
                continue
            mode, kind, addr, what = plan[vm]
            if vm in BM_CONSOLE:
                running.remove(vm)
                q.con(BM_CONSOLE[vm]).send(b"!")
                q.con(BM_CONSOLE[vm]).expect(re.escape(f"probe: {mode} {addr:#x}"), timeout=30)
            try:
                expect_stop(q, vm, addr, mmu_off=True)
                bm_alive(q, running, plan)
            except TestFailure as e:
                said = q.con(BM_CONSOLE[vm]).output()[-200:] if vm in BM_CONSOLE else ""
                raise TestFailure(f"boot {n}: {vm} {mode} {addr:#x} ({kind}: {what}): {e}\n"
                                  f"{vm} said: {said!r}; logs in {ctx.logdir}") from None
        # the VMs still running power off; after the last one the hypervisor,
        # still whole, turns the machine off
        for vm in running:
            q.con(BM_CONSOLE[vm]).send(b"q")
        check(q.wait_exit(timeout=30) == 0, f"boot {n}: QEMU did not power off cleanly")
        log = q.con("uart0").output()
        check(log.count(" stopped: ") == len(plan), f"boot {n}: stop lines:\n{log}")
        for con in ("uart0", "ser1", "ser2"):
            check("LEAK" not in q.con(con).output(), f"boot {n}: {q.con(con).output()}")


def test_baremetal_access_matrix(ctx):
    """Every address tools/accessmatrix lists for the probe as backend, frontend and
    plain VM, read and written: each stops only the offender, with one line."""
    tgt = targets(ctx, BM_CONFIG)
    plan = bm_plan(tgt)
    for n, boot in enumerate(plan):
        bm_boot(ctx, n, boot)
    attempts = sum(len(b) for b in plan)
    kinds = sorted({t[0] for vm in BM_ORDER for t in tgt[vm]})
    per_vm = ", ".join(f"{vm} {2 * len(tgt[vm])}" for vm in BM_ORDER)
    print(f"matrix {BM_CONFIG}: 3 probing VMs x their targets x read/write = {attempts} attempts "
          f"({per_vm}) in {len(plan)} boots of 4 VMs (a canary beside them); kinds "
          f"{', '.join(kinds)}: each stopped only its VM, with one line", flush=True)


# ---------------------------------------------------------------- Linux

# In the order they make their attempt in each boot.
LINUX_ORDER = ("backend", "frontend1", "frontend2")
LINUX_CONSOLE = LABELS


def linux_sample(tgt, full):
    """{vm: [(mode, kind, address, what)]}: for every VM the first address of
    each kind of target it has (@full: every address), reads and writes taking
    turns."""
    out = {}
    for i, vm in enumerate(LINUX_ORDER):
        out[vm] = []
        for kind, addr, what in tgt[vm]:
            if full or kind not in (a[1] for a in out[vm]):
                mode = ("read", "write")[(len(out[vm]) + i) % 2]
                out[vm].append((mode, kind, addr, what))
    return out


def linux_boot(ctx, n, plan):
    """One boot of the reference system: every VM in @plan runs its `devmem`,
    one after another; after each stop the VMs still running answer."""
    ctx = copy.copy(ctx)
    ctx.logdir = os.path.join(ctx.logdir, f"boot-{n}")
    with boot_reference(ctx) as q:
        sh = vm_shells(q)
        for vm in LINUX_ORDER:
            ssh_ready(sh[vm], vm)  # each network settled before a VM may stop
        running = list(LINUX_ORDER)
        for vm in LINUX_ORDER:
            if vm not in plan:
                continue
            mode, kind, addr, what = plan[vm]
            running.remove(vm)
            value = f" {PROBE_VALUE:#x}" if mode == "write" else ""
            q.con(LINUX_CONSOLE[vm]).send_line(f"devmem {addr:#x} 32{value}")
            try:
                expect_stop(q, vm, addr, mmu_off=False)
                for other in running:
                    answers(sh[other], other)
            except TestFailure as e:
                said = q.con(LINUX_CONSOLE[vm]).output()[-300:]
                raise TestFailure(f"boot {n}: {vm} devmem {mode} {addr:#x} ({kind}: {what}): "
                                  f"{e}\n{vm} said: {said!r}; logs in {ctx.logdir}") from None
        if not running:
            # no VM left: the hypervisor, still whole, powers the machine off
            check(q.wait_exit(timeout=30) == 0, f"boot {n}: QEMU did not power off cleanly")
        log = q.con("uart0").output()
        check(log.count(" stopped: ") == len(plan), f"boot {n}: stop lines:\n{log[-3000:]}")


def test_linux_devmem_access_matrix(ctx):
    """`devmem` in each VM of the reference system, one address of every kind of
    target it has (BULKHEAD_MATRIX_FULL=1: every address): each stops only that
    VM, with one line; the rest answer."""
    full = os.environ.get("BULKHEAD_MATRIX_FULL") == "1"
    sample = linux_sample(targets(ctx, LINUX_CONFIG), full)
    boots = max(len(a) for a in sample.values())
    for n in range(boots):
        linux_boot(ctx, n, {vm: a[n] for vm, a in sample.items() if n < len(a)})
    per_vm = ", ".join(f"{vm} {len(a)} ({' '.join(t[1] for t in a)})" for vm, a in sample.items())
    print(f"matrix {LINUX_CONFIG} (Linux devmem): {sum(len(a) for a in sample.values())} "
          f"attempts of 3 VMs in {boots} boots: {per_vm}; each stopped only its VM", flush=True)
