"""vGICv3 under a real guest: Linux with 2 vCPUs on Bulkhead.

Linux's irq-gic-v3 driver probes the emulated GICD/GICR, brings up vCPU 1
with PSCI, takes virtual timer interrupts (PPI 27, HW=1) on both vCPUs,
IPIs (SGIs trapped from ICC_SGI1R_EL1) and the passed-through PL011's RX
interrupt (the shell only answers if RX interrupts arrive).

The guest's device tree is written here by hand (not by tools/dtgen) to
match configs/test-irq-linux.c.
"""

import os
import re
import subprocess
import time

from harness import Qemu, Shell, TestFailure

IMAGE = "build/guest/Image"
INITRD = "build/guest/initramfs-shell.cpio.gz"
VM_PA = 0x50000000
VM_IPA = 0x40000000
KERNEL_OFF = 0x00200000
DTB_OFF = 0x08000000
INITRD_OFF = 0x08100000

DTS = """/dts-v1/;
/ {{
	interrupt-parent = <&gic>;
	#size-cells = <2>;
	#address-cells = <2>;
	compatible = "linux,dummy-virt";
	psci {{
		method = "smc";
		compatible = "arm,psci-1.0", "arm,psci-0.2", "arm,psci";
	}};
	memory@40000000 {{
		device_type = "memory";
		reg = <0 0x40000000 0 0x10000000>;
	}};
	apb_pclk: apb-pclk {{
		compatible = "fixed-clock";
		#clock-cells = <0>;
		clock-frequency = <24000000>;
		clock-output-names = "clk24mhz";
	}};
	pl011@9000000 {{
		compatible = "arm,pl011", "arm,primecell";
		reg = <0 0x9000000 0 0x1000>;
		interrupts = <0 1 4>;
		clocks = <&apb_pclk &apb_pclk>;
		clock-names = "uartclk", "apb_pclk";
	}};
	gic: intc@8000000 {{
		compatible = "arm,gic-v3";
		#interrupt-cells = <3>;
		#address-cells = <0>;
		interrupt-controller;
		#redistributor-regions = <1>;
		reg = <0 0x8000000 0 0x10000>, <0 0x80a0000 0 0x40000>;
		interrupts = <1 9 4>;
	}};
	timer {{
		compatible = "arm,armv8-timer", "arm,armv7-timer";
		interrupts = <1 13 4>, <1 14 4>, <1 11 4>, <1 10 4>;
		always-on;
	}};
	cpus {{
		#address-cells = <1>;
		#size-cells = <0>;
		cpu@0 {{ device_type = "cpu"; compatible = "arm,cortex-a53"; reg = <0>; enable-method = "psci"; }};
		cpu@1 {{ device_type = "cpu"; compatible = "arm,cortex-a53"; reg = <1>; enable-method = "psci"; }};
	}};
	chosen {{
		bootargs = "console=ttyAMA0 bulkhead.name=lx";
		stdout-path = "/pl011@9000000";
		linux,initrd-start = <0 {start:#x}>;
		linux,initrd-end = <0 {end:#x}>;
	}};
}};
"""


def check(cond, msg):
    if not cond:
        raise TestFailure(msg)


def make_dtb(ctx):
    size = os.path.getsize(os.path.join(ctx.root, INITRD))
    start = VM_IPA + INITRD_OFF
    os.makedirs(ctx.logdir, exist_ok=True)
    dts = os.path.join(ctx.logdir, "lx.dts")
    dtb = os.path.join(ctx.logdir, "lx.dtb")
    with open(dts, "w") as f:
        f.write(DTS.format(start=start, end=start + size))
    subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", dtb, dts], check=True)
    return dtb


def irq_counts(text, name):
    """Per-CPU counts of the /proc/interrupts line whose text contains name."""
    for line in text.splitlines():
        if name in line:
            fields = line.split()
            return [int(x) for x in fields[1:3]]
    raise TestFailure(f"no '{name}' in /proc/interrupts:\n{text}")


def test_linux_two_vcpus_on_vgic(ctx):
    dtb = make_dtb(ctx)
    with Qemu(ctx, kernel="build/hyp/test-irq-linux/bulkhead.bin", smp=2, mem="1G",
              consoles=["uart0"],
              loaders=[(IMAGE, VM_PA + KERNEL_OFF), (dtb, VM_PA + DTB_OFF),
                       (INITRD, VM_PA + INITRD_OFF)]) as q:
        u0 = q.con("uart0")
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
        text = u0.output()
        check("vgic:" not in text, "vGIC complained:\n" + text)
        check("stopped" not in text, "VM stopped:\n" + text)
        u0.send_line("poweroff -f")
        check(q.wait_exit(timeout=30) == 0, "QEMU did not power off cleanly")
