"""Build the course website from the committed, executed notebooks (no re-execution, offline).

    bash course.sh site          (or: python -m tools.build_site)
    -> _build/html/index.html    open it in a browser, or: python -m http.server -d _build/html

Uses Jupyter Book 1 with a table of contents generated from course.yml (sections in
syllabus order, one page per lecture) and MathJax served from the site itself, so the
pages need no network.
"""

import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import yaml

from tools.coursemap import ROOT, load_map

BUILD = ROOT / "_build"


def mathjax_dir():
    """MathJax 3 (es5 bundle) from the django-static-mathjax wheel: plain static files."""
    import importlib.util

    spec = importlib.util.find_spec("mathjax")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("MathJax files not found: pip install django-static-mathjax (listed in requirements-dev.txt)")
    path = Path(list(spec.submodule_search_locations)[0]) / "static" / "mathjax" / "es5"
    if not (path / "tex-chtml.js").is_file():
        raise SystemExit(f"{path}/tex-chtml.js missing; reinstall django-static-mathjax")
    return path


def write_config(cfg_dir):
    data, lectures = load_map()
    cfg_dir.mkdir(parents=True, exist_ok=True)
    static = cfg_dir / "static"
    if static.exists():
        shutil.rmtree(static)
    shutil.copytree(mathjax_dir(), static / "mathjax")
    toc = {"format": "jb-book", "root": "index", "parts": []}
    for section in data["sections"]:
        toc["parts"].append(
            {
                "caption": section["title"],
                "chapters": [
                    {"file": f"{section['folder']}/{lec['notebook'][: -len('.ipynb')]}"} for lec in section["lectures"]
                ],
            }
        )
    config = {
        "title": "Deep learning foundations, in PyTorch",
        "author": "The course authors",
        "only_build_toc_files": True,
        "exclude_patterns": [".venv", "_build", "tests", "tools", "utils", "**/.ipynb_checkpoints"],
        "execute": {"execute_notebooks": "off"},
        "html": {"use_repository_button": False, "use_issues_button": False, "home_page_in_navbar": True},
        "launch_buttons": {"notebook_interface": "classic", "binderhub_url": "", "colab_url": ""},
        "sphinx": {
            "config": {
                "html_static_path": [str(static)],
                "mathjax_path": "mathjax/tex-chtml.js",
                "html_show_copyright": False,
                "html_favicon": str(ROOT / "assets" / "favicon.svg"),
                "html_context": {"default_mode": "light"},
                "suppress_warnings": ["myst.header", "mystnb.unknown_mime_type"],
            }
        },
    }
    (cfg_dir / "_toc.yml").write_text(yaml.safe_dump(toc, sort_keys=False))
    (cfg_dir / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    return cfg_dir / "_config.yml", cfg_dir / "_toc.yml"


def strip_thebe(html):
    """Drop sphinx-thebe's inline config script: the site runs no live kernels, and with jupyter-book 1.0.4
    the script is emitted twice per page, a console error ("THEBE_JS_URL has already been declared")."""
    pattern = re.compile(r"<script>const THEBE_JS_URL = [^<]*</script>")
    for page in html.rglob("*.html"):
        text = page.read_text()
        new = pattern.sub("", text)
        if new != text:
            page.write_text(new)


def build():
    t0 = time.perf_counter()
    cfg, toc = write_config(BUILD / "site-config")
    html = BUILD / "html"
    if html.exists():
        shutil.rmtree(html)
    jb = Path(sys.executable).with_name("jupyter-book")
    cmd = [
        str(jb),
        "build",
        str(ROOT),
        "--config",
        str(cfg),
        "--toc",
        str(toc),
        "--path-output",
        str(BUILD / "site"),
        "--quiet",
    ]
    subprocess.run(cmd, check=True, cwd=ROOT)
    shutil.move(str(BUILD / "site" / "_build" / "html"), html)
    strip_thebe(html)
    secs = time.perf_counter() - t0
    print(f"website built in {secs:.1f} s: {html / 'index.html'}")
    return html, secs


if __name__ == "__main__":
    build()
