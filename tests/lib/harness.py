"""Drive QEMU guests through unix-socket chardevs.

One small driver for every system test: start QEMU with each console on its own
unix socket, wait for a pattern with a timeout, send lines or bytes, collect the
output, and always kill QEMU afterwards (a test never leaves a process behind).

Console text is decoded as latin-1 so that every byte maps to one character and
positions in the text are positions in the byte stream.
"""

import atexit
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time

QEMU = os.environ.get("QEMU", "qemu-system-aarch64")
# CPU model of every test that names none: `make test BH_CPU=max` runs the suite on
# QEMU's most featureful CPU (FEAT_S2FWB, SVE, ...) instead of CI's Cortex-A53.
CPU = os.environ.get("BH_CPU", "cortex-a53")

_live = []  # every Qemu started and not yet stopped, for cleanup_all()


class TestFailure(AssertionError):
    """A failed expectation; its message is what the test runner prints."""


class TestSkipped(Exception):
    """The test does not apply here (e.g. to this platform); its message says why."""


def check(cond, msg):
    """Fail the test with @msg unless @cond holds."""
    if not cond:
        raise TestFailure(msg)


ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class Ctx:
    """What a system test (or a figure script) gets: the repository, the
    build directory (`BUILD`, default build/, as make has it) and its own
    log directory."""

    def __init__(self, name, logdir=None):
        self.name = name
        self.root = ROOT
        self.build = os.path.join(ROOT, os.environ.get("BUILD", "build"))
        self.logdir = logdir or os.path.join(self.build, "test-logs", name)

    def out(self, *parts):
        """A path inside the build directory."""
        return os.path.join(self.build, *parts)


def platform(ctx):
    """The platform the build directory was made for, as make wrote it from
    platform/NAME/platform.mk (BUILD/platform.env): PLATFORM, GIC_VERSION,
    QEMU_MACHINE; where the board needs them (else empty) QEMU_MEM and QEMU_CPU
    (fixed on the board), QEMU_DTB (the DTB QEMU is given, under BUILD),
    QEMU_SERIALS ("uart": the extra serial ports are the board's own UARTs) and
    CONFIGS (the configs built for it, if not every one)."""
    path = ctx.out("platform.env")
    try:
        with open(path) as f:
            return dict(line.rstrip("\n").split("=", 1) for line in f if "=" in line)
    except OSError as e:
        raise TestFailure(f"{path}: {e.strerror}: run make all") from None


def gic_version(ctx):
    """2 or 3: the GIC of the build's platform."""
    return int(platform(ctx)["GIC_VERSION"])


def require_config(ctx, config):
    """Skip the test if @config is not built for this platform (its platform.mk
    names the configs that fit the board: PLAT_CONFIGS)."""
    plat = platform(ctx)
    if plat.get("CONFIGS") and config not in plat["CONFIGS"].split():
        raise TestSkipped(f"config {config} is not built for {plat['PLATFORM']} (it needs "
                          f"devices the board lacks: platform/{plat['PLATFORM']}/platform.mk)")


def dt_loaders(ctx, config):
    """(file, address) pairs dtgen wrote for @config (BUILD/dt/CONFIG/loaders)."""
    require_config(ctx, config)
    with open(ctx.out("dt", config, "loaders")) as f:
        return [(file.strip(), int(addr, 16)) for addr, file in (line.split(None, 1) for line in f)]


def dt_smp(ctx, config):
    """The CPU count dtgen derived from @config (BUILD/dt/CONFIG/smp)."""
    require_config(ctx, config)
    with open(ctx.out("dt", config, "smp")) as f:
        return int(f.read())


