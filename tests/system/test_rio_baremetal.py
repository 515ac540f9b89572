"""Remote I/O through the hypervisor with bare-metal guests (configs/test-rio.c):
guest/baremetal/rio_frontend drives its trapped virtio-mmio window, and
guest/baremetal/rio_backend serves a fake register file through the request
ring, waiting on its "requests pending" SPI.  The backend starts 1 s late, so
the frontend's first accesses wait in the hypervisor (backlog, ring full); at
the end the backend reads the frontend address just past the shared window
and must be stopped without seeing anything.  configs/test-rio-poll.c runs the
same pair with a backend that polls (docs/protocol.md "Polling").
"""

import re

from harness import Layout, TestFailure, boot_baremetal, check

PROGRAMS = ["rio_backend", "rio_frontend"]  # rback, rfront


def boot(ctx):
    return boot_baremetal(ctx, "test-rio", PROGRAMS, serials=["ser1"])


def counters(text):
    m = re.search(r"rio_backend: hyp (traps=\d+[^\r\n]*)", text)
    check(m, "no counters from the backend:\n" + text[-2000:])
    return {k: int(v) for k, v in (f.split("=") for f in m.group(1).split())}


def test_rio_baremetal_round_trips_backlog_and_isolation(ctx):
    """Backlog while the backend is late, in-order reads, round trips, masked
    narrow reads, the frontend SPI on NOTIFY, hostile doorbells refused, and a
    backend touching the frontend outside the window stopped."""
    dev = Layout(ctx, "test-rio").virtio["fake-rfront"]
    with boot(ctx) as q:
        u0, s1 = q.con("uart0"), q.con("ser1")
        u0.expect(rf"rio0 fake-rfront +rfront mmio {dev['mmio_ipa']:#x} intid {dev['intid']} "
                  r"-> rback", timeout=20)
        s1.expect(r"rio_frontend: start", timeout=20)
        u0.expect(r"rio_backend: serving", timeout=20)
        for what in ("magic", "roundtrip", "order", "irq", "isr"):
            s1.expect(rf"rio_frontend: {what} ok", timeout=30)
        m = s1.expect(r"rio_frontend: (\d+) reads in (\d+) us", timeout=30)
        s1.expect(r"rio_frontend: done errors=0", timeout=30)
        u0.expect(r"rio_backend: window\[0\] = 0x5a5aa5a5c0ffee00", timeout=30)
        u0.expect(r"rio_backend: hostile doorbells rejected=4 ", timeout=30)
        # the whole line: up to its end
        c = counters(u0.expect(r"rio_backend: hyp traps=[^\n]*rejected=\d+\r?\n", timeout=30).group(0))
        check(c["full_waits"] >= 1, f"the backlog never filled the ring: {c}")
        check(c["traps"] == c["posted"] + c["reads"] + c["isr_local"],
              f"traps != posted + reads + isr_local: {c}")
        # 5 reads of InterruptStatus and 2 ACKs, answered by the hypervisor
        check(c["isr_local"] == 7, f"InterruptStatus not answered locally: {c}")
        check(c["reads"] >= 200 and c["posted"] >= 100 + 300, f"too few requests: {c}")
        check(c["irqs"] == c["traps"] - c["isr_local"], f"one backend interrupt per request: {c}")
        check(c["polled"] == 0, f"requests polled, but this backend never polls: {c}")
        check(c["rejected"] == 4, f"hostile doorbells not all rejected: {c}")
        m2 = re.search(r"requests=(\d+) batches=(\d+) max_batch=(\d+) isr_forwarded=(\d+)",
                       u0.output())
        check(m2 and int(m2.group(3)) > 1, f"no batching: {m2 and m2.group(0)}")
        check(int(m2.group(4)) == 0, f"InterruptStatus reached the backend: {m2.group(0)}")
        # the rogue read: stopped at the first byte past the window, saw nothing
        m3 = u0.expect(r"bulkhead: vm rback stopped: access outside its memory "
                       r"esr=0x[0-9a-f]+ far=0x[0-9a-f]+ ipa=0x([0-9a-f]+) pc=", timeout=30)
        window = Layout(ctx, "test-rio").mem[("rback", 1)]
        check(int(m3.group(1), 16) == window["ipa"] + window["size"], f"wrong IPA: {m3.group(0)}")
        check("SAW" not in u0.output(), "the backend read frontend memory")
        code = q.wait_exit(timeout=20)
        check(code == 0, f"QEMU exit code {code}")
        us = int(m.group(2)) / int(m.group(1))
        print(f"rio bare-metal: {us:.0f} us per blocking read round trip (TCG)")


