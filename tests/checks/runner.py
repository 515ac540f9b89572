#!/usr/bin/env python3
"""tests/run.py cannot lie: it is run on made-up test binaries and system tests
and must report what really happened.

  - a cmocka binary with a skipped case: reported SKIP, counted as skipped;
  - a binary that stops before its TAP plan (`1..N`) is complete: FAIL;
  - a system test that catches Exception around its own time-out: FAIL.
"""

import os
import re
import subprocess
import sys
import tempfile

RUN = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "run.py")

BINS = {
    "fake_ok": "1..2\nok 1 - a\nok 2 - b\n",
    "fake_skip": "1..2\nok 1 - a\nnot ok 2 # SKIP b\n",
    "fake_short": "1..3\nok 1 - a\nok 2 - b\n",
}

SYSTEM = '''
import time

def test_swallows_its_timeout(ctx):
    try:
        time.sleep(5)
    except Exception:
        pass

test_swallows_its_timeout.timeout = 1
'''


def run(tmp, args):
    p = subprocess.run([sys.executable, RUN, "--logs", os.path.join(tmp, "logs")] + args,
                       capture_output=True, text=True)
    return p.returncode, p.stdout


def expect(what, cond, out):
    if not cond:
        print(f"FAIL: {what}\n{out}")
        sys.exit(1)
    print(f"ok: {what}")


def main():
    with tempfile.TemporaryDirectory() as tmp:
        paths = {}
        for name, tap in BINS.items():
            paths[name] = os.path.join(tmp, name)
            with open(paths[name], "w") as f:
                f.write(f"#!/bin/sh\ncat <<'EOF'\n{tap}EOF\n")
            os.chmod(paths[name], 0o755)
        code, out = run(tmp, ["--unit", paths["fake_ok"], paths["fake_skip"]])
        expect("a skipped case is reported as skipped", code == 0 and
               re.search(r"^SKIP unit/fake_skip: b ", out, re.M) and
               re.search(r"^3 passed, 0 failed, 1 skipped$", out, re.M), out)
        code, out = run(tmp, ["--unit", paths["fake_short"]])
        expect("a binary short of its plan fails", code != 0 and
               re.search(r"^FAIL unit/fake_short ", out, re.M) and
               "TAP plan [3] but 2 case(s)" in out, out)
        test = os.path.join(tmp, "test_fake.py")
        with open(test, "w") as f:
            f.write(SYSTEM)
        code, out = run(tmp, ["--system", test])
        expect("a time-out caught by the test's own except Exception still fails",
               code != 0 and "exceeded its 1s limit" in out, out)


if __name__ == "__main__":
    main()
