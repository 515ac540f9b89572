"""Device models that never start, stop or die, with Linux in every VM
(configs/test-rio-stall.c: the reference VMs with only the frontends' consoles,
a timeout of 3 s on them, and a backend booted with bulkhead.dm=off, so that
/etc/rc.local starts no model and the test starts them under dm-supervise).
docs/protocol.md, "A device model that does not answer", says what a frontend
sees; docs/running.md, "Device models", what the supervisor does.  Each time
the frontend answers on its own UART while no model answers, and its console
is served again afterwards: bytes arrive both ways through hvc0 and the
model's pty.
"""

import re
import time

from consoles import (BOOT_TIMEOUT, answers, background, boot_reference, open_hvc, stats, vm_shell,
                      wait_for)
from harness import TestFailure, check

CONFIG = "test-rio-stall"
TIMEOUT_MS = 3000  # configs/test-rio-stall.c STALL_TIMEOUT_MS
# the frontends' console window, configs/reference-common.h FE_VIRTIO_MMIO
FE_CONSOLE = "a003e00.virtio_mmio"
DM = "bulkhead-dm"  # rc.local's name for the consoles' model: /run/bulkhead-dm.*
STATUS = "cat /sys/bus/virtio/devices/virtio*/status"
STATUS_OK = "0x0000000f"  # ACKNOWLEDGE | DRIVER | DRIVER_OK | FEATURES_OK
STATUS_DEAD = "0x000000ff"  # all-ones, as Linux's virtio_mmio reads the 8-bit Status


def wait_output(con, pattern, timeout=60, since=0):
    """The first match of @pattern in @con's output after offset @since, waiting
    for it; @con stays usable by a Shell (nothing is consumed)."""
    end = time.monotonic() + timeout
    while True:
        m = re.search(pattern, con.output()[since:])
        if m:
            return m
        if time.monotonic() > end:
            raise TestFailure(f"{con.label}: no /{pattern}/ within {timeout} s")
        time.sleep(0.2)


def hyp_says(uart0, lines, since, timeout=60):
    """Wait until the hypervisor has logged each of @lines (patterns) on UART0
    after offset @since, then until UART0 is quiet.  UART0 is also the
    backend's console and a hypervisor line printed in the middle of a
    command's output would garble it: so whatever makes the hypervisor speak
    runs in the backend's background, after a pause, with its shell idle."""
    for line in lines:
        wait_output(uart0, line, timeout, since)
    uart0.wait_quiet(0.5)


def answers_again(vm):
    return rf"bulkhead: rio console-{vm}: the device model answers again\r?\n"


def no_answer(vm, who):
    return (rf"bulkhead: rio console-{vm}: no answer from the device model in backend for "
            rf"{TIMEOUT_MS} ms \({vm} {who}\): served as a dead device until it answers")


def later(be, cmd):
    """Run @cmd in the backend's background a second from now (hyp_says())."""
    background(be, f"sleep 1; {cmd}")


def supervise(be, uart0, stalled=()):
    """Start the consoles' model under dm-supervise, with the command rc.local
    kept; the consoles of @stalled are served again."""
    mark = len(uart0.output())
    before = len(re.findall(r"uio console-frontend1 \(uio\d+\): attached",
                            be.run(f"cat /run/{DM}.log")))
    later(be, f"setsid dm-supervise {DM} </dev/null")
    hyp_says(uart0, [answers_again(vm) for vm in stalled], mark)
    wait_for(be, f"[ $(grep -c 'uio console-frontend1 (uio[0-9]*): attached' /run/{DM}.log) "
             f"-gt {before} ]", 60)


def pty(be, vm):
    """The pty the running model gave @vm's console (the last one in the log)."""
    found = re.findall(rf"char device redirected to (/dev/pts/\d+) \(label console-{vm}\)",
                       be.run(f"cat /run/{DM}.log"))
    check(found, f"no pty for {vm} in /run/{DM}.log")
    return found[-1]


