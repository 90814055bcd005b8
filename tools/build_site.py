"""Build the course website from the committed, executed notebooks (no re-execution, offline).

    bash course.sh site          (or: python -m tools.build_site)
    -> _build/html/index.html    open it in a browser, or: python -m http.server -d _build/html

Uses Jupyter Book 1 with a table of contents generated from course.yml (sections in
syllabus order, one page per lecture) and MathJax served from the site itself, so the
pages need no network. The pages show the lesson, not the machinery: they are built from copies
of the notebooks without the setup cell, without test markers and without Colab's form titles
(stage), every figure gets the alt text its notebook stored with it (add_alt_text), and a
challenge's solution and every exploration's answer stay hidden behind a button
(assets/site/solution.js).
"""

import base64
import hashlib
import html as htmlmod
import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import yaml

from tools.coursemap import ROOT, load_map

BUILD = ROOT / "_build"
SCAFFOLDING = re.compile(r"^[ \t]*(# NBVAL_CHECK_OUTPUT|#@title\b.*)[ \t]*\n?", re.M)


def stage(pages):
    """Copy what the site shows into folder pages: the index, the assets, and each lecture without
    its setup cell (tagged dudl-setup) and with its code cells' scaffolding lines removed."""
    data, lectures = load_map()
    if pages.exists():
        shutil.rmtree(pages)
    shutil.copytree(ROOT / "assets", pages / "assets")
    shutil.copy(ROOT / "index.ipynb", pages / "index.ipynb")
    for lec in lectures:
        nb = json.loads((ROOT / lec.path).read_text())
        nb["cells"] = [c for c in nb["cells"] if "dudl-setup" not in c.get("metadata", {}).get("tags", [])]
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                src = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
                cell["source"] = SCAFFOLDING.sub("", src)
        (pages / lec.folder).mkdir(parents=True, exist_ok=True)
        (pages / lec.path).write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")
    return pages


def figure_alt_texts():
    """{sha256 of a figure's PNG bytes (the site's image file name): its alt text} over all notebooks."""
    alts = {}
    for lec in load_map()[1]:
        for cell in json.loads((ROOT / lec.path).read_text())["cells"]:
            for out in cell.get("outputs", []):
                png = out.get("data", {}).get("image/png")
                alt = out.get("metadata", {}).get("image/png", {}).get("alt")
                if png and alt:
                    png = "".join(png) if isinstance(png, list) else png
                    alts[hashlib.sha256(base64.b64decode(png)).hexdigest()] = alt
    return alts


def add_alt_text(html):
    """Give every figure the alt text stored with it (MyST-NB writes the image's file path as its alt)."""
    alts = figure_alt_texts()
    pattern = re.compile(r'<img alt="[^"]*?([0-9a-f]{64})\.png"')
    for page in html.rglob("*.html"):
        text = page.read_text()
        new = pattern.sub(
            lambda m: f'<img alt="{htmlmod.escape(alts[m.group(1)])}"' if m.group(1) in alts else m.group(0), text
        )
        if new != text:
            page.write_text(new)


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
    for name in ("solution.js", "solution.css"):  # a challenge's solution hidden behind a button
        shutil.copy(ROOT / "assets" / "site" / name, static / name)
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
                "html_js_files": ["solution.js"],
                "html_css_files": ["solution.css"],
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
    pages = stage(BUILD / "pages")
    cmd = [
        str(jb),
        "build",
        str(pages),
        "--config",
        str(cfg),
        "--toc",
        str(toc),
        "--path-output",
        str(BUILD / "site"),
        "--quiet",
    ]
    subprocess.run(cmd, check=True, cwd=pages)
    shutil.move(str(BUILD / "site" / "_build" / "html"), html)
    strip_thebe(html)
    add_alt_text(html)
    secs = time.perf_counter() - t0
    print(f"website built in {secs:.1f} s: {html / 'index.html'}")
    return html, secs


if __name__ == "__main__":
    build()
