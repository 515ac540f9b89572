"""Managing VMs from the backend with bulkhead-ctl (docs/running.md, "Managing VMs").

The reference system: the backend may stop, start and restart the frontends through its
management page (configs/reference.c .ctl, include/bulkhead/ctl.h); each frontend has the page
with no rights.  The device models the backend started at boot keep running throughout: a
restarted frontend is served again by the same processes (its devices are reset by the
hypervisor, docs/protocol.md "A frontend that resets").
"""

import re
import time

from consoles import answers, boot_reference, ssh_ready, vm_shell, vm_shells, wait_output
from harness import boot_baremetal, check, ssh

CTL = 0x09200000  # configs/reference-common.h REF_CTL_IPA
CMD = CTL + 0x18  # struct bh_ctl_header.cmd
RESULT = CTL + 0x1c
ERRORS = CTL + 0x14
EINVAL, ENOENT, EPERM = 22, 2, 1


def ctl_list(sh):
    """{vm: {state, manage, cpus, uptime, resets, faults, why}} from `bulkhead-ctl list`."""
    out = sh.run("bulkhead-ctl list; echo rc=$?")
    check("rc=0" in out, f"bulkhead-ctl list failed: {out!r}")
    rows = {}
    for line in out.splitlines():
        f = line.split(None, 7)
        if len(f) == 8 and f[0] != "VM":
            rows[f[0]] = dict(zip(("state", "manage", "cpus", "uptime", "resets", "faults",
                                   "why"), f[1:]))
    return rows


def ctl(sh, args):
    """Run `bulkhead-ctl ARGS`; return (exit status, output)."""
    out = sh.run(f"bulkhead-ctl {args} 2>&1; echo rc=$?")
    m = re.search(r"rc=(\d+)", out)
    check(m, f"no exit status in {out!r}")
    return int(m.group(1)), out


def seconds(uptime):
    return float(uptime.rstrip("s"))


def boot_pty(be, dev):
    """The pty the boot's device model (guest/rio/rc.local) gave @dev."""
    log = be.run("cat /run/bulkhead-dm.log")
    m = re.search(rf"redirected to (/dev/pts/\d+) \(label {dev}\)", log)
    check(m, f"no pty for {dev}:\n{log}")
    return m.group(1)


def hvc_both_ways(be, fe, tag):
    """Bytes from @fe's hvc0 arrive on the backend's fd 7 (its pty) and back."""
    fe.run("exec 3<>/dev/hvc0; stty raw -echo <&3")
    word = f"{tag}-up-{int(time.time()) % 100000:05d}"
    fe.run(f"echo {word} >&3")
    got = be.run(f"timeout 20 head -c {len(word) + 1} <&7; echo", timeout=40)
    check(word in got, f"backend got {got!r}, want {word!r}")
    word = f"{tag}-dn-{int(time.time()) % 100000:05d}"
    fe.run(f"(head -c {len(word) + 1} <&3 >/tmp/t) & echo $! >/tmp/t.pid")
    be.run(f"echo {word} >&7")
    got = fe.run("wait $(cat /tmp/t.pid); cat /tmp/t", timeout=40)
    check(word in got, f"frontend got {got!r}, want {word!r}")


