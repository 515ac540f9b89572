"""One way to draw a figure of `make bench`: Bulkhead against QEMU native as
clustered bars, with gnuplot (SVG; gnuplot-nox in scripts/packages.txt), quiet
and loaded side by side when both were measured (scripts/benchload.py)."""

import os
import subprocess
import tempfile

SYSTEMS = (("Bulkhead", "#c0392b"), ("QEMU native", "#2e86c1"))
# per load mode (benchload.MODES): the systems' colours, lighter under load
MODE_SYSTEMS = {"quiet": (("Bulkhead, quiet", "#c0392b"), ("QEMU native, quiet", "#2e86c1")),
                "busy": (("Bulkhead, one host core busy", "#f1948a"),
                         ("QEMU native, one host core busy", "#85c1e9"))}


def clustered_bars(rows, title, out_path, logscale=True, systems=SYSTEMS):
    """@rows: (label, value, ...) per group of bars, one value per entry of
    @systems ((name, colour) each); a None value is drawn as 0.  Writes the SVG
    to @out_path."""
    with tempfile.NamedTemporaryFile("w", suffix=".dat", delete=False) as dat:
        for label, *vals in rows:
            label = label.replace('"', "'")
            dat.write(f'"{label}" ' + " ".join(str(v or 0) for v in vals) + "\n")
    lines = [f"'{dat.name if i == 0 else ''}' using {i + 2}{':xtic(1)' if i == 0 else ''} "
             f"title '{name}' lc rgb '{colour}'" for i, (name, colour) in enumerate(systems)]
    script = f"""
set terminal svg size 1000,520 dynamic font 'sans,11'
set output '{out_path}'
set title '{title}'
set style data histogram
set style histogram clustered gap 1
set style fill solid 0.8 border -1
{'set logscale y' if logscale else ''}
set grid ytics
set xtics rotate by -25 scale 0 font ',9'
set key top right
plot {', '.join(lines)}
"""
    try:
        subprocess.run(["gnuplot"], input=script, text=True, check=True)
    finally:
        os.unlink(dat.name)


def modes_bars(rows, modes, title, out_path, logscale=True):
    """Quiet and loaded side by side: @rows are (label, {mode: (bulkhead,
    native)}) per group, @modes the load modes measured (benchplot draws two
    bars per mode, Bulkhead and native)."""
    systems = [s for m in modes for s in MODE_SYSTEMS[m]]
    flat = [(label, *[v for m in modes for v in by_mode.get(m, (None, None))])
            for label, by_mode in rows]
    if len(modes) > 1:
        title += " — quiet and with one host core busy"
    clustered_bars(flat, title, out_path, logscale, systems)
