"""Memory types at stage 2 (docs/hypervisor.md, "Memory types"; docs/protocol.md).

At boot the hypervisor asks the CPU's own translation (AT S12E1R, PAR_EL1.ATTR) what
an MMU-off access, Device-nGnRnE at stage 1 like the backend's uio maps, becomes
in a VM's private RAM and in a region it shares. Without FEAT_S2FWB (cortex-a53)
the stricter stage wins everywhere: Device. With FEAT_S2FWB (`-cpu max`) the
shared region is forced Normal Write-Back for every agent while private RAM keeps
stage 1's type. The remote-I/O exchange of configs/test-rio.c then runs on each.
"""

from harness import boot_baremetal, check

DEVICE_nGnRnE = 0x00
NORMAL_WB = 0xFF  # inner and outer Write-Back, read/write-allocate


def _attrs(u0):
    found = {}
    for what in ("its RAM", "a shared region"):
        m = u0.expect(rf"bulkhead: stage 2: vm rback: a Device access to {what} becomes "
                      r"attr 0x([0-9a-f]{2})", timeout=20)
        found[what] = int(m.group(1), 16)
    return found


def _check(ctx, cpu, headline, expected):
    """Boot configs/test-rio.c on @cpu: the boot log's @headline and attributes, then
    the remote-I/O exchange through the shared region."""
    with boot_baremetal(ctx, "test-rio", ["rio_backend", "rio_frontend"],
                        serials=["ser1"], cpu=cpu) as q:
        u0 = q.con("uart0")
        u0.expect(rf"bulkhead: stage 2: {headline}", timeout=20)
        a = _attrs(u0)
        check(a == expected, f"attrs {a}, expected {expected}")
        q.con("ser1").expect(r"rio_frontend: done errors=0", timeout=60)


def test_without_fwb_device_wins(ctx):
    _check(ctx, "cortex-a53", "no FEAT_S2FWB",
           {"its RAM": DEVICE_nGnRnE, "a shared region": DEVICE_nGnRnE})


def test_with_fwb_shared_regions_normal_write_back(ctx):
    _check(ctx, "max", "FEAT_S2FWB: shared regions Normal Write-Back",
           {"its RAM": DEVICE_nGnRnE, "a shared region": NORMAL_WB})
