"""Remote I/O with three Linux VMs: each frontend's stock
virtio_mmio + virtio_console reach the device model in the backend's user space
through the hypervisor (docs/protocol.md).

Reference config: the backend serves console-frontend1 and console-frontend2
(configs/reference.c).  Its /etc/rc.local (guest/rio/rc.local) starts one device
model at boot; the frontends reach their virtio probe long before that and wait
there (their first register read blocks in the hypervisor).  The tests replace
that model by their own, whose consoles are files: output to /tmp/outN, input
from a FIFO /tmp/inN the backend shell holds open, so bytes can be compared by
sha256 on both sides.
"""

import re
import time

from consoles import (BOOT_TIMEOUT, DEVICES, LABELS, MIB, boot_reference, kill_dm, no_trouble, open_hvc,
                      out_size, start_dm, vm_shell, vm_shells, wait_out_size)
from consoles import all_stats as stats
from harness import check



def sha(text, path):
    m = re.search(rf"([0-9a-f]{{64}})  {re.escape(path)}", text)
    check(m, f"no sha256 of {path} in {text!r}")
    return m.group(1)


def text_both_ways(be, fe, vm):
    n = vm[-1]
    base = out_size(be, n)
    word = f"hello-from-{vm}-{int(time.time())}"
    fe.run(f"echo {word} >&3")
    wait_out_size(be, n, base + len(word) + 1, timeout=30)
    got = be.run(f"tail -c +{base + 1} /tmp/out{n}")
    check(word in got, f"{vm}: backend got {got!r}, want {word!r}")
    word = f"hello-to-{vm}-{int(time.time())}"
    fe.run(f"(head -c {len(word) + 1} <&3 >/tmp/text) & echo $! >/tmp/text.pid")
    be.run(f"echo {word} >/tmp/in{n}")
    got = fe.run("wait $(cat /tmp/text.pid); cat /tmp/text", timeout=30)
    check(word in got, f"{vm}: frontend got {got!r}, want {word!r}")


def mib_frontend_to_backend(be, fe, vm, size=MIB):
    """Returns the seconds the frontend's write took."""
    n = vm[-1]
    base = out_size(be, n)
    want = sha(fe.run(f"head -c {size} /dev/urandom >/tmp/r; sha256sum /tmp/r"), "/tmp/r")
    t0 = time.monotonic()
    fe.run("cat /tmp/r >&3", timeout=300)
    wait_out_size(be, n, base + size, timeout=300)
    took = time.monotonic() - t0
    got = sha(be.run(f"tail -c {size} /tmp/out{n} | sha256sum"), "-")
    check(out_size(be, n) == base + size, f"{vm}: backend got extra bytes")
    check(got == want, f"{vm} -> backend: sha256 {got} != {want}")
    return took


def mib_backend_to_frontend(be, fe, vm, size=MIB):
    n = vm[-1]
    fe.run(f"(head -c {size} <&3 >/tmp/got) & echo $! >/tmp/got.pid")
    want = sha(be.run(f"head -c {size} /dev/urandom >/tmp/r{n}; sha256sum /tmp/r{n}"), f"/tmp/r{n}")
    be.run(f"cat /tmp/r{n} >/tmp/in{n}", timeout=300)
    got = sha(fe.run("wait $(cat /tmp/got.pid); sha256sum /tmp/got", timeout=300), "/tmp/got")
    check(got == want, f"backend -> {vm}: sha256 {got} != {want}")




def pending(st, dev):
    return int(st[dev]["req_prod"]) - int(st[dev]["req_done"])


