"""Who may log into the VMs and what one VM can reach of another (docs/running.md, "Who may
log in"): keys only, each VM its own host key, the frontends isolated on the backend's bridge,
and a frontend that takes the gateway's address gets nothing.  And a clean boot prints nothing
a user would take for an error.

The reference system as `make run` boots it (tests/lib/consoles.py boot_reference): a free port
of the host's 127.0.0.1 is forwarded to each VM's ssh; the harness logs in with the build's key
(scripts/ssh-client.sh, tests/lib/harness.py ssh()).
"""

import gzip
import os
import subprocess

from consoles import (ADDR, LABELS, boot_error_lines, boot_reference, check, ssh_ready,
                      vm_shells)
from harness import TestFailure, ssh, ssh_argv

VMS = ("backend", "frontend1", "frontend2")
GATEWAY = "10.0.2.2"
GATEWAY_MAC = "52:55:0a:00:02:02"  # QEMU's user network: 52:55, then the address
HOST_KEY = "/etc/dropbear/dropbear_ed25519_host_key"


def cpio_members(data):
    """(name, contents) of each member of the newc archive @data (tools/mkinitramfs)."""
    off = 0
    while data[off:off + 6] == b"070701":
        fields = [int(data[off + 6 + 8 * i:off + 14 + 8 * i], 16) for i in range(13)]
        size, namesize = fields[6], fields[11]
        name = data[off + 110:off + 110 + namesize - 1].decode()
        start = (off + 110 + namesize + 3) & ~3
        if name == "TRAILER!!!":
            return
        yield name, data[start:start + size]
        off = (start + size + 3) & ~3


def stranger_key(ctx):
    """A key nobody authorized, made for this test."""
    key = os.path.join(ctx.logdir, "stranger")
    if not os.path.exists(key):
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key], check=True)
    return key


def refused(ctx, port, identity):
    """ssh with @identity to @port; fails unless refused.  Return ssh's debug output."""
    argv = [*ssh_argv(ctx, port, identity), "-v", "root@127.0.0.1", "echo logged-in"]
    r = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                       timeout=120)
    check(r.returncode != 0 and "logged-in" not in r.stdout,
          f"port {port} let {identity or 'no key'} in: {r.stdout!r}")
    check("Permission denied (publickey)" in r.stderr, f"port {port}: {r.stderr[-800:]!r}")
    return r.stderr


def host_key(port):
    """The ed25519 host key (base64) the ssh server behind 127.0.0.1:@port shows."""
    r = subprocess.run(["ssh-keyscan", "-t", "ed25519", "-p", str(port), "127.0.0.1"],
                       capture_output=True, text=True, timeout=120)
    keys = [line.split()[2] for line in r.stdout.splitlines()
            if not line.startswith("#") and len(line.split()) >= 3]
    check(len(keys) == 1, f"ssh-keyscan -p {port}: {r.stdout!r} {r.stderr!r}")
    return keys[0]