def test_ctl_restart_stop_start_frontends(ctx):
    """From the backend: list every VM; restart frontend1 while frontend2 runs on: frontend1
    boots again and is served by the same device models (hvc0 bytes both ways through the boot
    model's pty, ssh from the host), frontend2 never rebooted; stop frontend2 (it is silent, a
    second stop is refused), start it again (it boots and answers)."""
    with boot_reference(ctx) as q:
        sh = vm_shells(q)
        be, f2 = sh["backend"], sh["frontend2"]
        rows = ctl_list(be)
        check(list(rows) == ["backend", "frontend1", "frontend2"], f"list: {rows}")
        check(rows["backend"]["manage"] == "self" and rows["backend"]["cpus"] == "0,1",
              f"backend row: {rows['backend']}")
        for vm, cpu in (("frontend1", "2"), ("frontend2", "3")):
            r = rows[vm]
            check((r["state"], r["manage"], r["cpus"], r["resets"], r["faults"], r["why"]) ==
                  ("running", "yes", cpu, "0", "0", "-"), f"{vm} row: {r}")
        for vm in ("frontend1", "frontend2"):
            ssh_ready(sh[vm], vm)
        pids = be.run("pidof bulkhead-dm").split()
        be.run(f"exec 7<>{boot_pty(be, 'console-frontend1')}; stty raw -echo <&7")
        f2.run("touch /tmp/still-me")
        up2 = float(f2.run("cut -d' ' -f1 /proc/uptime"))

        uart0 = q.con("uart0")
        mark = len(uart0.output())
        t0 = time.monotonic()
        rc, out = ctl(be, "restart frontend1")
        check(rc == 0 and "frontend1: restarting" in out, f"restart: {out!r}")
        # both lines, in either order: the backend's CPU logs the command once it is
        # handed over, frontend1's own CPU logs the reset it does, and neither waits for
        # the other (seen both ways in clean-clone runs)
        wait_output(uart0, mark, r"(?s)(?=.*bulkhead: vm frontend1: restart by vm backend)"
                    r"(?=.*bulkhead: vm frontend1 reset)")
        f1 = vm_shell(q, "frontend1")
        print(f"# frontend1 at its prompt {time.monotonic() - t0:.1f} s after bulkhead-ctl "
              "restart (a figure, not a bound)")
        answers(f1, "frontend1")
        hvc_both_ways(be, f1, "frontend1")
        ssh_ready(f1, "frontend1")
        out = ssh(ctx, q.ssh_ports["frontend1"], "echo in-$(hostname)").decode()
        check("in-frontend1" in out, f"ssh to the restarted frontend1: {out!r}")
        check(be.run("pidof bulkhead-dm").split() == pids, "the device models were restarted")
        rows = ctl_list(be)
        check(rows["frontend1"]["state"] == "running" and rows["frontend1"]["resets"] == "1",
              f"frontend1 after its restart: {rows['frontend1']}")
        check(seconds(rows["frontend1"]["uptime"]) < seconds(rows["frontend2"]["uptime"]),
              f"uptimes after the restart: {rows}")
        check(rows["frontend2"]["resets"] == "0", f"frontend2 was reset: {rows['frontend2']}")
        check(float(f2.run("cut -d' ' -f1 /proc/uptime")) > up2 and
              "still-me" in f2.run("ls /tmp"), "frontend2 rebooted meanwhile")

        mark = len(uart0.output())
        rc, out = ctl(be, "stop frontend2")
        check(rc == 0 and "frontend2: stopped" in out, f"stop: {out!r}")
        wait_output(uart0, mark, r"bulkhead: vm frontend2: stopped by vm backend")
        con = q.con("serial2")
        con.skip()
        con.send_line("echo still-here")
        con.wait_quiet(3.0, timeout=30)
        check("still-here" not in con.output()[-200:], "frontend2 answers after its stop")
        check(ctl_list(be)["frontend2"]["state"] == "stopped", "frontend2 not listed stopped")
        rc, out = ctl(be, "stop frontend2")
        check(rc == 1 and "stop frontend2: it is not running" in out, f"second stop: {out!r}")
        rc, out = ctl(be, "start frontend2")
        check(rc == 0, f"start: {out!r}")
        f2 = vm_shell(q, "frontend2")
        answers(f2, "frontend2")
        check("still-me" not in f2.run("ls /tmp"), "frontend2 did not start afresh")
        rows = ctl_list(be)
        check(rows["frontend2"]["state"] == "running" and rows["frontend2"]["resets"] == "1",
              f"frontend2 after its start: {rows['frontend2']}")
        rc, out = ctl(be, "start frontend2")
        check(rc == 1 and "already running" in out, f"second start: {out!r}")
        answers(f1, "frontend1")
        answers(be, "backend")


