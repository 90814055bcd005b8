"""Every notebook, run once per stack the way a learner opens it, prints exactly what is stored.

This is the one execution of each notebook in the test suite (on the lock: `bash course.sh test`; on
Colab's real stack, Python 3.13 and torch 2.11.0 in a Debian 13 root: `bash course.sh test --colab`).
Each notebook is copied alone into an empty folder and executed with HOME pointing to a folder of this
test run and no PYTHONPATH. Every code cell's text outputs (stdout, stderr, text results, errors) must
equal the stored ones, character for character: a print that depends on the machine, a notebook the
committed code no longer produces, or a cell that raises, fails here. The outputs were made to hold on
every CPU (tools/crossmachine.py shows how to check that); nothing is masked.

The setup cell itself is tested once per stack (test_the_setup_cell_...): beside a decoy `utils/`
folder (a learner's own), it must import the course's package and print nothing. On the lock the
package is installed (pip install -e .) and must be the one used. On the Colab stack it is not
installed (as in Colab), so the setup cell must pip-install course.yml's release_commit from GitHub;
git's `insteadOf` (in the test's HOME/.gitconfig) sends that address to this repository, and pip installs
into a folder of this test run (PIP_TARGET, on the kernel's PYTHONPATH), standing in for Colab's
site-packages. Nothing is tagged: the commit must be in the repository's own history. The installed copy
is shared by the notebooks of one test worker, as in one Colab session.
"""

import json
import os
import subprocess
import sys

import nbformat
import pytest

from tools.coursemap import ROOT, load_map
from tools.execute import kernel_env, run
from tools.outputs import describe, differences

DATA, LECTURES = load_map()
PREINSTALLED_ON_COLAB = ("torch", "numpy", "matplotlib", "scikit-learn", "sklearn", "sympy", "scipy")
COLAB_STACK = os.environ.get("DUDL_STACK") == "colab"


def learner_session(base, source):
    """(HOME for the kernels, the environment they run in): what one learner's session shares. GitHub's
    address of the course is sent to `source` (git insteadOf), and pip installs into HOME/site."""
    home = base / "home"
    site = home / "site"
    site.mkdir(parents=True)
    github = f"https://github.com/{DATA['repository']}"
    subprocess.run(["git", "config", "--file", str(home / ".gitconfig"), f"url.{source}.insteadOf", github], check=True)
    env = kernel_env()
    env.update(HOME=str(home), PYTHONPATH=str(site), PIP_TARGET=str(site), PIP_DISABLE_PIP_VERSION_CHECK="1")
    return home, env


@pytest.fixture(scope="session")
def learner_home(tmp_path_factory):
    return learner_session(tmp_path_factory.mktemp("learner"), f"file://{ROOT}")


def run_alone(rel, folder, env, extra_cells=()):
    """Execute a copy of notebook rel alone in folder (beside a decoy utils/); returns the executed notebook."""
    folder.mkdir()
    (folder / "utils").mkdir()
    (folder / "utils" / "__init__.py").write_text('COURSE = "a learner\'s own utils"\n')
    nb = nbformat.read(ROOT / rel, as_version=4)
    nb.cells.extend(extra_cells)
    return run(nb, folder, env=env)[0]


def by_time(lectures):
    """The slowest notebooks first (BENCHMARK.md's seconds), so two workers finish together."""
    seconds = {}
    bench = ROOT / "BENCHMARK.md"
    if bench.exists():
        for line in bench.read_text().splitlines():
            cells = [c.strip() for c in line.split("|")]
            if len(cells) > 4 and cells[2].endswith(".ipynb"):
                try:
                    seconds[cells[2]] = float(cells[3])
                except ValueError:
                    pass
    return sorted((lec.path for lec in lectures), key=lambda p: -seconds.get(p, 0.0))


def test_the_setup_cell_uses_the_course_package_and_prints_nothing(learner_home, tmp_path):
    home, env = learner_home
    probe = nbformat.v4.new_code_cell(
        "import pathlib, platform, torch, utils\n"
        "print(pathlib.Path(utils.__file__).resolve(), platform.python_version(), torch.__version__, sep='\\n')"
    )
    nb = nbformat.read(ROOT / LECTURES[0].path, as_version=4)
    setup = next(c for c in nb.cells if "dudl-setup" in c.metadata.get("tags", []))
    ran = run_alone(LECTURES[0].path, tmp_path / "alone", env, [probe])
    setup_ran = ran.cells[nb.cells.index(setup)]
    assert setup_ran.outputs == [], f"the setup cell printed {setup_ran.outputs}"
    where, python, torch_version = "".join(o.get("text", "") for o in ran.cells[-1].outputs).split()
    if COLAB_STACK:  # not installed: the setup cell pip-installed the stamped release commit
        expected = home / "site" / "utils"
        pins = dict(line.split("==") for line in (ROOT / "requirements-colab.txt").read_text().split() if "==" in line)
        assert python.startswith("3.13."), f"the kernel runs Python {python}, Colab runs 3.13"
        assert torch_version.split("+")[0] == pins["torch"], f"torch {torch_version}, Colab's is {pins['torch']}"
    else:  # installed: the repository's package, not a fetched copy, and never the decoy
        expected = ROOT / "utils"
    assert where == str((expected / "__init__.py").resolve()), f"utils came from {where}"