class Layout:
    """A config's memory map as tools/cfgcheck wrote it (BUILD/hyp/CONFIG/layout,
    docs/config.md "Layout file"): addresses and INTIDs come from the config,
    never retyped in a test."""

    def __init__(self, ctx, config):
        require_config(ctx, config)
        self.vms, self.mem, self.images, self.devices, self.virtio = {}, {}, {}, {}, {}
        with open(ctx.out("hyp", config, "layout")) as f:
            for line in f:
                w = line.split()
                if w[0] == "vm":
                    self.vms[w[1]] = self._fields(w[2:])
                elif w[0] in ("mem", "image"):
                    getattr(self, "mem" if w[0] == "mem" else "images")[(w[1], int(w[2]))] = \
                        self._fields(w[3:])
                elif w[0] == "device":
                    self.devices[(w[1], w[2])] = self._fields(w[3:])
                elif w[0] == "virtio":
                    self.virtio[w[1]] = self._fields(w[2:])

    @staticmethod
    def _fields(words):
        out = {}
        for k, v in zip(words[::2], words[1::2]):
            try:
                out[k] = int(v, 0)
            except ValueError:
                out[k] = v
        return out

    def entry_pa(self, vm):
        """Where @vm's first instruction is in host-physical memory."""
        return self.vms[vm]["entry_pa"]

    def load_pa(self, vm):
        """Where QEMU loads @vm's program: the source of its kernel image if the
        config copies one (BH_IMAGE_KERNEL = 1), else where it runs in place."""
        for (name, _), img in self.images.items():
            if name == vm and img["kind"] == 1:
                return img["load_pa"]
        return self.entry_pa(vm)

    def loaders(self, ctx, programs):
        """(file, address) pairs placing bare-metal guest @programs (names in
        BUILD/guest/baremetal/, one per VM in config order, None for none)."""
        return [(ctx.out("guest", "baremetal", f"{p}.bin"), self.load_pa(vm))
                for vm, p in zip(self.vms, programs) if p]


def boot_baremetal(ctx, config, programs, serials=(), smp=2, mem=None, name="qemu",
                   cpu=CPU, monitor=False):
    """QEMU running @config's hypervisor with bare-metal guest @programs placed
    where the config wants them (Layout.loaders()), UART0 and @serials, on CPU
    model @cpu; @monitor: Qemu.hmp() works."""
    _board_serials(platform(ctx), list(serials))  # a test the board cannot serve skips first
    return Qemu(ctx, kernel=ctx.out("hyp", config, "bulkhead.bin"), smp=smp, mem=mem,
                cpu=cpu, consoles=["uart0"], pci_serials=list(serials),
                loaders=Layout(ctx, config).loaders(ctx, programs), name=name, monitor=monitor)


