"""`make run` (scripts/run.sh) as a user sees it, driven through a pty.

The backend's console is the terminal; QEMU itself announces the frontends'
ptys as `char device redirected to /dev/pts/N (label serialN)`; each pty
reaches its frontend's shell; the ssh command run.sh prints reaches the
backend (on free ports instead of 5555-5557: SSH_PORTS); a frontend without a
UART (zcu102's frontend2) is reached with the command run.sh prints for it;
nothing on the terminal reads as an error; Ctrl-a x quits.
"""

import os
import pty
import re
import select
import signal
import socket
import subprocess
import time

from consoles import LABELS, boot_error_lines, hvc_only, reference_config
from harness import TestFailure, free_port, ssh, ssh_argv

CTRL_A = b"\x01"


class Tty:
    """Read everything from a fd into a buffer; expect patterns in it."""

    def __init__(self, fd, label, logdir):
        self.fd = fd
        self.label = label
        self.buf = b""
        self.log = open(os.path.join(logdir, f"{label}.log"), "wb")

    def _pump(self, timeout):
        r, _, _ = select.select([self.fd], [], [], timeout)
        if not r:
            return
        try:
            data = os.read(self.fd, 65536)
        except OSError:
            data = b""
        self.buf += data
        self.log.write(data)
        self.log.flush()

    def expect(self, pattern, timeout=60):
        rx = re.compile(pattern.encode() if isinstance(pattern, str) else pattern)
        deadline = time.monotonic() + timeout
        while True:
            m = rx.search(self.buf)
            if m:
                self.buf = self.buf[m.end():]
                return m
            left = deadline - time.monotonic()
            if left <= 0:
                raise TestFailure(f"{self.label}: timeout waiting for /{rx.pattern.decode()}/; "
                                  f"last output:\n{self.buf[-500:].decode('latin-1')}")
            self._pump(min(left, 0.2))

    def send(self, data):
        os.write(self.fd, data)

    def close(self):
        self.log.close()
        os.close(self.fd)


def test_make_run_consoles_and_quit(ctx):
    os.makedirs(ctx.logdir, exist_ok=True)
    master, slave = pty.openpty()
    ports = [free_port() for _ in range(3)]  # one per VM of the reference config
    port = ports[0]
    proc = subprocess.Popen([os.path.join(ctx.root, "scripts", "run.sh")], cwd=ctx.root,
                            env=dict(os.environ, SSH_PORTS=" ".join(map(str, ports))),
                            stdin=slave, stdout=slave, stderr=slave, start_new_session=True)
    os.close(slave)
    term = Tty(master, "terminal", ctx.logdir)
    ptys = []
    helpers = []  # ssh sessions to a console through the backend
    try:
        # with `-i KEY` when the user has no key of their own (scripts/run.sh)
        m = term.expect(rf"ssh into backend: ssh( -i (\S+))? -p {port} root@localhost", 30)
        identity = m.group(2).decode() if m.group(2) else ""
        # a frontend without a UART: its console through the backend (bulkhead-console)
        hvc = sorted(hvc_only(ctx, reference_config(ctx)))
        commands = {}
        for vm in hvc:
            m = term.expect(rf"{vm} has no UART: .*: ssh -t (?:-i \S+ )?-p {port} "
                            rf"root@localhost (bulkhead-console {vm}) ", 30)
            commands[vm] = m.group(1).decode()
        uarts = [LABELS[vm] for vm in ("frontend1", "frontend2") if vm not in hvc]
        found = {}
        for _ in uarts:
            m = term.expect(r"char device redirected to (/dev/pts/\d+) \(label (serial[12])\)", 30)
            found[m.group(2).decode()] = m.group(1).decode()
        if sorted(found) != uarts:
            raise TestFailure(f"pty announcements: {found}, want {uarts}")
        term.expect(r"bulkhead: backend up in", 120)
        term.expect(r"backend# ", 30)
        term.send(b"grep -c processor /proc/cpuinfo\n")
        term.expect(r"\n2\r*\n", 30)
        term.send(b"until grep -q 'sshd: dropbear on' /run/sshd.log; do sleep 0.3; done; "
                  b"echo sshd-$((6 * 7))\n")
        term.expect(r"sshd-42", 120)
        out = ssh(ctx, port, "hostname", identity=identity).decode()
        if out.strip() != "backend":
            raise TestFailure(f"ssh -p {port} root@localhost reached {out!r}, not the backend")
        for vm in ("frontend1", "frontend2"):
            if vm in commands:  # the printed command, without -t: no terminal here
                mine, theirs = socket.socketpair()
                argv = [*ssh_argv(ctx, port, identity), "-T", "root@127.0.0.1", commands[vm]]
                with open(os.path.join(ctx.logdir, f"{vm}-ssh.stderr"), "wb") as err:
                    helpers.append(subprocess.Popen(argv, stdin=theirs, stdout=theirs,
                                                    stderr=err, start_new_session=True))
                theirs.close()
                t = Tty(os.dup(mine.fileno()), f"{vm}-hvc0", ctx.logdir)
                mine.close()
            else:
                fd = os.open(found[LABELS[vm]], os.O_RDWR | os.O_NOCTTY)
                t = Tty(fd, LABELS[vm], ctx.logdir)
            ptys.append(t)
            # output before the pty was opened is gone: ask for a fresh prompt
            t.send(b"\n")
            t.expect(rf"{vm}# ", 120)
            t.send(b"echo from-$(hostname)\n")
            t.expect(rf"\nfrom-{vm}\r*\n", 30)
        with open(os.path.join(ctx.logdir, "terminal.log"), "rb") as f:
            bad = boot_error_lines(f.read().decode("latin-1"))
        if bad:
            raise TestFailure("the make run terminal at boot:\n" + "\n".join(bad))
        term.send(CTRL_A + b"x")
        try:
            code = proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            raise TestFailure("Ctrl-a x did not quit QEMU") from None
        if code != 0:
            raise TestFailure(f"QEMU exit code {code} after Ctrl-a x")
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        for h in helpers:
            if h.poll() is None:
                os.killpg(h.pid, signal.SIGKILL)
            h.wait()
        for t in ptys:
            t.close()
        term.close()
