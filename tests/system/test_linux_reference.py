"""Three Linux VMs on Bulkhead: the reference config and its isolation.

backend (2 vCPUs) on UART0 together with the hypervisor log, frontend1 and
frontend2 (1 vCPU each) on their own pci-serial UARTs.  Every image address
comes from configs/reference.c through tools/dtgen (build/dt/reference/loaders).
"""

import os
import re
import time

from consoles import (ADDR, CONSOLES, KILL_INIT, all_stats, answers, background, boot_reference,
                      no_trouble, open_hvc, ssh_ready, vm_shells, wait_for)
from harness import Layout, Shell, check, gic_version

CONFIG = "reference"
# console label -> VM name (QEMU puts the first pci-serial in slot 1: serial1)
VCPUS = {"backend": 2, "frontend1": 1, "frontend2": 1}
BOOT_TIMEOUT = 120


def silent(q, label, vm, wait=3.0):
    """A stopped VM does not echo or run anything on its console."""
    con = q.con(label)
    con.skip()
    con.send_line("echo still-here")
    con.wait_quiet(wait, timeout=30)
    check("still-here" not in con.output()[-200:], f"{vm} still answers after it was stopped")


def test_three_vms_reach_shells(ctx):
    """Each VM: own console, uname -a, CPU count (2/1/1) and its RAM size."""
    with boot_reference(ctx) as q:
        sh = vm_shells(q)
        for vm, s in sh.items():
            out = s.run("uname -a; grep -c processor /proc/cpuinfo; "
                        "cat /sys/firmware/devicetree/base/model; echo")
            lines = [l for l in out.split("\n") if l.strip()]
            check(len(lines) == 3, f"{vm}: unexpected output {out!r}")
            m = re.match(r"Linux (\S+) \S+ .*aarch64", lines[0])
            check(m and m.group(1) == vm, f"{vm}: uname -a says {lines[0]!r}")
            check(lines[1].strip() == str(VCPUS[vm]),
                  f"{vm}: {lines[1].strip()} CPUs, want {VCPUS[vm]}")
            check(lines[2].strip("\x00 ") == vm, f"{vm}: DT model {lines[2]!r}")
            # what Linux found of the hypervisor: PSCI 1.1 over hvc, SMCCC probed
            # (PSCI_FEATURES(SMCCC_VERSION) = NOT_SUPPORTED -> v1.0), GICv3 with
            # this VM's redistributors (GICv2: irq-gic's chip GIC-0 in
            # /proc/interrupts), the virtual timer; no warning of any kind
            log = s.run("dmesg")
            if gic_version(ctx) == 3:
                gic = rf"GICv3: CPU{VCPUS[vm] - 1}: found redistributor {VCPUS[vm] - 1} "
            else:
                gic = r"Root IRQ handler: gic_handle_irq"
                irqs = s.run("cat /proc/interrupts")
                check(re.search(r"GIC-0\s+27 Level\s+arch_timer", irqs),
                      f"{vm}: no GICv2 timer interrupt:\n{irqs}")
            for want in (r"psci: PSCIv1\.1 detected", r"psci: SMC Calling Convention v1\.0", gic,
                         r"arch_timer: cp15 timer\(s\) running at [\d.]+MHz \(virt\)",
                         rf"smp: Brought up 1 node, {VCPUS[vm]} CPUs?"):
                check(re.search(want, log), f"{vm}: no /{want}/ in dmesg:\n{log}")
            for bad in ("WARNING:", "BUG:", "Oops", "Unable to handle", "spurious"):
                check(bad not in log, f"{vm}: {bad!r} in dmesg:\n{log}")
        # consoles are separate: no VM's prompt shows up on another's UART
        for label, vm in CONSOLES.items():
            text = q.con(label).output()
            for other in VCPUS:
                if other != vm:
                    check(f"{other}# " not in text, f"{other}'s shell leaked onto {label}")
        check("stopped" not in q.con("uart0").output(), "a VM was stopped:\n"
              + q.con("uart0").output()[-2000:])


def test_poweroff_frontend1_stops_only_it(ctx):
    """`poweroff -f` in frontend1: it is off; backend and frontend2 still answer."""
    with boot_reference(ctx) as q:
        sh = vm_shells(q)
        q.con("serial1").send_line("poweroff -f")
        q.con("serial1").expect(r"reboot: Power down", timeout=30)
        q.con("uart0").expect(r"bulkhead: vm frontend1 powered off", timeout=30)
        silent(q, "serial1", "frontend1")
        check(q.running(), "QEMU exited: the whole machine went down")
        answers(sh["backend"], "backend")
        answers(sh["frontend2"], "frontend2")
        out = sh["backend"].run("grep -c processor /proc/cpuinfo")
        check(out.strip() == "2", f"backend lost a CPU: {out!r}")


