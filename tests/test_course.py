"""The course map, the syllabus, the notebooks on disk and the README must agree."""

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from tools.coursemap import ROOT, load_map, syllabus_headings

DATA, LECTURES = load_map()
SECTION_FOLDERS = [s["folder"] for s in DATA["sections"]]


def frozen_headings():
    """(section number, heading) of every lecture of the syllabus, from tests/syllabus_headings.tsv."""
    lines = (ROOT / "tests" / "syllabus_headings.tsv").read_text().splitlines()
    return [(int(n), h) for n, h in (l.split("\t", 1) for l in lines if l and not l.startswith("#"))]


def find_syllabus():
    candidates = [
        os.environ.get("DUDL_SYLLABUS"),
        ROOT.parent / "shared/syllabus/deep-learning-notes.md",
        Path("/work/shared/syllabus/deep-learning-notes.md"),
    ]
    return next((Path(c) for c in candidates if c and Path(c).is_file()), None)


def test_map_lists_every_syllabus_lecture_once_in_its_section():
    headings = frozen_headings()
    assert [lec.heading for lec in LECTURES] == [h for _, h in headings], "course.yml differs from the syllabus order"
    sections = [i + 1 for i, s in enumerate(DATA["sections"]) for _ in s["lectures"]]
    assert sections == [n for n, _ in headings], "a lecture sits in another section than the syllabus's"
    assert len({lec.path for lec in LECTURES}) == len(LECTURES), "a notebook is listed twice"
    folders = sorted(p.parent.name for p in ROOT.glob("*/DUDL_*.ipynb"))
    assert sorted(set(folders)) == sorted(SECTION_FOLDERS), "notebook folders on disk differ from course.yml's sections"
    for lec in LECTURES:
        assert lec.goals and all(g.strip() for g in lec.goals), f"{lec.path}: no learning goals"
        assert re.fullmatch(r"DUDL_[A-Za-z0-9_]+\.ipynb", lec.notebook), lec.notebook


def test_the_frozen_headings_are_the_syllabus_headings():
    """Where the study notes are at hand (a maintainer's machine, DUDL_SYLLABUS), the list kept in the
    repository must be theirs; every clone checks course.yml against that list (test above)."""
    path = find_syllabus()
    if path is None:
        pytest.skip("syllabus not found (set DUDL_SYLLABUS to its path)")
    text = path.read_text()
    assert [h for _, h in frozen_headings()] == syllabus_headings(text)
    # every notebook the syllabus links keeps its exact folder and file name
    linked = set(re.findall(r"\]\(\.\./([A-Za-z]+/DUDL_[A-Za-z0-9_]+\.ipynb)\)", text))
    assert linked <= {lec.path for lec in LECTURES}, sorted(linked - {lec.path for lec in LECTURES})


def test_every_mapped_notebook_exists():
    missing = [lec.path for lec in LECTURES if not (ROOT / lec.path).is_file()]
    assert not missing, f"in course.yml but not on disk: {missing}"


def test_every_notebook_on_disk_is_mapped():
    on_disk = {p.relative_to(ROOT).as_posix() for f in SECTION_FOLDERS for p in (ROOT / f).glob("*.ipynb")}
    extra = on_disk - {lec.path for lec in LECTURES}
    assert not extra, f"notebooks not in course.yml: {sorted(extra)}"


def test_the_test_command_executes_every_notebook_once():
    """tests/test_alone.py runs every notebook of course.yml, each once; pytest collects no notebook itself
    (a second execution per stack would double the suite's time and check nothing more)."""
    import configparser

    from tests.test_alone import by_time

    assert sorted(by_time(LECTURES)) == sorted(lec.path for lec in LECTURES)
    assert len(set(by_time(LECTURES))) == len(LECTURES)
    ini = configparser.ConfigParser()
    ini.read(ROOT / "pytest.ini")
    assert ini["pytest"]["testpaths"].split() == ["tests"], "pytest.ini: only tests/ is collected"
    assert "nbval" not in ini["pytest"].get("addopts", ""), "pytest.ini: the notebooks are not run through nbval"


