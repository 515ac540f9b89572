"""A frontend that panics again and again while it is busy comes back every time
(the reference system as `make run` boots it; docs/protocol.md "A frontend that resets").

frontend1 panics BH_RESET_ROUNDS times (50 in make test) in one boot, each time at a
random moment (seeded, BH_RESET_SEED replays it) of its I/O: its hvc0 streaming both ways
through the device model's pty, TCP both ways with the backend through its virtio-net, and
its UART printing.  Every other round the panic is LKDTM's, from a background job; the
others zero init's code (consoles.KILL_INIT), as test_panic_in_frontend1 does.  After each
reset the new life must answer on its UART, move a bh-stream both ways through its hvc0
byte-exactly, and take data over ssh from the host with the same sha256.

Meanwhile frontend2 streams through its own hvc0 and over TCP to the backend, paced, and
the backend checks both byte-exactly at the end: the other VMs never notice (no byte lost,
repeated or foreign, no reset, no stop, their uptime and files kept).
"""

import hashlib
import os
import random
import re
import time
from concurrent.futures import ThreadPoolExecutor

from consoles import (DEVICES, DISKS, KILL_INIT, NETS, PANIC, all_stats, answers, background,
                      boot_reference, open_hvc, ssh_ready, stream_result, vm_shell, vm_shells,
                      wait_for)
from harness import TestFailure, check, ssh

ROUNDS = int(os.environ.get("BH_RESET_ROUNDS", "50"))
VMS = ("backend", "frontend1", "frontend2")
ADDR = {"backend": "10.0.2.15", "frontend1": "10.0.2.16", "frontend2": "10.0.2.17"}
# more than any stream here can move: generators are stopped or killed, checkers end when
# their stream stays quiet
BIG = 32 << 30
# what each new life moves through its hvc0 each way, and over ssh
CHECK_BYTES = 64 << 10
SSH_BYTES = 256 << 10
# frontend2's streams: a chunk every PACE_US, so that the bystander stays a bystander
# (at most 160 KiB/s each) and frontend1's load keeps the host's CPUs
CHUNK = 16 << 10
PACE_US = 100000
# a checker that gets no byte for this long ends: a stall that long is noticed
IDLE_S = 20
# the panic comes this long (ms), at random, after frontend1's devices were seen busy
DELAY_MS = (200, 2500)
BE_LOAD = "/tmp/load.pids"


def paced(stop, count):
    """Shell: copy stdin to stdout a CHUNK at a time, PACE_US apart, until the file
    @stop exists; the chunks copied so far are in the file @count."""
    return (f"n=0; while [ ! -e {stop} ]; do head -c {CHUNK} || break; n=$((n + 1)); "
            f"echo $n >{count}; usleep {PACE_US}; done")


def consoles_ptys(be):
    """{frontend: the backend's pty of its hvc0} from the boot model's log."""
    log = be.run("cat /run/bulkhead-dm.log")
    ptys = {vm: re.search(rf"redirected to (/dev/pts/\d+) \(label {name}\)", log)
            for vm, name in DEVICES.items()}
    check(all(ptys.values()), f"the boot model did not make both ptys:\n{log}")
    return {vm: m.group(1) for vm, m in ptys.items()}


def bystander_start(be, f2, pty):
    """frontend2 streams through its hvc0 and over TCP to the backend, paced; the
    backend checks both."""
    open_hvc(f2)
    background(be, f"bh-stream check F2UP {BIG} {IDLE_S} <{pty} >/tmp/F2UP.rx 2>&1; "
               "touch /tmp/F2UP.done")
    # (the pipeline as a whole outlasts its `sleep`: the checker's end is marked inside)
    background(be, f"sleep 100000 | nc -l -p 6000 | {{ bh-stream check F2NT {BIG} {IDLE_S} "
               ">/tmp/F2NT.rx 2>&1; touch /tmp/F2NT.done; }")
    background(f2, f"bh-stream gen F2UP {BIG} | {{ {paced('/tmp/stop', '/tmp/F2UP.n')}; }} >&3")
    # the stream only once the backend listens, so that no byte is sent into a refusal
    wait_for(be, "netstat -ltn | grep -q ':6000 '", timeout=60)
    background(f2, f"bh-stream gen F2NT {BIG} | {{ {paced('/tmp/stop', '/tmp/F2NT.n')}; }} | "
               f"nc {ADDR['backend']} 6000")


