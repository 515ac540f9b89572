"""vGICv3 with bare-metal guests under QEMU.

- virtual timer PPI 27 at the programmed rate (+-20%), counters readable at EL1
- the EL1 physical timer PPI 30 likewise; level-sensitive timer PPIs pending only while
  their line is high (disabled while firing, then cancelled), ISPENDR taken once
- a 2-vCPU VM starts vCPU 1 with PSCI CPU_ON and the two exchange SGIs
- a passed-through UART's RX interrupt reaches the VM that owns it, no other

Images: build/hyp/test-irq-*/bulkhead.bin (configs/test-irq-*.c) with
build/guest/baremetal/irq_*.bin loaded where the config expects them.
"""

import re
import time

from harness import Layout, TestFailure, boot_baremetal, check, gic_version, host_cpu_load




def no_stop(text):
    check("stopped" not in text, "a VM was stopped:\n" + text)


def test_vtimer_rate(ctx):
    """100 Hz of CNTV for 2 s of counter time: 200 PPI 27 interrupts +-20%."""
    with boot_baremetal(ctx, "test-irq-timer", ["irq_timer"], smp=1) as q:
        u0 = q.con("uart0")
        u0.expect(r"irq_timer: start", timeout=20)
        # (?=...): a number is only matched once the character after it came
        m = u0.expect(r"irq_timer: ticks=(\d+) expected=(\d+) other=(\d+)(?=\D)", timeout=30)
        ticks, expected, other = (int(g) for g in m.groups())
        check(abs(ticks - expected) <= expected // 5,
              f"{ticks} timer interrupts, expected {expected} +-20%")
        check(other == 0, f"{other} unexpected interrupts")
        u0.expect(r"irq_timer: pcount ok", timeout=5)
        u0.expect(r"irq_timer: done", timeout=5)
        check(q.wait_exit(timeout=20) == 0, "QEMU did not power off cleanly")
        no_stop(u0.output())


def test_level_timers(ctx):
    """The EL1 physical timer (PPI 30) at 100 Hz; for PPIs 27 and 30 a timer that fires
    while its interrupt is disabled (or after it was forwarded) and is cancelled is pending
    only while its line is high and never taken on re-enable; an ISPENDR write is taken once."""
    with boot_baremetal(ctx, "test-irq-timer", ["irq_level"], smp=1) as q:
        u0 = q.con("uart0")
        u0.expect(r"irq_level: start", timeout=20)
        m = u0.expect(r"irq_level: ptimer ticks=(\d+) expected=(\d+) other=(\d+)(?=\D)",
                      timeout=30)
        ticks, expected, other = (int(g) for g in m.groups())
        check(abs(ticks - expected) <= expected // 5,
              f"{ticks} physical timer interrupts, expected {expected} +-20%")
        check(other == 0, f"{other} unexpected interrupts")
        u0.expect(r"irq_level: done", timeout=30)
        out = u0.output()
        no_stop(out)
        for ppi in (27, 30):
            for case in ("disabled", "forwarded"):
                m = re.search(rf"irq_level: ppi={ppi} case={case} high=(\d) low=(\d) extra=(\d+)",
                              out)
                check(m, f"no PPI {ppi} {case} report:\n{out}")
                check(m.group(0).endswith("high=1 low=0 extra=0"),
                      f"PPI {ppi} {case}: want pending while high only, nothing on "
                      f"re-enable: {m.group(0)}")
            m = re.search(rf"irq_level: ppi={ppi} sw taken=(\d+) after=(\d)", out)
            check(m and m.group(1) == "1" and m.group(2) == "0",
                  f"PPI {ppi}: an ISPENDR write must be taken once: {m and m.group(0)}")
        check(q.wait_exit(timeout=20) == 0, "QEMU did not power off cleanly")