def test_ssh_keys_only_each_vm_its_own_host_key(ctx):
    """Every VM: the build's key logs in as root; a stranger's key, and no key, are refused,
    and the server offers public keys only (no password, no empty password).  Each VM shows
    its own host key, the one its device tree gave it; the shared initramfs holds none."""
    with open(ctx.out("guest", "initramfs-shell.cpio.gz"), "rb") as f:
        members = dict(cpio_members(gzip.decompress(f.read())))
    check("init" in members and "usr/sbin/dropbear" in members,
          f"the initramfs as read: {sorted(members)[:20]}")
    # a dropbear key file begins with its type, length first (dropbear's buffer format)
    keys = [n for n, data in members.items()
            if n.startswith("etc/dropbear/") or data.startswith(b"\0\0\0\x0bssh-ed25519")]
    check(not keys, f"the initramfs all VMs share holds host keys: {keys}")
    stranger = stranger_key(ctx)
    with boot_reference(ctx) as q:
        sh = vm_shells(q)
        keys = {}
        for vm in VMS:
            ssh_ready(sh[vm], vm)
            port = q.ssh_ports[vm]
            out = ssh(ctx, port, "echo in-$(hostname) as $(id -u)").decode()
            check(f"in-{vm} as 0" in out, f"the build's key did not log into {vm}: {out!r}")
            refused(ctx, port, stranger)
            log = refused(ctx, port, "/dev/null")
            methods = [line.rsplit(":", 1)[1].strip() for line in log.splitlines()
                       if "Authentications that can continue" in line]
            check(methods and set(methods) == {"publickey"},
                  f"{vm} offers {methods}, want public keys only")
            keys[vm] = host_key(port)
            mine = sh[vm].run(f"dropbearkey -y -f {HOST_KEY}")
            check(keys[vm] in mine, f"{vm} shows a host key that is not its own: {mine!r}")
            print(f"# {vm}: host key {keys[vm][-16:]}")
        check(len(set(keys.values())) == len(VMS), f"VMs share a host key: {keys}")


def as_gateway(fe, addr):
    """@fe, with the gateway's address as the source of its packets to @addr (busybox nc has
    no -s: a host route with that source), connects to port 22 there; return what it read."""
    fe.run(f"ip route add {addr}/32 dev eth0 src {GATEWAY}; ip neigh flush dev eth0")
    # nc reads until the server closes or the timeout: a banner comes first
    out = fe.run(f"timeout 15 nc {addr} 22 </dev/null | head -c 64; echo; echo end", timeout=60)
    fe.run(f"ip route del {addr}/32 dev eth0")
    return out


def gateway_pinned(be):
    """The backend's neighbour entry for the gateway is QEMU's MAC, and permanent."""
    arp = be.run(f"grep '^{GATEWAY} ' /proc/net/arp; true")
    # flags 0x6: complete and permanent (ATF_COM | ATF_PERM)
    check(GATEWAY_MAC in arp and " 0x6 " in arp,
          f"the backend's entry for the gateway is not QEMU's, pinned: {arp!r}")


def bridge_port_of(be, mac):
    """The bridge port number br0's forwarding table has for @mac (None if it has none):
    /sys/class/net/br0/brforward, 16-byte records (struct __fdb_entry, linux/if_bridge.h:
    the MAC, port_no, is_local, ageing timer, port_hi)."""
    raw = bytes(int(b, 16) for b in be.run("od -An -v -tx1 /sys/class/net/br0/brforward").split())
    for off in range(0, len(raw) - 15, 16):
        rec = raw[off:off + 16]
        if ":".join(f"{b:02x}" for b in rec[:6]) == mac:
            return rec[6] | rec[12] << 8
    return None


