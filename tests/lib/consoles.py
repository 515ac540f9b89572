"""Helpers for the Linux system tests that drive frontend consoles served by
bulkhead-dm in the backend VM: booting a config of three Linux VMs and
waiting for their shells, the model's --stats, polling a condition in a
guest shell, a 1 MiB transfer each way with sha256 compared, and bh-stream
streams (guest/tools/stream.h) one or both ways at once, every byte checked.
"""

import re
import time

from harness import (Qemu, Shell, TestFailure, check, dt_loaders, dt_smp, platform, ssh,
                     ssh_argv)

# console label -> VM name (QEMU puts the first pci-serial in slot 1: serial1; on a board
# whose UARTs stand in for them, its UART1 is serial1).  A VM without a UART (console=hvc0,
# frontend2 on zcu102) has its label too: its hvc0 through the backend (hvc_shell()).
CONSOLES = {"uart0": "backend", "serial1": "frontend1", "serial2": "frontend2"}
LABELS = {vm: label for label, vm in CONSOLES.items()}
# frontend -> the uio name of its console (configs/reference.c .virtio[].name)
DEVICES = {"frontend1": "console-frontend1", "frontend2": "console-frontend2"}
# frontend -> the uio name of its virtio-net; guest/rio/rc.local's tap is tap-FRONTEND
NETS = {"frontend1": "net-frontend1", "frontend2": "net-frontend2"}
# frontend -> the uio name of its virtio-blk; guest/rio/rc.local's image is /data/FRONTEND.img
DISKS = {"frontend1": "blk-frontend1", "frontend2": "blk-frontend2"}
# each VM's fixed address on the backend's bridge (configs/reference-layout.h, configs/reference-zcu102.c bulkhead.sshd=)
ADDR = {"backend": "10.0.2.15", "frontend1": "10.0.2.16", "frontend2": "10.0.2.17"}
BOOT_TIMEOUT = 180
MIB = 1 << 20
STREAM_BIG = 32 << 30  # more than any timed stream moves: gen stops at its deadline
# A real kernel panic: init's code zeroed through /proc/1/mem, so that init (a busybox
# shell, guest/roles/shell/init) dies ("Attempted to kill init") the next time it runs and
# panic=-1 resets the VM (PSCI SYSTEM_RESET).  It runs when one of its children exits: the
# console shell, but also any orphan it adopted, such as /etc/rc.d/sshd's job ending after
# its lease, at any instant.  So send it with the shell's exit on one line
# (`send_line(KILL_INIT + "; exit")`) and wait for nothing in between: a Shell.run() of it
# alone waits for an end marker the panicking kernel may never print.
KILL_INIT = ("set -- $(grep -m1 r-xp /proc/1/maps); r=${1%%-*}; e=${1##*-}; "
             "dd if=/dev/zero of=/proc/1/mem bs=4096 seek=$((0x$r / 4096)) "
             "count=$(((0x$e - 0x$r) / 4096)) conv=notrunc 2>/dev/null")
# A kernel panic at once, where the command runs: LKDTM's PANIC (the guest kernel has
# CONFIG_LKDTM; its debugfs mounted first).  panic=-1 resets the VM (PSCI SYSTEM_RESET).
PANIC = ("mount -t debugfs none /sys/kernel/debug 2>/dev/null; "
         "echo PANIC >/sys/kernel/debug/provoke-crash/DIRECT")
# The summary line of `bh-stream check` (guest/tools/bh-stream.c)
STREAM_RESULT = re.compile(r"stream (\w+): bytes=(\d+) received=(\d+) lost=(\d+) "
                           r"duplicated=(\d+) foreign=(\d+) mib_ok=(\d+)/(\d+) through=(\d+) "
                           r"gaps=(\d+)")


def stream_result(text, tag):
    """The last summary line of `bh-stream check` for @tag in @text, as a dict of ints."""
    m = [m for m in STREAM_RESULT.finditer(text) if m.group(1) == tag]
    check(m, f"no bh-stream result for {tag} in:\n{text[-2000:]}")
    keys = ("bytes", "received", "lost", "duplicated", "foreign", "mib_ok", "mibs", "through",
            "gaps")
    return dict(zip(keys, (int(v) for v in m[-1].groups()[1:])))


def reference_config(ctx):
    """The reference config of the build's platform (BUILD/platform.env RUN_CONFIG:
    configs/reference.c on virt, configs/reference-zcu102.c on the ZCU102)."""
    return platform(ctx).get("RUN_CONFIG", "reference")


