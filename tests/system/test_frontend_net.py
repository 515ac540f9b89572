"""The frontends' virtio-net, served by the device model and bridged with the backend's NIC
(docs/running.md, "Networking").

The reference system as `make run` boots it: every VM asks QEMU's user-network DHCP server for
its fixed address through the one NIC the backend owns, and a free port of the host's
127.0.0.1 is forwarded to each VM's ssh (tests/lib/harness.py, scripts/qemu-devices.sh).
Everything the host side does stays on 127.0.0.1.
"""

import socket
import time

from consoles import (ADDR, MIB, answers, boot_reference, check, kill_dm, ssh_ready, start_dm,
                      vm_shells, wait_for)
from harness import ssh

VMS = ("backend", "frontend1", "frontend2")


def host_banner(port):
    """The first line a TCP connection from the host to 127.0.0.1:@port reads."""
    with socket.create_connection(("127.0.0.1", port), timeout=60) as s:
        s.settimeout(60)
        return s.recv(256)


def test_ssh_into_every_vm(ctx):
    """From the host's loopback, ssh reaches the backend and each frontend, the frontends
    through their virtio-net and the backend's bridge; each VM has the address it asked for.
    No VM can log into another: from a VM, port 22 of every VM closes without a banner."""
    with boot_reference(ctx) as q:
        sh = vm_shells(q)
        check(set(q.ssh_ports) == set(VMS), f"forwards for {q.ssh_ports}, want all of {VMS}")
        for vm in VMS:
            ssh_ready(sh[vm], vm)
        for vm in VMS:
            out = ssh(ctx, q.ssh_ports[vm], "echo in-$(hostname); ip -4 addr").decode()
            check(f"in-{vm}" in out, f"port {q.ssh_ports[vm]} did not reach {vm}: {out!r}")
            check(f"inet {ADDR[vm]}/" in out, f"{vm} does not have {ADDR[vm]}: {out!r}")
        # a frontend's eth0 is the remote-I/O device below its console, not a NIC of its own
        for vm in ("frontend1", "frontend2"):
            dev = sh[vm].run("readlink -f /sys/class/net/eth0/device")
            check("a003c00.virtio_mmio" in dev, f"{vm}'s eth0 is {dev!r}")
            check("eth1" not in sh[vm].run("ls /sys/class/net"), f"{vm} has a second NIC")
        br = sh["backend"].run("ls /sys/class/net/br0/brif")
        check(all(i in br for i in ("eth0", "tap-frontend1", "tap-frontend2")),
              f"the backend's bridge: {br!r}")

        check(host_banner(q.ssh_ports["frontend2"]).startswith(b"SSH-2.0-dropbear"),
              "no ssh banner from the host: the gate refuses its own forward")
        for src in VMS:
            for dst in VMS:
                # nc reads until the server closes (a banner comes before any read)
                out = sh[src].run(f"timeout 20 nc {ADDR[dst]} 22 </dev/null | head -c 64; "
                                  "echo; echo end", timeout=60)
                check("SSH" not in out, f"{src} got an ssh banner from {dst}: {out!r}")
        log = sh["backend"].run("cat /run/sshd.log")
        check("refused a connection from 1002000A" in log,  # 10.0.2.16, little-endian hex
              f"the backend's gate did not refuse frontend1: {log!r}")
        # and the host still gets in after the refusals
        check("ok" in ssh(ctx, q.ssh_ports["backend"], "echo ok").decode(), "ssh failed after")