def test_backend_poweroff_frontends_lose_devices_not_vcpus(ctx):
    """`poweroff -f` in the backend while frontend1 keeps its network busy:
    the devices the backend served are dead (docs/protocol.md, "A backend
    that ends"), but no frontend vCPU waits for it: both frontends answer."""
    with boot_reference(ctx) as q:
        sh = vm_shells(q)
        sh["frontend1"].run("(while true; do ping -c 1 -W 1 10.0.2.15; done >/dev/null 2>&1 &)")
        sh["frontend2"].run("(while true; do ping -c 1 -W 1 10.0.2.2; done >/dev/null 2>&1 &)")
        time.sleep(2)
        q.con("uart0").send_line("poweroff -f")
        q.con("uart0").expect(r"bulkhead: vm backend powered off", timeout=30)
        time.sleep(3)  # the pings go on at a dead device meanwhile
        for vm in ("frontend1", "frontend2"):
            answers(sh[vm], vm)
            out = sh[vm].run("cat /sys/class/net/eth0/operstate; echo probe-$((6 * 7))")
            check("probe-42" in out, f"{vm} did not run a command: {out!r}")
        check(q.running(), "QEMU exited: the whole machine went down")
        check(not re.search(r"bulkhead: vm frontend\d (stopped|reset|powered off)",
                            q.con("uart0").output()), "a frontend went down with the backend")


def test_frontend2_devmem_of_unmapped_ipa_is_stopped(ctx):
    """frontend2 reads, with devmem, the IPA equal to the backend's RAM PA.  Its
    stage 2 maps nothing there (no IPA of a VM reaches another VM's RAM), so
    this is an access to an unmapped IPA, not to the backend's memory: it is
    stopped with one log line naming that IPA; the others go on."""
    backend_pa = Layout(ctx, CONFIG).mem[("backend", 0)]["pa"]
    with boot_reference(ctx) as q:
        sh = vm_shells(q)
        answers(sh["frontend2"], "frontend2")
        q.con("serial2").send_line(f"devmem {backend_pa:#x} 32")
        m = q.con("uart0").expect(
            r"bulkhead: vm frontend2 stopped: (.*?) esr=0x([0-9a-f]+) far=0x[0-9a-f]+ "
            r"ipa=0x([0-9a-f]+) pc=0x[0-9a-f]+", timeout=30)
        check(int(m.group(3), 16) == backend_pa, f"wrong IPA in {m.group(0)!r}")
        silent(q, "serial2", "frontend2")
        answers(sh["backend"], "backend")
        answers(sh["frontend1"], "frontend1")