def test_readme_index_and_stamped_cells_are_up_to_date():
    out = subprocess.run([sys.executable, "-m", "tools.stamp", "--check"], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


def test_stamp_check_exits_1_on_a_stale_readme_and_names_it(tmp_path):
    """`python -m tools.stamp --check`, run in a copy of the course whose README has an old title,
    exits 1 and names README.md; the untouched copy passes (so the exit is the README's doing)."""
    for item in ("README.md", "course.yml", "index.ipynb", "tools", "assets", *SECTION_FOLDERS):
        src, dst = ROOT / item, tmp_path / item
        if src.is_dir():
            shutil.copytree(src, dst, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(src, dst)

    def check():
        cmd = [sys.executable, "-m", "tools.stamp", "--check"]
        return subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True)

    assert check().returncode == 0
    readme = tmp_path / "README.md"
    readme.write_text(readme.read_text().replace(LECTURES[5].title, "An old title", 1))
    out = check()
    assert out.returncode == 1 and "README.md" in out.stdout, out.stdout + out.stderr
    assert readme.read_text().count("An old title") == 1, "--check must not rewrite the file"


def test_colab_badges_and_fetch_address_follow_the_repository_setting():
    repo = DATA["repository"]
    for lec in LECTURES:
        path = ROOT / lec.path
        if not path.exists():
            continue
        text = path.read_text()
        badge = f"https://colab.research.google.com/github/{repo}/blob/{DATA.get('branch', 'main')}/{lec.path}"
        assert badge in text, f"{lec.path}: Colab badge does not point to {badge}"
        assert f"git+https://github.com/{repo}@" in text, f"{lec.path}: setup cell installs from elsewhere"
        others = set(re.findall(r"colab\.research\.google\.com/github/([^/]+/[^/]+)/", text)) - {repo}
        assert not others, f"{lec.path}: badge for another repository {others}"


def git(*args):
    return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True)


def package_tables(ref):
    """pyproject.toml's tables that say what a pip install of the course at git ref ships."""
    project = tomllib.loads(git("show", f"{ref}:pyproject.toml").stdout)
    return project["project"], project["tool"]["setuptools"]


def test_the_setup_cell_installs_a_release_commit_of_main_with_this_trees_package():
    """A notebook opened alone pip-installs the course at course.yml's release_commit. That commit must be in
    this branch's own history (a tag or another branch never reaches the published repository), carry the
    release's version, and ship exactly the package of this tree: a change to utils/ without a new release
    would leave learners on Colab with the old helpers."""
    release, commit = DATA["release"], DATA["release_commit"]
    assert re.fullmatch(r"[0-9a-f]{40}", commit), f"release_commit must be a full commit hash, got {commit!r}"
    assert git("merge-base", "--is-ancestor", commit, "HEAD").returncode == 0, (
        f"release_commit {commit[:7]} is not in this branch's history (a shallow clone? use a full one)"
    )
    project, setuptools_table = package_tables(commit)
    assert project["version"] == release, f"at {commit[:7]} the package is version {project['version']}, not {release}"
    here = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert here["project"] == project and here["tool"]["setuptools"] == setuptools_table, (
        f"pyproject.toml's package tables changed since the release commit {commit[:7]}: make a new release"
    )
    changed = git("diff", "--name-only", commit, "--", "utils", "dudl_course.py").stdout.split()
    assert not changed, (
        f"changed since the release commit {commit[:7]}: {changed}. Bump the version in pyproject.toml, commit, "
        "put that commit in course.yml (release, release_commit) and run python -m tools.stamp (CONTRIBUTING.md)"
    )
    for lec in LECTURES:
        cells = json.loads((ROOT / lec.path).read_text())["cells"]
        setup = next(c for c in cells if "dudl-setup" in c["metadata"].get("tags", []))
        src = "".join(setup["source"])
        assert f'@{commit}"' in src, f"{lec.path}: the setup cell does not install commit {commit[:7]}"
        assert len(src.splitlines()) <= 8, f"{lec.path}: the setup cell grew to {len(src.splitlines())} lines"
        assert "noqa" not in src and "sys.path" not in src, f"{lec.path}: the setup cell shows its machinery"


