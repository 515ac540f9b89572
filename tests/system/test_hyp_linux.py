"""Linux as a 2-vCPU VM under Bulkhead (smoke test of the whole core).

The project's guest kernel and shell initramfs run in VM "linux" of
configs/test-linux.c: PSCI CPU_ON (hvc) brings up the second vCPU, the
virtual timer and IPIs (vGIC SGIs) tick, UART0's RX interrupt (passed
through, HW=1) carries the shell's input, and `poweroff -f` (PSCI
SYSTEM_OFF of the only VM) makes QEMU exit 0.  While the shell idles, QEMU
must stay near 0 % CPU (nothing spins).

Its device tree and image placement come from the config through
tools/dtgen (build/dt/test-linux/).
"""

import time

from harness import Qemu, Shell, TestFailure, dt_loaders, dt_smp, host_cpu_load

CONFIG = "test-linux"


def test_linux_vm_boots_smp_and_powers_off(ctx):
    q = Qemu(ctx, kernel=ctx.out("hyp", CONFIG, "bulkhead.bin"), smp=dt_smp(ctx, CONFIG),
             mem="1G", consoles=["uart0"], loaders=dt_loaders(ctx, CONFIG))
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
        load = host_cpu_load(q.proc.pid, 3)
        if load > 0.10:
            raise TestFailure(f"QEMU used {load:.0%} of a CPU while Linux was idle")
        con.send_line("poweroff -f")
        code = q.wait_exit(timeout=30)
        if code != 0:
            raise TestFailure(f"QEMU exit code {code}")
        if "stopped:" in con.output():
            raise TestFailure("the hypervisor stopped the VM:\n" + con.output()[-2000:])
