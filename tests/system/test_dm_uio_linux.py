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

from consoles import (DEVICES, boot_reference, check, kill_dm, mib_each_way, open_hvc, start_dm,
                      vm_shell, vm_shells, wait_for)

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
        be = vm_shell(q, "backend")
        # the model rc.local started is replaced by ours
        kill_dm(be)
        ptys = start_dm(be, ["frontend1", "frontend2"], "all")
        fes = vm_shells(q, DEVICES)
        for vm, fe in fes.items():
            open_hvc(fe)
            text_both_ways(be, fe, vm, ptys[vm], "one")
        mib_each_way(be, fes["frontend1"], ptys["frontend1"], DEVICES["frontend1"])
        # a reboot would reset uptime and empty /tmp (tmpfs)
        up = {vm: float(fe.run("echo alive >/tmp/life; cut -d' ' -f1 /proc/uptime"))
              for vm, fe in fes.items()}
        # killed, not asked: the state page of its last batch carries on
        kill_dm(be, "/tmp/dm-all.pid")
        ptys = {}
        for vm in DEVICES:
            ptys.update(start_dm(be, [vm], vm))
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