def test_frontend_to_backend_through_model_restart(ctx):
    """16 MiB from frontend1 to the backend over TCP arrive with the same sha256; in the middle
    of a second such transfer the device model serving both frontends' virtio-net (the boot's,
    guest/rio/rc.local) is killed with SIGKILL and started again: the transfer completes intact
    (TCP retransmits; no reset from QEMU's user network, docs/running.md "Networking"), neither
    frontend rebooted, and their consoles and ssh still answer.  (The frontends cannot reach
    each other: their bridge ports are isolated, docs/running.md "Who may log in".)"""
    with boot_reference(ctx) as q:
        sh = vm_shells(q)
        be, f1, f2 = sh["backend"], sh["frontend1"], sh["frontend2"]
        for vm in VMS:
            ssh_ready(sh[vm], vm)
        for fe in (f1, f2):
            fe.run("touch /tmp/before-restart")
        up = {vm: float(sh[vm].run("cut -d' ' -f1 /proc/uptime")) for vm in ("frontend1",
                                                                             "frontend2")}
        f1.run(f"head -c {16 * MIB} /dev/urandom > /tmp/tx")
        want = f1.run("sha256sum /tmp/tx").split()[0]

        def transfer(n, restart):
            # busybox nc ends when its peer half-closes: the receiver's stdin stays open
            be.run(f"rm -f /tmp/rx{n}; ((sleep 3600 | {{ nc -l -p 500{n} > /tmp/rx{n}; "
                   f"touch /tmp/rx{n}.done; }}) >/dev/null 2>&1 &); sleep 1")
            t0 = time.monotonic()
            f1.run(f"((nc {ADDR['backend']} 500{n} < /tmp/tx & echo $! > /tmp/tx{n}.pid; "
                   f"wait $!; echo $? > /tmp/tx{n}.rc) >/dev/null 2>&1 &)")
            at_kill = None
            if restart:
                wait_for(be, f"[ $(stat -c %s /tmp/rx{n}) -ge {MIB} ]", timeout=300)
                # The sender is held for a moment to check that the connection is still
                # open (no .rc yet) with part of the data across, then let go and the
                # model killed at once, while frames flow: 14 MiB and more are left,
                # seconds of transfer.  While no model runs, a frontend vCPU that touches
                # its virtio-net waits in the hypervisor, so the frontends are left alone
                # until the restart.
                f1.run(f"kill -STOP $(cat /tmp/tx{n}.pid)")
                check("no-rc" in f1.run(f"[ -e /tmp/tx{n}.rc ] || echo no-rc"),
                      "the transfer ended before the sender was held")
                at_kill = int(be.run(f"stat -c %s /tmp/rx{n}"))
                f1.run(f"kill -CONT $(cat /tmp/tx{n}.pid)")
                kill_dm(be, "/run/bulkhead-dm-net.pid")
                time.sleep(2)
                start_dm(be, (), "net", nets=("frontend1", "frontend2"))
            wait_for(be, f"[ -e /tmp/rx{n}.done ]", timeout=900)
            secs = time.monotonic() - t0
            got = be.run(f"sha256sum /tmp/rx{n}").split()[0]
            size = int(be.run(f"stat -c %s /tmp/rx{n}"))
            check(size == 16 * MIB and got == want,
                  f"transfer {n}: {size} bytes, sha256 {got}, sent {16 * MIB} bytes, {want}")
            wait_for(f1, f"[ -e /tmp/tx{n}.rc ]", timeout=60)
            check(f1.run(f"cat /tmp/tx{n}.rc").strip() == "0", f"transfer {n}: sender failed")
            return secs, at_kill

        secs, _ = transfer(1, restart=False)
        print(f"# frontend1 -> backend 16 MiB over TCP: {secs:.1f} s (information)")
        secs, at_kill = transfer(2, restart=True)
        check(at_kill < 16 * MIB, f"all {at_kill} bytes had arrived before the kill")
        print(f"# the same with the model killed after about {at_kill} bytes: {secs:.1f} s")

        for vm, fe in (("frontend1", f1), ("frontend2", f2)):
            check("before-restart" in fe.run("ls /tmp"), f"{vm} rebooted")
            now = float(fe.run("cut -d' ' -f1 /proc/uptime"))
            check(now > up[vm], f"{vm}'s uptime went from {up[vm]} to {now}: it rebooted")
            answers(fe, vm)
        out = ssh(ctx, q.ssh_ports["frontend1"], "echo after-$(hostname)").decode()
        check("after-frontend1" in out, f"ssh into frontend1 after the restart: {out!r}")
        hyp = q.con("uart0").output()
        check("stopped" not in hyp, "a VM stopped:\n" + hyp[-1000:])