def test_rio_frontend_reset_abandons_waiting_read(ctx):
    """configs/test-rio-abandon.c: vCPU 1 of the frontend waits on a read nobody
    answers yet, vCPU 0 resets the VM: the read is abandoned (its pCPU parks),
    its late answer is retired and ignored, and the second life runs clean."""
    with boot_baremetal(ctx, "test-rio-abandon", PROGRAMS, serials=["ser1"], smp=3) as q:
        u0, s1 = q.con("uart0"), q.con("ser1")
        s1.expect(r"rio_frontend: life 1", timeout=20)
        s1.expect(r"rio_frontend: cpu1 reading", timeout=20)
        s1.expect(r"rio_frontend: resetting with a read pending", timeout=20)
        u0.expect(r"bulkhead: vm rfront reset", timeout=20)
        s1.expect(r"rio_frontend: life 2", timeout=20)
        u0.expect(r"rio_backend: serving", timeout=20)
        s1.expect(r"rio_frontend: done errors=0", timeout=30)
        c = counters(u0.expect(r"rio_backend: hyp traps=[^\n]*rejected=\d+\r?\n", timeout=30).group(0))
        check(c["traps"] == c["posted"] + c["reads"] + c["isr_local"],
              f"traps != posted + reads + isr_local: {c}")
        # 5 reads of InterruptStatus and 2 ACKs, answered by the hypervisor
        check(c["isr_local"] == 7, f"InterruptStatus not answered locally: {c}")
        u0.expect(r"rio_backend: done", timeout=30)
        code = q.wait_exit(timeout=20)
        check(code == 0, f"QEMU exit code {code}")
        out = s1.output()
        check("FAIL" not in out, "frontend failure:\n" + out)
        check(not re.search(r"bulkhead: vm \S+ stopped", u0.output()), "a VM was stopped")


def fields(line):
    """{name: int} of the name=<n> words of @line."""
    return {k: int(v, 0) for k, v in re.findall(r"(\w+)=(0x[0-9a-f]+|\d+)", line)}


def expect_or(con, pattern, timeout, why, backend):
    """con.expect(), failing with @why and the backend's last words (its
    "no interrupt for 5 s with requests pending" line names a lost wake-up)."""
    try:
        return con.expect(pattern, timeout=timeout)
    except TestFailure as e:
        raise TestFailure(f"{why}\n{e}\nbackend (UART0):\n{backend.output()[-1000:]}") from None


def test_rio_polling_model_loses_no_wakeup(ctx):
    """configs/test-rio-poll.c: the backend alternates polling rounds of
    pseudo-random length with sleeping on its SPI, the way docs/protocol.md
    "Polling" prescribes (flag down, DSB, one more look, then WFI), and
    lingers after its last look so that requests also land while the flag is
    still up but nobody looks any more (every other round it ends 0-2.6 us
    after the frontend announces an access, so that the flag also goes down
    while the hypervisor handles it); the frontend makes 150000
    accesses after pseudo-random gaps.  Every read comes back right, none
    waits for ever (a lost wake-up would), and each way of being served
    happened many times.  Before that, a hostile polling word (0xdeadbeef)
    still gets the backend its SPI."""
    with boot_baremetal(ctx, "test-rio-poll", PROGRAMS, serials=["ser1"]) as q:
        u0, s1 = q.con("uart0"), q.con("ser1")
        s1.expect(r"rio_frontend: start", timeout=20)
        u0.expect(r"rio_backend: serving", timeout=20)
        h = fields(expect_or(u0, r"rio_backend: polling=0xdeadbeef [^\n]*polled=\d+\r?\n", 30,
                             "no SPI while the polling word held 0xdeadbeef: the hypervisor "
                             "took a value other than BH_RIO_POLLING for polling", u0).group(0))
        check(h["requests"] == 1 and h["irqs"] == 1 and h["polled"] == 0,
              f"a polling word of 0xdeadbeef must mean 'not polling' (an SPI): {h}")
        # progress lines: a lost wake-up stops them (the frontend waits in EL2)
        while True:
            m = expect_or(s1, r"rio_frontend: race (\d+)/(\d+) in \d+ us", 60,
                          "the frontend stopped making progress: a request nobody served "
                          "(lost wake-up)", u0)
            total = int(m.group(2))
            if m.group(1) == m.group(2):
                break
        fe = fields(s1.expect(r"rio_frontend: race reads=[^\n]*notifies=\d+\r?\n",
                              timeout=30).group(0))
        s1.expect(r"rio_frontend: race ok", timeout=30)
        s1.expect(r"rio_frontend: done errors=0", timeout=30)
        p = fields(u0.expect(r"rio_backend: poll rounds=[^\n]*empty_irqs=\d+\r?\n",
                             timeout=30).group(0))
        c = counters(u0.expect(r"rio_backend: hyp traps=[^\n]*rejected=\d+\r?\n",
                               timeout=30).group(0))
        u0.expect(r"rio_backend: done", timeout=30)
        code = q.wait_exit(timeout=20)
        print(f"rio polling: frontend {fe}; backend {p}; hypervisor {c}")
        check(code == 0, f"QEMU exit code {code}")
        check(fe["notifies"] >= total // 8 and fe["reads"] >= total // 4,
              f"too few blocking accesses: {fe}")
        check(c["traps"] == c["posted"] + c["reads"] + c["isr_local"],
              f"traps != posted + reads + isr_local: {c}")
        check(c["irqs"] + c["polled"] == c["traps"] - c["isr_local"],
              f"each request either raised the SPI or was polled: {c}")
        served = p["served_polling"] + p["served_recheck"] + p["served_irq"]
        # + the hostile check's request, served before the rounds
        check(served + h["requests"] == c["traps"] - c["isr_local"],
              f"the backend served {served} + {h['requests']} requests: {p}, {c}")
        # a polled request has no SPI: only a look while the flag is up or the
        # re-check after it went down may find it, never the drain after an
        # SPI (that would be a lost wake-up, rescued by a later request)
        check(c["polled"] <= p["served_polling"] + p["served_recheck"],
              f"polled requests found only after an SPI: {p}, {c}")
        # the same per polling round, from the hypervisor's exact count (poll_account())
        check(p["lost"] == 0, f"requests without SPI that no look of the model found: {p}")
        check(c["polled"] >= 500, f"the hypervisor hardly ever saw the model polling: {c}")
        check(c["irqs"] >= 500, f"the model hardly ever slept: {c}")
        check(p["served_irq"] >= 500, f"hardly any request served after an SPI: {p}")
        # requests that came in the window, without SPI, and only the re-check found
        check(p["caught"] >= 100,
              f"hardly any request arrived just as the model stopped polling: {p}")