def devmem(sh, addr, width, value=None):
    cmd = f"devmem {addr:#x} {width}" + ("" if value is None else f" {value:#x}")
    return sh.run(cmd + "; echo rc=$?")


def result(sh):
    out = devmem(sh, RESULT, 32)
    m = re.search(r"0x([0-9A-Fa-f]+)", out)
    check(m, f"no result read: {out!r}")
    return int(m.group(1), 16)


def test_ctl_refusals_and_hostile_writes(ctx):
    """frontend1 (no rights) is refused with a clear message and one hypervisor log line, and
    sees only its own details; the backend's hostile arguments (itself, an unknown VM, a bad
    command) and garbage written to its page (unknown ops and targets, wrong sizes, read-only
    registers) get errors; no VM is stopped or reset by any of it and the page still works."""
    with boot_reference(ctx) as q:
        sh = vm_shells(q)
        be, f1, f2 = sh["backend"], sh["frontend1"], sh["frontend2"]
        up2 = float(f2.run("cut -d' ' -f1 /proc/uptime"))
        uart0 = q.con("uart0")

        mark = len(uart0.output())
        rc, out = ctl(f1, "restart frontend2")
        check(rc == 1 and "refused: this VM (frontend1) may not manage any VM" in out,
              f"frontend1's restart of frontend2: {out!r}")
        wait_output(uart0, mark, r"bulkhead: vm frontend1: management command refused: restart "
                    r"frontend2 \(cmd 0x[0-9a-f]+\): not permitted \(it may manage no VM\)")
        rc, out = ctl(f1, "stop backend")
        check(rc == 1 and "refused" in out, f"frontend1's stop of the backend: {out!r}")
        rows = ctl_list(f1)
        check(rows["frontend1"]["manage"] == "self" and rows["frontend1"]["state"] == "running",
              f"frontend1 sees itself: {rows}")
        check(rows["backend"]["state"] == "hidden" and rows["frontend2"]["state"] == "hidden",
              f"frontend1 sees the others' details: {rows}")

        mark = len(uart0.output())
        rc, out = ctl(be, "restart backend")
        check(rc == 1 and "a VM cannot manage itself" in out, f"restart of itself: {out!r}")
        wait_output(uart0, mark, r"management command refused: restart backend .*\(itself\)")
        rc, out = ctl(be, "restart nosuch")
        check(rc == 1 and "no VM named 'nosuch'" in out, f"unknown VM: {out!r}")
        rc, out = ctl(be, "frobnicate frontend1")
        check(rc == 2 and "usage:" in out, f"unknown command: {out!r}")
        rc, out = ctl(be, "restart")
        check(rc == 2 and "usage:" in out, f"missing VM: {out!r}")
        rc, out = ctl(be, "--help")
        check(rc == 0 and "bulkhead-ctl restart|stop|start VM" in out, f"--help: {out!r}")

        # garbage straight into the page: every command value is vetted
        for value, err in ((0xffffffff, EINVAL), (0x00000000, EINVAL), (0x00010107, EINVAL),
                           (0x00020901, ENOENT), (0x0003ff02, ENOENT), (0x00040001, EPERM)):
            devmem(be, CMD, 32, value)
            got = result(be)
            check(got == ((value >> 16) << 16 | err),
                  f"cmd {value:#x}: result {got:#x}, want errno {err}")
        errors0 = int(re.search(r"0x([0-9A-Fa-f]+)", devmem(be, ERRORS, 32)).group(1), 16)
        # writes of the wrong size or to read-only registers, reads of the wrong size
        for addr, width, value in ((CMD, 8, 1), (CMD, 16, 0x101), (CMD, 64, 0x0101),
                                   (CTL, 32, 0), (RESULT, 32, 0), (CTL + 0x100, 32, 5),
                                   (CTL + 0xffc, 32, 5)):
            devmem(be, addr, width, value)
        out = devmem(be, CTL + 1, 8)
        check("0x00" in out, f"a byte read of the page: {out!r}")
        errors1 = int(re.search(r"0x([0-9A-Fa-f]+)", devmem(be, ERRORS, 32)).group(1), 16)
        check(errors1 - errors0 == 8, f"rejected accesses counted {errors0} -> {errors1}")
        check(re.search(r"0x54434842", devmem(be, CTL, 32), re.IGNORECASE),
              "the page's magic is gone")

        rows = ctl_list(be)
        for vm in ("frontend1", "frontend2"):
            check(rows[vm]["state"] == "running" and rows[vm]["resets"] == "0",
                  f"{vm} was touched by garbage: {rows[vm]}")
        for vm, s in sh.items():
            answers(s, vm)
        check(float(f2.run("cut -d' ' -f1 /proc/uptime")) > up2, "frontend2 rebooted")
        hyp = uart0.output()
        check(not re.search(r"bulkhead: vm \S+ (stopped|reset)", hyp),
              "a VM was stopped or reset:\n" + hyp[-2000:])
        check(re.search(r"management page: bad \d-byte write at 0x", hyp), "no log line for "
              "a bad access")