def test_cpu_on_and_sgi_ping_pong(ctx):
    """vCPU 0 starts vCPU 1 (PSCI CPU_ON); 200 SGI round trips, one IRM broadcast,
    then a burst of 7 SGIs: more pending than the 4 list registers; last one SGI
    sent to vCPU 0 by both vCPUs (GICv2: pending once per source)."""
    with boot_baremetal(ctx, "test-irq-sgi", ["irq_sgi"]) as q:
        u0 = q.con("uart0")
        u0.expect(r"irq_sgi: cpu1 up", timeout=20)
        m = u0.expect(r"irq_sgi: rounds=(\d+) pings=(\d+) pongs=(\d+) bad=(\d+) bcast=(\d+) "
                      r"burst=0x([0-9a-f]+)(?=[^0-9a-f])", timeout=30)
        rounds, pings, pongs, bad, bcast = (int(g) for g in m.groups()[:5])
        burst = int(m.group(6), 16)
        # 7 SGIs pending at once on a vCPU with 4 list registers
        check(burst == 0x7f, f"SGI burst (more pending than LRs) incomplete: {m.group(0)}")
        check(rounds == 200 and pings == 200 and pongs == 200,
              f"lost SGIs: {m.group(0)}")
        check(bad == 0, f"unexpected interrupts: {m.group(0)}")
        check(bcast == 1, f"IRM broadcast not received once: {m.group(0)}")
        # the same SGI from both vCPUs to vCPU 0: per source on GICv2, one on GICv3
        m = u0.expect(r"irq_sgi: multi=(\d+) sources=0x([0-9a-f]+) bad=(\d+)", timeout=30)
        multi, sources, bad = int(m.group(1)), int(m.group(2), 16), int(m.group(3))
        if gic_version(ctx) == 2:
            check(multi == 2 and sources == 0x3,
                  f"GICv2 SGI from vCPUs 0 and 1 not taken once from each: {m.group(0)}")
        else:
            check(multi == 1, f"GICv3 SGI from two senders not taken once: {m.group(0)}")
        check(bad == 0, f"unexpected interrupts: {m.group(0)}")
        u0.expect(r"irq_sgi: done", timeout=10)
        check(q.wait_exit(timeout=20) == 0, "QEMU did not power off cleanly")
        no_stop(u0.output())


def _reports(text):
    """(intid, bytes) for every 'irq_uart: irq=N rx=HEX' line."""
    return [(int(i), bytes.fromhex(h))
            for i, h in re.findall(r"irq_uart: irq=(\d+) rx=([0-9a-f]*)\r?\n", text)]


def _wait_rx(con, want, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = b"".join(b for _, b in _reports(con.output()))
        if want in got:
            return
        time.sleep(0.1)
    raise TestFailure(f"{con.label}: {want!r} not received; output:\n{con.output()}")


def test_uart_rx_irq_reaches_owner_only(ctx):
    """VM a owns UART0, VM b the first extra serial port (virt: PL011 INTID 33 and
    pci-serial INTID 36; zcu102: the Cadence UARTs, INTIDs 53 and 54)."""
    devs = Layout(ctx, "test-irq-uart").devices
    ia, ib = (next(d["intid"] for (vm, _), d in devs.items() if vm == v) for v in ("a", "b"))
    with boot_baremetal(ctx, "test-irq-uart", ["irq_uart", "irq_uart"],
              serials=["ser1"]) as q:
        u0, s1 = q.con("uart0"), q.con("ser1")
        u0.expect(rf"irq_uart: ready intid={ia}\b", timeout=20)
        s1.expect(rf"irq_uart: ready intid={ib}\b", timeout=20)
        for i in range(3):
            u0.send(b"A%d" % i)
            _wait_rx(u0, b"A%d" % i)
            s1.send(b"B%d" % i)
            _wait_rx(s1, b"B%d" % i)
        a, b = _reports(u0.output()), _reports(s1.output())
        check(a and all(i == ia for i, _ in a), f"VM a saw other interrupts: {a}")
        check(b and all(i == ib for i, _ in b), f"VM b saw other interrupts: {b}")
        check(b"B" not in b"".join(x for _, x in a), f"VM a received b's bytes: {a}")
        check(b"A" not in b"".join(x for _, x in b), f"VM b received a's bytes: {b}")
        # one after the other: b's power-off line goes to UART0 too
        s1.send(b"q")
        s1.expect(r"irq_uart: done", timeout=10)
        u0.expect(r"bulkhead: vm b powered off\r?\n", timeout=10)
        u0.send(b"q")
        u0.expect(r"irq_uart: done", timeout=10)
        check(q.wait_exit(timeout=20) == 0, "QEMU did not power off cleanly")
        no_stop(u0.output())


def test_stopped_vm_with_pending_irqs_does_not_spin(ctx):
    """A VM stopped with PPI 27 and an SGI pending in its LRs: its pCPU sleeps."""
    with boot_baremetal(ctx, "test-irq-fault", ["irq_fault", "idle"],
              serials=["ser1"]) as q:
        u0, s1 = q.con("uart0"), q.con("ser1")
        s1.expect(r"idle: sleeping in wfi", timeout=20)
        u0.expect(r"irq_fault: timer fired, faulting now", timeout=20)
        u0.expect(r"bulkhead: vm faulty stopped", timeout=20)
        time.sleep(0.5)
        load = host_cpu_load(q.proc.pid, 3)
        check(load < 0.10, f"QEMU used {load:.0%} of a CPU after the VM stopped")
        check("FAIL" not in u0.output(), u0.output())
        check(q.running(), "the machine went off although sleepy still runs")
