#!/usr/bin/env python3
"""How long a crashed or hung frontend takes to be back at its shell (part of `make bench`).

Boots the reference system once (configs/reference.c, as `make run` boots it) and, with
frontend1 otherwise idle:
  - RESTARTS (default 100) kernel panics in a row (LKDTM PANIC typed on its UART;
    panic=-1 asks for PSCI SYSTEM_RESET): for each, the time from the panic line on its
    UART to its prompt, and to the first command it runs there.  A frontend whose shell
    is not back within HANG_S is a hang: counted, and the run ends there;
  - WDT_RUNS (default 5: the reference policy restarts a hung frontend at most 5 times
    a minute, docs/config.md "Restart policy") hangs with interrupts masked (LKDTM
    HARDLOCKUP) under busybox `watchdog -T 4`: the time from the hang to the
    hypervisor's WS1 line, and from that line to the prompt and to the first command.
Figures are medians, with min and max, and the host's load average before and after
(the machine is shared); all of it goes to $BUILD/bench/recovery.json as well.

usage: scripts/recovery-time.py [RESTARTS [WDT_RUNS]]   (after `make all`)
"""
import json
import os
import statistics
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
from consoles import PANIC, answers, boot_reference, vm_shell, vm_shells  # noqa: E402
from harness import Ctx, TestFailure  # noqa: E402

VM = "frontend1"
HANG_S = 120
WDT_TIMEOUT_S = 4


def back(q, t0):
    """Wait for VM's shell after its reset; return (its Shell, seconds from @t0 to the
    prompt, to the first command run there)."""
    sh = vm_shell(q, VM, timeout=HANG_S)
    prompt = time.monotonic() - t0
    answers(sh, VM)
    return sh, prompt, time.monotonic() - t0


def panic_once(q):
    """One panic of VM; return (its new Shell, panic -> prompt, panic -> command)."""
    ser = q.con("serial1")
    ser.send_line(PANIC)
    ser.expect(r"Kernel panic - not syncing", timeout=30)
    t0 = time.monotonic()
    q.con("uart0").expect(rf"bulkhead: vm {VM} reset\r?\n", timeout=30)
    return back(q, t0)


def watchdog_once(q, sh):
    """One hang of VM under its watchdog; return (its new Shell, hang -> WS1,
    WS1 -> prompt, WS1 -> command)."""
    sh.run(f"watchdog -T {WDT_TIMEOUT_S} -t 1 /dev/watchdog; "
           "mount -t debugfs none /sys/kernel/debug 2>/dev/null; true")
    time.sleep(2)
    q.con("serial1").send_line("echo HARDLOCKUP > /sys/kernel/debug/provoke-crash/DIRECT")
    hung = time.monotonic()
    q.con("uart0").expect(rf"bulkhead: vm {VM} restarting: watchdog expired \(WS1\).*\r?\n",
                          timeout=60)
    t0 = time.monotonic()
    sh, prompt, cmd = back(q, t0)
    return sh, t0 - hung, prompt, cmd


def spread(xs):
    """Median, min and max of @xs in ms (None for none)."""
    if not xs:
        return None
    return {"median_ms": round(statistics.median(xs) * 1000), "min_ms": round(min(xs) * 1000),
            "max_ms": round(max(xs) * 1000), "n": len(xs)}


def main():
    restarts = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    wdt_runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    ctx = Ctx("recovery-time")
    load_before = os.getloadavg()
    panics, wdts, hangs, hang_at = [], [], 0, None
    t_start = time.monotonic()
    with boot_reference(ctx, name="recovery") as q:
        sh = vm_shells(q)[VM]
        for i in range(restarts):
            try:
                sh, *times = panic_once(q)
            except TestFailure as e:
                hangs, hang_at = 1, f"panic {i + 1}: {e}"
                break
            panics.append(times)
        for i in range(0 if hangs else wdt_runs):
            try:
                sh, *times = watchdog_once(q, sh)
            except TestFailure as e:
                hangs, hang_at = 1, f"watchdog {i + 1}: {e}"
                break
            wdts.append(times)
    load_after = os.getloadavg()
    fig = {
        "vm": VM,
        "restarts_in_a_row": len(panics),
        "restarts_asked": restarts,
        "hangs": hangs,
        "hang": hang_at,
        "panic_to_prompt": spread([p for p, _ in panics]),
        "panic_to_command": spread([c for _, c in panics]),
        "watchdog_timeout_s": WDT_TIMEOUT_S,
        "hang_to_ws1": spread([h for h, _, _ in wdts]),
        "ws1_to_prompt": spread([p for _, p, _ in wdts]),
        "ws1_to_command": spread([c for _, _, c in wdts]),
        "wall_s": round(time.monotonic() - t_start),
        "host_load_before": load_before,
        "host_load_after": load_after,
        "host_cpus": os.cpu_count(),
    }
    os.makedirs(ctx.out("bench"), exist_ok=True)
    with open(ctx.out("bench", "recovery.json"), "w") as f:
        json.dump(fig, f, indent=1)
    print(json.dumps(fig, indent=1))
    return 1 if hangs else 0


if __name__ == "__main__":
    sys.exit(main())