def bytes_arrive(be, fe, vm, tag):
    """A line each way between @vm's hvc0 (fd 3 of its shell) and the model's pty."""
    p = pty(be, vm)
    be.run(f"stty raw -echo <{p}; rm -f /tmp/{tag}")
    background(be, f"head -n 1 {p} >/tmp/{tag}")
    time.sleep(0.5)
    fe.run(f"echo {tag}-up >&3")
    wait_for(be, f"grep -q {tag}-up /tmp/{tag}", 60)
    fe.run(f"rm -f /tmp/{tag}; (head -n 1 <&3 >/tmp/{tag} 2>&1 &)")
    time.sleep(0.5)
    be.run(f"echo {tag}-down >{p}")
    wait_for(fe, f"grep -q {tag}-down /tmp/{tag}", 60)


def stalled_status(fe, vm):
    """Read the console's Status while no model answers: in the background, so
    that the shell shows the vCPU coming back; all-ones after the timeout."""
    fe.run("rm -f /tmp/st; (" + STATUS + " >/tmp/st 2>&1 &)")
    answers(fe, vm)
    wait_for(fe, "[ -s /tmp/st ]", 30)
    st = fe.run("cat /tmp/st").strip()
    check(st == STATUS_DEAD, f"{vm}: Status read {st!r} with no model, want {STATUS_DEAD}")


def boot_stalled(q):
    """Both frontends' consoles waited in vain in their probe (no model at
    boot): the hypervisor said so before the backend's shell is used."""
    hyp_says(q.con("uart0"), [no_answer(vm, "vcpu 0") for vm in ("frontend1", "frontend2")], 0,
             BOOT_TIMEOUT)


def bind_console(fe):
    """Probe frontend1's console again, now that a model answers: hvc0."""
    fe.run(f"echo {FE_CONSOLE} >/sys/bus/platform/drivers/virtio-mmio/bind")
    wait_for(fe, "[ -c /dev/hvc0 ]", 30)
    open_hvc(fe)
    check(fe.run(STATUS).strip() == STATUS_OK, "console not at DRIVER_OK after the bind")


def test_model_never_started_then_stopped(ctx):
    """No model at boot: frontend1's probe waits 3 s in the hypervisor, reads
    MagicValue as all-ones, Linux ignores the device and boots on; its UART
    answers.  A model started later (dm-supervise, with the command rc.local
    kept) ends the stall; binding the driver then gives hvc0, served both
    ways.  SIGSTOP the model: a Status read waits 3 s and reads all-ones while
    the shell answers; SIGCONT: Status reads right again and bytes arrive."""
    with boot_reference(ctx, CONFIG) as q:
        uart0 = q.con("uart0")
        fe = vm_shell(q, "frontend1")
        answers(fe, "frontend1")
        boot_stalled(q)
        dmesg = fe.run("dmesg | grep -i virtio")
        check("Wrong magic value 0xffffffff" in dmesg,
              f"the probe did not read all-ones:\n{dmesg}")
        check("yes" not in fe.run("[ -e /dev/hvc0 ] && echo yes; true"),
              "hvc0 exists though no model ever answered")
        be = vm_shell(q, "backend")
        check("rc.local: bulkhead.dm=off: no device model started" in uart0.output(),
              "rc.local did not say it started no model")
        supervise(be, uart0, ("frontend1", "frontend2"))
        bind_console(fe)
        bytes_arrive(be, fe, "frontend1", "late")

        pid = be.run(f"cat /run/{DM}.pid").strip()
        be.run(f"kill -STOP {pid}")
        mark = len(uart0.output())
        stalled_status(fe, "frontend1")
        hyp_says(uart0, [no_answer("frontend1", "vcpu 0")], mark)
        # frontend2 shares the stopped model, not the stall: it never touched its console
        answers(vm_shell(q, "frontend2"), "frontend2")
        mark = len(uart0.output())
        later(be, f"kill -CONT {pid}")
        hyp_says(uart0, [answers_again("frontend1")], mark)
        check(fe.run(STATUS).strip() == STATUS_OK, "console not at DRIVER_OK after SIGCONT")
        bytes_arrive(be, fe, "frontend1", "cont")
        check(be.run(f"cat /run/{DM}.pid").strip() == pid,
              "the supervisor restarted a model that was only stopped")
        st = stats(be, "console-frontend1")
        # the probe's MagicValue, the stopped model's Status: each waited the timeout
        check(int(st["timeouts"]) >= 2 and int(st["dropped"]) == 0,
              f"--stats does not show the stalls: {st}")