def test_ssh_frontend_taking_the_gateway_address_gets_nothing(ctx):
    """frontend1 takes the address the host's forwards come from (10.0.2.2) and connects to
    port 22 of the backend and of frontend2 from it: no banner, let alone a shell.  The
    backend's entry for the gateway stays QEMU's, and so does the bridge's for QEMU's MAC
    when frontend1 sends from that MAC; the frontends cannot reach each other at all, the
    backend and the host's forwards they can.  The same attempt does get the
    backend's banner once its gateway entry is no longer fixed: the attempt is a real one.
    Afterwards ssh works as before."""
    with boot_reference(ctx) as q:
        sh = vm_shells(q)
        be, f1 = sh["backend"], sh["frontend1"]
        for vm in VMS:
            ssh_ready(sh[vm], vm)
        iso = be.run("cat /sys/class/net/tap-frontend1/brport/isolated "
                     "/sys/class/net/tap-frontend2/brport/isolated "
                     "/sys/class/net/eth0/brport/isolated").split()
        check(iso == ["1", "1", "0"], f"bridge ports isolated: {iso}, want the taps only")
        for src, dst in (("frontend1", "backend"), ("frontend2", "backend"),
                         ("backend", "frontend1")):
            out = sh[src].run(f"ping -c 1 -W 5 {ADDR[dst]} >/dev/null && echo reach", timeout=30,
                              check=False)
            check("reach" in out, f"{src} cannot reach {dst}: {out!r}")
        for src, dst in (("frontend1", "frontend2"), ("frontend2", "frontend1")):
            out = sh[src].run(f"ping -c 2 -W 2 {ADDR[dst]} >/dev/null && echo reach", timeout=30,
                              check=False)
            check("reach" not in out, f"{src} reaches {dst} through the bridge")

        gateway_pinned(be)
        f1.run(f"ip addr add {GATEWAY}/32 dev eth0")
        for dst in ("backend", "frontend2"):
            out = as_gateway(f1, ADDR[dst])
            check("end" in out and "SSH" not in out,
                  f"frontend1 as {GATEWAY} got an ssh banner from {dst}: {out!r}")
        gateway_pinned(be)

        # frames from QEMU's own MAC out of frontend1's tap leave the bridge's entry for that
        # MAC on the NIC, where the backend pinned it (fdb-pin, guest/rio/rc.local)
        nic_port = int(be.run("cat /sys/class/net/eth0/brport/port_no"), 16)
        check(bridge_port_of(be, GATEWAY_MAC) == nic_port,
              f"the bridge has QEMU's MAC on port {bridge_port_of(be, GATEWAY_MAC)}")
        mac1 = f1.run("cat /sys/class/net/eth0/address").strip()

        def send_from(mac):
            f1.run(f"ip link set eth0 address {mac}; "
                   f"ping -c 3 -W 1 {ADDR['backend']} >/dev/null; "
                   f"ip link set eth0 address {mac1}", timeout=60, check=False)

        send_from(GATEWAY_MAC)
        check(bridge_port_of(be, GATEWAY_MAC) == nic_port,
              f"frontend1 moved QEMU's MAC to port {bridge_port_of(be, GATEWAY_MAC)}")
        # the same from frontend2's MAC, which nobody pinned, does move it: the frames went out
        mac2 = sh["frontend2"].run("cat /sys/class/net/eth0/address").strip()
        send_from(mac2)
        f1_port = int(be.run("cat /sys/class/net/tap-frontend1/brport/port_no"), 16)
        check(bridge_port_of(be, mac2) == f1_port,
              f"frontend2's MAC sent from frontend1 is on port {bridge_port_of(be, mac2)}, "
              f"not frontend1's {f1_port}")
        be.run("ip neigh flush dev br0")  # the backend's entries for the frontends: their MACs
        sh["frontend2"].run(f"ping -c 1 -W 5 {ADDR['backend']} >/dev/null", timeout=30)

        be.run(f"arp -i br0 -d {GATEWAY}")
        out = as_gateway(f1, ADDR["backend"])
        check("SSH-2.0-dropbear" in out,
              f"with the gateway's entry free, frontend1's attempt got no banner: {out!r}")
        f1.run(f"ip addr del {GATEWAY}/32 dev eth0")
        be.run(f"arp -i br0 -s {GATEWAY} {GATEWAY_MAC}")
        for vm in VMS:
            out = ssh(ctx, q.ssh_ports[vm], "echo after-$(hostname)").decode()
            check(f"after-{vm}" in out, f"ssh into {vm} after the attempts: {out!r}")


def test_ssh_clean_boot_prints_no_errors(ctx):
    """A clean boot of the reference system, until every VM serves ssh: no console (the
    hypervisor's and backend's UART, each frontend's) shows an error line."""
    with boot_reference(ctx) as q:
        sh = vm_shells(q)
        for vm in VMS:
            ssh_ready(sh[vm], vm)
        for vm in VMS:
            bad = boot_error_lines(q.con(LABELS[vm]).output())
            if bad:
                raise TestFailure(f"{vm}'s console at boot:\n" + "\n".join(bad))
