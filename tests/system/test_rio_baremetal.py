"""Remote I/O through the hypervisor with bare-metal guests (configs/test-rio.c):
guest/baremetal/rio_frontend drives its trapped virtio-mmio window, and
guest/baremetal/rio_backend serves a fake register file through the request
ring, waiting on its "requests pending" SPI.  The backend starts 1 s late, so
the frontend's first accesses wait in the hypervisor (backlog, ring full); at
the end the backend reads the frontend address just past the shared window
and must be stopped without seeing anything.
"""

import re

from harness import Layout, boot_baremetal, check

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
    with boot(ctx) as q:
        u0, s1 = q.con("uart0"), q.con("ser1")
        u0.expect(r"rio0 fake-rfront +rfront mmio 0xa003e00 intid 79 -> rback", timeout=20)
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