def test_killed_model_restarted_then_left_down(ctx):
    """SIGKILL the consoles' model: dm-supervise starts it again within a
    second, says so in its log and dmesg, and frontend1's hvc0 is served
    through the new model without a reboot.  Killed five more times within a
    minute, it is left down with a line that says so; frontend1's Status read
    then waits 3 s and reads all-ones while its shell answers, and the model
    started again by hand serves it."""
    with boot_reference(ctx, CONFIG) as q:
        uart0 = q.con("uart0")
        fe = vm_shell(q, "frontend1")
        boot_stalled(q)
        be = vm_shell(q, "backend")
        supervise(be, uart0, ("frontend1", "frontend2"))
        bind_console(fe)
        bytes_arrive(be, fe, "frontend1", "first")
        for n in range(1, 7):
            pid = be.run(f"cat /run/{DM}.pid").strip()
            if n == 6:
                be.run(f"kill -9 {pid}")
                break
            # timed in the backend: the kill, then a look every 50 ms for the new pid (10 s)
            out = be.run(f"t0=$(cut -d' ' -f1 /proc/uptime); kill -9 {pid}; i=0; "
                         f"while [ $i -lt 200 ]; do p=$(cat /run/{DM}.pid 2>/dev/null); "
                         f"[ -n \"$p\" ] && [ \"$p\" != {pid} ] && break; sleep 0.05; "
                         f"i=$((i + 1)); done; echo took $t0 $(cut -d' ' -f1 /proc/uptime)",
                         timeout=30)
            m = re.search(r"took ([\d.]+) ([\d.]+)", out)
            check(m and be.run(f"cat /run/{DM}.pid").strip() not in ("", pid),
                  f"model {pid} not started again within 10 s: {out!r}")
            line = (rf"dm-supervise: {DM}: {DM} \(pid {pid}\) was killed by SIGKILL; "
                    rf"started again as pid \d+ \(restart {n} of 5 in 60 s\)")
            # said once the new model runs
            for _ in range(20):
                if re.search(line, be.run(f"cat /run/{DM}.log")):
                    break
                time.sleep(0.5)
            else:
                check(False, f"no line /{line}/ in /run/{DM}.log")
            check(re.search(line, be.run("dmesg")), f"no line /{line}/ in dmesg")
            print(f"# restart {n}: new pid {float(m.group(2)) - float(m.group(1)):.2f} s after "
                  "the kill (backend uptime, polled every 50 ms)")
            if n == 1:
                wait_for(be, f"[ $(grep -c 'uio console-frontend1 (uio[0-9]*): attached' "
                         f"/run/{DM}.log) -ge 2 ]", 60)
                answers(fe, "frontend1")
                bytes_arrive(be, fe, "frontend1", "restarted")
        wait_for(be, f"grep -q 'left down' /run/{DM}.log", 30)
        log = be.run(f"cat /run/{DM}.log")
        check(re.search(rf"dm-supervise: {DM}: {DM} \(pid {pid}\) was killed by SIGKILL; it died "
                        r"6 times in 60 s: left down \(see /run/bulkhead-dm.log; `dm-supervise "
                        r"bulkhead-dm` starts it again\)", log), f"no give-up line:\n{log[-2000:]}")
        check("yes" not in be.run(f"[ -e /run/{DM}.pid ] && echo yes; true"),
              "a pid file is left for a model that is down")
        mark = len(uart0.output())
        stalled_status(fe, "frontend1")
        hyp_says(uart0, [no_answer("frontend1", "vcpu 0")], mark)
        supervise(be, uart0, ("frontend1",))
        check(fe.run(STATUS).strip() == STATUS_OK, "console not at DRIVER_OK after the restart")
        bytes_arrive(be, fe, "frontend1", "again")
