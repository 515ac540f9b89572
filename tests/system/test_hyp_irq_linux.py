"""The vGIC under a real guest: Linux with 2 vCPUs on Bulkhead.

GICv3: Linux's irq-gic-v3 driver probes the emulated GICD/GICR; GICv2
platforms: irq-gic probes the emulated GICD and the GICV frame as its GICC.
It brings up vCPU 1 with PSCI, takes virtual timer interrupts (PPI 27,
HW=1) on both vCPUs, IPIs (SGIs trapped from ICC_SGI1R_EL1, or GICD_SGIR on
GICv2) and the passed-through PL011's RX interrupt (the shell only answers
if RX interrupts arrive).

The guest's device tree and image placement come from
configs/test-irq-linux.c through tools/dtgen (build/dt/test-irq-linux/).
"""

import re
import time

from harness import Qemu, Shell, TestFailure, check, dt_loaders, dt_smp, gic_version

CONFIG = "test-irq-linux"


def irq_counts(text, name):
    """Per-CPU counts of the /proc/interrupts line whose text contains name."""
    for line in text.splitlines():
        if name in line:
            fields = line.split()
            return [int(x) for x in fields[1:3]]
    raise TestFailure(f"no '{name}' in /proc/interrupts:\n{text}")


def test_linux_two_vcpus_on_vgic(ctx):
    with Qemu(ctx, kernel=ctx.out("hyp", CONFIG, "bulkhead.bin"), smp=dt_smp(ctx, CONFIG),
              mem="1G", consoles=["uart0"], loaders=dt_loaders(ctx, CONFIG)) as q:
        u0 = q.con("uart0")
        if gic_version(ctx) == 3:
            u0.expect(r"GICv3: CPU1: found redistributor 1", timeout=60)
        u0.expect(r"bulkhead: lx up", timeout=60)
        sh = Shell(u0)
        sh.wait_prompt("lx# ")
        check(sh.run("grep -c ^processor /proc/cpuinfo").split() == ["2"],
              "vCPU 1 not online")
        first = sh.run("cat /proc/interrupts")
        time.sleep(1)
        # keep vCPU 1 busy a little so it takes ticks and IPIs
        sh.run("taskset 2 sh -c 'i=0; while [ $i -lt 200 ]; do i=$((i+1)); done'")
        second = sh.run("cat /proc/interrupts")
        t1, t2 = irq_counts(first, "arch_timer"), irq_counts(second, "arch_timer")
        check(all(n > 0 for n in t2), f"a vCPU got no timer interrupts:\n{second}")
        check(t2[0] > t1[0], f"vCPU 0 timer stalled:\n{first}\n{second}")
        ipis = irq_counts(second, "Rescheduling") + irq_counts(second, "Function call")
        check(sum(ipis) > 0, f"no IPIs (SGIs) delivered:\n{second}")
        uart = irq_counts(second, "pl011")
        check(sum(uart) > 0, f"no PL011 interrupts:\n{second}")
        # the driver of the platform's GIC (irq-gic names its chip GIC-0)
        chip = "GICv3" if gic_version(ctx) == 3 else "GIC-0"
        check(chip in second, f"not the {chip} driver:\n{second}")
        text = u0.output()
        check("vgic:" not in text, "vGIC complained:\n" + text)
        check("stopped" not in text, "VM stopped:\n" + text)
        u0.send_line("poweroff -f")
        check(q.wait_exit(timeout=30) == 0, "QEMU did not power off cleanly")
