"""A frontend's restart policy and watchdog with Linux (configs/test-linux-policy.c).

The reference system, but frontend1's faults are handed to it as the
synchronous external abort the hardware would raise (docs/config.md,
"Restart policy"); both frontends have the SBSA Generic Watchdog, driven
by Linux's sbsa_gwdt and busybox `watchdog` (docs/config.md, "Watchdog").
"""

import re
import time

from consoles import BOOT_TIMEOUT, answers, boot_reference, vm_shell, vm_shells
from harness import check

CONFIG = "test-linux-policy"
# outside frontend1's memory (its RAM is at IPA 0x40000000, 128 MiB): nothing answers
HOLE = 0x60000000


def test_devmem_of_a_hole_kills_only_that_process(ctx):
    """`devmem` of a hole in frontend1: the process dies of SIGBUS, its shell and VM go on."""
    with boot_reference(ctx, CONFIG) as q:
        sh = vm_shells(q)
        f1 = sh["frontend1"]
        out = f1.run(f"devmem {HOLE:#x} 32; echo rc=$?")
        check("Bus error" in out and "rc=135" in out, f"devmem did not die of SIGBUS: {out!r}")
        answers(f1, "frontend1")
        out = f1.run(f"devmem {HOLE + 0x100:#x} 32 0x1234; echo rc=$?")
        check("rc=135" in out, f"the store did not die of SIGBUS: {out!r}")
        answers(f1, "frontend1")
        log = q.con("uart0").output()
        injected = re.findall(r"bulkhead: vm frontend1: external abort injected: access outside "
                              r"its memory far=0x[0-9a-f]+ ipa=0x([0-9a-f]+) pc=0x[0-9a-f]+", log)
        check([int(i, 16) for i in injected] == [HOLE, HOLE + 0x100], f"injections:\n{log}")
        check("stopped" not in log and "restarting" not in log, log)
        answers(sh["frontend2"], "frontend2")
        answers(sh["backend"], "backend")


def test_hung_frontend_is_reset_by_its_watchdog(ctx):
    """frontend1 runs busybox `watchdog`, then hangs with interrupts masked (LKDTM
    HARDLOCKUP): WS1 restarts it, it boots to a shell that answers and tells it was reset
    by its watchdog; frontend2 answers throughout."""
    with boot_reference(ctx, CONFIG) as q:
        sh = vm_shells(q)
        f1, u0 = sh["frontend1"], q.con("uart0")
        probe = f1.run("dmesg | grep sbsa-gwdt")
        check(re.search(r"Initialized with 10s timeout @ \d+ Hz, action=0", probe), probe)
        f1.run("watchdog -T 4 -t 1 /dev/watchdog")
        # fed once a second: 3 timeouts pass without a reset
        time.sleep(12)
        check("frontend1 restarting" not in u0.output(), "reset while fed:\n" + u0.output())
        answers(f1, "frontend1")
        f1.run("mount -t debugfs none /sys/kernel/debug")
        # lkdtm masks interrupts and spins in the kernel (its own line may never reach
        # the console: printing stops with it)
        q.con("serial1").send_line("echo HARDLOCKUP > /sys/kernel/debug/provoke-crash/DIRECT")
        hung = time.monotonic()
        answers(sh["frontend2"], "frontend2")
        m = u0.expect(r"bulkhead: vm frontend1 restarting: watchdog expired \(WS1\) esr=0x0 "
                      r"far=0x0 ipa=0x0 pc=0x([0-9a-f]+) "
                      r"\(restart 1 of 5 within 60000 ms, after 0 ms\)", timeout=30)
        reset = time.monotonic()
        check(int(m.group(1), 16) >= 0xffff000000000000, f"not hung in the kernel: {m.group(0)}")
        u0.expect(r"bulkhead: vm frontend1 reset", timeout=10)
        f1 = vm_shell(q, "frontend1", timeout=BOOT_TIMEOUT)
        back = time.monotonic()
        answers(f1, "frontend1")
        out = f1.run("dmesg | grep sbsa-gwdt")
        check("System reset by WDT" in out, f"WS1 not seen after the reset: {out!r}")
        answers(sh["frontend2"], "frontend2")
        answers(sh["backend"], "backend")
        check("stopped" not in u0.output(), u0.output())
        print(f"\nfrontend1 hung: reset by its watchdog after {reset - hung:.1f} s "
              f"(timeout 4 s), its shell back {back - hung:.1f} s after the hang", flush=True)