# docs/protocol.md "Interrupt budget": hyp/include/rio_ring.h
IRQ_BUDGET = 8
IRQ_WINDOW_US = 1000


def test_rio_interrupt_storm_coalesced(ctx):
    """configs/test-rio-storm.c: the backend rings 20000 NOTIFY doorbells back to
    back, then a last one with another InterruptStatus bit.  The frontend keeps
    working meanwhile and takes what comes: never more than the budget per window
    (8 per ms), the storm's last event still reaches it (the CONFIG bit, read in an
    interrupt handler), the hypervisor says so once and counts what it coalesced."""
    with boot_baremetal(ctx, "test-rio-storm", PROGRAMS, serials=["ser1"]) as q:
        u0, s1 = q.con("uart0"), q.con("ser1")
        s1.expect(r"rio_frontend: start", timeout=20)
        m = u0.expect(r"rio_backend: storm rang (\d+) \+ 1 in (\d+) us", timeout=120)
        rang, rang_us = int(m.group(1)) + 1, int(m.group(2))
        fe = fields(s1.expect(r"rio_frontend: storm irqs=[^\n]*units_alone=\d+\r?\n",
                              timeout=60).group(0))
        s1.expect(r"rio_frontend: done errors=0", timeout=30)
        c = counters(u0.expect(r"rio_backend: hyp traps=[^\n]*rejected=\d+\r?\n",
                               timeout=30).group(0))
        u0.expect(r"rio_backend: done", timeout=30)
        code = q.wait_exit(timeout=20)
        hyp = u0.output()
        share = (fe["units_storm"] / fe["us_storm"]) / (fe["units_alone"] / fe["us_alone"])
        print(f"rio storm: backend rang {rang} in {rang_us} us; frontend took "
              f"{fe['irqs']} interrupts in {fe['us_total']} us, the last event after "
              f"{fe['us_storm']} us; hypervisor coalesced {c['coalesced']} of "
              f"{c['fe_irqs']}; the frontend's work rate meanwhile {100 * share:.0f}% of alone")
        check(code == 0, f"QEMU exit code {code}")
        check(fe["final"] == 1, f"the storm's last interrupt never reached the frontend: {fe}")
        # the storm's doorbells, plus the backend's last "done" NOTIFY
        check(rang == 20001 and c["fe_irqs"] >= rang, f"the hypervisor missed doorbells: {c}")
        check(c["coalesced"] > 0, f"a storm of {c['fe_irqs']} was not coalesced at all: {c}")
        # the hypervisor's side of the same bound, over the backend's storm (+1: its
        # last "done" NOTIFY, after the storm)
        injected = c["fe_irqs"] - c["coalesced"]
        check(injected <= IRQ_BUDGET * (rang_us // IRQ_WINDOW_US + 2) + 1,
              f"{injected} interrupts injected at once during {rang_us} us of storm: {c}")
        # never more than the budget in any window: windows start at an event, so
        # T us hold at most T / window + 1 of them (+1: the first ends after T)
        windows = fe["us_total"] // IRQ_WINDOW_US + 2
        check(fe["irqs"] <= IRQ_BUDGET * windows,
              f"{fe['irqs']} interrupts in {fe['us_total']} us: over {IRQ_BUDGET} per "
              f"{IRQ_WINDOW_US} us")
        # the frontend ran: it did work between interrupts during the storm
        check(fe["units_storm"] > 0, f"the frontend did nothing during the storm: {fe}")
        lines = re.findall(r"bulkhead: rio \S+: backend rback raises the frontend's interrupt "
                           r"more than 8 times in 1000 us: coalescing", hyp)
        # one line per storm; a pause of a second (RIO_IRQ_STORM_GAP_US: a busy host can
        # hold the backend's vCPU that long) starts another, at most 4 a device
        check(1 <= len(lines) <= min(4, 1 + rang_us // 1000000),
              f"{len(lines)} 'coalescing' lines for a storm of {rang_us} us")


def test_rio_model_that_does_not_answer(ctx):
    """configs/test-rio-deadline.c (timeout 1 s): the backend serves nothing for
    its first 3 s (a model not started yet), then stops twice when asked (a
    stopped one).  The frontend's first read completes after the timeout with
    all-ones and the next at once; a write made meanwhile reaches the model
    when it serves; writes that do not fit in the ring are lost, so the
    hypervisor resets the device when the model is back; and a frontend reset
    while the model is stopped starts the new life after the timeout, which
    is served once the model is back.  The hypervisor says each step once."""
    with boot_baremetal(ctx, "test-rio-deadline", PROGRAMS, serials=["ser1"]) as q:
        u0, s1 = q.con("uart0"), q.con("ser1")
        s1.expect(r"rio_frontend: life 1", timeout=20)
        s1.expect(r"rio_frontend: absent read 0xffffffff after \d+ us", timeout=20)
        u0.expect(r"bulkhead: rio fake-rfront: no answer from the device model in rback for "
                  r"1000 ms \(rfront vcpu 0\): served as a dead device until it answers",
                  timeout=20)
        s1.expect(r"rio_frontend: stalled read 0xffffffff after \d+ us", timeout=20)
        m = s1.expect(r"rio_frontend: served again after (\d+) tries", timeout=30)
        check(int(m.group(1)) > 1, f"served at the first try: the model was never absent")
        u0.expect(r"bulkhead: rio fake-rfront: the device model answers again\r?\n", timeout=20)
        s1.expect(r"rio_frontend: queued ok", timeout=20)
        s1.expect(r"rio_frontend: paused read 0xffffffff after \d+ us", timeout=30)
        s1.expect(r"rio_frontend: served again after \d+ tries", timeout=30)
        u0.expect(r"bulkhead: rio fake-rfront: the device model answers again; writes of "
                  r"rfront were lost meanwhile: device reset \(Status 0\)", timeout=20)
        u0.expect(r"rio_backend: reset by the hypervisor", timeout=20)
        s1.expect(r"rio_frontend: reset ok", timeout=20)
        s1.expect(r"rio_frontend: resetting with the model stopped", timeout=20)
        u0.expect(r"bulkhead: vm rfront reset", timeout=20)
        u0.expect(r"bulkhead: rio fake-rfront: no answer from the device model in rback for "
                  r"1000 ms \(rfront reset\)", timeout=20)
        s1.expect(r"rio_frontend: life 2", timeout=20)
        m = s1.expect(r"rio_frontend: served again after (\d+) tries", timeout=30)
        check(int(m.group(1)) > 1, "the new life waited for the model")
        s1.expect(r"rio_frontend: life 2 ok", timeout=20)
        s1.expect(r"rio_frontend: done errors=0", timeout=30)
        h = fields(u0.expect(r"rio_backend: hyp timeouts=\d+ dropped=\d+ resets=\d+\r?\n",
                             timeout=30).group(0))
        u0.expect(r"rio_backend: done", timeout=30)
        code = q.wait_exit(timeout=20)
        print(f"rio deadline: {h}")
        check(code == 0, f"QEMU exit code {code}")
        out = s1.output()
        check("FAIL" not in out, "frontend failure:\n" + out)
        check(not re.search(r"bulkhead: vm \S+ stopped", u0.output()), "a VM was stopped")
        # 100 writes while 1 read and the pause's 2 requests were pending: 37+ lost
        check(h["dropped"] >= 100 - 64 and h["resets"] == 2,
              f"lost writes or resets not counted: {h}")
        check(len(re.findall(r"reset by the hypervisor", u0.output())) == 2,
              "the model did not see both resets:\n" + u0.output()[-2000:])
