"""CPU features shown to guests (ID registers trapped with HCR_EL2.TID3).

On CI's CPU (cortex-a53) and on QEMU's `-cpu max` (SVE, SME, MTE, pointer
authentication, VHE, ...) a guest reads no feature the hypervisor does not give
it, and an SVE instruction executed anyway is an UNDEF in the guest where the CPU
has no SVE, or stops only that VM with one log line where the hypervisor traps it.

Images: build/hyp/test-idregs/bulkhead.bin (configs/test-idregs.c) with
build/guest/baremetal/idregs.bin; the test-linux config for Linux on -cpu max.
"""

import re

from harness import Qemu, Shell, boot_baremetal, check, dt_loaders, dt_smp

HIDDEN = ("sve", "sme", "el2", "mte", "apa", "api", "vh")


def _features(u0):
    m = u0.expect(r"idregs: sve=(\d+) sme=(\d+) el2=(\d+) mte=(\d+) apa=(\d+) api=(\d+) "
                  r"vh=(\d+)\r?\n", timeout=20)
    shown = {k: int(v) for k, v in zip(HIDDEN, m.groups())}
    check(not any(shown.values()), f"hidden features shown to the guest: {m.group(0)}")
    m = re.search(r"zfr0=0x([0-9a-f]+) smfr0=0x([0-9a-f]+)", u0.output())
    check(m and m.group(1) == "0" and m.group(2) == "0",
          f"SVE/SME ID registers not zero: {m and m.group(0)}")
    u0.expect(r"idregs: trying sve", timeout=10)


def test_idregs_cortex_a53(ctx):
    """No SVE on the CPU: the guest's own UNDEF, as on bare hardware."""
    with boot_baremetal(ctx, "test-idregs", ["idregs"], smp=1, cpu="cortex-a53") as q:
        u0 = q.con("uart0")
        _features(u0)
        # EC 0 (unknown reason) in the guest's own vector: ESR bits [31:26] = 0
        m = u0.expect(r"bm: unexpected exception esr=0x([0-9a-f]+)", timeout=10)
        check(int(m.group(1), 16) >> 26 == 0, f"not an UNDEF: {m.group(0)}")
        check(q.wait_exit(timeout=20) == 0, "QEMU did not power off cleanly")
        check("stopped" not in u0.output(), u0.output())


def test_idregs_cpu_max(ctx):
    """-cpu max has SVE, which the hypervisor traps: hidden, and executing it stops the VM."""
    with boot_baremetal(ctx, "test-idregs", ["idregs"], smp=1, cpu="max") as q:
        u0 = q.con("uart0")
        _features(u0)
        u0.expect(r"bulkhead: vm idregs stopped: sve \(not offered\)", timeout=10)
        out = u0.output()
        check(out.count("stopped") == 1, f"not one log line:\n{out}")
        check("FAIL" not in out, out)


def test_linux_cpu_max(ctx):
    """Linux on -cpu max, reading every ID register through the trap at boot, comes
    up on 2 vCPUs with its basic features, lists none of the hidden ones and powers
    off. (The project's kernel is built without SVE, pointer authentication and MTE
    support, so it would not use them even if shown: the bare-metal tests above are
    the ones that see them hidden.)"""
    config = "test-linux"
    q = Qemu(ctx, kernel=ctx.out("hyp", config, "bulkhead.bin"), smp=dt_smp(ctx, config),
             mem="1G", cpu="max", consoles=["uart0"], loaders=dt_loaders(ctx, config))
    with q:
        con = q.con("uart0")
        con.expect(r"smp: Brought up 1 node, 2 CPUs", timeout=120)
        sh = Shell(con)
        sh.wait_prompt("guest# ", timeout=120)
        feats = sh.run("grep -m1 Features /proc/cpuinfo").split()
        check("fp" in feats and "asimd" in feats, f"basic features missing: {feats}")
        hidden = {"sve", "sve2", "sme", "paca", "pacg", "mte", "mte3"} & set(feats)
        check(not hidden, f"hidden features shown to Linux: {sorted(hidden)}")
        con.send_line("poweroff -f")
        check(q.wait_exit(timeout=60) == 0, "QEMU did not power off cleanly")
        check("stopped:" not in con.output(), con.output()[-2000:])