def test_reboot_frontend1_restarts_only_it(ctx):
    """`reboot -f` (PSCI SYSTEM_RESET, what panic=-1 does too) while frontend1's
    console streams both ways and its network sends to the backend: frontend1 boots
    again from the pristine image copies, and its console and network work in the new
    life; the others kept running, the same device models serve on, nothing is
    rejected or stopped (docs/protocol.md, "A frontend that resets")."""
    with boot_reference(ctx) as q:
        sh = vm_shells(q)
        be, f1 = sh["backend"], sh["frontend1"]
        ssh_ready(f1, "frontend1")
        be.run("echo marker > /tmp/marker")
        pids = be.run("cat /run/bulkhead-dm.pid /run/bulkhead-dm-net.pid").split()
        log = be.run("cat /run/bulkhead-dm.log")
        m = re.search(r"redirected to (/dev/pts/\d+) \(label console-frontend1\)", log)
        check(m, f"no pty for console-frontend1:\n{log}")
        pts = m.group(1)
        # the load: hvc0 both ways (each end raw, and reading, before anything is
        # written), and TCP from frontend1 into the backend
        open_hvc(f1)
        background(f1, "cat <&3 >/tmp/con.rx")
        be.run(f"exec 7<>{pts}; stty raw -echo <&7")
        background(be, "cat <&7 >/tmp/con.rx")
        background(be, "sleep 3600 | nc -l -p 5001 >/dev/null")
        background(be, "cat /dev/urandom >&7")
        background(f1, "cat /dev/urandom >&3")
        background(f1, f"nc {ADDR['backend']} 5001 </dev/urandom")
        # flowing: 256 KiB each way, and the same again, before the reboot
        size = "$(stat -c %s /tmp/con.rx 2>/dev/null || echo 0)"
        net = "$(cat /sys/class/net/tap-frontend1/statistics/rx_bytes)"
        for n in (1, 2):
            wait_for(be, f"[ {size} -ge {n * 256 * 1024} ]", timeout=120)
            wait_for(f1, f"[ {size} -ge {n * 256 * 1024} ]", timeout=120)
            wait_for(be, f"[ {net} -ge {n * 256 * 1024} ]", timeout=120)
        q.con("serial1").send_line("reboot -f")
        q.con("uart0").expect(r"bulkhead: vm frontend1 reset", timeout=30)
        q.con("serial1").expect(r"bulkhead: frontend1 up in", timeout=BOOT_TIMEOUT)
        s1 = Shell(q.con("serial1"))
        s1.wait_prompt(r"frontend1# ", timeout=30)
        answers(s1, "frontend1")
        out = s1.run("grep -c processor /proc/cpuinfo")
        check(out.strip() == "1", f"frontend1 after reboot: {out!r}")
        # the new life's console, both ways (the backend's load stopped first; what
        # it had written may still come first: the bytes are looked for, not at)
        be.run("kill $(pidof cat) $(pidof nc) 2>/dev/null; rm /tmp/con.rx")
        open_hvc(s1)
        background(be, "cat <&7 >/tmp/got")
        background(s1, "cat <&3 >/tmp/got")
        s1.run("echo from-frontend1-$((6 * 7)) >&3")
        be.run("echo to-frontend1-$((6 * 7)) >&7")
        wait_for(be, "grep -q from-frontend1-42 /tmp/got", timeout=40)
        wait_for(s1, "grep -q to-frontend1-42 /tmp/got", timeout=40)
        be.run("kill $(pidof cat); exec 7>&-")
        # ... and its network
        ssh_ready(s1, "frontend1")
        out = s1.run(f"ping -c 3 -W 5 {ADDR['backend']}", timeout=60)
        check(" 0% packet loss" in out, f"frontend1's network after the reboot: {out!r}")
        # the backend did not reboot (its tmpfs still holds the marker), its models live on
        check("marker" in be.run("cat /tmp/marker"), "backend lost its state")
        for pid in pids:
            check(be.run(f"[ -d /proc/{pid} ] && echo alive").strip() == "alive",
                  f"device model {pid} died in frontend1's reboot")
        st = all_stats(be)
        for n in ("console-frontend1", "net-frontend1"):
            check(st[n]["state"] == "ok" and int(st[n]["resets"]) >= 1,
                  f"{n} after the reboot: {st[n]}")
        answers(sh["frontend2"], "frontend2")
        no_trouble(q)


def cpu_user_ticks(sh):
    """{cpuN: user+nice+system ticks} from the VM's /proc/stat."""
    out = {}
    for line in sh.run("grep '^cpu[0-9]' /proc/stat").split("\n"):
        f = line.split()
        if len(f) > 4:
            out[f[0]] = int(f[1]) + int(f[2]) + int(f[3])
    return out


def ipi_counts(sh):
    """{IPI name: [per-CPU counts]} from /proc/interrupts."""
    out = {}
    for line in sh.run("cat /proc/interrupts").split("\n"):
        m = re.match(r"\s*(IPI\d|\d+):\s+([\d\s]+?)\s+([A-Za-z].*)", line)
        if m:
            out[m.group(3).strip()] = [int(x) for x in m.group(2).split()]
    return out


def test_backend_smp_load_and_frontend_timers(ctx):
    """Both backend vCPUs run busy loops (SMP, PSCI CPU_ON, SGIs); meanwhile the
    frontends' timers stay right and they keep answering; afterwards all is idle."""
    with boot_reference(ctx) as q:
        sh = vm_shells(q)
        b = sh["backend"]
        b.run("taskset -c 0 yes >/dev/null & taskset -c 1 yes >/dev/null & true")
        t0 = cpu_user_ticks(b)
        start = time.monotonic()
        sh["frontend1"].run("sleep 3")
        slept = time.monotonic() - start
        check(2.9 <= slept <= 10, f"frontend1's `sleep 3` took {slept:.1f} s of host time")
        answers(sh["frontend2"], "frontend2")
        t1 = cpu_user_ticks(b)
        # HZ=100: both busy vCPUs must have accumulated most of the interval
        for cpu in ("cpu0", "cpu1"):
            busy = t1.get(cpu, 0) - t0.get(cpu, 0)
            check(busy >= 100, f"backend {cpu} ran only {busy} ticks in {slept:.1f} s: {t0} -> {t1}")
        ipis = ipi_counts(b)
        timer = [v for k, v in ipis.items() if "arch_timer" in k]
        check(timer and len(timer[0]) == 2 and min(timer[0]) > 0, f"timer interrupts: {ipis}")
        calls = ipis.get("Function call interrupts", [])
        resched = ipis.get("Rescheduling interrupts", [])
        check(len(calls) == 2 and sum(calls) + sum(resched) > 0, f"no IPIs between vCPUs: {ipis}")
        b.run("kill $(pidof yes)")
        answers(b, "backend")
        check("stopped" not in q.con("uart0").output(), "a VM was stopped")


