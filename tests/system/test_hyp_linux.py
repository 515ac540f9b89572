"""Linux as a 2-vCPU VM under Bulkhead (smoke test of the whole core).

The project's guest kernel and shell initramfs run in VM "linux" of
configs/test-linux.c: PSCI CPU_ON (hvc) brings up the second vCPU, the
virtual timer and IPIs (vGIC SGIs) tick, UART0's RX interrupt (passed
through, HW=1) carries the shell's input, and `poweroff -f` (PSCI
SYSTEM_OFF of the only VM) makes QEMU exit 0.  While the shell idles, QEMU
must stay near 0 % CPU (nothing spins).

The DTB is hand-written here until the device-tree generator exists; it must
agree with configs/test-linux.c.
"""

import os
import subprocess
import time

from harness import Qemu, Shell, TestFailure

KERNEL = "build/guest/Image"
INITRD = "build/guest/initramfs-shell.cpio.gz"
LINUX_PA = 0x50000000
KERNEL_PA = LINUX_PA + 0x00200000
INITRD_PA = LINUX_PA + 0x08000000
DTB_PA = LINUX_PA + 0x0fe00000
INITRD_IPA = 0x48000000

DTS = """/dts-v1/;
/ {
	#address-cells = <2>;
	#size-cells = <2>;
	compatible = "linux,dummy-virt";
	interrupt-parent = <&gic>;
	psci { compatible = "arm,psci-1.0", "arm,psci-0.2"; method = "hvc"; };
	cpus {
		#address-cells = <1>;
		#size-cells = <0>;
		cpu@0 { device_type = "cpu"; compatible = "arm,cortex-a53"; reg = <0>; enable-method = "psci"; };
		cpu@1 { device_type = "cpu"; compatible = "arm,cortex-a53"; reg = <1>; enable-method = "psci"; };
	};
	memory@40000000 { device_type = "memory"; reg = <0 0x40000000 0 0x10000000>; };
	gic: interrupt-controller@8000000 {
		compatible = "arm,gic-v3";
		#interrupt-cells = <3>;
		#address-cells = <2>;
		#size-cells = <2>;
		interrupt-controller;
		reg = <0 0x08000000 0 0x10000>, <0 0x080a0000 0 0x40000>;
		#redistributor-regions = <1>;
	};
	timer {
		compatible = "arm,armv8-timer";
		interrupts = <1 13 4>, <1 14 4>, <1 11 4>, <1 10 4>;
		always-on;
	};
	apb_pclk: clk { compatible = "fixed-clock"; #clock-cells = <0>; clock-frequency = <24000000>; };
	uart@9000000 {
		compatible = "arm,pl011", "arm,primecell";
		reg = <0 0x09000000 0 0x1000>;
		interrupts = <0 1 4>;
		clocks = <&apb_pclk>, <&apb_pclk>;
		clock-names = "uartclk", "apb_pclk";
	};
	chosen {
		bootargs = "console=ttyAMA0 bulkhead.name=guest";
		stdout-path = "/uart@9000000";
		linux,initrd-start = <0 %(start)#x>;
		linux,initrd-end = <0 %(end)#x>;
	};
};
"""


def make_dtb(ctx):
    size = os.path.getsize(os.path.join(ctx.root, INITRD))
    dts = os.path.join(ctx.logdir, "linux.dts")
    dtb = os.path.join(ctx.logdir, "linux.dtb")
    os.makedirs(ctx.logdir, exist_ok=True)
    with open(dts, "w") as f:
        f.write(DTS % {"start": INITRD_IPA, "end": INITRD_IPA + size})
    subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", dtb, dts], check=True)
    return dtb


def _cpu_load(pid, seconds):
    def cpu():
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    c0, t0 = cpu(), time.monotonic()
    time.sleep(seconds)
    return (cpu() - c0) / (time.monotonic() - t0)


def test_linux_vm_boots_smp_and_powers_off(ctx):
    dtb = make_dtb(ctx)
    q = Qemu(ctx, kernel="build/hyp/test-linux/bulkhead.bin", smp=2, mem="1G",
             consoles=["uart0"],
             loaders=[(KERNEL, KERNEL_PA), (INITRD, INITRD_PA), (dtb, DTB_PA)])
    with q:
        con = q.con("uart0")
        con.expect(r"bulkhead: config \"test-linux\"", timeout=20)
        con.expect(r"smp: Brought up 1 node, 2 CPUs", timeout=60)
        con.expect(r"bulkhead: guest up", timeout=60)
        sh = Shell(con)
        sh.wait_prompt("guest# ")
        out = sh.run("grep -c processor /proc/cpuinfo; cat /proc/interrupts")
        lines = out.split("\n")
        if lines[0].strip() != "2":
            raise TestFailure(f"expected 2 CPUs:\n{out}")
        timer = [l for l in lines if "arch_timer" in l]
        if not timer or min(int(x) for x in timer[0].split()[1:3]) == 0:
            raise TestFailure(f"virtual timer does not tick on both vCPUs:\n{out}")
        if "uart-pl011" not in out:
            raise TestFailure(f"no UART interrupt line:\n{out}")
        # an idle Linux VM (WFI trapped, timer-driven wake-ups) costs ~no host CPU
        time.sleep(1)
        load = _cpu_load(q.proc.pid, 3)
        if load > 0.10:
            raise TestFailure(f"QEMU used {load:.0%} of a CPU while Linux was idle")
        con.send_line("poweroff -f")
        code = q.wait_exit(timeout=30)
        if code != 0:
            raise TestFailure(f"QEMU exit code {code}")
        if "stopped:" in con.output():
            raise TestFailure("the hypervisor stopped the VM:\n" + con.output()[-2000:])
