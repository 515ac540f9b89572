"""Each frontend's persistent disk (docs/running.md, "Storage"): its /dev/vda is a virtio-blk
served by the device model from an image file on the backend's disk (QEMU's
virtio-blk-device, passed through), and it is mounted on /data at boot.

The test boots the reference system as `make run` does, on a disk image file of its own in a
temporary directory (never the one `make run` uses), and boots it twice on that file.
"""

import os
import tempfile
import time

from consoles import (BOOT_TIMEOUT, MIB, answers, boot_reference, check, kill_dm, start_dm,
                      vm_shell, vm_shells, wait_for)

FRONTENDS = ("frontend1", "frontend2")


def data_mount(sh, vm, transport):
    """@vm's /data is ext4 on /dev/vda, and its vda is the virtio-mmio device at @transport."""
    mnt = sh.run("grep ' /data ' /proc/mounts")
    check(mnt.startswith("/dev/vda /data ext4 rw"), f"{vm}'s /data: {mnt!r}")
    dev = sh.run("readlink -f /sys/block/vda")
    check(f"{transport}.virtio_mmio" in dev, f"{vm}'s vda is {dev!r}, not at {transport}")


def sha(sh, path):
    return sh.run(f"sha256sum {path}").split()[0]


def on_disk(sh, token):
    """How many strings on the VM's /dev/vda hold @token (read from the device, not a cache
    of the file system: the data the model stored)."""
    return int(sh.run(f"strings /dev/vda | grep -c {token}; true", timeout=600).split()[-1])


def remount(sh):
    """Drop /data's cached pages: what is read next comes from the disk."""
    sh.run("umount /data && mount -t ext4 /dev/vda /data")


def check_frontend1(f1, want):
    remount(f1)
    for path, digest in want.items():
        got = sha(f1, path)
        check(got == digest, f"frontend1's {path}: sha256 {got}, wrote {digest}")


def test_frontend_data_survives_reboot_model_kill_and_restart(ctx):
    """frontend1 writes to its /data and syncs; the data is there again after (a) its own
    `reboot -f`, (b) the blk model's `kill -9` and restart (a copy and sync running across
    it completes, no frontend reboots), (d) the backend's `reboot -f` and (c) a second
    boot of the whole machine on the same host image file (the first one killed, a power
    cut).  frontend2's disk holds none
    of it: not in its /data, nowhere on its /dev/vda."""
    token = f"bulkhead-frontend1-{os.getpid()}-{int(time.time())}"
    with tempfile.TemporaryDirectory(prefix="bh-disk-") as tmp:
        disk = os.path.join(tmp, "disk.img")
        with boot_reference(ctx, disk=disk) as q:
            sh = vm_shells(q)
            be, f1, f2 = sh["backend"], sh["frontend1"], sh["frontend2"]
            data_mount(be, "backend", "a002e00")
            data_mount(f1, "frontend1", "a003a00")
            data_mount(f2, "frontend2", "a003a00")
            images = be.run("ls /data")
            check(all(f"{vm}.img" in images for vm in FRONTENDS), f"backend /data: {images!r}")

            f1.run(f"echo {token} > /data/secret; head -c {MIB} /dev/urandom > /data/blob; "
                   "sync")
            want = {"/data/secret": sha(f1, "/data/secret"), "/data/blob": sha(f1, "/data/blob")}
            f2.run("echo frontend2-own > /data/own; sync")
            check(on_disk(f1, token) >= 1, "the token is not on frontend1's own disk")
            check(on_disk(f2, token) == 0, "frontend2's disk holds frontend1's data")
            check("secret" not in f2.run("ls /data"), "frontend2 sees frontend1's file")

            # (a) frontend1 reboots alone: its /data comes back
            up0 = float(f2.run("cut -d' ' -f1 /proc/uptime"))
            q.con("serial1").send_line("reboot -f")
            q.con("uart0").expect(r"bulkhead: vm frontend1 reset", timeout=30)
            f1 = vm_shell(q, "frontend1")
            data_mount(f1, "frontend1", "a003a00")
            check_frontend1(f1, want)

            # (b) the blk model is killed while frontend1 copies 8 MiB and syncs, and
            # started again: the copy completes, nothing rebooted, the data is on disk
            f1.run(f"head -c {8 * MIB} /dev/urandom > /tmp/w && touch /tmp/before-kill")
            want["/data/w"] = sha(f1, "/tmp/w")
            up1 = float(f1.run("cut -d' ' -f1 /proc/uptime"))
            f1.run("((cp /tmp/w /data/w && sync && touch /tmp/w.done) >/dev/null 2>&1 &)")
            kill_dm(be, "/run/bulkhead-dm-blk.pid")
            time.sleep(2)
            start_dm(be, (), "blk", disks=FRONTENDS)
            wait_for(f1, "[ -e /tmp/w.done ]", timeout=300)
            check("before-kill" in f1.run("ls /tmp"), "frontend1 rebooted at the kill")
            check(float(f1.run("cut -d' ' -f1 /proc/uptime")) > up1, "frontend1 rebooted")
            check(float(f2.run("cut -d' ' -f1 /proc/uptime")) > up0, "frontend2 rebooted")
            check_frontend1(f1, want)
            check("frontend2-own" in f2.run("cat /data/own"), "frontend2 lost its file")
            answers(be, "backend")

            # (d) the backend reboots (its disk mounted, its models killed with it): its
            # rc.local serves the same images again, the frontends never rebooted
            q.con("uart0").send_line("reboot -f")
            q.con("uart0").expect(r"bulkhead: backend up in", timeout=BOOT_TIMEOUT)
            be.wait_prompt(r"backend# ", timeout=30)
            data_mount(be, "backend", "a002e00")
            check(float(f1.run("cut -d' ' -f1 /proc/uptime")) > up1, "frontend1 rebooted")
            check_frontend1(f1, want)

        # (c) a second boot of the whole machine on the same image file
        with boot_reference(ctx, disk=disk, name="qemu2") as q:
            sh = vm_shells(q)
            f1, f2 = sh["frontend1"], sh["frontend2"]
            data_mount(f1, "frontend1", "a003a00")
            check_frontend1(f1, want)
            check("frontend2-own" in f2.run("cat /data/own"), "frontend2 lost its file")
            check("secret" not in f2.run("ls /data"), "frontend2 sees frontend1's file")
            hyp = q.con("uart0").output()
            check("stopped" not in hyp, "a VM stopped:\n" + hyp[-1000:])


