"""CPU features shown to guests (ID registers trapped with HCR_EL2.TID3).

On CI's CPU (cortex-a53) and on QEMU's `-cpu max` (SVE, SME, MTE, pointer
authentication, VHE, ...) a guest reads no feature the hypervisor does not give
it, and an SVE instruction executed anyway is an UNDEF in the guest where the CPU
has no SVE, or stops only that VM with one log line where the hypervisor traps it.

Image: build/hyp/test-idregs/bulkhead.bin (configs/test-idregs.c) with
build/guest/baremetal/idregs.bin.
"""

import re

from harness import boot_baremetal, check

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
    with boot_baremetal(ctx, "test-idregs", ["idregs"], smp=1) as q:
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
