"""Execute every notebook (in course order, one at a time) and write BENCHMARK.md:
a table of seconds and peak kernel memory per notebook, per-section totals and the total.

    bash course.sh bench            (or: python -m tools.benchmark [--out BENCHMARK.md])

Notebooks are executed in memory; the files on disk are not changed.
"""

import argparse
import datetime
import os
import platform
from pathlib import Path

import nbformat

from tools.coursemap import ROOT, load_map
from tools.execute import run


def measure_floor(lectures):
    """Seconds for a notebook with only the setup cell, and with the setup cell plus one optimizer step."""
    first = ROOT / lectures[0].path
    setup = next(
        c.source for c in nbformat.read(first, as_version=4).cells if "dudl-setup" in c.metadata.get("tags", [])
    )
    step = (
        "import torch\np = torch.zeros(1, requires_grad=True)\nopt = torch.optim.SGD([p], lr=0.1)\n"
        "p.sum().backward()\nopt.step()"
    )
    times = []
    for extra in ("pass", step):
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(setup), nbformat.v4.new_code_cell(extra)])
        times.append(min(run(nb, first.parent)[1] for _ in range(2)))
    return times


NOTES = "<!-- notes: kept by tools/benchmark.py when it rewrites the tables above -->"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(ROOT / "BENCHMARK.md"))
    args = ap.parse_args(argv)
    _, lectures = load_map()
    rows, totals = [], {}
    for lec in lectures:
        path = ROOT / lec.path
        if not path.exists():
            rows.append((lec, None, None))
            continue
        nb = nbformat.read(path, as_version=4)
        _, secs, peak = run(nb, path.parent)
        rows.append((lec, secs, peak))
        totals[lec.section] = totals.get(lec.section, 0.0) + secs
        print(f"{secs:6.1f} s  {peak or 0:6.0f} MiB  {lec.path}", flush=True)
    total = sum(totals.values())
    floor = measure_floor(lectures)
    lines = [
        "# Benchmark: time to execute each notebook",
        "",
        f"Written by `tools/benchmark.py` on {datetime.date.today()}: each notebook run top to bottom in a fresh",
        f"kernel, one after another, on {os.cpu_count()} CPU cores ({platform.machine()}, Python "
        f"{platform.python_version()}). Seconds include kernel start and imports; peak memory is the kernel's.",
        "",
        "The floor under every number: a notebook holding only the course setup cell (kernel start, importing",
        f"torch, matplotlib and `utils`) takes {floor[0]:.1f} s; adding one `torch.optim` step takes "
        f"{floor[1]:.1f} s, because",
        "torch imports its compiler stack the first time an optimizer is built or stepped.",
        "",
        "| # | Notebook | Seconds | Peak memory (MiB) |",
        "|---|---|---:|---:|",
    ]
    for lec, secs, peak in rows:
        s = "missing" if secs is None else f"{secs:.1f}"
        p = "" if peak is None else f"{peak:.0f}"
        lines.append(f"| {lec.number} | {lec.path} | {s} | {p} |")
    lines += ["", "| Section | Seconds |", "|---|---:|"]
    lines += [f"| {sec} | {t:.1f} |" for sec, t in totals.items()]
    lines += [f"| **Total** | **{total:.1f}** |", ""]
    old = Path(args.out).read_text() if Path(args.out).exists() else ""
    if NOTES in old:  # measurements added by hand below the marker stay
        lines += [NOTES + old.split(NOTES, 1)[1].rstrip("\n"), ""]
    Path(args.out).write_text("\n".join(lines))
    print(f"total {total:.1f} s -> {args.out}")


if __name__ == "__main__":
    main()