@pytest.mark.parametrize("rel", by_time(LECTURES))
def test_notebook_run_alone_prints_what_is_stored(rel, learner_home, tmp_path):
    _, env = learner_home
    ran = run_alone(rel, tmp_path / "alone", env)
    differ = differences(nbformat.read(ROOT / rel, as_version=4), ran)
    assert not differ, (
        "text outputs differ from the stored notebook. If the code changed, re-run it with "
        "`python -m tools.execute`; if the print depends on the machine, `python -m tools.crossmachine` "
        "shows it: make it hold on every CPU.\n" + describe(differ)
    )


def test_a_stale_stored_output_fails_the_comparison(learner_home, tmp_path):
    """The comparison above, on a real run, with one stored number changed by one in its last digit:
    it must report that cell, and only that cell."""
    rel = "ANN/DUDL_ANN_math1_forwardProp.ipynb"
    stored = nbformat.read(ROOT / rel, as_version=4)
    code = [c for c in stored.cells if c.cell_type == "code"]
    at, out = next(
        (i, o) for i, c in enumerate(code) for o in c.outputs if any(ch.isdigit() for ch in o.get("text", ""))
    )
    digit = next(i for i in range(len(out.text) - 1, -1, -1) if out.text[i].isdigit())
    out.text = out.text[:digit] + str((int(out.text[digit]) + 1) % 10) + out.text[digit + 1 :]
    ran = run_alone(rel, tmp_path / "alone", learner_home[1])
    assert [i for i, _, _ in differences(stored, ran)] == [at]
    assert differences(nbformat.read(ROOT / rel, as_version=4), ran) == []


def test_the_colab_stack_is_the_one_requested():
    """On the Colab stack, the versions installed are Colab's (the pins of requirements-colab.txt)."""
    if not COLAB_STACK:
        pytest.skip("runs in `bash course.sh test --colab`")
    from importlib.metadata import version

    pins = dict(
        line.split("==")
        for line in (ROOT / "requirements-colab.txt").read_text().splitlines()
        if "==" in line and not line.startswith("#")
    )
    assert sys.version_info[:2] == (3, 13), f"Python {sys.version}"
    for name in ("torch", "numpy", "scipy", "scikit-learn", "matplotlib", "sympy", "ipython", "ipywidgets", "tqdm"):
        assert version(name).split("+")[0] == pins[name], (
            f"{name} {version(name)} is installed, requirements-colab.txt pins {pins[name]}"
        )


@pytest.mark.parametrize("rel", [lec.path for lec in LECTURES])
def test_no_cell_installs_what_colab_already_has(rel):
    for cell in json.loads((ROOT / rel).read_text())["cells"]:
        src = "".join(cell["source"])
        for line in src.splitlines():
            if "pip install" in line:
                assert not any(p in line for p in PREINSTALLED_ON_COLAB), f"{rel}: {line.strip()}"


def test_the_decoy_is_what_a_broken_setup_cell_would_import(learner_home, tmp_path):
    """The decoy must be importable from the notebook's folder, or the setup test above proves nothing."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import utils\nprint(utils.COURSE)")])
    folder = tmp_path / "alone"
    folder.mkdir()
    (folder / "utils").mkdir()
    (folder / "utils" / "__init__.py").write_text('COURSE = "a learner\'s own utils"\n')
    ran = run(nb, folder, env=learner_home[1])[0]
    assert "".join(o.get("text", "") for o in ran.cells[0].outputs).strip() == "a learner's own utils"


def test_the_setup_cell_says_in_one_sentence_when_it_cannot_download_the_course(tmp_path):
    """Opened alone with GitHub out of reach, the setup cell's only output is one error: one plain sentence
    under a one-frame traceback (no pip or git output, no chained exceptions). Needs a stack where the course
    is not installed: Colab's."""
    if not COLAB_STACK:
        pytest.skip("the course is installed on the lock's stack: runs in `bash course.sh test --colab`")
    from nbclient.exceptions import CellExecutionError

    _, env = learner_session(tmp_path / "offline", f"file://{tmp_path / 'nowhere'}")
    stored = nbformat.read(ROOT / LECTURES[0].path, as_version=4)
    setup = next(c for c in stored.cells if "dudl-setup" in c.metadata.get("tags", []))
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(setup.source)])
    (tmp_path / "alone").mkdir()
    with pytest.raises(CellExecutionError):
        run(nb, tmp_path / "alone", env=env)
    outputs = nb.cells[0].outputs
    assert [o.output_type for o in outputs] == ["error"], f"the failed setup cell printed {outputs}"
    error = outputs[0]
    assert error.ename == "ConnectionError" and error.evalue.count(". ") == 0, error.evalue
    assert "GitHub" in error.evalue and "run this cell again" in error.evalue, error.evalue
    assert not any("During handling" in line or "above exception" in line for line in error.traceback), error.traceback
