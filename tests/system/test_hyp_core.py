"""Hypervisor core with bare-metal guests under QEMU.

Each test boots build/hyp/<config>/bulkhead.bin with the guest images the
config expects (configs/test-*.c), then reads the consoles: UART0 carries the
hypervisor log and the first VM, the pci-serial "ser1" the second VM.
"""

import re
import time

from harness import Layout, TestSkipped, boot_baremetal, check, gic_version, host_cpu_load




def test_two_vms_print_side_by_side(ctx):
    """alpha on CPU 0 prints on UART0, beta on CPU 1 on pci-serial; both power off."""
    with boot_baremetal(ctx, "test-two-vms", ["hello", "hello"], serials=("ser1",)) as q:
        u0, s1 = q.con("uart0"), q.con("ser1")
        u0.expect(r"bulkhead: config \"test-two-vms\": 2 VMs", timeout=20)
        u0.expect(r"vm0 hello, el1", timeout=20)
        s1.expect(r"vm1 hello, el1", timeout=20)
        # interleaved in time: each sees ticks while the other is still going
        u0.expect(r"vm0 tick 5\b", timeout=20)
        s1.expect(r"vm1 tick 5\b", timeout=20)
        check("vm0 done" not in u0.output() or "vm1 done" not in s1.output(),
              "one VM finished before the other started ticking")
        # UART0 is alpha's and carries the hypervisor's log too: beta's "powered off"
        # line and alpha's "vm0 done" may land inside each other (each writes the UART
        # directly), so alpha's end is the hypervisor's "vm alpha powered off" (hello
        # powers off after its last line) and its ticks are read without the log's lines
        u0.expect(r"bulkhead: vm alpha powered off", timeout=20)
        s1.expect(r"vm1 done", timeout=20)
        alpha = re.sub(r"bulkhead: [^\r\n]*\r?\n", "", u0.output())
        # side by side, not one after the other: the counter times of the two
        # VMs' ticks (one counter for all VMs) overlap for most of their run
        t0 = [int(t) for t in re.findall(r"vm0 tick \d+ at (\d+) us", alpha)]
        t1 = [int(t) for t in re.findall(r"vm1 tick \d+ at (\d+) us", s1.output())]
        check(len(t0) == 20 and len(t1) == 20, f"ticks missing: {len(t0)}, {len(t1)}")
        overlap = min(t0[-1], t1[-1]) - max(t0[0], t1[0])
        check(overlap > (t0[-1] - t0[0]) // 2,
              f"the VMs did not run side by side: vm0 {t0[0]}..{t0[-1]} us, "
              f"vm1 {t1[0]}..{t1[-1]} us")
        # SYSTEM_OFF of the last VM powers the machine off: QEMU exits 0
        code = q.wait_exit(timeout=20)
        check(code == 0, f"QEMU exit code {code}")
        check("vm1" not in u0.output().replace("vm1 beta", ""),
              "beta's output leaked onto UART0")
        check("vm0" not in s1.output(), "alpha's output leaked onto ser1")
        check("stopped" not in u0.output(), "a VM was stopped:\n" + u0.output())


def test_rogue_write_stops_only_offender(ctx):
    """rogue stores outside its memory: stopped with one log line; alpha goes on."""
    with boot_baremetal(ctx, "test-fault", ["hello", "rogue"],
              serials=("ser1", "ser2")) as q:
        u0, s1, s2 = q.con("uart0"), q.con("ser1"), q.con("ser2")
        s1.expect(r"rogue: writing 0x60000000", timeout=20)
        m = u0.expect(r"bulkhead: vm rogue stopped: (.*) esr=0x([0-9a-f]+) far=0x([0-9a-f]+) "
                      r"ipa=0x([0-9a-f]+) pc=0x([0-9a-f]+)\r?\n", timeout=20)
        check(int(m.group(4), 16) == 0x60000000, f"ipa: {m.group(0)}")
        check(int(m.group(2), 16) >> 26 == 0x24, f"ESR is not a data abort: {m.group(0)}")
        check(0x40000000 <= int(m.group(5), 16) < 0x41000000, f"pc: {m.group(0)}")
        # alpha keeps printing after the stop
        ticks = re.findall(r"vm0 tick (\d+)", s2.output())
        before = int(ticks[-1]) if ticks else -1
        s2.expect(rf"vm0 tick {before + 2}\b", timeout=20)
        s2.expect(r"vm0 done", timeout=20)
        check(q.wait_exit(timeout=20) == 0, "QEMU did not power off cleanly")
        check("still alive" not in s1.output(), "rogue ran past its faulting store")
        check(u0.output().count("stopped") == 1, "expected exactly one stop line")


