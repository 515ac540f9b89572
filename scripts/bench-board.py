#!/usr/bin/env python3
"""The remote-I/O devices against the board's own, in one boot (`make bench` on a
board without virtio-mmio; docs/performance.md "Other platforms").

  scripts/bench-board.py [RUNS] [--load quiet|busy|both] [--markdown]   (after `make all`)

On a board whose QEMU model has no virtio transport (the ZCU102: no virtio-mmio, no
PCI) there is no QEMU virtio device to compare Bulkhead's with, so this script
compares, in each boot of the reference system, each remote-I/O device with the
device of the board that does the same job, driven by the same kernel:
  console  frontend1's /dev/hvc0 (virtio-console, served by the boot model in the
           backend on a pty, read there by `cat` into a file) against frontend1's
           own UART (the board's Cadence UART on the zcu102, passed through; its
           host end is the script's console socket):
           cooked text out (`seq 1 3000`), 1 MiB of base64 text out, raw in (1 MiB;
           32 KiB into the UART, whose emulated receive path takes a few KiB/s),
           and the keystroke echo round trip (1000 bytes, each sent when the last
           came back: bh-echo on the pty, the script on the UART);
  network  frontend1's eth0 (virtio-net, served by the model on a tap bridged with
           the backend's NIC) against the backend's own NIC (the board's GEM0,
           passed through): 16 MiB pulled by the host through ssh
           (`ssh -p PORT root@127.0.0.1 cat /tmp/tx`) and the round trip to the user
           network's gateway (busybox `ping -A`), as scripts/bench-net.py measures;
and, with no reference on the board, the time to all shells and the idle host CPU
of the whole system.  Each ratio is remote I/O / board's device (for times and
round trips board's device / remote I/O): above 1 the remote device is faster.
With --load both (the default, or $BENCH_LOAD) each run boots once on the host as
it is and once while one more host core is kept busy (scripts/benchload.py).
Prints the medians, writes every run to $BUILD/bench/board.json and draws the
ratios' figures to $BUILD/bench/board.svg.  Runs on any platform whose reference
system gives frontend1 a UART (virt: its pci-serial), so the same two devices can
be compared on virt too.
"""

import argparse
import datetime
import hashlib
import json
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
sys.path.insert(0, os.path.join(ROOT, "scripts"))

import benchload  # noqa: E402
import benchplot  # noqa: E402
import consoles  # noqa: E402
from benchcommon import (exit_status, fmt, git_commit, save_doc, script_module,  # noqa: E402
                         summarise)
from harness import Ctx, check, platform  # noqa: E402

rio = script_module("bench-rio.py")
net = script_module("bench-net.py")

MiB = consoles.MIB
VM = "frontend1"
BULK = MiB            # bytes of each bulk transfer
# typed into the UART: QEMU's Cadence UART takes input at a few KiB/s (its receive
# FIFO drains on the driver's interrupt, paced by the emulated character time)
UART_IN = 32 << 10
ECHO_ROUNDS = 1000

# key, what, unit, kind ("rate": remote/board; "time": board/remote; "cost":
# remote/board where the board has the figure, not drawn) — benchcommon.summarise()'s
# rows, with "bulkhead" the remote-I/O device and "native" the board's
METRICS = [
    ("boot_s", "boot to all shells", "s", "cost"),
    ("idle_cpu_pct", "idle host CPU, whole system", "% of a CPU", "cost"),
    ("text_out_lps", "console: text out, cooked", "lines/s", "rate"),
    ("text_out_run_cpus", "  QEMU's vCPU threads running meanwhile", "CPUs", "cost"),
    ("text_out_wait_cpus", "  ready, waiting for a host CPU", "CPUs", "cost"),
    ("bulk_out_mibs", "console: 1 MiB base64 text out", "MiB/s", "rate"),
    ("bulk_in_mibs", "console: raw in (1 MiB; UART 32 KiB)", "MiB/s", "rate"),
    ("echo_rtt_us", "console: keystroke echo round trip, median", "us", "time"),
    ("host_mibs", "network: 16 MiB to the host (ssh)", "MiB/s", "rate"),
    ("host_rtt_ms", "network: ping the gateway, average", "ms", "time"),
]
SIDES = (("remote I/O", "frontend1's hvc0 and virtio-net, served by the backend's model"),
         ("board's device", "frontend1's UART, the backend's NIC (passed through)"))


