"""Hygiene of every committed notebook: executed in order, clean, complete anatomy.

(nbval, run by the same `pytest` command, re-executes each notebook and compares
its result cell; these tests check how the stored notebooks are written.)
"""

import json
import re

import pytest

from tools.coursemap import ROOT, load_map

_, LECTURES = load_map()
PATHS = [lec.path for lec in LECTURES]
ABSOLUTE = re.compile(r"(/work/|/home/|/root/|/tmp/|/Users/|/private/var/|[A-Z]:\\\\|site-packages|\.venv/)")


def cells_of(rel):
    return json.loads((ROOT / rel).read_text())["cells"]


def code_cells(rel):
    return [c for c in cells_of(rel) if c["cell_type"] == "code"]


def text_of(cell):
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


@pytest.mark.parametrize("rel", PATHS)
def test_executed_in_order_without_errors(rel):
    counts = [c["execution_count"] for c in code_cells(rel)]
    assert counts == list(range(1, len(counts) + 1)), f"{rel}: re-run top to bottom (counts {counts})"
    errors = [o for c in code_cells(rel) for o in c["outputs"] if o["output_type"] == "error"]
    assert not errors, f"{rel}: stored error output {errors[0].get('ename')}"
    stderr = [o for c in code_cells(rel) for o in c["outputs"] if o.get("name") == "stderr"]
    assert not stderr, f"{rel}: stored stderr output (warnings?): {text_of({'source': stderr[0]['text']})[:200]}"


@pytest.mark.parametrize("rel", PATHS)
def test_figures_are_png_and_present(rel):
    kinds = [k for c in code_cells(rel) for o in c["outputs"] for k in o.get("data", {})]
    assert "image/svg+xml" not in kinds, f"{rel}: SVG output; use PNG"
    assert "image/png" in kinds, f"{rel}: no figure"


@pytest.mark.parametrize("rel", PATHS)
def test_no_personal_metadata_or_absolute_paths(rel):
    raw = json.loads((ROOT / rel).read_text())
    assert set(raw["metadata"]) <= {"kernelspec", "language_info"}, f"{rel}: metadata {sorted(raw['metadata'])}"
    for c in raw["cells"]:
        assert set(c.get("metadata", {})) <= {"tags", "jupyter", "collapsed", "cellView"}, (
            f"{rel}: cell metadata {c['metadata']}"
        )
        texts = [text_of(c)] + [json.dumps({k: v for k, v in o.items() if k != "data"}) for o in c.get("outputs", [])]
        texts += [str(o.get("data", {}).get("text/plain", "")) for o in c.get("outputs", [])]
        for t in texts:
            m = ABSOLUTE.search(t)
            assert m is None, f"{rel}: absolute/personal path {m.group(0)!r} in a cell"


@pytest.mark.parametrize("rel", PATHS)
def test_anatomy(rel):
    cells = cells_of(rel)
    tags = [c.get("metadata", {}).get("tags", []) for c in cells]
    assert "dudl-header" in tags[0] and "dudl-setup" in tags[1] and "dudl-footer" in tags[-1], (
        f"{rel}: stamped cells missing"
    )
    md = [text_of(c) for c in cells if c["cell_type"] == "markdown"]
    assert any(re.search(r"^## Explorations", t, re.M) for t in md), f"{rel}: no '## Explorations' section"
    assert any(re.search(r"^## What we (observed|found)", t, re.M) for t in md), (
        f"{rel}: no '## What we observed' section"
    )
    last = code_cells(rel)[-1]
    src = text_of(last)
    assert src.startswith("# NBVAL_CHECK_OUTPUT"), f"{rel}: last code cell must start with # NBVAL_CHECK_OUTPUT"
    printed = "".join("".join(o.get("text", "")) for o in last["outputs"] if o["output_type"] == "stream")
    assert printed.startswith("Result: ") and "..." not in printed, f"{rel}: result cell prints {printed!r}"
    body = "\n".join(text_of(c) for c in cells[2:-1])
    assert "plt.show()" in body or "display(" in body, f"{rel}: end plotting cells with plt.show()"


@pytest.mark.parametrize("rel", [lec.path for lec in LECTURES if lec.challenge])
def test_challenges_state_the_task_first_and_collapse_the_solution(rel):
    cells = cells_of(rel)[2:-1]  # without the stamped header, setup and footer
    headings = [(i, text_of(c)) for i, c in enumerate(cells) if c["cell_type"] == "markdown"]
    task = next((i for i, t in headings if re.search(r"^## Your task", t, re.M)), None)
    solution = next((i for i, t in headings if re.search(r"^## Solution", t, re.M)), None)
    assert task is not None and solution is not None and task < solution, (
        f"{rel}: needs '## Your task' then '## Solution'"
    )
    first_code = next(i for i, c in enumerate(cells) if c["cell_type"] == "code")
    assert first_code > task, f"{rel}: code before the task is stated"
    result = max(i for i, c in enumerate(cells) if c["cell_type"] == "code")
    for i, c in enumerate(cells):
        if c["cell_type"] == "code" and solution < i < result:
            hidden = c.get("metadata", {}).get("jupyter", {}).get("source_hidden")
            assert hidden and c["metadata"].get("cellView") == "form", f"{rel}: solution cell {i} is not collapsed"
            assert text_of(c).startswith("#@title"), f"{rel}: solution cell {i} has no Colab form title"


@pytest.mark.parametrize("rel", PATHS)
def test_no_progress_widgets_stored(rel):
    kinds = [k for c in code_cells(rel) for o in c["outputs"] for k in o.get("data", {})]
    assert "application/vnd.jupyter.widget-view+json" not in kinds, (
        f"{rel}: a progress bar was saved; run with TQDM_DISABLE=1"
    )
