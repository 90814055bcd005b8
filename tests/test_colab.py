"""Colab: every notebook, opened alone with no clone next to it, must run.

Each notebook is copied alone into an empty folder, beside a decoy `utils/` folder (a learner's own),
and executed with HOME pointing to an empty folder and no PYTHONPATH. On the Colab stack the course
package is not installed (as in Colab), so the setup cell must fetch the release stamped from course.yml;
the fetch address (DUDL_COURSE_REPO) points to a local clone of this commit, tagged with that release,
standing in for GitHub. On the lock the package is installed (pip install -e .) and must be the one used.
Either way the decoy must not be.

On the lock (the main suite) every text output of the run must equal the stored one, character for
character: a nondeterministic print or a notebook the committed code no longer produces fails here.
On the Colab stack (`bash course.sh test --colab`, DUDL_STACK=colab: other numpy/scipy/sklearn/matplotlib
versions whose float rounding may differ in the last digits) the result line must still be the stored one.
"""

import json
import os
import shutil
import subprocess

import nbformat
import pytest

from tools.coursemap import ROOT, load_map
from tools.execute import kernel_env, run

DATA, LECTURES = load_map()
RELEASE = DATA["release"]
PREINSTALLED_ON_COLAB = ("torch", "numpy", "matplotlib", "scikit-learn", "sklearn", "sympy", "scipy")


@pytest.fixture(scope="module")
def local_clone(tmp_path_factory):
    dest = tmp_path_factory.mktemp("course") / "clone"
    subprocess.run(["git", "clone", "--quiet", "--depth", "1", f"file://{ROOT}", str(dest)], check=True)
    # what the maintainer tags on release; -f: a clone of an already tagged commit carries the tag
    subprocess.run(["git", "-C", str(dest), "tag", "-f", RELEASE], check=True)
    return dest


COLAB_STACK = os.environ.get("DUDL_STACK") == "colab"


def text_outputs(nb):
    """(code cell number, its text outputs) for every code cell: its stdout, its stderr, then its text/plain
    results and errors. Each stream is joined whole: where the kernel cuts a print into chunks, and how
    stdout and stderr interleave, depends on timing, not on the code."""
    cells = []
    for i, cell in enumerate(c for c in nb.cells if c.cell_type == "code"):
        streams, rest = {"stdout": "", "stderr": ""}, []
        for o in cell.get("outputs", []):
            if o.get("output_type") == "stream":
                streams[o.get("name", "stdout")] = streams.get(o.get("name", "stdout"), "") + o.get("text", "")
            elif o.get("output_type") in ("execute_result", "display_data"):
                rest.append(o.get("data", {}).get("text/plain", ""))
            elif o.get("output_type") == "error":
                rest.append(f"[error] {o.get('ename')}: {o.get('evalue')}")
        cells.append((i, "[stdout] " + streams["stdout"] + "[stderr] " + streams["stderr"] + "".join(rest)))
    return cells


def result_line(nb):
    last = [c for c in nb.cells if c.cell_type == "code"][-1]
    return "".join(o.get("text", "") for o in last.outputs if o.get("output_type") == "stream")


@pytest.mark.parametrize("rel", [lec.path for lec in LECTURES])
def test_notebook_runs_alone_fetching_the_course(rel, local_clone, tmp_path):
    stored = nbformat.read(ROOT / rel, as_version=4)
    alone = tmp_path / "alone"
    alone.mkdir()
    shutil.copy(ROOT / rel, alone)
    (alone / "utils").mkdir()
    (alone / "utils" / "__init__.py").write_text('COURSE = "a learner\'s own utils"\n')
    nb = nbformat.read(alone / os.path.basename(rel), as_version=4)
    probe = nbformat.v4.new_code_cell("import utils, pathlib; print(pathlib.Path(utils.__file__).resolve())")
    nb.cells.append(probe)
    env = kernel_env()
    env.pop("PYTHONPATH", None)
    env.update(HOME=str(tmp_path / "home"), DUDL_COURSE_REPO=f"file://{local_clone}")
    (tmp_path / "home").mkdir()
    run(nb, alone, env=env)
    fetched = "".join(o.get("text", "") for o in probe.outputs).strip()
    if COLAB_STACK:  # not installed: the setup cell fetched the stamped release
        expected = tmp_path / "home" / f"dudl-course-{RELEASE}" / "utils"
    else:  # installed: the repository's package, not a fetched copy, and never the decoy
        expected = ROOT / "utils"
    assert fetched == str((expected / "__init__.py").resolve()), f"utils came from {fetched}"
    nb.cells.pop()
    assert result_line(nb) == result_line(stored), "the result line differs when run alone"
    if COLAB_STACK:
        return
    differ = [(i, want, got) for (i, want), (_, got) in zip(text_outputs(stored), text_outputs(nb)) if want != got]
    assert not differ, (
        "text outputs differ from the stored notebook (re-run with python -m tools.execute, or make the "
        "print deterministic):\n"
        + "\n".join(f"code cell {i}:\n  stored: {w!r}\n  run:    {g!r}" for i, w, g in differ[:5])
    )


def test_the_colab_stack_is_the_one_requested():
    """On the Colab stack, prove the kernel really has Colab's versions (the pins of requirements-colab.txt)."""
    if not COLAB_STACK:
        pytest.skip("runs in `bash course.sh test --colab`")
    from importlib.metadata import version

    pins = dict(
        l.split("==")
        for l in (ROOT / "requirements-colab.txt").read_text().splitlines()
        if "==" in l and not l.startswith("#")
    )
    for name in ("numpy", "scipy", "scikit-learn", "matplotlib", "sympy", "ipython", "ipywidgets", "tqdm"):
        assert version(name) == pins[name], (
            f"{name} {version(name)} is installed, requirements-colab.txt pins {pins[name]}"
        )


@pytest.mark.parametrize("rel", [lec.path for lec in LECTURES])
def test_no_cell_installs_what_colab_already_has(rel):
    for cell in json.loads((ROOT / rel).read_text())["cells"]:
        src = "".join(cell["source"])
        for line in src.splitlines():
            if "pip install" in line:
                assert not any(p in line for p in PREINSTALLED_ON_COLAB), f"{rel}: {line.strip()}"