def uart_cmd(con, cmd, setup="true", timeout=300):
    """Send @setup, then @cmd, to the shell on console @con, framed by markers
    (the first printed after @setup has run: a byte typed after it meets the
    terminal @setup made); return the tag for uart_done().  The caller consumes
    what @cmd prints in between."""
    tag = f"{os.getpid()}x{time.monotonic_ns()}"
    con.send_line(f"{setup}; echo BH-GO-{tag}; {cmd}; echo BH-END-{tag}-$?")
    con.expect(rf"\nBH-GO-{tag}\r?\n", timeout)
    return tag


def uart_done(con, tag, timeout=300):
    """The output after uart_cmd()'s command; raise if it failed."""
    m = con.expect(rf"(?s)(.*?)BH-END-{tag}-(\d+)", timeout)
    check(m.group(2) == "0", f"UART command failed ({m.group(2)}): {m.group(1)[-300:]!r}")
    return m.group(1)


def uart_bulk_out(sh):
    """MiB/s of /tmp/p (base64 text) written to the UART console, every byte checked."""
    size, lines = (int(x) for x in sh.run("wc -c </tmp/p; wc -l </tmp/p").split())
    want = sh.run("sha256sum /tmp/p").split()[0]
    tag = uart_cmd(sh.con, "(time cat /tmp/p) 2>/tmp/tm")
    got = sh.con.read_bytes(size + lines, timeout=600)  # the tty adds CR before each LF
    uart_done(sh.con, tag, timeout=60)
    check(hashlib.sha256(got.replace(b"\r\n", b"\n")).hexdigest() == want,
          "UART: the base64 text arrived changed")
    return size / MiB / rio.seconds(sh.run("cat /tmp/tm"))


def uart_bulk_in(sh, data):
    """MiB/s of @data typed into the UART console in raw mode, timed by the guest
    from its first byte to its last."""
    tag = uart_cmd(sh.con, f"dd bs=1 count=1 2>/dev/null; "
                   f"(time head -c {len(data) - 1} >/dev/null) 2>/tmp/tm; stty sane",
                   setup="stty raw -echo")  # nothing typed is echoed or taken as a signal
    sh.con.send(data)
    uart_done(sh.con, tag, timeout=600)
    return len(data) / MiB / rio.seconds(sh.run("cat /tmp/tm"))