def hvc_only(ctx, config):
    """The VMs of @config whose console is their hvc0 (bootargs console=hvc0): they have
    no UART, the backend serves their console (guest/rio/bulkhead-console)."""
    with open(ctx.out("dt", config, "vms")) as f:
        vms = f.read().split()
    out = set()
    for vm in vms:
        with open(ctx.out("dt", config, f"{vm}.dts")) as f:
            if re.search(r'bootargs = "[^"]*\bconsole=hvc0\b', f.read()):
                out.add(vm)
    return out


def boot_reference(ctx, config=None, name="qemu", disk=None):
    """QEMU running @config's hypervisor (None: the platform's reference config) with
    the consoles of the reference layout (UART0, and the UART of each frontend that has
    one: a pci-serial on virt, the board's UART1 on zcu102), as `make run` starts it:
    the NIC the config passes through is forwarded from a free port (q.ssh_port), its
    disk is the image file @disk (None: a new temporary one, Qemu).  q.hvc_only names
    the VMs without a UART, whose console vm_shell() reaches through the backend."""
    config = config or reference_config(ctx)
    hvc = hvc_only(ctx, config)
    q = Qemu(ctx, kernel=ctx.out("hyp", config, "bulkhead.bin"), smp=dt_smp(ctx, config),
             consoles=["uart0"],
             pci_serials=[LABELS[vm] for vm in ("frontend1", "frontend2") if vm not in hvc],
             loaders=dt_loaders(ctx, config), nic=ctx.out("dt", config), disk=disk,
             name=name)
    q.hvc_only = hvc
    return q


def boot_bare(ctx, name="qemu", extra=()):
    """QEMU running the guest kernel and shell initramfs without the
    hypervisor, `-smp 2` and 512 MiB: the native side of the benchmarks.

    noirqdebug: while the guest streams into a virtconsole, QEMU's virtio-serial
    raises used-buffer interrupts no handler claims (virtio_console's put_chars
    takes its buffer back by polling the used ring), and a dense burst of them
    makes Linux turn the line off and poll it every 100 ms (IRQ_DISABLED_RX):
    native's later figures would measure that poll, not QEMU's device.  Bulkhead's
    frontends do not trip the detector; no_trouble() checks both sides."""
    return Qemu(ctx, kernel=ctx.out("guest", "Image"),
                initrd=ctx.out("guest", "initramfs-shell.cpio.gz"),
                append="console=ttyAMA0 bulkhead.name=guest noirqdebug", smp=2, mem="512M",
                extra=extra, name=name)


def bare_shell(q, timeout=BOOT_TIMEOUT):
    """Wait for boot_bare()'s guest and its prompt on UART0; return its Shell."""
    q.con("uart0").expect(r"bulkhead: guest up", timeout=timeout)
    sh = Shell(q.con("uart0"))
    sh.wait_prompt("guest# ", timeout=30)
    return sh


def hvc_shell(q, vm, timeout=BOOT_TIMEOUT):
    """The Shell on the console of @vm, a VM without a UART (q.hvc_only): its hvc0 as the
    backend's consoles model serves it, through `ssh backend bulkhead-console VM`
    (docs/running.md, "On the ZCU102"), attached anew (after a model's restart: its new pty).
    Its boot line went out before anyone listened: a newline until the prompt answers."""
    port = q.ssh_ports.get("backend")
    check(port, f"{vm} has no UART and the backend serves no ssh to reach its hvc0")
    end = time.monotonic() + timeout
    while True:  # the backend's network and sshd come up after its shell
        try:
            ssh(q.ctx, port, "true", timeout=60)
            break
        except TestFailure:
            if time.monotonic() > end:
                raise
            time.sleep(2)
    argv = [*ssh_argv(q.ctx, port), "-T", "root@127.0.0.1", f"bulkhead-console {vm}"]
    con = q.attach(LABELS[vm], argv)
    while True:
        try:
            con.send("\n")
            con.expect(rf"{vm}# ", timeout=5)
            return Shell(con)
        except (TestFailure, OSError):
            if time.monotonic() > end:
                raise TestFailure(f"{vm}: no prompt on its hvc0 through the backend within "
                                  f"{timeout}s; last output:\n{con.output()[-600:]}") from None
            if con.closed():  # bulkhead-console ended: no model (yet, again)
                time.sleep(2)
                con = q.attach(LABELS[vm], argv)


def vm_shell(q, vm, timeout=BOOT_TIMEOUT):
    """Wait for @vm's boot line and prompt on its console; return its Shell."""
    if vm in getattr(q, "hvc_only", ()):
        return hvc_shell(q, vm, timeout)
    q.con(LABELS[vm]).expect(rf"bulkhead: {vm} up in", timeout=timeout)
    sh = Shell(q.con(LABELS[vm]))
    sh.wait_prompt(rf"{vm}# ", timeout=30)
    return sh