# Distributor offsets (IHI0069 §12.9, IHI0048B §4.3, the same for these): SPIs 32..63
# are word 1 of the bit arrays.
GICD_ICENABLER1 = 0x184
GICD_ICPENDR1 = 0x284
GICD_ICFGR2 = 0xc08
GICD_IROUTER33 = 0x6000 + 8 * 33  # GICv3
GICD_ITARGETSR33 = 0x800 + 33  # GICv2


def test_frontend2_gic_writes_do_not_reach_others(ctx):
    """frontend2 disables, unpends, reconfigures and reroutes every other SPI
    through its vGIC: the backend's UART0 and frontend1's UART keep working."""
    layout = Layout(ctx, CONFIG)
    gicd = layout.vms["frontend2"]["gicd_ipa"]
    uart_intid = [d["intid"] for (vm, _), d in layout.devices.items() if vm == "frontend2"]
    check(len(uart_intid) == 1 and 32 <= uart_intid[0] < 64, f"frontend2's UART: {uart_intid}")
    others = 0xffffffff & ~(1 << (uart_intid[0] - 32))
    with boot_reference(ctx) as q:
        sh = vm_shells(q)
        sh["frontend2"].run(f"devmem {gicd + GICD_ICENABLER1:#x} 32 {others:#x}; "
                            f"devmem {gicd + GICD_ICPENDR1:#x} 32 {others:#x}; "
                            f"devmem {gicd + GICD_ICFGR2:#x} 32 0; " +
                            (f"devmem {gicd + GICD_IROUTER33:#x} 64 0x3" if gic_version(ctx) == 3
                             else f"devmem {gicd + GICD_ITARGETSR33:#x} 8 0x3"))
        answers(sh["frontend2"], "frontend2")
        before = sh["backend"].run("grep uart-pl011 /proc/interrupts").split()[1]
        answers(sh["backend"], "backend")
        answers(sh["frontend1"], "frontend1")
        after = sh["backend"].run("grep uart-pl011 /proc/interrupts").split()[1]
        check(int(after) > int(before), f"backend UART interrupts {before} -> {after}")


def test_panic_in_frontend1_reboots_only_it(ctx):
    """A real kernel panic in frontend1 (its init dies: /init's code zeroed
    through /proc/1/mem, then the shell exits back to it, unless an orphan
    init adopted ended first). panic=-1 makes the kernel reset at once (PSCI
    SYSTEM_RESET): frontend1 alone boots again."""
    with boot_reference(ctx) as q:
        sh = vm_shells(q)
        sh["backend"].run("echo marker > /tmp/marker")
        q.con("serial1").send_line(f"{KILL_INIT}; exit")
        q.con("serial1").expect(r"Kernel panic - not syncing: Attempted to kill init", timeout=30)
        q.con("uart0").expect(r"bulkhead: vm frontend1 reset", timeout=30)
        q.con("serial1").expect(r"bulkhead: frontend1 up in", timeout=BOOT_TIMEOUT)
        s1 = Shell(q.con("serial1"))
        s1.wait_prompt(r"frontend1# ", timeout=30)
        answers(s1, "frontend1")
        check("marker" in sh["backend"].run("cat /tmp/marker"), "backend lost its state")
        answers(sh["frontend2"], "frontend2")
        check("stopped" not in q.con("uart0").output(), "a VM was stopped")


def test_halt_frontend2_leaves_others(ctx):
    """`halt -f` in frontend2 (arm64 machine_halt: IRQs off, spin): it stops
    answering, the backend and frontend1 do not notice."""
    with boot_reference(ctx) as q:
        sh = vm_shells(q)
        q.con("serial2").send_line("halt -f")
        q.con("serial2").expect(r"System halted", timeout=30)
        silent(q, "serial2", "frontend2", wait=2.0)
        answers(sh["backend"], "backend")
        answers(sh["frontend1"], "frontend1")
        check(q.running(), "QEMU exited")
