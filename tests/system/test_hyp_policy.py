"""A VM's restart policy (docs/config.md, "Restart policy") with bare-metal guests.

configs/test-policy-*.c: "phoenix" runs guest/baremetal/lives on the first
pci-serial (ser1) and counts its lives; "bystander" runs hello on ser2 and
ticks forever; UART0 carries the hypervisor log.
"""

import re

from harness import boot_baremetal, check

PROGRAMS = ["hello", "lives"]
SERIALS = ("ser1", "ser2")
HOLE = 0x60000000
WOR_US = 1000000  # guest/baremetal/wdt: WOR_MS


def lives_of(out):
    """[(life, start in us)] in the order phoenix printed them."""
    return [(int(n), int(t)) for n, t in re.findall(r"lives: life (\d+) at (\d+) us", out)]


def bystander_goes_on(s2):
    """The bystander still ticks: two more ticks after this point."""
    ticks = re.findall(r"vm0 tick (\d+)", s2.output())
    last = int(ticks[-1]) if ticks else -1
    s2.expect(rf"vm0 tick {last + 2}\b", timeout=20)


def test_fault_restarts_the_vm(ctx):
    """on_fault = restart: phoenix faults in two lives, comes back each time, ends in its third."""
    with boot_baremetal(ctx, "test-policy-restart", PROGRAMS, serials=SERIALS) as q:
        u0, s1, s2 = q.con("uart0"), q.con("ser1"), q.con("ser2")
        s1.expect(r"lives: done after 3 lives", timeout=30)
        u0.expect(r"bulkhead: vm phoenix powered off", timeout=10)
        log = u0.output()
        restarts = re.findall(r"bulkhead: vm phoenix restarting: access outside its memory "
                              r"esr=0x([0-9a-f]+) far=0x[0-9a-f]+ ipa=0x([0-9a-f]+) pc=0x[0-9a-f]+ "
                              r"\(restart (\d) of 5 within 60000 ms, after 0 ms\)", log)
        check([r[2] for r in restarts] == ["1", "2"], f"restart lines:\n{log}")
        check(all(int(r[1], 16) == HOLE and int(r[0], 16) >> 26 == 0x24 for r in restarts),
              f"restart lines name the fault:\n{log}")
        check(log.count("vm phoenix reset") == 2, f"two resets expected:\n{log}")
        check([n for n, _ in lives_of(s1.output())] == [1, 2, 3], s1.output())
        check("still alive" not in s1.output(), "phoenix ran past a fault")
        check("stopped" not in log, f"a VM was stopped:\n{log}")
        bystander_goes_on(s2)


def test_system_off_restarts_the_vm(ctx):
    """on_off = restart: SYSTEM_OFF twice brings phoenix back; its fault in life 3 stops it."""
    with boot_baremetal(ctx, "test-policy-off", PROGRAMS, serials=SERIALS) as q:
        u0, s1, s2 = q.con("uart0"), q.con("ser1"), q.con("ser2")
        s1.expect(r"lives: faulting in life 3", timeout=30)
        u0.expect(r"bulkhead: vm phoenix stopped: access outside its memory .* ipa=0x60000000",
                  timeout=10)
        log = u0.output()
        offs = re.findall(r"bulkhead: vm phoenix restarting: powered off \(PSCI SYSTEM_OFF\) .*"
                          r"\(restart (\d) of 5", log)
        check(offs == ["1", "2"], f"restart lines:\n{log}")
        check("powered off\n" not in log.replace("\r", ""), f"phoenix stayed off:\n{log}")
        check([n for n, _ in lives_of(s1.output())] == [1, 2, 3], s1.output())
        check(log.count("stopped") == 1, f"one stop line expected:\n{log}")
        bystander_goes_on(s2)


def test_fault_loop_stops_after_the_limit(ctx):
    """A fault in every life: 3 restarts with a doubling back-off, then one stop line."""
    with boot_baremetal(ctx, "test-policy-loop", PROGRAMS, serials=SERIALS) as q:
        u0, s1, s2 = q.con("uart0"), q.con("ser1"), q.con("ser2")
        u0.expect(r"bulkhead: vm phoenix stopped: access outside its memory, after 3 restarts "
                  r"within 30000 ms esr=0x[0-9a-f]+ far=0x[0-9a-f]+ ipa=0x60000000 pc=0x[0-9a-f]+",
                  timeout=40)
        log = u0.output()
        delays = re.findall(r"vm phoenix restarting: .*\(restart (\d) of 3 within 30000 ms, "
                            r"after (\d+) ms\)", log)
        check(delays == [("1", "100"), ("2", "200"), ("3", "400")], f"back-off:\n{log}")
        check(log.count("vm phoenix stopped") == 1, f"one stop line expected:\n{log}")
        lives = lives_of(s1.output())
        check([n for n, _ in lives] == [1, 2, 3, 4], s1.output())
        # each life faults 100 ms after it starts, then waits out its back-off
        gaps = [b - a for (_, a), (_, b) in zip(lives, lives[1:])]
        for gap, delay in zip(gaps, (100, 200, 400)):
            check(gap >= (100 + delay) * 1000, f"lives {gaps} us apart, back-off {delay} ms")
        bystander_goes_on(s2)
        check(lives_of(s1.output())[-1][0] == 4, "phoenix came back after its stop")