def uart_echo_us(sh, rounds=ECHO_ROUNDS):
    """Median round trip of a byte typed into the UART and written back by dd."""
    tag = uart_cmd(sh.con, f"dd bs=1 count={rounds} 2>/dev/null; stty sane",
                   setup="stty raw -echo")
    rtts = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        sh.con.send(b"x")
        check(sh.con.read_bytes(1, timeout=10) == b"x", "UART echo: another byte came back")
        rtts.append(1e6 * (time.perf_counter() - t0))
    uart_done(sh.con, tag)
    rtts.sort()
    return rtts[len(rtts) // 2]


def console_figures(be, fe, pty, pid):
    """The console figures of both devices: {"bulkhead": {...}, "native": {...}};
    @pid is QEMU's, whose vCPU threads' run and wait times are taken during the
    cooked text (rio.Sched)."""
    hvc, uart = {}, {}
    fe.run(f"head -c {BULK * 3 // 4} /dev/urandom | base64 >/tmp/p; "
           f"head -c {MiB} /dev/urandom >/tmp/r")
    be.run(f"exec 5<>{pty}; rm -f /tmp/out1; (cat <&5 >/tmp/out1 &); "
           f"head -c {MiB} /dev/urandom >/tmp/r")
    fe.run("exec 3<>/dev/hvc0; stty -echo <&3")
    time.sleep(0.5)  # the model notices the pty's reader (200 ms poll)

    base, sched = consoles.out_size(be, "1"), rio.Sched(pid)
    s = rio.seconds(fe.run(f"time sh -c 'seq 1 {rio.LINES} >&3'", timeout=300))
    sched.record(hvc, "text_out")
    consoles.wait_out_size(be, "1", base + rio.text_bytes(eol=b"\r\n"))
    hvc["text_out_lps"] = rio.LINES / s
    sched = rio.Sched(pid)
    out = fe.run(f"time sh -c 'seq 1 {rio.LINES}'", timeout=300)
    sched.record(uart, "text_out")
    check(f"\n{rio.LINES}\n" in out, "UART: `seq` did not arrive whole")
    uart["text_out_lps"] = rio.LINES / rio.seconds(out)

    fe.run("stty raw -echo <&3")
    size = int(fe.run("wc -c </tmp/p"))
    base = consoles.out_size(be, "1")
    s = rio.seconds(fe.run("time cat /tmp/p >&3", timeout=300))
    consoles.wait_out_size(be, "1", base + size, timeout=300)
    hvc["bulk_out_mibs"] = size / MiB / s
    uart["bulk_out_mibs"] = uart_bulk_out(fe)

    fe.run(rio.timed_read(3, nbytes=MiB))
    be.run("cat /tmp/r >&5", timeout=300)
    hvc["bulk_in_mibs"] = 1 / rio.timed_read_done(fe, timeout=300)
    uart["bulk_in_mibs"] = uart_bulk_in(fe, os.urandom(UART_IN))

    be.run("kill $(pidof cat) 2>/dev/null; true")
    fe.run("(cat <&3 >&3 &); sleep 0.5")
    hvc["echo_rtt_us"] = rio.probe(be.run(f"bh-echo -n {ECHO_ROUNDS} {pty}", timeout=120))
    fe.run("kill $(pidof cat)")
    uart["echo_rtt_us"] = uart_echo_us(fe)
    return {"bulkhead": hvc, "native": uart}


def network_figures(ctx, q, sh):
    """frontend1's virtio-net against the backend's NIC: to the host."""
    r = {}
    for side, vm in (("bulkhead", VM), ("native", "backend")):
        sh[vm].run(f"head -c {net.SIZE_MIB * MiB} /dev/urandom >/tmp/tx")
        r[side] = {"host_mibs": net.host_mibs(ctx, q.ssh_ports[vm]),
                   "host_rtt_ms": net.rtt_ms(sh[vm], "10.0.2.2")}
    return r


def board_run(ctx, name):
    """One boot of the reference system: both sides' figures."""
    with consoles.boot_reference(ctx, name=name) as q:
        t0 = time.monotonic()
        sh = consoles.vm_shells(q)
        boot_s = time.monotonic() - t0
        check(VM not in q.hvc_only, f"{VM} has no UART on this platform: nothing to compare with")
        idle = rio.idle_cpu_pct(q)
        ptys = {lab: p for p, lab in rio.PTY_RX.findall(sh["backend"].run("cat /run/bulkhead-dm.log"))}
        dev = consoles.DEVICES[VM]
        check(dev in ptys, f"no pty for {dev} in /run/bulkhead-dm.log")
        r = console_figures(sh["backend"], sh[VM], ptys[dev], q.proc.pid)
        for vm in (VM, "backend"):
            consoles.ssh_ready(sh[vm], vm)
        for side, figs in network_figures(ctx, q, sh).items():
            r[side].update(figs)
        consoles.no_trouble(q)
    r["bulkhead"].update(boot_s=boot_s, idle_cpu_pct=idle)
    return r


def table(rows):
    head = f"{'what':44} {'remote I/O':>11} {'board':>11} {'ratio':>7}"
    out = [head, "-" * len(head)]
    for r in rows:
        out.append(f"{r['what'] + ' (' + r['unit'] + ')':44} {fmt(r['bulkhead']['median']):>11} "
                   f"{fmt(r['native']['median']):>11} {fmt(r['ratio']):>7}")
    return "\n".join(out)


def markdown(doc):
    modes = list(doc["metrics"])
    out = [f"Commit {doc['commit']}{' (dirty tree)' if doc['dirty'] else ''}, platform "
           f"{doc['platform']}, {doc['date']}, `scripts/bench-board.py {doc['runs_wanted']}` "
           f"(`uptime` at the start: {doc['uptime_start']}; at the end: {doc['uptime_end']}):", "",
           "| what | " + " | ".join(f"remote I/O, {m} | board's device, {m} | ratio, {m}"
                                     for m in modes) + " |",
           "| --- |" + " ---: | ---: | ---: |" * len(modes)]
    for i, row in enumerate(doc["metrics"][modes[0]]):
        cells = []
        for m in modes:
            r = doc["metrics"][m][i]
            cells += [fmt(r["bulkhead"]["median"]), fmt(r["native"]["median"]), fmt(r["ratio"])]
        out.append(f"| {row['what']} ({row['unit']}) | " + " | ".join(cells) + " |")
    return "\n".join(out)


def plot(doc, out_path):
    """Both sides' medians per figure that has a reference, quiet and loaded."""
    modes = list(doc["metrics"])
    rows = [(f"{r['what']} ({r['unit']})",
             *[v for m in modes for v in (doc["metrics"][m][i]["bulkhead"]["median"],
                                          doc["metrics"][m][i]["native"]["median"])])
            for i, r in enumerate(doc["metrics"][modes[0]]) if r["kind"] != "cost"]
    # gnuplot's titles are quoted with ': the names must not contain one
    systems = [(f"{side.replace(chr(39), '')}, {m}", colour) for m in modes
               for (side, _), (_, colour) in zip(SIDES, benchplot.MODE_SYSTEMS[m])]
    benchplot.clustered_bars(rows, f"{doc['platform']}: remote I/O against the board devices, "
                             "one boot (median, log scale)", out_path,
                             systems=systems)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("runs", nargs="?", type=int, default=int(os.environ.get("BENCH_RUNS") or 3))
    benchload.add_argument(ap)
    ap.add_argument("--markdown", action="store_true",
                    help="print the JSON's figures as the table of docs/performance.md")
    args = ap.parse_args()
    ctx = Ctx("bench-board")
    outdir = ctx.out("bench")
    json_path = os.path.join(outdir, "board.json")
    if args.markdown:
        with open(json_path) as f:
            print(markdown(json.load(f)))
        return 0
    os.makedirs(outdir, exist_ok=True)
    commit, dirty = git_commit()
    modes = benchload.modes(args.load)
    doc = {"date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
           "commit": commit, "dirty": dirty, "platform": platform(ctx)["PLATFORM"],
           "runs_wanted": args.runs, "uptime_start": benchload.uptime(),
           "sides": {"bulkhead": SIDES[0], "native": SIDES[1]}, "runs": {m: {"bulkhead": [], "native": []} for m in modes},
           "errors": []}
    for i in range(args.runs):
        for mode in modes:
            done = benchload.run_loaded(mode, lambda: board_run(ctx, f"bench-board-{i + 1}-{mode}"),
                                        f"run {i + 1} {mode}", doc["errors"])
            if done is None:
                continue
            r, info = done
            for side in ("bulkhead", "native"):
                r[side].update(info)
                doc["runs"][mode][side].append(r[side])
            print(f"# run {i + 1} {mode}: " + ", ".join(
                f"{k}={fmt(r['bulkhead'][k])}/{fmt(r['native'].get(k))}" for k, *_ in METRICS)
                + f" ({r['bulkhead']['uptime_end']})", flush=True)
    doc["metrics"] = {m: summarise(METRICS, doc["runs"][m]) for m in modes}
    save_doc(doc, json_path)
    for m in modes:
        print(f"\n{m} ({benchload.loads_line(doc['runs'][m]['bulkhead'])}):")
        print(table(doc["metrics"][m]))
    if all(doc["runs"][m]["bulkhead"] for m in modes):
        plot(doc, os.path.join(outdir, "board.svg"))
    print(f"ratio: remote I/O / board's device (times: board / remote); platform "
          f"{doc['platform']}; `uptime` at start: {doc['uptime_start']}; at end: "
          f"{doc['uptime_end']}; {json_path}")
    return exit_status(doc)


if __name__ == "__main__":
    sys.exit(main())
