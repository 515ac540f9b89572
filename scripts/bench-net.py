#!/usr/bin/env python3
"""The frontends' network, side by side with QEMU's own virtio-net (`make bench`;
docs/performance.md, "Network").

  scripts/bench-net.py [RUNS] [--only bulkhead|native] [--load quiet|busy|both]
                       (after `make all`; default 3 runs, or $BENCH_RUNS)

Boots RUNS times each of
  bulkhead  the reference system (configs/reference.c): frontend1's eth0 is a
            remote-I/O virtio-net served by bulkhead-dm in the backend on a tap,
            bridged with the backend's NIC (docs/running.md, "Networking")
  native    the same kernel and initramfs without the hypervisor: two QEMUs of
            one vCPU each with QEMU's own virtio-net-device, the first also on
            the user network (restrict=on, ssh forwarded from the host like the
            reference system's), joined by a `-netdev socket` link between them
and measures, from frontend1 (native: the first QEMU's guest):
  - TCP throughput, 16 MiB from tmpfs with busybox nc, timed by busybox `time`
    around the sender (it ends when the receiver has closed, so after the last
    byte arrived): to the backend (native: to the other guest; the frontends
    cannot reach each other, their bridge ports are isolated);
  - to the host: `ssh -p PORT root@127.0.0.1 cat /tmp/tx` timed on the host (the
    user network lets no guest connect to the host; ssh goes the other way);
  - round trip: busybox `ping -A` (adaptive: the next request when the reply is
    in), 50 requests, the average; to the host: to the user network's gateway
    10.0.2.2, which QEMU itself answers.
With --load both (the default, or $BENCH_LOAD) each run boots each system once on
the host as it is and once while one more host core is kept busy
(scripts/benchload.py).  Prints a table of the medians with the ratios
Bulkhead/native per mode, and how much of its quiet ratio each loaded one kept;
writes every run to $BUILD/bench/net.json and draws the throughputs to
$BUILD/bench/net.svg.
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
sys.path.insert(0, os.path.join(ROOT, "scripts"))

import benchload  # noqa: E402
from benchcommon import skip_without_virtio  # noqa: E402
import benchplot  # noqa: E402
import consoles  # noqa: E402
from harness import QEMU, Ctx, Qemu, Shell, check, free_port, platform, ssh  # noqa: E402

MIB = consoles.MIB
SIZE_MIB = 16
PINGS = 50
TIME_RX = re.compile(r"real\s+(\d+)m\s*([\d.]+)s")
PING_RX = re.compile(r"round-trip min/avg/max = [\d.]+/([\d.]+)/[\d.]+ ms")
PATHS = [("backend", "frontend -> backend"), ("host", "frontend -> host")]


def seconds(out):
    m = TIME_RX.search(out)
    check(m, f"no `time` output in {out!r}")
    return int(m.group(1)) * 60 + float(m.group(2))


def tcp_mibs(src, dst, addr, port):
    """MiB/s of SIZE_MIB MiB from @src's /tmp/tx to @dst's nc on @addr:@port."""
    # busybox nc ends when its peer half-closes: the receiver's stdin stays open
    dst.run(f"((sleep 600 | nc -l -p {port} >/dev/null) >/dev/null 2>&1 &); sleep 1")
    out = src.run(f"time nc {addr} {port} </tmp/tx 2>&1", timeout=600)
    return SIZE_MIB / seconds(out)


def rtt_ms(src, addr):
    out = src.run(f"ping -A -q -c {PINGS} {addr}", timeout=120)
    m = PING_RX.search(out)
    check(m, f"no ping summary: {out!r}")
    return float(m.group(1))


def host_mibs(ctx, port):
    t0 = time.monotonic()
    got = ssh(ctx, port, "cat /tmp/tx", timeout=600)
    secs = time.monotonic() - t0
    check(len(got) == SIZE_MIB * MIB, f"ssh cat: {len(got)} bytes")
    return SIZE_MIB / secs


def measure(ctx, src, peers, ssh_port):
    """@peers: {"backend"|"peer": (shell, address)}."""
    r = {}
    src.run(f"head -c {SIZE_MIB * MIB} /dev/urandom >/tmp/tx")
    for key, (sh, addr) in peers.items():
        r[f"{key}_mibs"] = tcp_mibs(src, sh, addr, 5001)
        r[f"{key}_rtt_ms"] = rtt_ms(src, addr)
    r["host_mibs"] = host_mibs(ctx, ssh_port)
    r["host_rtt_ms"] = rtt_ms(src, "10.0.2.2")
    return r


def bulkhead_run(ctx):
    with consoles.boot_reference(ctx, name="bench-net-bulkhead") as q:
        sh = consoles.vm_shells(q)
        for vm in sh:
            consoles.ssh_ready(sh[vm], vm)
        return measure(ctx, sh["frontend1"], {"backend": (sh["backend"], "10.0.2.15")},
                       q.ssh_ports["frontend1"])


NATIVE_SSHD = "bulkhead.sshd=eth0:10.0.2.15"


def native_dtb(ctx, machine):
    """QEMU's own device tree for the native guest of @machine (its QEMU arguments) with
    that guest's ssh keys, as every VM of a config gets them (scripts/ssh-dt.sh): a file
    for -dtb, to which QEMU still adds the bootargs and initrd."""
    base = os.path.join(ctx.logdir, "native")
    os.makedirs(ctx.logdir, exist_ok=True)
    subprocess.run([QEMU, "-M", f"{platform(ctx)['QEMU_MACHINE']},dumpdtb={base}.dtb",
                    *machine], check=True, capture_output=True)
    subprocess.run(["dtc", "-q", "-I", "dtb", "-O", "dts", "-o", f"{base}.dts", f"{base}.dtb"],
                   check=True)
    with open(f"{base}.dts", "a") as f:  # what ssh-dt.sh looks for
        f.write(f'/ {{ chosen {{ bootargs = "{NATIVE_SSHD}"; }}; }};\n')
    subprocess.run([os.path.join(ROOT, "scripts", "ssh-dt.sh"), f"{base}.dts",
                    ctx.out("ssh", "host-keys", "bench-net-native", "guest1"),
                    ctx.out("guest", "dropbear"), ctx.out("ssh", "authorized_keys")], check=True)
    subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", f"{base}.dtb", f"{base}.dts"],
                   check=True)
    return f"{base}.dtb"


def native_qemu(ctx, n, net):
    machine = ["-cpu", "cortex-a53", "-smp", "1", "-m", "256M",
               "-global", "virtio-mmio.force-legacy=false", *net]
    dtb = ["-dtb", native_dtb(ctx, machine)] if n == 1 else []
    return Qemu(ctx, kernel=ctx.out("guest", "Image"),
                initrd=ctx.out("guest", "initramfs-shell.cpio.gz"),
                append=f"console=ttyAMA0 bulkhead.name=guest{n}"
                       + (f" {NATIVE_SSHD}" if n == 1 else ""),
                smp=1, mem="256M", name=f"bench-net-native{n}",
                extra=["-global", "virtio-mmio.force-legacy=false", *net, *dtb])


def native_shell(q, n):
    q.con("uart0").expect(rf"bulkhead: guest{n} up", timeout=consoles.BOOT_TIMEOUT)
    sh = Shell(q.con("uart0"))
    sh.wait_prompt(rf"guest{n}# ", timeout=30)
    return sh


def native_run(ctx):
    link, port = free_port(), free_port()
    # QEMU's own virtio-net for both paths: the user network (as the reference
    # system's NIC) and a socket link to the second guest.  The device added last
    # takes the lower transport, which Linux probes first: the user network is eth0.
    net1 = ["-netdev", f"socket,id=l,listen=127.0.0.1:{link}",
            "-device", "virtio-net-device,netdev=l",
            "-netdev", f"user,id=u,restrict=on,hostfwd=tcp:127.0.0.1:{port}-10.0.2.15:22",
            "-device", "virtio-net-device,netdev=u"]
    net2 = ["-netdev", f"socket,id=l,connect=127.0.0.1:{link}",
            "-device", "virtio-net-device,netdev=l"]
    with native_qemu(ctx, 1, net1) as q1:
        s1 = native_shell(q1, 1)
        with native_qemu(ctx, 2, net2) as q2:
            s2 = native_shell(q2, 2)
            consoles.ssh_ready(s1, "guest1")
            s1.run("ip addr add 10.0.3.1/24 dev eth1; ip link set eth1 up")
            s2.run("ip addr add 10.0.3.2/24 dev eth0; ip link set eth0 up; "
                   "ip link set lo up")
            s1.run("ping -c 3 10.0.3.2 >/dev/null", timeout=60)
            return measure(ctx, s1, {"peer": (s2, "10.0.3.2")}, port)


def medians(runs):
    return {side: {k: statistics.median(r[k] for r in runs[side])
                   for k in runs[side][0] if isinstance(runs[side][0][k], (int, float))}
            for side in runs if runs[side]}


def ratios(runs):
    """{path key: (Bulkhead MiB/s, native MiB/s, ratio, Bulkhead RTT, native RTT, ratio)}
    of the medians (native has no backend: the VM-to-VM link is the peer's)."""
    med = medians(runs)
    b, n = med.get("bulkhead", {}), med.get("native", {})
    out = {}
    for key, _ in PATHS:
        nk = "peer" if key == "backend" else key
        bm, nm = b.get(f"{key}_mibs"), n.get(f"{nk}_mibs")
        br, nr = b.get(f"{key}_rtt_ms"), n.get(f"{nk}_rtt_ms")
        out[key] = (bm, nm, bm / nm if bm and nm else None, br, nr, br / nr if br and nr else None)
    return out


def fmt(v, spec=".2f"):
    return "-" if v is None else f"{v:{spec}}"


def table(runs):
    lines = ["| path | Bulkhead MiB/s | native MiB/s | ratio | Bulkhead RTT ms | "
             "native RTT ms | ratio |", "|---|---|---|---|---|---|---|"]
    rat = ratios(runs)
    for key, what in PATHS:
        bm, nm, r, br, nr, rr = rat[key]
        lines.append(f"| {what} | {fmt(bm)} | {fmt(nm)} | {fmt(r)} | {fmt(br)} | {fmt(nr)} | "
                     f"{fmt(rr, '.1f')} |")
    return "\n".join(lines)


def held_table(by_mode):
    """Each throughput ratio quiet and loaded, and how much the loaded one kept."""
    lines = ["| path | ratio quiet | ratio, one host core busy | held (≥ 0.7) |",
             "|---|---|---|---|"]
    q, b = ratios(by_mode["quiet"]), ratios(by_mode["busy"])
    held = {}
    for key, what in PATHS:
        h = benchload.held(q[key][2], b[key][2])
        held[key] = h
        lines.append(f"| {what} | {fmt(q[key][2])} | {fmt(b[key][2])} | "
                     f"{fmt(h)} {benchload.verdict(h)} |")
    return "\n".join(lines), held


def plot(by_mode, out_path):
    """The median TCP throughputs, Bulkhead against native, quiet and loaded (SVG)."""
    rats = {m: ratios(runs) for m, runs in by_mode.items()}
    benchplot.modes_bars(
        [(f"{what} (MiB/s)", {m: rats[m][key][:2] for m in by_mode}) for key, what in PATHS],
        list(by_mode), "Network: Bulkhead vs QEMU native virtio-net, TCP (median, log scale)",
        out_path)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("runs", nargs="?", type=int, default=int(os.environ.get("BENCH_RUNS") or 3))
    ap.add_argument("--only", choices=("bulkhead", "native"))
    benchload.add_argument(ap)
    a = ap.parse_args()
    ctx = Ctx("bench-net")
    skip_without_virtio(ctx, "bench-net.py")
    modes = benchload.modes(a.load)
    sides = [(s, fn) for s, fn in (("bulkhead", bulkhead_run), ("native", native_run))
             if a.only in (None, s)]
    uptime0 = benchload.uptime()
    by_mode = benchload.run_interleaved(
        a.runs, modes, sides, lambda fn, i, mode: fn(ctx),
        lambda r: " ".join(f"{k}={v:.2f}" for k, v in r.items() if isinstance(v, float)))
    out = ctx.out("bench")
    os.makedirs(out, exist_ok=True)
    doc = {"modes": by_mode, "platform": platform(ctx)["PLATFORM"], "load": os.getloadavg(),
           "uptime_start": uptime0, "uptime_end": benchload.uptime()}
    for mode in modes:
        runs = by_mode[mode]
        print(f"{mode} ({benchload.loads_line(runs['bulkhead'] + runs['native'])}):")
        print(table(runs))
    if len(modes) > 1:
        text, doc["held"] = held_table(by_mode)
        print(text)
    with open(os.path.join(out, "net.json"), "w") as f:
        json.dump(doc, f, indent=1)
    if all(by_mode[m][s] for m in modes for s in ("bulkhead", "native")):
        plot(by_mode, os.path.join(out, "net.svg"))
    print(f"(medians of {a.runs}; ratio of throughput Bulkhead/native, of RTT Bulkhead/native;"
          f" platform {doc['platform']}; `uptime` at start: {uptime0}; at end: "
          f"{doc['uptime_end']})")


if __name__ == "__main__":
    main()