def test_ctl_baremetal_sweep_and_manage(ctx):
    """configs/test-ctl.c: a bare-metal manager makes every bad access its page can take (each
    aligned access of every size to every offset that is not a register it may use) and every
    malformed command: each is rejected, counted and answered, its log lines stop at the
    budget, and it goes on to stop, start and restart the VM it manages, which comes back."""
    with boot_baremetal(ctx, "test-ctl", ["hello", "ctl"], serials=("ser1", "ser2")) as q:
        u0, s1, s2 = q.con("uart0"), q.con("ser1"), q.con("ser2")
        m = s1.expect(r"ctl: header magic=0x([0-9a-f]+) version=(\d+) self=(\d+) nr_vms=(\d+) "
                      r"manages=0x([0-9a-f]+)\r?\n", timeout=30)
        check(m.groups() == ("54434842", "1", "1", "2", "1"), f"header: {m.group(0)}")
        m = s1.expect(r"ctl: sweep rejected (\d+) of (\d+), nonzero reads (\d+)\r?\n",
                      timeout=300)
        check(m.group(1) == m.group(2) and int(m.group(2)) > 14000 and m.group(3) == "0",
              f"sweep: {m.group(0)}")
        m = s1.expect(r"ctl: commands bad (\d+) of (\d+)\r?\n", timeout=120)
        check(m.group(1) == m.group(2) and int(m.group(2)) == 256 * 4 - 3,
              f"commands: {m.group(0)}")
        s1.expect(r"ctl: stop 0 again 114 state 5\r?\n", timeout=30)
        s1.expect(r"ctl: start 0 state 2 resets 1\r?\n", timeout=60)
        s1.expect(r"ctl: restart 0 state 2 resets 2\r?\n", timeout=60)
        m = s1.expect(r"ctl: done FAILS=(\d+)\r?\n", timeout=30)
        check(m.group(1) == "0", "the manager saw failures:\n" + s1.output()[-3000:])
        # the bystander started three times: at boot, by the start, by the restart
        end = time.monotonic() + 30
        while s2.output().count("vm0 hello") < 3 and time.monotonic() < end:
            time.sleep(0.2)
        check(s2.output().count("vm0 hello") == 3, "the bystander did not come back twice")
        log = u0.output()
        for line in ("bulkhead: vm bystander: stopped by vm mgr",
                     "bulkhead: vm bystander: start by vm mgr",
                     "bulkhead: vm bystander: restart by vm mgr"):
            check(line in log, f"no {line!r} in the log:\n{log[-3000:]}")
        check(log.count("bulkhead: vm bystander reset") == 2, log[-3000:])
        # thousands of bad accesses and commands, 16 log lines: the VM's budget
        n = len(re.findall(r"bulkhead: vm mgr: management (page|command)", log))
        check(n == 16, f"{n} log lines for the manager's bad accesses, want its budget of 16")
        check("vm mgr stopped" not in log, "the manager was stopped:\n" + log[-3000:])
