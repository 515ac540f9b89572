#!/usr/bin/env python3
"""Bulkhead test runner: host unit tests, check commands and QEMU system tests.

Every case is reported on one line; the run ends with the line
`N passed, N failed` (`, N skipped` when a case was skipped) and exits
non-zero if anything failed or nothing ran.

  --unit BIN ...        cmocka binaries, run with TAP output; every case counts,
                        a skipped case is reported as skipped, and a binary whose
                        cases do not add up to its plan (`1..N`) fails
  --check NAME=CMD ...  shell commands, one test each, passing on exit 0
  --system PATH ...     Python files (or folders of test_*.py) with test_* functions
  -k SUBSTRING          run only tests whose name contains it
  --extra NAME:BUILD:PATTERNS
                        then again, on platform NAME built in BUILD (make
                        PLATFORM=NAME), the unit and system tests whose names
                        contain one of the comma-separated PATTERNS (and
                        SUBSTRING); reported as NAME/unit/..., NAME/system/...
"""

import argparse
import importlib.util
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import traceback

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
import harness  # noqa: E402
from harness import Ctx  # noqa: E402

TAP_LINE = re.compile(r"^(not ok|ok) \d+ - (.*)$")
# cmocka marks a skipped case "not ok N # SKIP name"
TAP_SKIP = re.compile(r"^(?:not ok|ok) \d+ # SKIP\s*(.*)$")
TAP_PLAN = re.compile(r"^1\.\.(\d+)$")


class Timeout(BaseException):
    """A test's time is up.  Not an Exception: a test's own `except Exception`
    must not swallow it."""


class Runner:
    def __init__(self, logroot, pattern):
        self.logroot = logroot
        self.pattern = pattern
        self.passed = 0
        self.failed = []
        self.skipped = []
        self.prefix = ""  # the platform of an --extra run, "NAME/"
        self.any_of = None  # its patterns

    def wanted(self, name):
        if self.any_of is not None and not any(p in name for p in self.any_of):
            return False
        return not self.pattern or self.pattern in name

    def platform(self, name, build, patterns):
        """Run what follows on platform @name built in @build (harness.Ctx and the
        tests read BUILD): only the names containing one of @patterns."""
        os.environ["BUILD"] = build
        self.logroot = os.path.join(ROOT, build, "test-logs")
        self.prefix = name + "/"
        self.any_of = patterns

    def skip(self, name, secs):
        name = self.prefix + name
        self.skipped.append(name)
        print(f"SKIP {name} ({secs:.1f}s)", flush=True)

    def report(self, name, ok, secs, why=""):
        name = self.prefix + name
        if ok:
            self.passed += 1
            print(f"PASS {name} ({secs:.1f}s)", flush=True)
        else:
            self.failed.append(name)
            print(f"FAIL {name} ({secs:.1f}s)", flush=True)
            for line in why.rstrip().splitlines():
                print(f"     {line}", flush=True)

    def run_unit(self, binary):
        base = os.path.basename(binary)
        if not self.wanted(base):
            return
        log = os.path.join(self.logroot, "unit", base + ".log")
        os.makedirs(os.path.dirname(log), exist_ok=True)
        env = dict(os.environ, CMOCKA_MESSAGE_OUTPUT="TAP")
        start = time.monotonic()
        try:
            p = subprocess.run([binary], env=env, capture_output=True, text=True,
                               errors="replace", timeout=900)
            out, code = p.stdout + p.stderr, p.returncode
        except subprocess.TimeoutExpired as e:
            out, code = (e.stdout or b"").decode(errors="replace") + "\n(timeout)\n", -1
        except OSError as e:
            out, code = f"cannot run {binary}: {e}\n", -1
        secs = time.monotonic() - start
        with open(log, "w") as f:
            f.write(out)
        self.unit_results(base, out, code, secs, log)

    def unit_results(self, base, out, code, secs, log):
        """Report the TAP output @out of one cmocka binary that exited with @code."""
        lines = out.splitlines()
        cases = [m for m in map(TAP_LINE.match, lines) if m]
        skips = [m for m in map(TAP_SKIP.match, lines) if m]
        plans = [int(m.group(1)) for m in map(TAP_PLAN.match, lines) if m]
        share = secs / max(1, len(cases) + len(skips))
        for m in cases:
            self.report(f"unit/{base}: {m.group(2)}", m.group(1) == "ok", share,
                        "" if m.group(1) == "ok" else f"see {log}")
        for m in skips:
            self.skip(f"unit/{base}: {m.group(1)}", share)
        ran = len(cases) + len(skips)
        # A crash (sanitizer report, abort) may end the binary before it prints a failing case.
        if code != 0 and all(m.group(1) == "ok" for m in cases):
            self.report(f"unit/{base}", False, secs, f"exit code {code}; log: {log}\n" + out[-1500:])
        elif not ran and code == 0:
            self.report(f"unit/{base}", False, secs, "ran no test case")
        elif not plans or sum(plans) != ran:
            self.report(f"unit/{base}", False, secs,
                        f"TAP plan {plans or 'missing'} but {ran} case(s) reported; log: {log}")

    def run_check(self, spec):
        name, _, cmd = spec.partition("=")
        if not self.wanted(name):
            return
        log = os.path.join(self.logroot, "check", name + ".log")
        os.makedirs(os.path.dirname(log), exist_ok=True)
        start = time.monotonic()
        with open(log, "w") as f:
            try:
                code = subprocess.run(cmd, shell=True, cwd=ROOT, stdout=f, stderr=subprocess.STDOUT,
                                      timeout=1800).returncode
            except subprocess.TimeoutExpired:
                code = -1
        with open(log, errors="replace") as f:
            tail = f.read()[-1500:]
        self.report(f"check/{name}", code == 0, time.monotonic() - start,
                    f"exit code {code}; log: {log}\n{tail}")

    def run_system_file(self, path):
        modname = os.path.splitext(os.path.basename(path))[0]
        # Tests of one folder may share helpers with each other.
        folder = os.path.dirname(os.path.abspath(path))
        if folder not in sys.path:
            sys.path.insert(0, folder)
        spec = importlib.util.spec_from_file_location(modname, path)
        mod = importlib.util.module_from_spec(spec)
        try:
            spec.loader.exec_module(mod)
        except Exception:
            self.report(f"system/{modname}", False, 0, traceback.format_exc())
            return
        tests = [(n, f) for n, f in vars(mod).items() if n.startswith("test_") and callable(f)]
        tests.sort(key=lambda t: t[1].__code__.co_firstlineno)
        for fname, func in tests:
            name = f"system/{modname}::{fname}"
            if self.wanted(name):
                self.run_system_test(name, func, getattr(func, "timeout", 600),
                                     os.path.join(self.logroot, modname, fname))

    def run_system_test(self, name, func, limit, logdir):
        shutil.rmtree(logdir, ignore_errors=True)
        os.makedirs(logdir)

        def alarm(_sig, _frame):
            raise Timeout(f"test exceeded its {limit}s limit")

        old = signal.signal(signal.SIGALRM, alarm)
        signal.alarm(limit)
        start = time.monotonic()
        ok, why = True, ""
        try:
            func(Ctx(name, logdir))
        except harness.TestSkipped as e:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, old)
            harness.cleanup_all()
            self.skip(f"{name}: {e}", time.monotonic() - start)
            return
        except (Exception, Timeout) as e:
            ok = False
            detail = str(e) if isinstance(e, (harness.TestFailure, Timeout)) else traceback.format_exc()
            why = f"{type(e).__name__}: {detail}\nlogs kept in {os.path.relpath(logdir, ROOT)}/"
        finally:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, old)
            harness.cleanup_all()
        self.report(name, ok, time.monotonic() - start, why)