def vm_shells(q, vms=tuple(LABELS), timeout=BOOT_TIMEOUT):
    """Wait for the shells of @vms (all three by default); return {vm: Shell}."""
    return {vm: vm_shell(q, vm, timeout) for vm in vms}


def ssh_ready(sh, vm):
    """Wait until @vm's /etc/rc.d/sshd has its lease and serves ssh (guest/net/rc.sshd).
    Until then a VM's network is busy on its own (DHCP), so a test that stops the backend
    must wait for this: a frontend that sends a packet while no model serves its
    virtio-net waits in the hypervisor (docs/running.md, "Networking")."""
    try:
        wait_for(sh, "grep -q 'sshd: dropbear on' /run/sshd.log", timeout=BOOT_TIMEOUT)
    except TestFailure:
        raise TestFailure(f"{vm}: ssh did not start:\n" + sh.run("cat /run/sshd.log")) from None


# What a user reads as an error on a console: a tool's complaint, a failure, a usage text.
ERROR_RX = re.compile(r"error|invalid|fail|can't|cannot|not found|no such|usage:|unknown",
                      re.IGNORECASE)


def boot_error_lines(text):
    """The lines of console output @text a user would take for an error."""
    return [line.strip() for line in text.splitlines() if ERROR_RX.search(line)]


def answers(sh, vm):
    """@vm runs a command through its own console."""
    out = sh.run("echo alive-$(hostname)", timeout=30)
    check(f"alive-{vm}" in out, f"{vm} did not answer: {out!r}")


def all_stats(be):
    """{uio name: {counter: value}} from `bulkhead-dm --stats`."""
    out = {}
    for line in be.run("bulkhead-dm --stats").split("\n"):
        m = re.match(r"(\S+) \((uio\d+)\): (.*)", line.strip())
        if m:
            out[m.group(1)] = {k: v for k, v in (f.split("=", 1) for f in m.group(3).split())}
    return out


def stats(be, name):
    """The `bulkhead-dm --stats` counters of @name as a dict of strings."""
    st = all_stats(be)
    check(name in st, f"no --stats line for {name}")
    return st[name]


def kill_dm(be, pidfile="/run/bulkhead-dm.pid"):
    """SIGKILL the model whose pid @pidfile holds (the boot model by default),
    for good: its supervisor (guest/rio/dm-supervise) finds the .down file
    beside @pidfile and does not start it again."""
    down = pidfile[:-len(".pid")] + ".down"
    be.run(f"touch {down}; kill -9 $(cat {pidfile}) 2>/dev/null; sleep 0.5; true")


def start_dm(be, vms, tag, chardev="pty", nets=(), disks=()):
    """One model serving the consoles of @vms, its log in /tmp/dm-TAG.log and
    pid in /tmp/dm-TAG.pid.  chardev "pty": return {vm: /dev/pts/N};
    "file": frontend N's output goes to /tmp/outN, its input comes from the
    FIFO /tmp/inN (held open by the backend shell); return the log.  It also
    serves the virtio-net of @nets, on the bridged taps /etc/rc.local made,
    and the virtio-blk of @disks, on the images /etc/rc.local made."""
    args, setup = [], []
    for vm in nets:
        args.append(f"-netdev tap,id=n{vm[-1]},ifname=tap-{vm} "
                    f"-device virtio-net,netdev=n{vm[-1]},transport=u,name={NETS[vm]}")
    for vm in disks:
        args.append(f"-drive file=/data/{vm}.img,id=d{vm[-1]} "
                    f"-device virtio-blk,drive=d{vm[-1]},transport=u,name={DISKS[vm]}")
    for vm in vms:
        n = vm[-1]
        if chardev == "pty":
            args.append(f"-chardev pty,id=p{n}")
        else:
            setup.append(f"rm -f /tmp/in{n} /tmp/out{n}; mkfifo /tmp/in{n}; "
                         f"exec {4 + int(n)}<>/tmp/in{n}")
            args.append(f"-chardev file,id=p{n},path=/tmp/out{n},input-path=/tmp/in{n}")
        args.append(f"-device virtio-console,chardev=p{n},transport=u,name={DEVICES[vm]}")
    # a model killed between the uio interrupt and its re-arm leaves it
    # disabled; writing 1 (uio_pdrv_genirq irqcontrol) is harmless otherwise.
    # Not the management page's node: it has no interrupt to re-arm (EIO).
    setup.append("for u in /sys/class/uio/uio*; do [ \"$(cat $u/name)\" = bulkhead-ctl ] || "
                 "printf '\\001\\000\\000\\000' >/dev/${u##*/}; done")
    be.run("; ".join(setup))
    be.run(f"(setsid bulkhead-dm -transport uio,id=u {' '.join(args)} >/tmp/dm-{tag}.log 2>&1 & "
           f"echo $! >/tmp/dm-{tag}.pid); sleep 1")
    log = be.run(f"cat /tmp/dm-{tag}.log")
    for name in [DEVICES[vm] for vm in vms] + [NETS[vm] for vm in nets] + \
            [DISKS[vm] for vm in disks]:
        check(re.search(rf"uio {name} \(uio\d\): attached", log),
              f"model {tag} did not attach {name}:\n{log}")
    if chardev != "pty":
        return log
    ptys = {f"frontend{m.group(2)}": m.group(1)
            for m in re.finditer(r"char device redirected to (/dev/pts/\d+) \(label p(\d)\)", log)}
    check(all(vm in ptys for vm in vms), f"model {tag} made no pty for some of {vms}:\n{log}")
    return ptys