def bystander_end(be, f2):
    """Stop frontend2's streams; check that every byte it sent arrived once, in order."""
    f2.run("touch /tmp/stop; sleep 1")
    wait_for(be, "[ -e /tmp/F2UP.done ] && [ -e /tmp/F2NT.done ]", timeout=IDLE_S + 120)
    for tag in ("F2UP", "F2NT"):
        sent = int(f2.run(f"cat /tmp/{tag}.n").strip() or 0) * CHUNK
        r = stream_result(be.run(f"grep '^stream {tag}:' /tmp/{tag}.rx"), tag)
        print(f"# frontend2 {tag}: sent {sent} bytes, received {r['received']}, "
              f"through {r['through']}, gaps {r['gaps']}, duplicated {r['duplicated']}, "
              f"foreign {r['foreign']}")
        check(sent > 0, f"frontend2 sent nothing on {tag}")
        check(r["received"] == sent and r["through"] == sent and r["gaps"] == 0
              and r["duplicated"] == 0 and r["foreign"] == 0,
              f"frontend2 noticed: {tag} sent {sent} bytes, the backend's checker says {r}")


def load_start(be, f1, pty, r):
    """Make frontend1 busy: hvc0 both ways and TCP both ways with the backend, until it
    dies.  Return the two TCP ports."""
    up, down = 7000 + 2 * r, 7001 + 2 * r
    # the backend's ends, each pid noted to be killed once the frontend is gone; a
    # receiving nc's stdin stays open (busybox nc half-closes at the end of its stdin,
    # and the sender stops at that)
    be.run(f"(sleep 1000 | nc -l -p {up} >/dev/null 2>&1 & echo $! >>{BE_LOAD}); "
           f"(bh-stream gen L{r}N {BIG} 2>/dev/null | nc -l -p {down} >/dev/null 2>&1 & "
           f"echo $! >>{BE_LOAD}); "
           f"(bh-stream gen L{r}D {BIG} >{pty} 2>/dev/null & echo $! >>{BE_LOAD}); "
           f"(cat {pty} >/dev/null 2>&1 & echo $! >/tmp/sink.pid)")
    # frontend1's ends: they all die with it
    background(f1, f"bh-stream gen L{r}U {BIG} >&3 & cat <&3 >/dev/null & "
               f"until bh-stream gen L{r}T {BIG} | nc {ADDR['backend']} {up}; do "
               "usleep 100000; done & "
               f"until sleep 1000 | nc {ADDR['backend']} {down} >/dev/null; do "
               "usleep 100000; done")
    return up, down


def busy(be, before, ports):
    """Check that both TCP connections are up and that frontend1's console and network
    moved data both ways since the --stats counters @before; return the counters now."""
    wait_for(be, " && ".join(f"netstat -tn | grep -q ':{p} .*ESTABLISHED'" for p in ports),
             timeout=60)
    now = all_stats(be)
    for dev in (DEVICES["frontend1"], NETS["frontend1"]):
        moved = {k: int(now[dev][k]) - int(before[dev][k]) for k in ("traps", "frontend_irqs")}
        check(all(moved.values()), f"{dev} is not busy: {moved}")
    return now


def panic_at(f1, how, delay_ms):
    """frontend1 panics @delay_ms from now (@how: "lkdtm" from a job of its own, "init"
    through its UART), while its UART prints as fast as a shell loop can."""
    uart = ("i=0; while :; do echo uart-busy-$i; i=$((i + 1)); usleep 20000; done "
            ">/dev/ttyS0")
    if how == "lkdtm":
        background(f1, f"{uart} & usleep {delay_ms * 1000}; {PANIC}")
        return
    background(f1, uart)
    time.sleep(delay_ms / 1000)
    f1.con.send_line(f"{KILL_INIT}; exit")


def await_reset(q, be):
    """frontend1 panicked and the hypervisor reset it; the backend's
    ends of the old life's load are killed."""
    q.con("serial1").expect(r"Kernel panic - not syncing", timeout=60)
    q.con("uart0").expect(r"bulkhead: vm frontend1 reset\r?\n", timeout=60)
    be.run(f"kill $(cat {BE_LOAD}) 2>/dev/null; rm -f {BE_LOAD}; true")