def test_abort_injected_and_the_vm_goes_on(ctx):
    """on_fault = inject: a load, a store and a jump to a hole each reach the guest's EL1
    vector as a synchronous external abort (ESR, FAR as on hardware); it goes on."""
    with boot_baremetal(ctx, "test-policy-inject", PROGRAMS, serials=SERIALS) as q:
        u0, s1, s2 = q.con("uart0"), q.con("ser1"), q.con("ser2")
        s1.expect(r"lives: 3 aborts, done", timeout=30)
        aborts = [(int(e, 16), int(f, 16), int(p, 16)) for e, f, p in
                  re.findall(r"lives: abort esr=0x([0-9a-f]+) far=0x([0-9a-f]+) "
                             r"elr=0x([0-9a-f]+)", s1.output())]
        check(len(aborts) == 3, s1.output())
        (ld, ld_far, ld_pc), (st, st_far, st_pc), (ia, ia_far, ia_pc) = aborts
        # EC data abort from the current EL (0x25), IL, WnR for the store, FSC 0x10 (SEA)
        check(ld == 0x96000010 and ld_far == HOLE + 0x10, f"load: {aborts[0]}")
        check(st == 0x96000050 and st_far == HOLE + 0x20, f"store: {aborts[1]}")
        # EC instruction abort from the current EL (0x21); ELR and FAR the target
        check(ia == 0x86000010 and ia_far == HOLE + 0x30 and ia_pc == HOLE + 0x30,
              f"jump: {aborts[2]}")
        check(0x40000000 <= ld_pc < 0x41000000 and st_pc > ld_pc, f"pcs: {aborts}")
        out = s1.output()
        for line in ("load went on, value 0x1234", "store went on", "jump went on"):
            check(line in out, f"missing {line!r}:\n{out}")
        u0.expect(r"bulkhead: vm phoenix powered off", timeout=10)
        log = u0.output()
        check(len(re.findall(r"vm phoenix: external abort injected: access outside its memory",
                             log)) == 2, log)
        check("vm phoenix: external abort injected: instruction fetch outside its memory"
              in log, log)
        check("restarting" not in log and "stopped" not in log, log)
        check([n for n, _ in lives_of(out)] == [1], out)
        bystander_goes_on(s2)


def wdt_first_life(s1):
    """guest/baremetal/wdt's first life: the register model as Linux uses it, WS0 in time."""
    m = s1.expect(r"wdt: life 1 iidr=0x([0-9a-f]+)/0x([0-9a-f]+) wcs=0x([0-9a-f]+)", timeout=20)
    # architecture version 1 (48-bit WOR) in both frames; disabled at reset
    check(int(m.group(1), 16) >> 16 & 0xf == 1 and m.group(1) == m.group(2), m.group(0))
    check(int(m.group(3), 16) == 0, m.group(0))
    s1.expect(r"wdt: 5 refreshes, no WS0", timeout=10)
    m = s1.expect(r"wdt: WS0 after (\d+) us, wcs=0x([0-9a-f]+), wcv-wor=(-?\d+) us", timeout=10)
    ws0_us, wcs, wcv_us = int(m.group(1)), int(m.group(2), 16), int(m.group(3))
    # WS0 rises WOR (1 s) after the last refresh; the timeout refresh moves WCV on by WOR
    # from there (the refresh trapped a little before the guest read the counter).  A
    # vCPU the host does not run for a WOR or more sees WS1 at once: real time, as on
    # hardware that stalls (tests/system/test_hyp_policy.py runs on a shared machine).
    check(WOR_US - 10000 <= ws0_us < 2 * WOR_US, f"WS0 {ws0_us} us after the last refresh")
    check(wcs == 0x3, f"WCS after WS0: {wcs:#x}")
    check(WOR_US - 10000 <= wcv_us <= WOR_US, f"WCV - WOR - last refresh: {wcv_us} us")
    return int(s1.expect(r"wdt: hanging at (\d+) us", timeout=10).group(1))


def test_watchdog_resets_a_hung_vm(ctx):
    """WS0 is an interrupt; a guest hung with interrupts masked is restarted by WS1 and sees
    WS1 in its next life; the bystander goes on."""
    with boot_baremetal(ctx, "test-wdt", ["hello", "wdt"], serials=SERIALS) as q:
        u0, s1, s2 = q.con("uart0"), q.con("ser1"), q.con("ser2")
        hung = wdt_first_life(s1)
        m = s1.expect(r"wdt: life 2 at (\d+) us, wcs=0x([0-9a-f]+)", timeout=10)
        check(int(m.group(2), 16) == 0x4, f"WS1 not seen after the reset: {m.group(0)}")
        # WS1 one WOR after WS0, which came before the hang began; then the restart (up to
        # a second late on a loaded machine)
        back = int(m.group(1)) - hung
        check(back < 2 * WOR_US, f"restarted {back} us after the hang")
        s1.expect(r"wdt: after a refresh wcs=0x0\b", timeout=10)
        log = u0.output()
        check(re.search(r"bulkhead: vm watched restarting: watchdog expired \(WS1\) .*"
                        r"\(restart 1 of 2 within 10000 ms, after 0 ms\)", log), log)
        check("stopped" not in log, log)
        bystander_goes_on(s2)


def test_watchdog_stops_a_hung_vm(ctx):
    """on_watchdog = stop: the hung guest is stopped with one line naming where it hung."""
    with boot_baremetal(ctx, "test-wdt-stop", ["hello", "wdt"], serials=SERIALS) as q:
        u0, s1, s2 = q.con("uart0"), q.con("ser1"), q.con("ser2")
        wdt_first_life(s1)
        u0.expect(r"bulkhead: vm watched stopped: watchdog expired \(WS1\) esr=0x0 far=0x0 "
                  r"ipa=0x0 pc=0x4000[0-9a-f]{4}", timeout=10)
        bystander_goes_on(s2)
        check("life 2" not in s1.output(), "the stopped VM came back")
        check(u0.output().count("stopped") == 1, u0.output())