def open_hvc(fe):
    """Keep /dev/hvc0 open on fd 3, raw and without echo: hvc drops input and
    resets termios on last close, and an echo would flow back to the backend."""
    fe.run("exec 3<>/dev/hvc0; stty raw -echo <&3")


def out_size(be, n):
    """Bytes in the backend's /tmp/outN (start_dm(chardev="file"))."""
    return int(be.run(f"stat -c %s /tmp/out{n}").strip() or 0)


def wait_out_size(be, n, size, timeout=120):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if out_size(be, n) >= size:
            return
        time.sleep(0.5)
    raise TestFailure(f"/tmp/out{n} stayed at {out_size(be, n)} bytes, want {size}")


# Linux's spurious-interrupt detector (kernel/irq/spurious.c): when 99,900 of
# 100,000 interrupts of a line found no handler that claimed them, it disables
# the line and from then on polls it every 100 ms (HZ/10)
IRQ_DISABLED_RX = re.compile(r"Disabling IRQ #\d+")


def no_trouble(q):
    """No VM stopped and no backend request rejected, says the hypervisor's log; and
    no guest kernel on any of @q's consoles turned an interrupt line off as spurious
    (its device would be served by a 100 ms poll from then on: a broken device for a
    test, a run that measures Linux's fallback and not the device for a benchmark)."""
    hyp = q.con("uart0").output()
    bad = re.search(r"bulkhead: (vm \S+ stopped|rio \S+: backend \S+ rejected).*", hyp)
    check(not bad, f"hypervisor complained: {bad and bad.group(0)}")
    for label, con in q.cons.items():
        off = IRQ_DISABLED_RX.search(con.output())
        check(not off, f"{label}: the guest kernel said \"{off and off.group(0)}\": it found "
              "the line's interrupts unclaimed and polls it every 100 ms from then on")


def wait_output(con, mark, pattern, timeout=30):
    """Wait until regex @pattern appears in @con's output after offset @mark (mark =
    len(con.output()) taken before), whatever a Shell on the same console consumed
    meanwhile (the hypervisor's lines share UART0 with the backend's shell); return the
    match."""
    end = time.monotonic() + timeout
    while True:
        m = re.search(pattern, con.output()[mark:])
        if m:
            return m
        if time.monotonic() > end:
            raise TestFailure(f"{con.label}: no /{pattern}/ within {timeout}s; last output:\n"
                              + con.output()[-1500:])
        time.sleep(0.2)


def background(sh, cmds):
    """Start the shell commands @cmds in the background of @sh, detached from
    its console (their output must go to files)."""
    sh.run(f"(({cmds}) >/dev/null 2>&1 & true)")