def when_done(sh, path, cmd, secs=60):
    """Run @cmd in @sh once the file @path exists (waited for in the guest, @secs at most)."""
    return sh.run(f"i=0; until [ -e {path} ] || [ $i -ge {secs * 20} ]; do usleep 50000; "
                  f"i=$((i + 1)); done; [ -e {path} ] && {cmd}", timeout=secs + 30)


def hvc_check(be, f1, pty, r):
    """CHECK_BYTES each way through frontend1's new hvc0, byte-exact.  What the old life
    was being sent may still arrive first: it is read away until hvc0 is quiet, and must
    be a piece of that stream, nothing torn or repeated (on the backend, the old load's
    reader has read what the old life sent).  Return how many bytes of it arrived."""
    open_hvc(f1)
    background(f1, f"bh-stream check L{r}D {BIG} 1 <&3 >/tmp/old.rx 2>&1; touch /tmp/old.done")
    be.run(f"kill $(cat /tmp/sink.pid); stty -F {pty} raw -echo; rm -f /tmp/up.done; "
           f"((bh-stream check U{r} {CHECK_BYTES} 10 <{pty} >/tmp/up.rx 2>&1; "
           "touch /tmp/up.done) >/dev/null 2>&1 &); usleep 200000")
    f1.run(f"bh-stream gen U{r} {CHECK_BYTES} >&3 2>/dev/null")
    res = stream_result(when_done(be, "/tmp/up.done", "cat /tmp/up.rx"), f"U{r}")
    check(res["received"] == CHECK_BYTES and res["lost"] + res["duplicated"] + res["foreign"] == 0,
          f"frontend1 -> backend through the new hvc0: {res}")
    text = when_done(f1, "/tmp/old.done", "cat /tmp/old.rx")
    old = stream_result(text, f"L{r}D")
    check(old["duplicated"] + old["foreign"] == 0,
          f"what the old life was being sent reached the new one torn or repeated: {old}\n"
          f"{text[-500:]}")
    background(f1, f"bh-stream check D{r} {CHECK_BYTES} 10 <&3 >/tmp/dn.rx 2>&1; "
               "touch /tmp/dn.done")
    be.run(f"bh-stream gen D{r} {CHECK_BYTES} >{pty} 2>/dev/null")
    res = stream_result(when_done(f1, "/tmp/dn.done", "cat /tmp/dn.rx"), f"D{r}")
    check(res["received"] == CHECK_BYTES and res["lost"] + res["duplicated"] + res["foreign"] == 0,
          f"backend -> frontend1 through the new hvc0: {res}")
    return old["received"]


def ssh_check(ctx, q, f1, r):
    """Send SSH_BYTES from the host into frontend1 over ssh, in the background (it runs
    while the console is checked); return a function that waits for it and checks that
    frontend1 saw the same sha256."""
    ssh_ready(f1, "frontend1")
    data = random.Random(r).randbytes(SSH_BYTES)
    pool = ThreadPoolExecutor(1)
    out = pool.submit(ssh, ctx, q.ssh_ports["frontend1"], "sha256sum", stdin=data, timeout=120)
    pool.shutdown(wait=False)

    def done():
        got = out.result().decode()
        check(got.split()[:1] == [hashlib.sha256(data).hexdigest()],
              f"ssh into frontend1: {got!r}, want {hashlib.sha256(data).hexdigest()}")
    return done


def one_round(ctx, q, be, f1, pty, r, how, delay):
    """Round @r: frontend1 (its Shell @f1) busy, panicked, back; return its new Shell and
    how long each part took."""
    t = {}
    t0 = time.monotonic()
    before = all_stats(be)
    ports = load_start(be, f1, pty, r)
    busy(be, before, ports)
    panic_at(f1, how, delay)
    await_reset(q, be)
    t_reset = time.monotonic()
    t["load"] = t_reset - t0
    f1 = vm_shell(q, "frontend1")
    t["back"] = time.monotonic() - t_reset
    t_up = time.monotonic()
    answers(f1, "frontend1")
    ssh_done = ssh_check(ctx, q, f1, r)
    t["old"] = hvc_check(be, f1, pty, r)
    ssh_done()
    t["checks"] = time.monotonic() - t_up
    return f1, t


def diagnosis(q, be):
    """What a failed round leaves to read: the hypervisor's last lines, the counters."""
    hyp = "\n".join(q.con("uart0").output().splitlines()[-15:])
    try:
        dm = be.run("bulkhead-dm --stats; tail -n 5 /run/bulkhead-dm*.log", timeout=30)
    except TestFailure as e:
        dm = f"(the backend did not answer: {e})"
    return f"hypervisor's log:\n{hyp}\nbackend:\n{dm}"