def test_requirement_files_agree():
    def reqs(path):
        lines = [l.split("#")[0].strip() for l in (ROOT / path).read_text().splitlines()]
        return [l for l in lines if l and not l.startswith("-r")]

    runtime, dev = reqs("requirements.txt"), reqs("requirements-dev.txt")
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_deps = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert "-e ." in pip_deps, "environment.yml must install the course package"
    assert sorted(d for d in pip_deps if not d.startswith("-")) == sorted(runtime + dev)
    # the package's own dependencies are the runtime lower bounds
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert sorted(project["dependencies"]) == sorted(runtime)
    # the lock pins a version of every package, and each pin meets its lower bound
    from packaging.requirements import Requirement
    from packaging.specifiers import SpecifierSet
    from packaging.version import Version

    lock = {}
    for line in (ROOT / "requirements-lock.txt").read_text().splitlines():
        if line and not line.startswith("#"):
            name, version = line.split("==")
            lock[name.lower().replace("_", "-")] = Version(version)
    colab_torch = next(
        l.split("==")[1] for l in (ROOT / "requirements-colab.txt").read_text().splitlines() if l.startswith("torch==")
    )
    torch_bound = next(Requirement(s) for s in runtime if s.startswith("torch"))
    assert torch_bound.specifier == SpecifierSet(f">={colab_torch}"), (
        f"requirements.txt's torch bound ({torch_bound}) must be Colab's torch {colab_torch}, the Colab suite's"
    )
    for spec in runtime + dev:
        req = Requirement(spec)
        name = req.name.lower().replace("_", "-")
        assert name in lock, f"{name} not pinned in requirements-lock.txt"
        assert req.specifier.contains(lock[name]), f"lock pins {name}=={lock[name]}, outside {req.specifier}"
        if spec in runtime:  # Colab's stack must satisfy these: lower bounds only
            assert all(s.operator == ">=" for s in req.specifier), f"{spec}: requirements.txt uses lower bounds only"


def test_lower_bounds_are_the_versions_the_colab_suite_runs():
    """Every lower bound in requirements.txt but torch's is the pin in requirements-colab.txt, so
    `bash course.sh test --colab` is the test that runs it; torch's bound is Colab's, untested here,
    and the README must say so. Python: the environment asks for the only version we test."""
    from packaging.requirements import Requirement

    pins = dict(
        l.split("==")
        for l in (ROOT / "requirements-colab.txt").read_text().splitlines()
        if "==" in l and not l.startswith("#")
    )
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if not line:
            continue
        req = Requirement(line)
        (spec,) = req.specifier
        if req.name == "torch":
            assert f"torch {spec.version}" in (ROOT / "README.md").read_text(), (
                "the README must say that torch's lower bound is untested"
            )
            continue
        assert req.name in pins, f"{req.name} has a lower bound but no pin in requirements-colab.txt"
        assert spec.version == pins[req.name], (
            f"requirements.txt: {line}, but the Colab suite runs {req.name}=={pins[req.name]}"
        )
    deps = yaml.safe_load((ROOT / "environment.yml").read_text())["dependencies"]
    assert "python>=3.11" in deps


@pytest.mark.parametrize("choice", ["cpu", None])
def test_course_sh_installs_the_cpu_build_of_torch_when_asked(tmp_path, choice):
    """`DUDL_TORCH=cpu bash course.sh ...` installs the lock's torch from PyTorch's CPU-only index before the
    lock (on Linux, PyPI's torch is the CUDA build); without it, nothing comes from that index. Runs course.sh
    in a copy whose .venv/bin/python only records how it is called. The README names the same command."""
    for name in ("course.sh", "requirements-lock.txt", "requirements-dev.txt", "requirements.txt", "pyproject.toml"):
        shutil.copy(ROOT / name, tmp_path / name)
    (tmp_path / "tools").mkdir()
    shutil.copy(ROOT / "tools" / "lab_overrides.json", tmp_path / "tools")
    log = tmp_path / "calls.log"
    fake = tmp_path / ".venv" / "bin" / "python"
    fake.parent.mkdir(parents=True)
    fake.write_text(f'#!/bin/sh\necho "$*" >> {log}\n')
    fake.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if k != "DUDL_TORCH"} | ({"DUDL_TORCH": choice} if choice else {})
    subprocess.run(["bash", "course.sh", "env"], cwd=tmp_path, env=env, check=True, capture_output=True)
    pips = [line for line in log.read_text().splitlines() if line.startswith("-m pip install")]
    pin = next(l for l in (ROOT / "requirements-lock.txt").read_text().splitlines() if l.startswith("torch=="))
    cpu = [p for p in pips if "download.pytorch.org/whl/cpu" in p]
    if choice == "cpu":
        assert (
            cpu
            and cpu[0].endswith(pin)
            and pips.index(cpu[0]) < pips.index(next(p for p in pips if "requirements-lock.txt" in p))
        ), pips
        readme = (ROOT / "README.md").read_text()
        assert "DUDL_TORCH=cpu bash course.sh lab" in readme, "the README does not name the CPU install"
    else:
        assert not cpu, pips