# virtio v1.2 §5.1.3 feature bits the device offers on the boot model's vnet_hdr tap
OFFLOAD_BITS = {"CSUM": 0, "GUEST_CSUM": 1, "GUEST_TSO4": 7, "GUEST_TSO6": 8, "GUEST_ECN": 9,
                "HOST_TSO4": 11, "HOST_TSO6": 12, "HOST_ECN": 13, "MRG_RXBUF": 15}
ETH_FRAME_MAX = 1514  # MTU 1500 + the Ethernet header: the largest frame without TSO


def eth0_counters(fe):
    """frontend eth0's (tx_packets, tx_bytes, rx_packets, rx_bytes), as its driver counts them:
    one packet per chain, so a TSO segment that crossed whole counts once."""
    names = ("tx_packets", "tx_bytes", "rx_packets", "rx_bytes")
    out = fe.run("cd /sys/class/net/eth0/statistics && cat " + " ".join(names)).split()
    return dict(zip(names, map(int, out)))


def test_frontend_net_offloads(ctx):
    """The frontends' virtio-net negotiates the checksum and segmentation offloads with the
    boot model (its tap has IFF_VNET_HDR, docs/device-model.md "Offloads"): the driver's
    feature bits in sysfs show them.  8 MiB over TCP from frontend1 to the backend and 8 MiB
    back arrive with the same sha256, and eth0's own counters show frames above the MTU both
    ways: 64 KiB segments crossed the device as one chain each."""
    with boot_reference(ctx) as q:
        sh = vm_shells(q)
        be, f1 = sh["backend"], sh["frontend1"]
        for vm in ("backend", "frontend1"):
            ssh_ready(sh[vm], vm)
        bits = f1.run("cat /sys/class/net/eth0/device/features").strip()
        missing = [n for n, b in OFFLOAD_BITS.items() if len(bits) <= b or bits[b] != "1"]
        check(not missing, f"frontend1's eth0 did not negotiate {missing}: {bits!r}")
        size = 8 * MIB
        f1.run(f"head -c {size} /dev/urandom > /tmp/up")
        be.run(f"head -c {size} /dev/urandom > /tmp/down")
        want = {"up": f1.run("sha256sum /tmp/up").split()[0],
                "down": be.run("sha256sum /tmp/down").split()[0]}
        c0 = eth0_counters(f1)
        # busybox nc ends when its peer half-closes: the receiver's stdin stays open
        be.run("rm -f /tmp/rx-up*; ((sleep 3600 | { nc -l -p 5101 > /tmp/rx-up; "
               "touch /tmp/rx-up.done; }) >/dev/null 2>&1 &); sleep 1")
        f1.run(f"nc {ADDR['backend']} 5101 < /tmp/up", timeout=900)
        wait_for(be, "[ -e /tmp/rx-up.done ]", timeout=900)
        c1 = eth0_counters(f1)
        f1.run("rm -f /tmp/rx-down*; ((sleep 3600 | { nc -l -p 5102 > /tmp/rx-down; "
               "touch /tmp/rx-down.done; }) >/dev/null 2>&1 &); sleep 1")
        be.run(f"nc {ADDR['frontend1']} 5102 < /tmp/down", timeout=900)
        wait_for(f1, "[ -e /tmp/rx-down.done ]", timeout=900)
        c2 = eth0_counters(f1)
        got = {"up": be.run("sha256sum /tmp/rx-up").split()[0],
               "down": f1.run("sha256sum /tmp/rx-down").split()[0]}
        check(got == want, f"sha256 of what arrived {got}, of what was sent {want}")
        tx = (c1["tx_bytes"] - c0["tx_bytes"]) / max(1, c1["tx_packets"] - c0["tx_packets"])
        rx = (c2["rx_bytes"] - c1["rx_bytes"]) / max(1, c2["rx_packets"] - c1["rx_packets"])
        print(f"# frontend1 eth0: {tx:.0f} bytes per sent frame, {rx:.0f} per received one")
        check(tx > ETH_FRAME_MAX, f"frontend1 sent {tx:.0f} bytes per frame: no TSO")
        check(rx > ETH_FRAME_MAX, f"frontend1 received {rx:.0f} bytes per frame: no GUEST_TSO")
        answers(f1, "frontend1")