def test_canary_read_stops_thief(ctx):
    """thief reads the victim's PA as an IPA: stopped, never sees the canary."""
    with boot_baremetal(ctx, "test-canary", ["canary", "canary"],
              serials=("ser1", "ser2")) as q:
        u0, s1, s2 = q.con("uart0"), q.con("ser1"), q.con("ser2")
        s2.expect(r"victim: canary 0x5ca1ab1ec0ffee42 placed", timeout=20)
        s1.expect(r"thief: reading 0x50100000", timeout=20)
        u0.expect(r"bulkhead: vm thief stopped: access outside its memory esr=0x[0-9a-f]+ "
                  r"far=0x50100000 ipa=0x50100000 pc=0x4000[0-9a-f]{4}\r?\n", timeout=20)
        s2.expect(r"victim alive 15", timeout=20)
        check(q.wait_exit(timeout=20) == 0, "QEMU did not power off cleanly")
        check("thief: read 0x" not in s1.output(), "thief completed the read")
        check("5ca1ab1e" not in s1.output().lower(), "canary leaked to thief")


def test_psci_cpu_on_second_vcpu(ctx):
    """A 2-vCPU VM: PSCI VERSION/FEATURES, CPU_ON, ALREADY_ON/INVALID, AFFINITY_INFO, CPU_OFF."""
    with boot_baremetal(ctx, "test-smp", ["smp"], serials=()) as q:
        u0 = q.con("uart0")
        u0.expect(r"smp: psci version 0x10001, features\(CPU_ON\) 0, smc version 0x10001",
                  timeout=20)
        u0.expect(r"smp: affinity\(cpu1\) before 1\b", timeout=10)
        u0.expect(r"smp: cpu_on\(cpu7\) -2\b", timeout=10)
        u0.expect(r"smp: done", timeout=20)
        # the two vCPUs print concurrently: check presence, not order
        out = u0.output()
        for line in (r"smp: cpu_on\(cpu1\) 0\b", r"smp: cpu1 up, context 0x1234",
                     r"smp: cpu1 reported cpu=1 context=0x1234",
                     r"smp: affinity\(cpu1\) after off 1\b", r"smp: cpu_on\(cpu1\) again 0\b",
                     r"smp: cpu1 up, context 0x1235", r"smp: second start context=0x1235"):
            check(re.search(line, out), f"missing /{line}/ in:\n{out}")
        check(q.wait_exit(timeout=20) == 0, "QEMU did not power off cleanly")
        check("stopped" not in u0.output(), "VM stopped:\n" + u0.output())


def test_fault_stops_every_vcpu_of_the_vm(ctx):
    """vCPU 0 faults while vCPU 1 prints: both stop; the other VM goes on."""
    with boot_baremetal(ctx, "test-smp-fault", ["smp", "hello"], smp=3,
              serials=("ser1", "ser2")) as q:
        u0, s1, s2 = q.con("uart0"), q.con("ser1"), q.con("ser2")
        s2.expect(r"smp: cpu1 alive 3\b", timeout=20)
        u0.expect(r"bulkhead: vm duo stopped: access outside its memory .* ipa=0x60000000",
                  timeout=20)
        at_stop = s2.output()
        s1.expect(r"vm1 done", timeout=20)
        check(q.wait_exit(timeout=20) == 0, "QEMU did not power off cleanly")
        after = s2.output()[len(at_stop):]
        # one line may have been in flight when the stop happened
        check(after.count("cpu1 alive") <= 1, f"vCPU 1 kept running:\n{after}")
        check("survived" not in s2.output(), "vCPU 0 ran past its fault")


def test_unsupported_sysreg_stops_only_offender(ctx):
    """rogue writes ICC_SGI0R_EL1 (trapped, not emulated): stopped; alpha goes on."""
    if gic_version(ctx) != 3:
        raise TestSkipped("no GICv3 system registers on a GICv2 platform")
    with boot_baremetal(ctx, "test-fault-sysreg", ["hello", "rogue"],
              serials=("ser1", "ser2")) as q:
        u0, s1, s2 = q.con("uart0"), q.con("ser1"), q.con("ser2")
        s1.expect(r"rogue: writing ICC_SGI0R_EL1", timeout=20)
        m = u0.expect(r"bulkhead: vm rogue stopped: unsupported system register "
                      r"esr=0x([0-9a-f]+) far=0x[0-9a-f]+ ipa=0x0 pc=0x([0-9a-f]+)\r?\n", timeout=20)
        check(int(m.group(1), 16) >> 26 == 0x18, f"ESR is not a sysreg trap: {m.group(0)}")
        s2.expect(r"vm0 done", timeout=20)
        check(q.wait_exit(timeout=20) == 0, "QEMU did not power off cleanly")
        check("still alive" not in s1.output(), "rogue ran past its trapped write")