def host_cpu_seconds(pid):
    """User + system CPU seconds a host process has used (proc(5) stat fields 14, 15)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def host_thread_cpu_seconds(pid):
    """User + system CPU seconds per thread name of host process @pid (threads
    of one name summed): QEMU started by Qemu names its vCPU threads
    "CPU N/TCG" (-name debug-threads=on)."""
    out = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/comm") as f:
                name = f.read().strip()
            with open(f"/proc/{pid}/task/{tid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:  # the thread ended meanwhile
            continue
        out[name] = out.get(name, 0.0) + (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return out


def host_thread_schedstat(pid):
    """{thread name: [run ns, runqueue wait ns, timeslices]} of host process @pid
    (/proc/PID/task/TID/schedstat, threads of one name summed): how long each
    thread ran, and how long it was ready to run but waited for a host CPU."""
    out = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/comm") as f:
                name = f.read().strip()
            with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                vals = [int(v) for v in f.read().split()[:3]]
        except (OSError, ValueError):  # the thread ended meanwhile
            continue
        out[name] = [a + b for a, b in zip(out.get(name, [0, 0, 0]), vals)]
    return out


def host_vcpu_schedstat(pid):
    """[run ns, runqueue wait ns, timeslices] of QEMU process @pid's vCPU threads
    ("CPU N/TCG", host_thread_schedstat()) summed."""
    st = host_thread_schedstat(pid)
    return [sum(v[i] for k, v in st.items() if k.startswith("CPU ")) for i in range(3)]


def host_cpu_load(pid, seconds):
    """The share of one host CPU process @pid uses over the next @seconds."""
    c0, t0 = host_cpu_seconds(pid), time.monotonic()
    time.sleep(seconds)
    return (host_cpu_seconds(pid) - c0) / (time.monotonic() - t0)


class Console:
    """One guest console reached through a connected unix socket.

    A reader thread appends everything received to an in-memory buffer and to
    a log file. expect() searches from a cursor that advances past each match,
    so consecutive expects see consecutive output.
    """

    def __init__(self, label, sock, logpath):
        self.label = label
        self._sock = sock
        self._log = open(logpath, "wb")
        self._buf = bytearray()
        self._cursor = 0
        self._closed = False
        self._cond = threading.Condition()
        self._thread = threading.Thread(target=self._reader, daemon=True)
        self._thread.start()

    def _reader(self):
        while True:
            try:
                data = self._sock.recv(65536)
            except OSError:
                data = b""
            with self._cond:
                if not data:
                    self._closed = True
                    self._cond.notify_all()
                    return
                self._buf += data
                self._log.write(data)
                self._log.flush()
                self._cond.notify_all()

    def _wait(self, ready, timeout, what):
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                result = ready()
                if result is not None:
                    return result
                left = deadline - time.monotonic()
                if left <= 0 or self._closed:
                    why = "console closed" if self._closed else f"timeout {timeout}s"
                    tail = self._buf[-600:].decode("latin-1")
                    raise TestFailure(f"{self.label}: {why} waiting for {what}; last output:\n{tail}")
                self._cond.wait(min(left, 0.5))

    def expect(self, pattern, timeout=30):
        """Wait until `pattern` (regex) appears after the cursor; return the match.

        The match is taken as soon as the text so far satisfies it: a pattern
        that ends in a variable-length group (`(\\d+)`) must say what follows
        it (`\\r?\\n`, `(?=\\D)`), or "30" on its way is read as "3"."""
        rx = re.compile(pattern) if isinstance(pattern, str) else pattern

        def ready():
            # Only the text after the cursor: a long transfer must not make this quadratic.
            m = rx.search(self._buf[self._cursor:].decode("latin-1"))
            if m:
                self._cursor += m.end()
            return m

        return self._wait(ready, timeout, f"/{rx.pattern}/")

    def read_bytes(self, n, timeout=60):
        """Return the next `n` raw bytes after the cursor."""

        def ready():
            if len(self._buf) - self._cursor < n:
                return None
            data = bytes(self._buf[self._cursor:self._cursor + n])
            self._cursor += n
            return data

        return self._wait(ready, timeout, f"{n} bytes")

    def skip(self):
        """Move the cursor to the end of what has arrived so far."""
        with self._cond:
            self._cursor = len(self._buf)

    def output(self):
        """Everything received so far, as text."""
        with self._cond:
            return self._buf.decode("latin-1")

    def wait_quiet(self, quiet=0.5, timeout=30):
        """Wait until nothing has arrived for `quiet` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            before = len(self._buf)
            time.sleep(quiet)
            if len(self._buf) == before:
                return
        raise TestFailure(f"{self.label}: still talking after {timeout}s")

    def closed(self):
        """The far end has closed the console (QEMU, or an attached command, ended)."""
        return self._closed

    def send(self, data):
        if isinstance(data, str):
            data = data.encode("latin-1")
        self._sock.sendall(data)

    def send_line(self, line):
        self.send(line + "\n")

    def close(self):
        try:
            self._sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self._sock.close()
        self._thread.join(timeout=2)
        self._log.close()


def free_port():
    """A TCP port of 127.0.0.1 nothing listens on now, for QEMU to forward from."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# What `ssh -p 5555 root@localhost` is in docs/running.md, made non-interactive: a throwaway
# known_hosts, and no prompt ever (keys only, no password: BatchMode).
SSH_OPTS = ["-o", "StrictHostKeyChecking=no", "-o", "BatchMode=yes", "-o", "ConnectTimeout=30",
            "-o", "LogLevel=ERROR"]


def ssh_key(ctx):
    """The build's own key (scripts/ssh-client.sh), authorized in every VM that serves ssh."""
    return ctx.out("ssh", "id_ed25519")


