"""bulkhead-dm's uio transport in the backend VM serving the frontends' stock
virtio_console through the hypervisor, each console on a pty the model made
(the reference scenario as the README describes it; test_rio_linux.py covers
the rest of remote I/O with file chardevs).

One boot of the reference config: a model serving both frontends, text both
ways and 1 MiB each way (sha256) through /dev/pts/N <-> /dev/hvc0, then the
model killed (SIGKILL) and replaced by one model per frontend: both hvc0 work
again without a reboot.
"""

import re

from consoles import boot_reference, check, mib_each_way, wait_for
from harness import Shell

BOOT_TIMEOUT = 180
NAMES = {"frontend1": "console-frontend1", "frontend2": "console-frontend2"}
LABELS = {"frontend1": "serial1", "frontend2": "serial2"}


def shell(q, label, vm):
    q.con(label).expect(rf"bulkhead: {vm} up in", timeout=BOOT_TIMEOUT)
    sh = Shell(q.con(label))
    sh.wait_prompt(rf"{vm}# ", timeout=30)
    return sh


def start_dm(be, vms, tag):
    """One model for @vms, each console on a pty; return {vm: /dev/pts/N}."""
    args = " ".join(f"-chardev pty,id=p{vm[-1]} -device virtio-console,chardev=p{vm[-1]},"
                    f"transport=t,name={NAMES[vm]}" for vm in vms)
    be.run(f"(bulkhead-dm -transport uio,id=t {args} >/tmp/{tag}.out 2>/tmp/{tag}.err & "
           f"echo $! >/tmp/{tag}.pid); sleep 1")
    out = be.run(f"cat /tmp/{tag}.out /tmp/{tag}.err")
    ptys = {f"frontend{m.group(2)}": m.group(1)
            for m in re.finditer(r"char device redirected to (/dev/pts/\d+) \(label p(\d)\)", out)}
    for vm in vms:
        check(vm in ptys and re.search(rf"uio {NAMES[vm]} \(uio\d\): attached", out),
              f"model {tag} did not serve {vm}:\n{out}")
    return ptys


def text_both_ways(be, fe, vm, pty, tag):
    be.run(f"(cat {pty} > /tmp/{tag}-in & echo $! > /tmp/{tag}-cat.pid); sleep 0.5")
    fe.run(f"echo {tag}-from-{vm} >&3")
    wait_for(be, f"grep -q {tag}-from-{vm} /tmp/{tag}-in", 30)
    be.run(f"kill $(cat /tmp/{tag}-cat.pid)")
    fe.run(f"((head -c {len(tag) + 7} <&3 > /tmp/{tag}-in; touch /tmp/{tag}-in.done) "
           f">/dev/null 2>&1 & true); sleep 0.5")
    be.run(f"echo {tag}-to-fe > {pty}")
    wait_for(fe, f"[ -e /tmp/{tag}-in.done ]", 30)
    got = fe.run(f"cat /tmp/{tag}-in")
    check(f"{tag}-to-fe" in got, f"{vm} got {got!r}")


def test_pty_consoles_one_model_then_one_each_after_kill(ctx):
    with boot_reference(ctx) as q:
        be = shell(q, "uart0", "backend")
        # a model an init script may have started is replaced by ours
        be.run("kill $(cat /run/bulkhead-dm.pid) 2>/dev/null; sleep 1; true")
        ptys = start_dm(be, ["frontend1", "frontend2"], "dm-all")
        fes = {vm: shell(q, LABELS[vm], vm) for vm in NAMES}
        for vm, fe in fes.items():
            # hvc drops input and resets termios on last close: keep it open
            fe.run("exec 3<>/dev/hvc0; stty raw -echo <&3")
            text_both_ways(be, fe, vm, ptys[vm], "one")
        mib_each_way(be, fes["frontend1"], ptys["frontend1"], NAMES["frontend1"])
        # a reboot would reset uptime and empty /tmp (tmpfs)
        up = {vm: float(fe.run("echo alive >/tmp/life; cut -d' ' -f1 /proc/uptime"))
              for vm, fe in fes.items()}
        # killed, not asked: the state page of its last batch carries on
        be.run("kill -9 $(cat /tmp/dm-all.pid); sleep 0.5")
        ptys = {}
        for vm in NAMES:
            ptys.update(start_dm(be, [vm], f"dm-{vm}"))
        for vm, fe in fes.items():
            text_both_ways(be, fe, vm, ptys[vm], "again")
            check("0x0000000f" in fe.run("cat /sys/bus/virtio/devices/virtio0/status"),
                  f"{vm}'s virtio device is not DRIVER_OK any more")
            up2 = float(fe.run("cut -d' ' -f1 /proc/uptime"))
            check(up2 > up[vm] and "alive" in fe.run("cat /tmp/life"),
                  f"{vm} rebooted across the model's restart: uptime {up[vm]} -> {up2}")
        check(not re.search(r"bulkhead: vm frontend\d (reset|stopped)", q.con("uart0").output()),
              "the hypervisor reset or stopped a frontend")
        print(be.run("bulkhead-dm --stats"))