def test_system_reset_restarts_only_that_vm(ctx):
    """SYSTEM_RESET: phoenix restarts from a fresh image copy; bystander keeps ticking."""
    with boot_baremetal(ctx, "test-reset", ["reset", "hello"], serials=("ser1",)) as q:
        u0, s1 = q.con("uart0"), q.con("ser1")
        u0.expect(r"reset: first life, data=2, resetting", timeout=20)
        before = s1.output().count("vm1 tick")
        u0.expect(r"reset: second life, data=1\b", timeout=20)
        u0.expect(r"reset: done", timeout=20)
        s1.expect(r"vm1 done", timeout=20)
        check(s1.output().count("vm1 tick") == 20, "bystander lost ticks")
        check(before < 20, "bystander finished before the reset: test proves nothing")
        check(q.wait_exit(timeout=20) == 0, "QEMU did not power off cleanly")
        check("SYSTEM_RESET returned" not in u0.output(), "SYSTEM_RESET returned")
        check("stopped" not in u0.output(), "a VM was stopped:\n" + u0.output())


def test_cpu_on_racing_system_reset_starts_nothing(ctx):
    """configs/test-reset-race.c: 30 resets of a 3-vCPU VM while one vCPU calls
    CPU_ON for another: no vCPU started by a CPU_ON of one life runs in the
    next (the hypervisor refuses CPU_ON once a reset has begun)."""
    with boot_baremetal(ctx, "test-reset-race", ["reset_race"], serials=(), smp=3) as q:
        u0 = q.con("uart0")
        u0.expect(r"reset_race: life 1", timeout=20)
        # to the end of the line: a number matched while its last digits are
        # still on the way reads "3" for "30"
        m = u0.expect(r"reset_race: lives=(\d+) strays=(\d+) hammer_runs=(\d+)\r?\n", timeout=120)
        lives, strays, hammers = (int(g) for g in m.groups())
        # vCPU 0 waits until the hammer runs before it resets, in every life
        check(lives == 30 and hammers == lives, f"the race did not run in every life: {m.group(0)}")
        print(f"# {m.group(0)}")
        check(strays == 0, f"vCPUs ran on into a restarted VM: {m.group(0)}")
        check(q.wait_exit(timeout=20) == 0, "QEMU did not power off cleanly")
        check("FAIL" not in u0.output(), u0.output()[-2000:])
        check("stopped" not in u0.output(), "the VM was stopped:\n" + u0.output()[-2000:])


def test_image_beyond_ram_stops_only_that_vm(ctx):
    """QEMU started with RAM that ends before phoenix's image source (0x58000000;
    -m 320M: RAM 0x40000000-0x54000000): phoenix is not started, with one line,
    before anything is copied; the bystander runs to its end."""
    with boot_baremetal(ctx, "test-reset", [None, "hello"], mem="320M", serials=("ser1",)) as q:
        u0, s1 = q.con("uart0"), q.con("ser1")
        u0.expect(r"bulkhead: vm phoenix not started: images\[0\] load_pa is not in RAM",
                  timeout=20)
        s1.expect(r"vm1 done", timeout=20)
        check(s1.output().count("vm1 tick") == 20, "bystander lost ticks")
        check(q.wait_exit(timeout=20) == 0, "QEMU did not power off cleanly")
        check("panic" not in u0.output().lower(), "the hypervisor went down:\n" + u0.output())


def test_idle_guest_and_off_vcpu_do_not_spin(ctx):
    """A guest in WFI, a vCPU never started and two unused CPUs: QEMU stays near idle."""
    with boot_baremetal(ctx, "test-idle", ["idle"], serials=(), smp=4) as q:
        q.con("uart0").expect(r"idle: sleeping in wfi", timeout=20)
        time.sleep(0.5)
        load = host_cpu_load(q.proc.pid, 3)
        check(load < 0.10, f"QEMU used {load:.0%} of a CPU while every vCPU was idle")


def test_el2_map_leaves_page0_unmapped(ctx):
    """A NULL dereference in the hypervisor faults: page 0 is not in its EL2 map,
    though RAM starts there on zcu102; the page after it and the hypervisor
    are (QEMU's monitor translates with the MMU state of a pCPU idle at EL2)."""
    with boot_baremetal(ctx, "test-idle", ["idle"], serials=(), smp=2, monitor=True) as q:
        q.con("uart0").expect(r"idle: sleeping in wfi", timeout=20)
        # pCPU 1 waits at EL2 for a vCPU that is never started (configs/test-idle.c)
        q.hmp("cpu 1")
        regs = q.hmp("info registers")
        check(re.search(r"\bEL2[ht]\b", regs), f"pCPU 1 is not at EL2:\n{regs}")
        for va in (0x0, 0xff8):
            got = q.hmp(f"gva2gpa {va:#x}")
            check(got == "Unmapped", f"VA {va:#x} at EL2: {got!r}, want Unmapped")
        hyp = Layout(ctx, "test-idle")  # an address the config says is RAM in use
        for va in (0x1000, hyp.entry_pa("sleepy")):
            got = q.hmp(f"gva2gpa {va:#x}")
            check(got == f"gpa: {va:#x}", f"VA {va:#x} at EL2: {got!r}, want identity")