def system_files(paths):
    for p in paths:
        if os.path.isdir(p):
            for f in sorted(os.listdir(p)):
                if f.startswith("test_") and f.endswith(".py"):
                    yield os.path.join(p, f)
        else:
            yield p


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--unit", nargs="*", default=[])
    ap.add_argument("--check", nargs="*", default=[])
    ap.add_argument("--system", nargs="*", default=[])
    ap.add_argument("-k", dest="pattern", default="")
    ap.add_argument("--extra", action="append", default=[], metavar="NAME:BUILD:PATTERNS")
    ap.add_argument("--logs", default=os.path.join(ROOT, os.environ.get("BUILD", "build"), "test-logs"))
    args = ap.parse_args()

    def on_signal(sig, _frame):
        harness.cleanup_all()
        sys.exit(128 + sig)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    r = Runner(args.logs, args.pattern)
    for b in args.unit:
        r.run_unit(b)
    for c in args.check:
        r.run_check(c)
    for f in system_files(args.system):
        r.run_system_file(f)
    main_build = os.environ.get("BUILD", "build")
    for spec in args.extra:
        name, build, patterns = spec.split(":", 2)
        r.platform(name, build, patterns.split(","))
        for b in args.unit:  # the same binary, built in the platform's tree
            r.run_unit(os.path.join(build, os.path.relpath(b, main_build)))
        for f in system_files(args.system):
            r.run_system_file(f)

    if r.failed:
        print("\nFailed:\n" + "\n".join(f"  {n}" for n in r.failed))
    skipped = f", {len(r.skipped)} skipped" if r.skipped else ""
    print(f"{r.passed} passed, {len(r.failed)} failed{skipped}")
    return 1 if r.failed or r.passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