def ssh_argv(ctx, port, identity=None):
    """The ssh command line up to the destination, to 127.0.0.1:@port with @identity: None
    the build's key, a path that key alone, "" the keys ssh offers by itself."""
    if identity is None:
        identity = ssh_key(ctx)
    ident = ["-i", identity, "-o", "IdentitiesOnly=yes"] if identity else []
    known = os.path.join(ctx.logdir, "known_hosts")
    return ["ssh", "-p", str(port), *ident, "-o", f"UserKnownHostsFile={known}", *SSH_OPTS]


def ssh(ctx, port, cmd, stdin=None, timeout=120, tty=False, identity=None):
    """Run @cmd (None: a login shell) in a guest through ssh to 127.0.0.1:@port as root with
    @identity (ssh_argv()), on a pty if @tty; return its stdout (bytes)."""
    argv = [*ssh_argv(ctx, port, identity), *(["-tt"] if tty else []), "root@127.0.0.1",
            *([cmd] if cmd else [])]
    try:
        r = subprocess.run(argv, input=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           stdin=None if stdin is not None else subprocess.DEVNULL,
                           timeout=timeout)
    except subprocess.TimeoutExpired:
        raise TestFailure(f"ssh `{cmd}` still running after {timeout}s") from None
    if r.returncode:
        raise TestFailure(f"ssh `{cmd}` exited with {r.returncode}: {r.stderr.decode()!r}")
    return r.stdout


def _board_serials(plat, labels):
    """QEMU arguments for the extra serial ports @labels: a `-device pci-serial`
    each, or on a board whose UARTs stand in for them (QEMU_SERIALS=uart) its
    next `-serial`s; a test that needs more than the board has is skipped."""
    if plat.get("QEMU_SERIALS") != "uart":
        return [["-device", f"pci-serial,chardev={label}"] for label in labels]
    if len(labels) > 1:
        raise TestSkipped(f"{plat['PLATFORM']} has one UART besides UART0; the test needs "
                          f"{len(labels)} serial ports besides it")
    return [["-serial", f"chardev:{label}"] for label in labels]


def _board_cpu(plat, cpu):
    """-cpu @cpu: a board whose CPU model is fixed (QEMU_CPU) skips a test that asks
    for another (its machine would silently ignore it)."""
    fixed = plat.get("QEMU_CPU")
    if fixed and cpu != fixed:
        raise TestSkipped(f"{plat['PLATFORM']} has {fixed} CPUs only; the test needs -cpu {cpu}")
    return cpu


def _board_mem(plat, mem):
    """-m for @mem (None: the default): a board whose RAM size is fixed
    (QEMU_MEM) skips a test that asks for another."""
    fixed = plat.get("QEMU_MEM")
    if not fixed:
        return mem or "1G"
    if mem and mem != fixed:
        raise TestSkipped(f"{plat['PLATFORM']} runs with -m {fixed} only (its DTB's memory "
                          f"node); the test needs -m {mem}")
    return fixed


