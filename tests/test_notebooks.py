"""Hygiene of every committed notebook: executed in order, clean, complete anatomy.

(tests/test_alone.py, run by the same `pytest` command, re-executes each notebook and compares
every text output; these tests check how the stored notebooks are written.)
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
    assert set(raw["metadata"]) <= {"kernelspec", "language_info", "colab"}, (
        f"{rel}: metadata {sorted(raw['metadata'])}"
    )
    for c in raw["cells"]:
        assert set(c.get("metadata", {})) <= {
            "tags",
            "jupyter",
            "collapsed",
            "cellView",
            "jp-MarkdownHeadingCollapsed",
        }, f"{rel}: cell metadata {c['metadata']}"
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
    assert any(re.search(r"^##+ Explorations", t, re.M) for t in md), f"{rel}: no '## Explorations' section"
    assert any(re.search(r"^##+ What we (observed|found)", t, re.M) for t in md), (
        f"{rel}: no '## What we observed' section"
    )
    results = [c for c in code_cells(rel) if "Result: " in text_of(c)]
    assert len(results) == 1, f"{rel}: needs one result cell (a code cell printing 'Result: ...'), has {len(results)}"
    printed = "".join("".join(o.get("text", "")) for o in results[0]["outputs"] if o["output_type"] == "stream")
    assert printed.startswith("Result: ") and "..." not in printed, f"{rel}: result cell prints {printed!r}"
    body = "\n".join(text_of(c) for c in cells[2:-1])
    assert "plt.show()" in body or "display(" in body, f"{rel}: end plotting cells with plt.show()"


CHALLENGES = [lec.path for lec in LECTURES if lec.challenge]


def heading_level(cell):
    """The level of the first heading of a markdown cell (0: none)."""
    m = re.match(r"(#+) ", text_of(cell).lstrip()) if cell["cell_type"] == "markdown" else None
    return len(m.group(1)) if m else 0


@pytest.mark.parametrize("rel", CHALLENGES)
def test_challenges_give_task_then_workspace_then_solution(rel):
    cells = cells_of(rel)[2:-1]  # without the stamped header, setup and footer
    first = {}
    for i, c in enumerate(cells):
        for name in ("Your task", "Your workspace", "Solution"):
            if c["cell_type"] == "markdown" and text_of(c).lstrip().startswith(f"## {name}"):
                first.setdefault(name, i)
    assert list(first) == ["Your task", "Your workspace", "Solution"], (
        f"{rel}: needs '## Your task', then '## Your workspace', then '## Solution' (found {list(first)})"
    )
    task, work, solution = first.values()
    first_code = next(i for i, c in enumerate(cells) if c["cell_type"] == "code")
    assert first_code > task, f"{rel}: code before the task is stated"
    workspace = [text_of(c) for c in cells[work:solution] if c["cell_type"] == "code"]
    assert any("check." in t for t in workspace), f"{rel}: the workspace calls no check on the learner's answer"
    for c in cells[work:solution]:
        for o in c.get("outputs", []):
            out = "".join(o.get("text", ""))
            assert "Traceback" not in out and "Correct" not in out, f"{rel}: an untouched workspace printed {out!r}"


@pytest.mark.parametrize("rel", CHALLENGES)
def test_a_challenges_solution_is_hidden_until_opened(rel):
    """All of the solution (prose, code, printed numbers, figures) sits under one '## Solution' heading
    that starts collapsed in JupyterLab and Colab (the website hides the same section: test_site)."""
    raw = json.loads((ROOT / rel).read_text())
    cells = raw["cells"]
    at = next(i for i, c in enumerate(cells) if c["cell_type"] == "markdown" and text_of(c).startswith("## Solution"))
    head = cells[at]
    assert head["metadata"].get("jp-MarkdownHeadingCollapsed") is True, f"{rel}: JupyterLab would show the solution"
    assert raw["metadata"].get("colab", {}).get("collapsed_sections", [])[:1] == [head["id"]], (
        f"{rel}: Colab would show the solution (metadata.colab.collapsed_sections must name cell {head['id']!r})"
    )
    inside = cells[at + 1 : -1]
    ends = [i for i, c in enumerate(inside, start=at + 1) if 0 < heading_level(c) <= 2]
    assert not ends, f"{rel}: cell {ends[0]} opens a heading of level 1 or 2, so what follows it would show"
    assert heading_level(cells[-1]) == 2, f"{rel}: the footer must open with a '## ' heading (it ends the section)"
    result = max(i for i, c in enumerate(cells) if c["cell_type"] == "code" and "Result: " in text_of(c))
    for i, c in enumerate(inside, start=at + 1):
        if c["cell_type"] == "code" and i != result:
            hidden = c.get("metadata", {}).get("jupyter", {}).get("source_hidden")
            assert hidden and c["metadata"].get("cellView") == "form", f"{rel}: solution cell {i} shows its code"
            assert text_of(c).startswith("#@title"), f"{rel}: solution cell {i} has no Colab form title"


def test_the_hidden_solution_test_fails_when_a_solution_would_show(tmp_path, monkeypatch):
    """Put back a '## What we observed' at level 2 inside a challenge's solution, or drop the collapse:
    the test above must fail."""
    import tests.test_notebooks as tn

    rel = CHALLENGES[0]
    raw = json.loads((ROOT / rel).read_text())
    at = next(i for i, c in enumerate(raw["cells"]) if text_of(c).startswith("## Solution"))
    for broken in ("level", "jupyterlab", "colab"):
        nb = json.loads(json.dumps(raw))
        if broken == "level":
            nb["cells"].insert(at + 1, {"cell_type": "markdown", "id": "x", "metadata": {}, "source": "## Notes"})
        elif broken == "jupyterlab":
            nb["cells"][at]["metadata"].pop("jp-MarkdownHeadingCollapsed")
        else:
            nb["metadata"].pop("colab")
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(json.dumps(nb))
        monkeypatch.setattr(tn, "ROOT", tmp_path)
        with pytest.raises(AssertionError):
            tn.test_a_challenges_solution_is_hidden_until_opened(rel)


@pytest.mark.parametrize("rel", PATHS)
def test_no_control_characters_in_markdown(rel):
    """A tab, backspace or form feed in a markdown cell is a JSON escape gone wrong: written from Python
    without a raw string, "\\tanh" becomes a tab and "anh", "\\frac" a form feed and "rac"."""
    for i, c in enumerate(cells_of(rel)):
        if c["cell_type"] == "markdown":
            bad = re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\t]", text_of(c))
            near = text_of(c)[max(0, bad.start() - 30) : bad.start() + 10] if bad else ""
            assert bad is None, f"{rel}: cell {i} holds {bad.group(0)!r} near {near!r}"


@pytest.mark.parametrize("rel", PATHS)
def test_no_progress_widgets_stored(rel):
    kinds = [k for c in code_cells(rel) for o in c["outputs"] for k in o.get("data", {})]
    assert "application/vnd.jupyter.widget-view+json" not in kinds, (
        f"{rel}: a progress bar was saved; run with TQDM_DISABLE=1"
    )


ANSWER = "#### Our answer"


def explorations(cells):
    """[(index of a '### Exploration N' cell, N, [the cells after it up to the next one or the footer])]."""
    at = [(i, int(m.group(1))) for i, c in enumerate(cells) if (m := re.match(r"### Exploration (\d+)\b", text_of(c)))]
    ends = [i for i, _ in at[1:]] + [len(cells) - 1]
    return [(i, n, cells[i + 1 : end]) for (i, n), end in zip(at, ends)]


@pytest.mark.parametrize("rel", PATHS)
def test_every_exploration_has_an_answer(rel):
    """Each '### Exploration N: title' (numbered 1, 2, ... in order) is followed by one '#### Our answer'
    heading, collapsed in JupyterLab (jp-MarkdownHeadingCollapsed) and in Colab (its id in
    metadata.colab.collapsed_sections), then the answer: at least one cell, with no heading of level 1-4
    (it would end the hidden part early). The old form, a numbered list under 'Explorations', fails."""
    raw = json.loads((ROOT / rel).read_text())
    cells = raw["cells"]
    found = explorations(cells)
    assert found, f"{rel}: no '### Exploration N: ...' cell (explorations must be answered one by one)"
    assert [n for _, n, _ in found] == list(range(1, len(found) + 1)), f"{rel}: explorations numbered out of order"
    collapsed = raw["metadata"].get("colab", {}).get("collapsed_sections", [])
    for i, n, after in found:
        heads = [c for c in after if c["cell_type"] == "markdown" and text_of(c).strip() == ANSWER]
        assert len(heads) == 1 and after and after[0] is heads[0], (
            f"{rel}: exploration {n} (cell {i}) must be followed by one '{ANSWER}' cell"
        )
        head = heads[0]
        assert head["metadata"].get("jp-MarkdownHeadingCollapsed") is True, f"{rel}: JupyterLab shows answer {n}"
        assert head["id"] in collapsed, f"{rel}: Colab shows answer {n} (cell {head['id']!r} not collapsed)"
        body = after[1:]
        assert any(text_of(c).strip() for c in body), f"{rel}: exploration {n} has an empty answer"
        deep = [text_of(c)[:40] for c in body if c["cell_type"] == "markdown" and re.match(r"#{1,4} ", text_of(c))]
        assert not deep, f"{rel}: answer {n} holds a heading that ends its hidden part: {deep[0]!r}"


def test_the_answer_test_fails_on_a_missing_or_visible_answer(tmp_path, monkeypatch):
    """Break a copy of an answered notebook three ways: the test above must fail on each."""
    import tests.test_notebooks as tn

    rel = next((p for p in PATHS if explorations(cells_of(p))), None)
    if rel is None:
        pytest.fail("no notebook has answered explorations yet")
    raw = json.loads((ROOT / rel).read_text())
    i, _, after = explorations(raw["cells"])[0]
    head = raw["cells"].index(after[0])
    for broken in ("missing", "jupyterlab", "colab"):
        nb = json.loads(json.dumps(raw))
        if broken == "missing":
            del nb["cells"][head]
        elif broken == "jupyterlab":
            nb["cells"][head]["metadata"].pop("jp-MarkdownHeadingCollapsed")
        else:
            nb["metadata"]["colab"]["collapsed_sections"].remove(nb["cells"][head]["id"])
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(json.dumps(nb))
        monkeypatch.setattr(tn, "ROOT", tmp_path)
        with pytest.raises(AssertionError):
            tn.test_every_exploration_has_an_answer(rel)
