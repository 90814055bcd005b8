"""ruff, configured in pyproject.toml, is clean: lint on every .py file and notebook, format on the .py files."""

import subprocess
import sys

from tools.coursemap import ROOT


def ruff(*args):
    return subprocess.run([sys.executable, "-m", "ruff", *args], cwd=ROOT, capture_output=True, text=True)


def test_lint_is_clean():
    out = ruff("check", "--no-cache", "--output-format", "concise", ".")
    assert out.returncode == 0, "ruff check found problems (run `ruff check --fix .`):\n" + out.stdout + out.stderr


def test_python_files_are_formatted():
    out = ruff("format", "--no-cache", "--check", "--exclude", "*.ipynb", ".")
    assert out.returncode == 0, "files ruff would reformat (run `ruff format`):\n" + out.stdout + out.stderr


def test_the_lint_test_fails_on_an_unused_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("import os\n")
    out = ruff("check", "--no-cache", "--config", str(ROOT / "pyproject.toml"), str(bad))
    assert out.returncode == 1 and "F401" in out.stdout
