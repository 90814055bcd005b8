"""Stamp every notebook from course.yml: its header, setup cell and footer (tools/stamped_cells.py), with
its solution and answers hidden until opened (tools/hide.py); regenerate the README's table of contents
and index.ipynb (tools/contents.py).

    python -m tools.stamp            # stamp all notebooks that exist, write README/index
    python -m tools.stamp --check    # exit 1 if anything is out of date (what the tests check)

Stamped cells carry the tags dudl-header, dudl-setup and dudl-footer; never edit them
by hand, edit course.yml (or this file) and run the tool again.
"""

import argparse
import sys

import nbformat

from tools.contents import index_notebook, readme_text
from tools.coursemap import ROOT, load_map
from tools.hide import hide
from tools.stamped_cells import STAMPS, stamped_cells


def _tagged(cell, tag):
    return tag in cell.get("metadata", {}).get("tags", [])


def stamp_notebook(nb, data, lectures, i):
    """Put the stamped cells in place (first two, last) and hide what starts hidden. True if anything changed."""
    before = nbformat.writes(nb)
    body = [c for c in nb.cells if not any(_tagged(c, t) for t in STAMPS)]
    cells = {}
    for tag, new in zip(STAMPS, stamped_cells(data, lectures, i)):
        old = next((c for c in nb.cells if _tagged(c, tag)), None)
        if old is not None and old.cell_type == new.cell_type:
            # keep the cell's id, execution count and outputs (none for a working setup cell): a new text
            # (e.g. a release bump) changes only its source; the tests re-run every cell
            if old.source != new.source:
                old.source, old.metadata = new.source, new.metadata
            new = old
        cells[tag] = new
    nb.cells = [cells["dudl-header"], cells["dudl-setup"], *body, cells["dudl-footer"]]
    hide(nb, lectures[i].challenge)
    return nbformat.writes(nb) != before


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="report what is stale, change nothing")
    ap.add_argument("notebooks", nargs="*", help="only these notebooks (paths)")
    args = ap.parse_args(argv)
    data, lectures = load_map()
    stale = []
    only = {str((ROOT / p).resolve()) if not str(p).startswith("/") else p for p in args.notebooks}
    for i, lec in enumerate(lectures):
        path = ROOT / lec.path
        if not path.exists() or (only and str(path.resolve()) not in only):
            continue
        nb = nbformat.read(path, as_version=4)
        if stamp_notebook(nb, data, lectures, i):
            stale.append(lec.path)
            if not args.check:
                nbformat.write(nb, path)
    readme = ROOT / "README.md"
    new_readme = readme_text(readme.read_text(), data, lectures)
    if new_readme != readme.read_text():
        stale.append("README.md")
        if not args.check:
            readme.write_text(new_readme)
    index = ROOT / "index.ipynb"
    new_index = nbformat.writes(index_notebook(data, lectures)) + "\n"
    if not index.exists() or index.read_text() != new_index:
        stale.append("index.ipynb")
        if not args.check:
            index.write_text(new_index)
    if args.check and stale:
        print("stale (run python -m tools.stamp):", *stale, sep="\n  ")
        return 1
    if not args.check:
        print(f"stamped; {len(stale)} file(s) changed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