def test_frontend1_panics_while_busy_and_always_comes_back(ctx):
    seed = int(os.environ.get("BH_RESET_SEED", random.randrange(1, 1 << 30)))
    print(f"# {ROUNDS} rounds, seed {seed} (BH_RESET_SEED={seed} replays it)", flush=True)
    rng = random.Random(seed)
    with boot_reference(ctx) as q:
        sh = vm_shells(q)
        be, f1, f2 = sh["backend"], sh["frontend1"], sh["frontend2"]
        for vm in VMS:
            ssh_ready(sh[vm], vm)
        ptys = consoles_ptys(be)
        be.run("; ".join(f"stty -F {p} raw -echo" for p in ptys.values()))
        be.run("echo marker >/tmp/marker")
        f2.run("echo marker >/tmp/marker")
        up2 = float(f2.run("cut -d' ' -f1 /proc/uptime"))
        bystander_start(be, f2, ptys["frontend2"])
        open_hvc(f1)
        t0 = time.monotonic()
        olds, backs = [], []
        for r in range(ROUNDS):
            how = ("lkdtm", "init")[r % 2]
            delay = rng.randint(*DELAY_MS)
            try:
                f1, t = one_round(ctx, q, be, f1, ptys["frontend1"], r, how, delay)
            except TestFailure as e:
                raise TestFailure(f"round {r + 1} of {ROUNDS} (panic by {how}, {delay} ms into "
                                  f"the load): {e}\n{diagnosis(q, be)}") from None
            backs.append(t["back"])
            olds.append(t["old"])
            print(f"# round {r + 1}: panic by {how} {delay} ms after both streams flowed "
                  f"(reset {t['load']:.1f} s after the load began); shell back {t['back']:.1f} "
                  f"s after the reset line; checks {t['checks']:.1f} s; {t['old']} bytes of "
                  "the old life's console input arrived in the new one", flush=True)
        secs = time.monotonic() - t0
        bystander_end(be, f2)

        hyp = q.con("uart0").output()
        resets = len(re.findall(r"bulkhead: vm frontend1 reset", hyp))
        check(resets == ROUNDS, f"{resets} resets of frontend1 in the hypervisor's log, "
              f"want {ROUNDS}")
        other = re.search(r"bulkhead: vm (backend|frontend2) (reset|restarting|stopped|powered)"
                          r".*|bulkhead: vm \S+ stopped.*|"
                          r"bulkhead: rio \S+: backend \S+ rejected.*", hyp)
        check(not other, f"the hypervisor said: {other and other.group(0)}")
        st = all_stats(be)
        for vm, want in (("frontend1", ROUNDS), ("frontend2", 0)):
            for dev in (DEVICES[vm], NETS[vm], DISKS[vm]):
                check(dev in st, f"no --stats line for {dev}")
                check(int(st[dev]["resets"]) == want and st[dev]["state"] == "ok"
                      and int(st[dev]["rejected"]) == 0,
                      f"{dev}: resets={st[dev]['resets']} (want {want}) "
                      f"state={st[dev]['state']} rejected={st[dev]['rejected']}")
        # the others went on as they were
        now2 = float(f2.run("cut -d' ' -f1 /proc/uptime"))
        check(now2 > up2 + secs * 0.9, f"frontend2's uptime went from {up2} to {now2} "
              f"in {secs:.0f} s")
        for s, vm in ((be, "backend"), (f2, "frontend2")):
            check("marker" in s.run("cat /tmp/marker"), f"{vm} lost its /tmp")
            answers(s, vm)
            out = ssh(ctx, q.ssh_ports[vm], "echo in-$(hostname)").decode()
            check(f"in-{vm}" in out, f"ssh into {vm} after the resets: {out!r}")
        backs.sort()
        print(f"# {ROUNDS} panics and resets of frontend1 in {secs:.0f} s; its shell back "
              f"{backs[len(backs) // 2]:.1f} s (median, {backs[0]:.1f}-{backs[-1]:.1f}) "
              f"after the hypervisor's reset line; the old life's console input that "
              f"reached the new one: {max(olds)} bytes at most", flush=True)


test_frontend1_panics_while_busy_and_always_comes_back.timeout = 300 + 30 * ROUNDS