def blkload_counts(out, mode):
    """The key=value counts of bh-blkload's @mode line in @out."""
    line = next((ln for ln in out.splitlines() if ln.startswith(f"{mode} ")), None)
    check(line, f"no `{mode}` line from bh-blkload:\n{out}")
    return {k: int(v) for k, v in (f.split("=") for f in line.split(": ", 1)[1].split())}


def test_frontend_disk_verify_blkload(ctx):
    """bh-blkload (docs/performance.md, "Storage") writes a self-describing pattern over
    the first 16 MiB of frontend1's /dev/vda, 4 KiB requests 32 in flight in a shuffled
    order, then 1 MiB ones 4 in flight, and reads every sector back through the device
    model: each one holds this pass's data for its own number (none zero, stale from an
    earlier pass, misplaced or damaged).  Then it stamps 64 MiB while the blk model is
    killed (`kill -9`) and started again: the stamp completes and every sector reads back
    as stamped.  It refuses to write the disk while /data is mounted on it, naming the
    mount; frontend2 and its /data are untouched."""
    with boot_reference(ctx) as q:
        sh = vm_shells(q)
        f1, f2 = sh["frontend1"], sh["frontend2"]
        f2.run("echo frontend2-own > /data/own; sync")
        out = f1.run("bh-blkload verify /dev/vda --size 1m 2>&1; echo rc=$?")
        check("mounted on /data" in out and "rc=2" in out, f"wrote a mounted disk: {out!r}")
        f1.run("umount /data")
        sectors = 16 * MIB // 512
        for bs, qd in (("4k", 32), ("1m", 4)):
            out = f1.run(f"bh-blkload verify /dev/vda --bs {bs} --qd {qd} --size 16m 2>&1",
                         timeout=600, check=False)
            got = blkload_counts(out, "verify")
            check(got["sectors"] == sectors and got["ok"] == sectors,
                  f"bs={bs} qd={qd}: not every sector read back as written:\n{out}")
        # the model killed with writes in flight and started again: the stamp completes
        # and every sector holds it (none lost, none misplaced by a request run twice)
        be, seed = sh["backend"], os.getpid()
        writes = int(f1.run("cat /sys/block/vda/stat").split()[4])  # completed writes
        f1.run(f"((bh-blkload stamp /dev/vda --qd 8 --size 64m --seed {seed}; echo rc=$?) "
               ">/tmp/stamp.log 2>&1 &)")
        # 16384 writes take seconds under TCG: kill once 200 are done, among the rest
        wait_for(f1, f"[ $(awk '{{print $5}}' /sys/block/vda/stat) -gt {writes + 200} ]")
        check("rc=" not in f1.run("cat /tmp/stamp.log"), "the stamp ended before the kill")
        kill_dm(be, "/run/bulkhead-dm-blk.pid")
        time.sleep(1)
        start_dm(be, (), "blk", disks=FRONTENDS)
        wait_for(f1, "grep -q rc= /tmp/stamp.log", timeout=600)
        out = f1.run("cat /tmp/stamp.log")
        check("rc=0" in out, f"the stamp across the kill failed:\n{out}")
        out = f1.run(f"bh-blkload check /dev/vda --qd 32 --size 64m --seed {seed} 2>&1",
                     timeout=600, check=False)
        got = blkload_counts(out, "check")
        check(got["ok"] == 64 * MIB // 512, f"after the model's restart:\n{out}")
        check("frontend2-own" in f2.run("cat /data/own"), "frontend2 lost its file")
        answers(be, "backend")
