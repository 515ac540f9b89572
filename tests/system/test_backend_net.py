"""The backend owns the NIC and is reachable by ssh (docs/running.md, "ssh into the backend").

The reference system as `make run` boots it (configs/reference.c): QEMU's virtio-net on the
user network with restrict=on, passed through to the backend, forwarded from a free port of
the host's 127.0.0.1 (tests/lib/harness.py, scripts/qemu-devices.sh) to the backend's port 22,
where dropbear runs.  Everything the host side does stays on 127.0.0.1.
"""

import hashlib
import os
import re
import socket

from consoles import BOOT_TIMEOUT, answers, boot_reference, check, ssh_ready, vm_shells
from harness import Layout, TestFailure, ssh

MIB = 1 << 20

def test_ssh_into_backend(ctx):
    """ssh from the host's loopback runs commands in the backend; 8 MiB cross the NIC intact
    (every buffer bounced through its identity-mapped DMA pool); the frontends keep running."""
    nic = Layout(ctx, "reference").devices[("backend", "nic")]
    with boot_reference(ctx) as q:
        sh = vm_shells(q)
        be = sh["backend"]
        check(q.ssh_port is not None, "the reference config's NIC is missing from QEMU")
        # the boot log says who is trusted with memory isolation, and why
        log = q.con("uart0").output()
        check(re.search(r"vm0 backend .* trusted-for-DMA", log) and
              re.search(rf"dev .* pa {nic['pa']:#012x} nic intid {nic['intid']} "
                        r"DMA-without-IOMMU", log),
              "the partition table does not show the backend's DMA-capable NIC")
        ssh_ready(be, "backend")

        out = ssh(ctx, q.ssh_port, "echo ran-in-$(hostname) as $(id -u)").decode()
        check("ran-in-backend as 0" in out, f"ssh did not reach a root shell in the backend: "
              f"{out!r}")
        # an interactive login: the shell dropbear starts on a pty reads /etc/profile
        out = ssh(ctx, q.ssh_port, None, stdin=b"echo $((6 * 7))-$PS1\nexit\n",
                  tty=True).decode()
        check("42-backend#" in out, f"the login shell is not the backend's: {out!r}")

        # Linux drives the NIC through the DMA API, bouncing through its pool: the device
        # node took the pool and VIRTIO_F_ACCESS_PLATFORM (bit 33) was negotiated.
        dmesg = be.run("dmesg | grep 'a003e00.virtio_mmio'")
        check("assigned reserved memory node restricted-dma@72000000" in dmesg,
              f"the NIC did not take its DMA pool: {dmesg!r}")
        feats = ssh(ctx, q.ssh_port, "cat /sys/bus/virtio/devices/*/features").decode().split()
        check(any(len(f) > 33 and f[33] == "1" for f in feats),
              f"VIRTIO_F_ACCESS_PLATFORM not negotiated: {feats}")

        blob = os.urandom(8 * MIB)
        got = ssh(ctx, q.ssh_port, "sha256sum", stdin=blob).decode().split()[0]
        check(got == hashlib.sha256(blob).hexdigest(), "8 MiB sent through ssh arrived changed")
        back = ssh(ctx, q.ssh_port, f"head -c {8 * MIB} /dev/urandom | tee /tmp/r | cat")
        local = be.run("sha256sum /tmp/r").split()[0]
        check(hashlib.sha256(back).hexdigest() == local and len(back) == 8 * MIB,
              "8 MiB received through ssh differ from what the backend sent")

        for vm in ("frontend1", "frontend2"):
            answers(sh[vm], vm)
        check("stopped" not in q.con("uart0").output(), "a VM stopped:\n"
              + q.con("uart0").output()[-1000:])


def test_backend_reboot_keeps_its_nic(ctx):
    """The backend's `reboot -f` (PSCI SYSTEM_RESET of that VM only): the NIC the hypervisor
    does not reset, still holding buffers of the old kernel, works again for the new one,
    and the frontends kept running throughout."""
    with boot_reference(ctx) as q:
        sh = vm_shells(q)
        be = sh["backend"]
        ssh_ready(be, "backend")
        ssh(ctx, q.ssh_port, "touch /tmp/old-kernel")
        sh["frontend1"].run("touch /tmp/before-backend-reboot")
        q.con("uart0").send_line("reboot -f")
        q.con("uart0").expect(r"bulkhead: backend up in", timeout=BOOT_TIMEOUT)
        be.wait_prompt(r"backend# ", timeout=30)
        ssh_ready(be, "backend")
        # the new kernel answers: its tmpfs lost the old one's marker
        out = ssh(ctx, q.ssh_port, "hostname; ls /tmp/old-kernel 2>&1; true").decode()
        check(out.startswith("backend") and "No such file" in out,
              f"ssh after the reboot: {out!r}")
        out = sh["frontend1"].run("ls /tmp/before-backend-reboot")
        check("before-backend-reboot" in out, "frontend1 rebooted with the backend")
        answers(sh["frontend2"], "frontend2")


def test_backend_network_is_restricted(ctx):
    """restrict=on: the backend cannot open a connection to the host, even to a port that
    listens on the host's loopback (slirp would otherwise map 10.0.2.2 to it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as lst:
        lst.bind(("127.0.0.1", 0))
        lst.listen(1)
        port = lst.getsockname()[1]
        with boot_reference(ctx) as q:
            be = vm_shells(q)["backend"]
            ssh_ready(be, "backend")
            # a connection that got through would idle: timeout ends nc either way
            be.run(f"timeout 10 nc 10.0.2.2 {port} </dev/null; echo nc-rc=$?", check=False)
            # nc has finished: had its connection reached the host, it would be queued here
            lst.setblocking(False)
            try:
                conn, peer = lst.accept()
                conn.close()
                raise TestFailure(f"the host accepted a connection from the backend ({peer})")
            except BlockingIOError:
                pass
            # and the way in still works
            check("ok" in ssh(ctx, q.ssh_port, "echo ok").decode(), "ssh failed afterwards")
