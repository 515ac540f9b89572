"""bulkhead-dm's uio transport in the backend VM serving the frontends' stock
virtio_console through the hypervisor, each console on a pty the model made
(the reference scenario as the README describes it; test_rio_linux.py covers
the rest of remote I/O with file chardevs).

One boot of the reference config: a model serving both frontends, text both
ways and 1 MiB each way (sha256) through /dev/pts/N <-> /dev/hvc0, then the
model killed (SIGKILL) and replaced by one model per frontend: both hvc0 work
again without a reboot.  A frontend whose only console is its hvc0 (no UART:
frontend2 on zcu102): its shell through it, both ways, and again after the
boot's model was killed and dm-supervise started it anew.
"""

import hashlib
import random
import re
import string

from consoles import (DEVICES, boot_reference, check, hvc_only, kill_dm, mib_each_way, open_hvc,
                      reference_config, start_dm, vm_shell, vm_shells, wait_for)
from harness import TestSkipped

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
        # a frontend without a UART has its shell on its hvc0, which these raw bytes would
        # take over (test_hvc_only_console_through_model_restart covers its console)
        fes = vm_shells(q, [vm for vm in DEVICES if vm not in q.hvc_only])
        for vm in sorted(q.hvc_only):
            print(f"# {vm}: hvc0 is its only console: left out here")
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


def test_hvc_only_console_through_model_restart(ctx):
    """A frontend without a UART (bootargs console=hvc0: zcu102's frontend2) has its shell
    on its hvc0, which the backend's consoles model serves on a pty: reached from the host
    as docs/running.md says (`ssh backend bulkhead-console VM`), a command line of 800
    random characters goes in and 3000 bytes come out in order; the boot's model killed
    (SIGKILL), dm-supervise starts it again on a new pty, and the same shell, not a new
    boot, answers there."""
    config = reference_config(ctx)
    hvc = hvc_only(ctx, config)
    if not hvc:
        raise TestSkipped(f"every frontend of {config} has a UART: none has only its hvc0 "
                          "(zcu102's frontend2 has)")
    with boot_reference(ctx) as q:
        be = vm_shell(q, "backend")
        for vm in sorted(hvc):
            fe = vm_shell(q, vm)
            check("/dev/hvc0" in fe.run("tty"), f"{vm}'s shell is not on its hvc0")
            # (busybox's line editor takes 1024 bytes a line: the rest is dropped)
            line = "".join(random.choice(string.ascii_letters + string.digits)
                           for _ in range(800))
            out = fe.run(f"echo {line} | sha256sum; head -c 3000 /dev/zero | tr '\\0' x; echo")
            want = hashlib.sha256(f"{line}\n".encode()).hexdigest()
            check(out.split()[0] == want, f"{vm} got another line than was sent: {out!r}")
            check("x" * 3000 in out, f"{vm}'s 3000 bytes did not all come out: {out!r}")
            up = float(fe.run("echo alive >/tmp/life; cut -d' ' -f1 /proc/uptime"))
            pid = be.run("cat /run/bulkhead-dm.pid").strip()
            be.run(f"kill -9 {pid}")
            # dm-supervise (docs/running.md, "Device models"): a new model, a new pty
            wait_for(be, f"p=$(cat /run/bulkhead-dm.pid) && [ \"$p\" != {pid} ] && "
                     "kill -0 $p && [ $(grep -c 'label console-' /run/bulkhead-dm.log) -ge 4 ]",
                     timeout=60)
            fe = vm_shell(q, vm)
            out = fe.run("cat /tmp/life; cut -d' ' -f1 /proc/uptime; echo again-$((6 * 7))")
            lines = out.split()
            check(lines[0] == "alive" and float(lines[1]) > up and "again-42" in lines,
                  f"{vm} after the model's restart: {out!r} (uptime before {up})")
        check(not re.search(r"bulkhead: vm frontend\d (reset|stopped)", q.con("uart0").output()),
              "the hypervisor reset or stopped a frontend")