def test_dm_after_probe_one_process_both_frontends(ctx):
    """Both frontends wait in their virtio probe before any model runs at boot
    (the model of rc.local finds them waiting); rebooted while no model serves
    their consoles, each new life is held before its first instruction until
    the hypervisor's reset of its devices is answered (docs/protocol.md, "A
    frontend that resets").  Then one process attaches and serves both: text
    both ways, 1 MiB each way, sha256 compared."""
    with boot_reference(ctx) as q:
        be = vm_shell(q, "backend")
        log = be.run("cat /run/bulkhead-dm.log")
        for dev in DEVICES.values():
            # request 0 already queued: the frontend was waiting in virtio_mmio's probe
            check(re.search(rf"uio {dev} \(uio\d\): attached, serving from request 0 \([1-9]\d* pending\)",
                            log), f"{dev} was not waiting when the model attached:\n{log}")
        vm_shells(q, DEVICES)
        kill_dm(be)
        uart0 = q.con("uart0")
        mark = len(uart0.output())
        st0 = stats(be)
        resets_before = {dev: int(st0[dev]["resets"]) for dev in DEVICES.values()}
        boots = {vm: q.con(LABELS[vm]).output().count("Booting Linux") for vm in DEVICES}
        for label in (LABELS[vm] for vm in DEVICES):
            q.con(label).send_line("reboot -f")
        # The hypervisor logs each reset on UART0, which the backend's shell shares:
        # let those lines pass before reading the backend's output again.
        deadline = time.monotonic() + BOOT_TIMEOUT
        while not all(f"bulkhead: vm {vm} reset" in uart0.output()[mark:] for vm in DEVICES):
            check(time.monotonic() < deadline, "the hypervisor never logged both frontend resets")
            time.sleep(0.2)
        uart0.wait_quiet(0.3)
        uart0.skip()
        # each console's reset (Status = 0) is queued behind what `reboot` posted
        # on its way down, and nobody answers it
        deadline = time.monotonic() + BOOT_TIMEOUT
        while True:
            st = stats(be)
            if all(int(st[dev]["resets"]) == resets_before[dev] + 1 and pending(st, dev) >= 1
                   for dev in DEVICES.values()):
                break
            check(time.monotonic() < deadline, f"no device reset queued: {st}")
            time.sleep(1)
        time.sleep(2)
        st2 = stats(be)
        for dev in DEVICES.values():
            # the new life is held: not one request more
            check(st2[dev]["req_prod"] == st[dev]["req_prod"] and pending(st2, dev) >= 1,
                  f"{dev}: the frontend went on without a model: {st[dev]} -> {st2[dev]}")
        for vm in DEVICES:
            check(q.con(LABELS[vm]).output().count("Booting Linux") == boots[vm],
                  f"{vm} started again before its devices were reset")
        start_dm(be, list(DEVICES), "both", chardev="file")
        fes = vm_shells(q, DEVICES)
        for vm, fe in fes.items():
            check(q.con(LABELS[vm]).output().count(f"bulkhead: {vm} up in") == 2,
                  f"{vm} did not boot twice")
            check("virtio_mmio" in fe.run("ls /sys/bus/platform/drivers/virtio-mmio/"),
                  f"{vm}: virtio-mmio not bound")
            dm = fe.run("dmesg | grep -i 'restricted\\|virtio' || true")
            check("assigned reserved memory node" in dm, f"{vm}: no restricted DMA pool:\n{dm}")
        for vm, fe in fes.items():
            open_hvc(fe)
            text_both_ways(be, fe, vm)
            mib_frontend_to_backend(be, fe, vm)
            mib_backend_to_frontend(be, fe, vm)
        s = stats(be)
        for dev in DEVICES.values():
            check(int(s[dev]["traps"]) > 0 and s[dev]["state"] == "ok", f"{dev}: {s[dev]}")
        no_trouble(q)


def test_one_process_per_frontend_and_restart(ctx):
    """One model process per frontend; then frontend1's is killed (-9) and started
    again: its hvc0 works again without a reboot, frontend2 never noticed."""
    with boot_reference(ctx) as q:
        be = vm_shell(q, "backend")
        fes = vm_shells(q, DEVICES)
        kill_dm(be)
        for vm in DEVICES:
            start_dm(be, [vm], vm, chardev="file")
        for vm, fe in fes.items():
            open_hvc(fe)
            text_both_ways(be, fe, vm)
            mib_frontend_to_backend(be, fe, vm)
            mib_backend_to_frontend(be, fe, vm)
        up = float(fes["frontend1"].run("cut -d' ' -f1 /proc/uptime"))
        kill_dm(be, "/tmp/dm-frontend1.pid")
        # frontend1 writes while no model runs: its QueueNotify waits in the ring
        # and virtio_console waits for the buffer to be used, so the shell hangs
        # until a model is back (the marker is built at run time, not echoed)
        q.con("serial1").send_line("echo while-nobody-listens >&3; echo queued-$((40 + 2))")
        time.sleep(2)
        check("queued-42" not in q.con("serial1").output(), "frontend1 did not wait")
        text_both_ways(be, fes["frontend2"], "frontend2")
        start_dm(be, ["frontend1"], "frontend1-again", chardev="file")
        q.con("serial1").expect(r"queued-42", timeout=60)
        fes["frontend1"].wait_prompt(r"frontend1# ", timeout=30)
        # the new model writes a fresh /tmp/out1
        wait_out_size(be, "1", len("while-nobody-listens\n"), timeout=30)
        check("while-nobody-listens" in be.run("cat /tmp/out1"),
              "the queued write was lost")
        text_both_ways(be, fes["frontend1"], "frontend1")
        mib_frontend_to_backend(be, fes["frontend1"], "frontend1")
        mib_backend_to_frontend(be, fes["frontend1"], "frontend1")
        up2 = float(fes["frontend1"].run("cut -d' ' -f1 /proc/uptime"))
        check(up2 > up, f"frontend1 rebooted: uptime {up} -> {up2}")
        check(q.con("serial1").output().count("bulkhead: frontend1 up in") == 1,
              "frontend1 booted twice")
        no_trouble(q)