class Qemu:
    """A qemu-system-aarch64 machine of the build's platform whose consoles are unix sockets.

    consoles:     UART0 (virt: PL011) as chardev "uart0" (only the first name is used)
    pci_serials:  one `-device pci-serial` (16550A) per name; on a board with
                  UARTs of its own (zcu102) its next UART instead
    mem:          -m; None: 1G, or the board's fixed size
    monitor:      QEMU's human monitor on a unix socket, for hmp()
    virtconsoles: QEMU's own virtio-serial-device with one virtconsole per name
    loaders:      (file, address) pairs placed with -device loader,force-raw=on
    nic:          a build/dt/CONFIG directory: the NIC and disk its config passes through,
                  as `make run` gives them (scripts/qemu-devices.sh), with a free port of
                  127.0.0.1 forwarded to port 22 of each VM that serves ssh: self.ssh_ports
                  {vm: port}, self.ssh_port the backend's (None if the config has no NIC)
    disk:         the disk's image file (created if missing, never removed here); None: a
                  new one in a temporary directory, removed by stop(); never the one of
                  `make run`
    """

    def __init__(self, ctx, kernel=None, initrd=None, append=None, smp=4, mem=None,
                 cpu=CPU, consoles=("uart0",), pci_serials=(), virtconsoles=(),
                 loaders=(), nic=None, disk=None, extra=(), name="qemu", monitor=False):
        self.ctx = ctx
        self.name = name
        self._sockdir = tempfile.mkdtemp(prefix="bh-")  # short: sun_path is 108 bytes
        self.disk = disk or os.path.join(self._sockdir, "disk.img")
        self._labels = []
        plat = platform(ctx)
        args = [QEMU, "-M", plat["QEMU_MACHINE"], "-cpu", _board_cpu(plat, cpu), "-smp", str(smp),
                "-m", _board_mem(plat, mem), "-display", "none", "-monitor",
                f"unix:{self._sockdir}/monitor,server=on,wait=off" if monitor else "none",
                "-nic", "none", "-no-reboot", "-name", f"{name},debug-threads=on"]
        if plat.get("QEMU_DTB"):
            args += ["-dtb", ctx.out(plat["QEMU_DTB"])]
        if kernel:
            args += ["-kernel", self._path(kernel)]
        if initrd:
            args += ["-initrd", self._path(initrd)]
        if append:
            args += ["-append", append]
        if consoles:
            args += self._chardev(consoles[0]) + ["-serial", f"chardev:{consoles[0]}"]
        else:
            args += ["-serial", "none"]
        for label, dev in zip(pci_serials, _board_serials(plat, list(pci_serials))):
            args += self._chardev(label) + dev
        if virtconsoles:
            args += ["-global", "virtio-mmio.force-legacy=false", "-device", "virtio-serial-device"]
            for label in virtconsoles:
                args += self._chardev(label) + ["-device", f"virtconsole,chardev={label}"]
        for path, addr in loaders:
            args += ["-device", f"loader,file={self._path(path)},addr={addr:#x},force-raw=on"]
        self.ssh_port = None
        self.ssh_ports = {}
        if nic:
            with open(os.path.join(self._path(nic), "vms")) as f:
                ports = {vm: free_port() for vm in f.read().split()}
            r = subprocess.run([self._path("scripts/qemu-devices.sh"), self._path(nic),
                                self.disk, *map(str, ports.values())], capture_output=True,
                               text=True)
            if r.returncode:
                raise TestFailure(r.stderr.strip())
            nic_args = r.stdout.splitlines()
            if nic_args:
                args += nic_args
                self.ssh_ports = {vm: p for vm, p in ports.items()
                                  if f"hostfwd=tcp:127.0.0.1:{p}-" in r.stdout}
                self.ssh_port = self.ssh_ports.get("backend")
        args += list(extra)
        self.args = args
        self.proc = None
        self.cons = {}
        self._attached = []  # attach()'s processes
        self._mon = None

    def _path(self, p):
        return p if os.path.isabs(p) else os.path.join(self.ctx.root, p)

    def _chardev(self, label):
        self._labels.append(label)
        path = os.path.join(self._sockdir, label)
        # wait=on: QEMU does not start the guest before every console is connected,
        # so no early output is lost.
        return ["-chardev", f"socket,id={label},path={path},server=on,wait=on"]

    def start(self):
        os.makedirs(self.ctx.logdir, exist_ok=True)
        with open(os.path.join(self.ctx.logdir, f"{self.name}.cmdline"), "w") as f:
            f.write(" ".join(self.args) + "\n")
        self._qlog = open(os.path.join(self.ctx.logdir, f"{self.name}.log"), "wb")
        # QEMU_AUDIO_DRV=none: no host sound card for a board's audio device (zcu102's
        # DisplayPort), instead of a failed attempt at every backend in the log
        self.proc = subprocess.Popen(self.args, stdin=subprocess.DEVNULL, stdout=self._qlog,
                                     env=dict(os.environ, QEMU_AUDIO_DRV="none"),
                                     stderr=subprocess.STDOUT, start_new_session=True)
        _live.append(self)
        # QEMU creates and waits on the sockets one after another, in command-line order.
        for label in self._labels:
            self.cons[label] = Console(label, self._connect(label),
                                       os.path.join(self.ctx.logdir, f"{label}.log"))
        return self

    def _connect(self, label, timeout=20):
        path = os.path.join(self._sockdir, label)
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise TestFailure(f"QEMU exited with {self.proc.returncode} before console "
                                  f"{label} connected; see {self.ctx.logdir}/{self.name}.log")
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                s.connect(path)
                return s
            except OSError:
                s.close()
                if time.monotonic() > deadline:
                    raise TestFailure(f"console {label}: cannot connect to {path}")
                time.sleep(0.05)

    def attach(self, label, argv):
        """A console @label that is no UART of the machine: the stdin and stdout of a
        host command @argv (ssh into a VM that serves the console), replacing any
        console of that label; its stderr goes to the log.  stop() ends it."""
        old = self.cons.pop(label, None)
        if old is not None:
            old.close()
        mine, theirs = socket.socketpair()
        err = open(os.path.join(self.ctx.logdir, f"{label}.stderr"), "ab")
        proc = subprocess.Popen(argv, stdin=theirs, stdout=theirs, stderr=err,
                                start_new_session=True)
        theirs.close()
        err.close()
        self._attached.append(proc)
        # each attachment its own log: a later one must not overwrite what an earlier saw
        n = len(self._attached)
        self.cons[label] = Console(label, mine,
                                   os.path.join(self.ctx.logdir, f"{label}.{n}.log"))
        return self.cons[label]

    def con(self, label):
        return self.cons[label]

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def wait_exit(self, timeout=30):
        """Wait for QEMU to exit by itself; return its exit code."""
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise TestFailure(f"QEMU still running after {timeout}s") from None

    def hmp(self, cmd, timeout=10):
        """The answer of QEMU's human monitor (started with monitor=True) to
        @cmd, without its echo and terminal escapes."""
        if self._mon is None:
            self._mon = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self._mon.settimeout(timeout)
            self._mon.connect(os.path.join(self._sockdir, "monitor"))
            self._hmp_read()  # the banner
        self._mon.sendall(cmd.encode() + b"\n")
        return self._hmp_read().split("\r\n", 1)[-1].replace("\r", "").strip()

    def _hmp_read(self):
        buf = b""
        while not buf.endswith(b"(qemu) "):
            chunk = self._mon.recv(4096)
            if not chunk:
                raise TestFailure(f"QEMU's monitor closed; so far: {buf!r}")
            buf += chunk
        return re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", buf[:-len(b"(qemu) ")].decode(errors="replace"))

    def stop(self):
        """Kill QEMU and its process group, close consoles; safe to call twice."""
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait()
        for p in self._attached:
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            p.wait()
        self._attached = []
        for c in self.cons.values():
            c.close()
        self.cons = {}
        if self._mon is not None:
            self._mon.close()
            self._mon = None
        if self in _live:
            _live.remove(self)
            self._qlog.close()
        shutil.rmtree(self._sockdir, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        return False


def cleanup_all():
    """Stop every QEMU still running (the runner calls this after each test)."""
    for q in list(_live):
        q.stop()


atexit.register(cleanup_all)


class Shell:
    """Run commands in a busybox shell on a console and collect their output.

    Each command is framed by two markers the shell prints itself. The tty echo
    of the command line shows `$?` unexpanded, so the end marker only matches
    once the command really finished.
    """

    _seq = 0

    def __init__(self, console):
        self.con = console

    def wait_prompt(self, prompt=r"# ", timeout=60):
        self.con.expect(prompt, timeout)

    def run(self, cmd, timeout=30, check=True):
        """Run `cmd`; return its output (str, CR/LF normalised). Raise on non-zero exit if check."""
        Shell._seq += 1
        tag = f"{os.getpid()}x{Shell._seq}"
        self.con.send_line(f"echo BH-BEGIN-{tag}; {cmd}; echo BH-END-{tag}-$?")
        self.con.expect(rf"\nBH-BEGIN-{tag}\r?\n", timeout)
        m = self.con.expect(rf"(?s)(.*?)BH-END-{tag}-(\d+)", timeout)
        out = m.group(1).replace("\r\n", "\n")
        rc = int(m.group(2))
        if check and rc != 0:
            raise TestFailure(f"`{cmd}` exited with {rc}:\n{out}")
        return out
