"""One way to draw a figure of `make bench`: Bulkhead against QEMU native as
clustered bars, with gnuplot (SVG; gnuplot-nox in scripts/packages.txt)."""

import os
import subprocess
import tempfile

SYSTEMS = (("Bulkhead", "#c0392b"), ("QEMU native", "#2e86c1"))


def clustered_bars(rows, title, out_path, logscale=True):
    """@rows: (label, bulkhead, native) per group of bars; a None value is
    drawn as 0.  Writes the SVG to @out_path."""
    with tempfile.NamedTemporaryFile("w", suffix=".dat", delete=False) as dat:
        for label, b, n in rows:
            label = label.replace('"', "'")
            dat.write(f'"{label}" {b or 0} {n or 0}\n')
    lines = [f"'{dat.name if i == 0 else ''}' using {i + 2}{':xtic(1)' if i == 0 else ''} "
             f"title '{name}' lc rgb '{colour}'" for i, (name, colour) in enumerate(SYSTEMS)]
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