def wait_for(sh, cond_cmd, timeout=120):
    """Poll the shell command @cond_cmd in @sh until it succeeds."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if "yes" in sh.run(f"{cond_cmd} && echo yes; true"):
            return
        time.sleep(0.3)
    raise TestFailure(f"timeout: {cond_cmd}")


def mib_each_way(be, fe, pty, name):
    """1 MiB frontend->backend and backend->frontend through @pty (backend)
    and fd 3 on /dev/hvc0 (frontend, raw), sha256 compared; return the two
    durations in seconds.  @name is the device's uio name, for --stats.
    It can be called again: the markers of a call before are removed first."""
    fe.run(f"head -c {MIB} /dev/urandom > /tmp/x")
    be.run(f"head -c {MIB} /dev/urandom > /tmp/y")
    s0 = stats(be, name)
    be.run(f"rm -f /tmp/x.done; "
           f"((head -c {MIB} {pty} > /tmp/x; touch /tmp/x.done) >/dev/null 2>&1 & true); sleep 0.5")
    t0 = time.monotonic()
    fe.run("cat /tmp/x >&3", timeout=300)
    wait_for(be, "[ -e /tmp/x.done ]", 300)
    up = time.monotonic() - t0
    s1 = stats(be, name)
    fe.run(f"rm -f /tmp/y.done; "
           f"((head -c {MIB} <&3 > /tmp/y; touch /tmp/y.done) >/dev/null 2>&1 & true); sleep 0.5")
    t0 = time.monotonic()
    be.run(f"cat /tmp/y > {pty}", timeout=300)
    wait_for(fe, "[ -e /tmp/y.done ]", 300)
    down = time.monotonic() - t0
    s2 = stats(be, name)
    for f in ("x", "y"):
        a = fe.run(f"sha256sum /tmp/{f}").split()[0]
        b = be.run(f"sha256sum /tmp/{f}").split()[0]
        check(a == b, f"/tmp/{f} differs: frontend {a} backend {b}")

    def d(a, b, k):
        return int(b[k]) - int(a[k])
    print(f"# frontend->backend 1 MiB: {up:.2f} s ({1 / up:.2f} MiB/s incl. shell round trips), "
          f"{d(s0, s1, 'traps')} traps, {d(s0, s1, 'doorbells')} doorbells, "
          f"{d(s0, s1, 'frontend_irqs')} frontend irqs")
    print(f"# backend->frontend 1 MiB: {down:.2f} s ({1 / down:.2f} MiB/s), "
          f"{d(s1, s2, 'traps')} traps, {d(s1, s2, 'doorbells')} doorbells, "
          f"{d(s1, s2, 'frontend_irqs')} frontend irqs")
    return up, down


def boot_ptys(be):
    """{vm: /dev/pts/N} of the consoles' model rc.local started."""
    log = be.run("cat /run/bulkhead-dm.log")
    ptys = {vm: re.search(rf"redirected to (/dev/pts/\d+) \(label {name}\)", log)
            for vm, name in DEVICES.items()}
    check(all(ptys.values()), f"the boot model did not make both ptys:\n{log}")
    return {vm: m.group(1) for vm, m in ptys.items()}


def stream_timed(be, fe, pty, seconds, up=True, down=True, idle=10, during=None):
    """bh-stream for @seconds frontend -> backend (@fe's fd 3, raw hvc0, into
    a reader of @pty in the backend) and/or backend -> frontend, both at once
    when both are asked.  Each generator stops at its deadline and says how
    much its writes took; each checker ends @idle seconds after its last byte.
    @during(seconds), if given, is called instead of sleeping through the
    streams (to look at them while they run) and must return after @seconds.
    Return {"up"/"down": (bytes sent, checker's stream_result)}."""
    be.run(f"stty -F {pty} raw -echo; rm -f /tmp/bw.*")
    fe.run("rm -f /tmp/bw.*")
    if up:
        background(be, f"bh-stream check BWUP {STREAM_BIG} {idle} <{pty} >/tmp/bw.up.rx 2>&1; "
                   "touch /tmp/bw.up.rx.done")
    if down:
        background(fe, f"bh-stream check BWDN {STREAM_BIG} {idle} <&3 >/tmp/bw.dn.rx 2>&1; "
                   "touch /tmp/bw.dn.rx.done")
    if down:
        background(be, f"bh-stream gen BWDN {STREAM_BIG} {seconds} >{pty} 2>/tmp/bw.dn.sent; "
                   "touch /tmp/bw.dn.sent.done")
    if up:
        background(fe, f"bh-stream gen BWUP {STREAM_BIG} {seconds} >&3 2>/tmp/bw.up.sent; "
                   "touch /tmp/bw.up.sent.done")
    (during or time.sleep)(seconds)
    out = {}
    for way, tag, tx, rx in (("up", "BWUP", fe, be), ("down", "BWDN", be, fe)):
        if not (up if way == "up" else down):
            continue
        f = "up" if way == "up" else "dn"
        wait_for(tx, f"[ -e /tmp/bw.{f}.sent.done ]", 300)
        wait_for(rx, f"[ -e /tmp/bw.{f}.rx.done ]", 300)
        sent = re.search(r"sent=(\d+)", tx.run(f"cat /tmp/bw.{f}.sent"))
        check(sent, f"{way}: bh-stream gen said nothing")
        out[way] = (int(sent.group(1)),
                    stream_result(rx.run(f"grep '^stream {tag}:' /tmp/bw.{f}.rx"), tag))
    return out
