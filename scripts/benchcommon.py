"""What the `make bench` scripts that compare Bulkhead with QEMU native share: the
host end of a QEMU pty chardev, another script as a module, a platform without
virtio-mmio skipped, the git commit, the medians and ratios of a set of runs, how
a figure is printed, and the report of a metric table measured quiet and loaded
(scripts/benchload.py): the side-by-side table, the Markdown tables of
docs/performance.md and the plot (bench-rio.py, bench-streams.py)."""

import importlib.util
import json
import os
import statistics
import subprocess
import sys
import threading
import time
import tty

import benchload
import benchplot
from harness import TestFailure, platform

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class HostPty:
    """The host end of QEMU's pty chardev: its slave, raw, read by a thread."""

    def __init__(self, path):
        self.fd = os.open(path, os.O_RDWR | os.O_NOCTTY)
        tty.setraw(self.fd)
        self.got = 0
        self.cond = threading.Condition()
        threading.Thread(target=self._reader, daemon=True).start()

    def _reader(self):
        while True:
            try:
                data = os.read(self.fd, 65536)
            except OSError:
                return
            if not data:
                return
            with self.cond:
                self.got += len(data)
                self.cond.notify_all()

    def wait_got(self, n, timeout=300):
        with self.cond:
            if not self.cond.wait_for(lambda: self.got >= n, timeout):
                raise TestFailure(f"host pty: {self.got} bytes, want {n}")

    def wait_quiet(self, quiet=1.0, timeout=300):
        """Wait until nothing arrived for quiet seconds; return the count."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            before = self.got
            time.sleep(quiet)
            if self.got == before:
                return before
        raise TestFailure("host pty: still receiving")

    def write(self, data, stop=None):
        """Write all of @data (or until the event @stop is set)."""
        view = memoryview(data)
        while view and not (stop and stop.is_set()):
            view = view[os.write(self.fd, view):]

    def rtt_us(self, rounds):
        """Write a byte, wait for it to come back; median round trip (as bh-echo)."""
        rtts = []
        for _ in range(rounds):
            with self.cond:
                want = self.got + 1
            t0 = time.perf_counter()
            self.write(b"x")
            self.wait_got(want, timeout=10)
            rtts.append(1e6 * (time.perf_counter() - t0))
        return statistics.median(rtts)

    def close(self):
        os.close(self.fd)


def script_module(name):
    """Import scripts/@name (a file name with a dash, such as "bench-rio.py") as a
    module, to reuse one benchmark's measurements in another."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), name)
    spec = importlib.util.spec_from_file_location(name[:-3].replace("-", "_"), path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def skip_without_virtio(ctx, script):
    """Exit (0) saying why if the build's platform has no virtio-mmio transport in
    QEMU's model (the ZCU102, BUILD/platform.env VIRTIO_MMIO_COUNT=0): no QEMU
    device exists there to compare Bulkhead's with; scripts/bench-board.py
    compares with the board's own devices instead."""
    plat = platform(ctx)
    if plat.get("VIRTIO_MMIO_COUNT", "0") == "0":
        print(f"{script}: skipped on {plat.get('PLATFORM')}: QEMU's model of it has no virtio-mmio "
              "transport, so no QEMU device to compare with (scripts/bench-board.py compares "
              "with the board's own devices)", flush=True)
        sys.exit(0)


def save_doc(doc, json_path):
    """Close a benchmark's record @doc: `uptime` at its end, then written to
    @json_path as JSON."""
    doc["uptime_end"] = benchload.uptime()
    with open(json_path, "w") as f:
        json.dump(doc, f, indent=1)


def load_doc(json_path, script):
    """The record save_doc() wrote to @json_path for --markdown and --plot-only;
    exits with a message naming the file and @script when there is none or it
    predates the quiet/loaded modes (its "metrics" not one table per mode)."""
    try:
        with open(json_path) as f:
            doc = json.load(f)
    except FileNotFoundError:
        sys.exit(f"{script}: no {json_path}: run scripts/{script} first")
    except json.JSONDecodeError as e:
        sys.exit(f"{script}: {json_path} is not JSON ({e}): run scripts/{script} again")
    metrics = doc.get("metrics")
    if not isinstance(metrics, dict) or not metrics or \
            not set(metrics) <= set(benchload.MODES):
        sys.exit(f"{script}: {json_path} has no \"metrics\" per mode "
                 f"({', '.join(benchload.MODES)}): written by an older {script}; run it again")
    return doc


def exit_status(doc):
    """Print each failed run of @doc["errors"]; the exit status of the benchmark
    (1 if any run failed)."""
    for e in doc["errors"]:
        print(f"FAILED: {e}")
    return 1 if doc["errors"] else 0


def git_commit():
    """(HEAD's commit, whether tracked files differ from it)."""
    def git(*args):
        return subprocess.run(["git", "-C", ROOT, *args], capture_output=True,
                              text=True).stdout.strip()
    return git("rev-parse", "HEAD") or None, bool(git("status", "--porcelain",
                                                      "--untracked-files=no"))


def summarise(metrics, runs):
    """@metrics: (key, what, unit, kind) rows; @runs: {system: [run dict]} -> one row per
    metric with each system's runs and median, and the ratio: Bulkhead/native for kind
    "rate" and "cost", native/Bulkhead for "time", none for any other kind."""
    rows = []
    for key, what, unit, kind in metrics:
        row = {"key": key, "what": what, "unit": unit, "kind": kind}
        for system in ("bulkhead", "native"):
            vals = [r[key] for r in runs.get(system, []) if r.get(key) is not None]
            row[system] = {"runs": vals, "median": statistics.median(vals) if vals else None}
        b, n = row["bulkhead"]["median"], row["native"]["median"]
        row["ratio"] = None
        if b and n and kind in ("rate", "cost"):
            row["ratio"] = b / n
        elif b and n and kind == "time":
            row["ratio"] = n / b
        rows.append(row)
    return rows


def fmt(v):
    """A figure as the tables print it: three significant digits, no more."""
    if v is None:
        return "—"
    if v == 0 or abs(v) >= 100:
        return f"{v:.0f}"
    return f"{v:.3g}" if abs(v) < 10 else f"{v:.1f}"


def markdown_rows(rows):
    """The rows of summarise() as docs/performance.md's table: median, ratio, each run."""
    out = ["| what | Bulkhead | QEMU native | ratio | Bulkhead runs | native runs |",
           "| --- | ---: | ---: | ---: | --- | --- |"]
    for r in rows:
        what = r["what"].replace("->", "→")
        what = f"↳ {what.strip()}" if what.startswith("  ") else what
        runs = [", ".join(fmt(v) for v in r[s]["runs"]) or "—" for s in ("bulkhead", "native")]
        out.append(f"| {what} ({r['unit']}) | {fmt(r['bulkhead']['median'])} | "
                   f"{fmt(r['native']['median'])} | {fmt(r['ratio'])} | {runs[0]} | {runs[1]} |")
    return out


def held_rows(metrics):
    """{mode: summarise() rows} -> per metric where more is better (rates, times),
    its quiet and loaded ratio and how much of the former the latter kept; none
    unless both modes were measured."""
    if not all(m in metrics for m in benchload.MODES):
        return []
    busy = {r["key"]: r for r in metrics["busy"]}
    out = []
    for q in metrics["quiet"]:
        if q["kind"] not in ("rate", "time"):
            continue
        b = busy[q["key"]]
        h = benchload.held(q["ratio"], b["ratio"])
        out.append({"key": q["key"], "what": q["what"], "unit": q["unit"], "quiet": q["ratio"],
                    "busy": b["ratio"], "held": h, "target": benchload.verdict(h)})
    return out


def modes_table(metrics, ratio_note):
    """Quiet and loaded side by side, as printed: medians and ratios per mode of
    @metrics ({mode: summarise() rows}), how much of its quiet ratio each loaded
    one kept, and @ratio_note (what the ratios are) below."""
    modes = list(metrics)
    held = {r["key"]: r for r in held_rows(metrics)}
    head = ["what"] + [f"{c} {m}" for m in modes for c in ("Bulkhead", "native", "ratio")]
    if held:
        head.append("held")
    body = []
    for i, r in enumerate(metrics[modes[0]]):
        row = [f"{r['what']} ({r['unit']})"]
        for m in modes:
            x = metrics[m][i]
            row += [fmt(x["bulkhead"]["median"]), fmt(x["native"]["median"]), fmt(x["ratio"])]
        if held:
            h = held.get(r["key"])
            row.append(f"{fmt(h['held'])} {h['target']}".strip() if h else "")
        body.append(row)
    w = [max(len(x[i]) for x in body + [head]) for i in range(len(head))]
    line = lambda x: "  ".join(c.ljust(w[0]) if i == 0 else c.rjust(w[i]) for i, c in enumerate(x))
    return "\n".join([line(head), "  ".join("-" * n for n in w)] + [line(x) for x in body] +
                     [ratio_note,
                      "busy: while one more host core is kept busy (scripts/benchload.py); "
                      f"held: busy ratio / quiet ratio (target >= {benchload.HELD_TARGET})."
                      if held else ""])


def modes_markdown(doc):
    """The Markdown tables of a run's JSON (@doc: "runs" and "metrics" per mode,
    "held"): per mode its host load and markdown_rows(), then the held table."""
    out = []
    for mode, rows in doc["metrics"].items():
        runs = doc["runs"][mode]
        out += [f"**{mode}** ({benchload.loads_line(runs['bulkhead'] + runs['native'])}):", ""]
        out += markdown_rows(rows) + [""]
    held = doc.get("held") or []
    if held:
        out += ["| what | ratio quiet | ratio, one host core busy | held (≥ 0.7) |",
                "| --- | ---: | ---: | ---: |"]
        for h in held:
            what = h["what"].replace("->", "→").strip()
            out.append(f"| {what} ({h['unit']}) | {fmt(h['quiet'])} | {fmt(h['busy'])} | "
                       f"{fmt(h['held'])} {h['target']} |")
    return out


def modes_plot(json_path, script, title, out_path):
    """The medians of the rate metrics of @script's JSON record, Bulkhead against
    native, quiet and loaded (benchplot.modes_bars), to the SVG @out_path."""
    metrics = load_doc(json_path, script)["metrics"]
    modes = list(metrics)
    rows = []
    for i, r in enumerate(metrics[modes[0]]):
        if r["kind"] == "rate":
            medians = {m: tuple(metrics[m][i][s]["median"] for s in ("bulkhead", "native"))
                       for m in modes}
            rows.append((f"{r['what']} ({r['unit']})", medians))
    if not any(b and n for _, bm in rows for b, n in bm.values()):
        print(f"plot: nothing measured on both sides in {json_path}")
        return
    benchplot.modes_bars(rows, modes, title, out_path)
