"""JupyterLab as a learner meets it: a real server, its contents API and kernel, and the page in Chromium."""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

import nbformat
import pytest

from tests.browser import browser, free_port, require_browser
from tools.coursemap import ROOT, load_map

_, LECTURES = load_map()
ARTIFACTS = ROOT / "test-artifacts"
LECTURE_TO_RUN = "math/DUDL_math_derivatives1.ipynb"
LECTURE_TO_VIEW = "ANN/DUDL_ANN_regression.ipynb"


def lab_args(root=ROOT):
    """The JupyterLab options of the README's first command (course.sh lab), for the course in folder root."""
    line = next(l for l in (ROOT / "course.sh").read_text().splitlines() if "jupyter lab" in l)
    return re.findall(r"--[A-Za-z.]+_?[A-Za-z_]*=\S+", line.replace('"$PWD"', str(root)).replace('"$@"', ""))


def start_lab(runtime, env, attempts=5, root=ROOT):
    """Start JupyterLab on a free port; returns (process, base URL, token).

    The port is free when we look and bound by the server a moment later; if another test worker
    took it in between, the server exits and we start again on another port. Its kernels use Unix
    sockets (KernelManager.transport=ipc), so they cannot collide with other workers' kernels."""
    for _ in range(attempts):
        port, token = free_port(), uuid.uuid4().hex
        cmd = [
            sys.executable,
            "-m",
            "jupyterlab",
            *lab_args(root),
            "--no-browser",
            f"--port={port}",
            "--ip=127.0.0.1",
            "--ServerApp.port_retries=0",
            "--KernelManager.transport=ipc",
            f"--IdentityProvider.token={token}",
            "--ServerApp.open_browser=False",
        ]
        if os.geteuid() == 0:
            cmd.append("--allow-root")
        log = open(runtime / "server.log", "w")
        proc = subprocess.Popen(cmd, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT, text=True)
        base = f"http://127.0.0.1:{port}"
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
                return proc, base, token
            except Exception:
                if proc.poll() is not None:
                    break
                time.sleep(0.5)
        else:
            proc.kill()
            pytest.fail("JupyterLab did not start within 60 s")
        if "already in use" not in (runtime / "server.log").read_text():
            pytest.fail(f"JupyterLab exited: {(runtime / 'server.log').read_text()[-2000:]}")
    pytest.fail(f"JupyterLab found no free port in {attempts} attempts")


@pytest.fixture(scope="module")
def server():
    # a short runtime folder: the kernels' Unix socket paths must stay under about 100 characters
    runtime = Path(tempfile.mkdtemp(prefix="dudl-lab", dir="/tmp"))
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(runtime), JUPYTER_CONFIG_DIR=str(runtime / "config"))
    env.pop("PYTHONPATH", None)  # the setup cell must find utils on its own
    # render every cell (no windowing), so that "not visible" below means hidden, not merely not drawn yet
    tracker = runtime / "config" / "lab" / "user-settings" / "@jupyterlab" / "notebook-extension"
    tracker.mkdir(parents=True)
    (tracker / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    # the server serves the repository itself: opening a collapsed section must never be saved into it
    docmanager = tracker.parent / "docmanager-extension"
    docmanager.mkdir()
    (docmanager / "plugin.jupyterlab-settings").write_text(json.dumps({"autosave": False}))
    proc, base, token = start_lab(runtime, env)
    yield base, token
    stop_lab(proc, runtime)


def stop_lab(proc, runtime):
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
    shutil.rmtree(runtime, ignore_errors=True)


def api(base, token, path, method="GET", body=None):
    req = urllib.request.Request(
        f"{base}{path}",
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"token {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read() or b"null")


def test_course_opens_at_its_index(server):
    base, token = server

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *a, **k):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        opener.open(f"{base}/?token={token}", timeout=10)
        location = None
    except urllib.error.HTTPError as e:
        location = e.headers.get("Location")
    assert location and location.split("?")[0].endswith("/lab/tree/index.ipynb")
    index = api(base, token, "/api/contents/index.ipynb")
    links = re.findall(r"\]\(([^)h][^)]*\.ipynb)\)", index["content"]["cells"][0]["source"])
    assert links == [lec.path for lec in LECTURES]


def test_contents_api_lists_every_lecture(server):
    base, token = server
    for folder in sorted({lec.folder for lec in LECTURES}):
        listed = {item["path"] for item in api(base, token, f"/api/contents/{folder}")["content"]}
        expected = {lec.path for lec in LECTURES if lec.folder == folder}
        assert expected <= listed, f"missing in {folder}: {sorted(expected - listed)}"


def test_a_lecture_runs_in_the_servers_kernel(server):
    import websocket  # websocket-client, a jupyter_server dependency

    base, token = server
    session = api(
        base,
        token,
        "/api/sessions",
        "POST",
        {"path": LECTURE_TO_RUN, "type": "notebook", "kernel": {"name": "python3"}},
    )
    kid = session["kernel"]["id"]
    ws = websocket.create_connection(
        f"{base.replace('http', 'ws')}/api/kernels/{kid}/channels?token={token}", timeout=120
    )
    nb = nbformat.read(ROOT / LECTURE_TO_RUN, as_version=4)
    last_output = ""
    try:
        for cell in [c for c in nb.cells if c.cell_type == "code"]:
            msg_id = uuid.uuid4().hex
            ws.send(
                json.dumps(
                    {
                        "header": {
                            "msg_id": msg_id,
                            "username": "test",
                            "session": uuid.uuid4().hex,
                            "msg_type": "execute_request",
                            "version": "5.3",
                        },
                        "parent_header": {},
                        "metadata": {},
                        "channel": "shell",
                        "content": {
                            "code": cell.source,
                            "silent": False,
                            "store_history": True,
                            "user_expressions": {},
                            "allow_stdin": False,
                            "stop_on_error": True,
                        },
                    }
                )
            )
            text = ""
            while True:
                msg = json.loads(ws.recv())
                if msg.get("parent_header", {}).get("msg_id") != msg_id:
                    continue
                kind = msg["header"]["msg_type"]
                assert kind != "error", f"cell failed in the server's kernel: {msg['content'].get('evalue')}"
                if kind == "stream":
                    text += msg["content"]["text"]
                if kind == "status" and msg["content"]["execution_state"] == "idle":
                    break
            if "Result: " in cell.source:  # the result cell (explorations' answers follow it)
                last_output = text
    finally:
        ws.close()
        api(base, token, f"/api/sessions/{session['id']}", "DELETE")
    stored = [c for c in nb.cells if c.cell_type == "code" and "Result: " in c.source][-1].outputs
    assert last_output == "".join(o.get("text", "") for o in stored)
    assert last_output.startswith("Result: ")


def test_a_lecture_renders_in_jupyterlab(server):
    require_browser()
    base, token = server
    lec = next(l for l in LECTURES if l.path == LECTURE_TO_VIEW)
    ARTIFACTS.mkdir(exist_ok=True)
    with browser() as b:
        page = b.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{base}/lab/tree/{lec.path}?token={token}", wait_until="domcontentloaded", timeout=120_000)
        page.locator(".jp-RenderedHTMLCommon h1", has_text=lec.title).first.wait_for(timeout=120_000)
        img = page.locator(".jp-OutputArea-output img").first
        img.wait_for(timeout=60_000)
        img.scroll_into_view_if_needed()
        page.wait_for_timeout(500)
        assert page.evaluate("el => el.naturalWidth", img.element_handle()) > 100
        page.screenshot(path=str(ARTIFACTS / "jupyterlab.png"))
    assert (ARTIFACTS / "jupyterlab.png").stat().st_size > 10_000


CHALLENGE_TO_VIEW = "gradientDescent/DUDL_GradientDescent_codeChallenge_2Dascent.ipynb"
# per cell of the open notebook: is it visible, is it the '## Solution' heading, how many figures it shows
# (only the notebook in the visible tab: JupyterLab may restore the tabs an earlier test opened)
CELLS = """() => [...[...document.querySelectorAll('.jp-NotebookPanel')].find(p => p.checkVisibility())
    .querySelectorAll('.jp-Notebook .jp-Cell')].map(c => ({
    visible: c.checkVisibility(),
    solution: [...c.querySelectorAll('.jp-RenderedMarkdown h2')].some(h => h.textContent.startsWith('Solution')),
    answer: [...c.querySelectorAll('.jp-RenderedMarkdown h4')].some(h => h.textContent.startsWith('Our answer')),
    figures: [...c.querySelectorAll('.jp-OutputArea-output img')].filter(i => i.checkVisibility()).length,
    result: c.checkVisibility() && c.innerText.includes('Result: '),
    text: c.innerText.slice(0, 80)}))"""


def test_a_challenges_solution_is_collapsed_in_jupyterlab(server):
    """A challenge opens in JupyterLab with its task and workspace in sight and every cell of the solution
    (prose, code, numbers, figures) hidden under the collapsed 'Solution' heading; one click opens it."""
    require_browser()
    base, token = server
    lec = next(l for l in LECTURES if l.path == CHALLENGE_TO_VIEW)
    ARTIFACTS.mkdir(exist_ok=True)
    with browser() as b:
        page = b.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{base}/lab/tree/{lec.path}?token={token}", wait_until="domcontentloaded", timeout=120_000)
        page.locator(".jp-RenderedHTMLCommon h1", has_text=lec.title).first.wait_for(timeout=120_000)
        heading = page.locator(".jp-MarkdownCell", has=page.locator("h2", has_text="Solution")).first
        heading.wait_for(timeout=60_000)
        page.wait_for_timeout(500)
        cells = page.evaluate(CELLS)
        at = next(i for i, c in enumerate(cells) if c["solution"])
        solution = cells[at + 1 : -1]
        assert len(solution) >= 3, f"only {len(solution)} cells under the Solution heading"
        assert cells[at]["visible"] and cells[-1]["visible"], "the Solution heading and the footer must show"
        hidden_early = [c["text"] for c in cells[:at] if not c["visible"]]
        assert not hidden_early, f"the task and the workspace must show: {hidden_early[:2]}"
        shown = [c["text"] for c in solution if c["visible"]]
        assert not shown, f"solution cells visible before opening: {shown[:2]}"
        heading.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / "challenge-jupyterlab-before.png"))
        heading.locator(".jp-showHiddenCellsButton").click()  # "+ 10 cells hidden"
        page.wait_for_timeout(500)
        cells = page.evaluate(CELLS)
        solution = cells[at + 1 : -1]
        # opened: everything up to the first exploration's answer, which stays collapsed until opened in turn
        first_answer = next((i for i, c in enumerate(solution) if c["answer"]), len(solution) - 1)
        assert all(c["visible"] for c in solution[: first_answer + 1]), "solution cells still hidden after opening"
        assert not solution[first_answer + 1]["visible"], "an exploration's answer shows before it is opened"
        assert sum(c["figures"] for c in solution) >= 1, "no solution figure after opening"
        assert any(c["result"] for c in solution), "the result line does not show after opening"
        page.screenshot(path=str(ARTIFACTS / "challenge-jupyterlab-after.png"))


READ = ["ANN/DUDL_ANN_regression.ipynb", "math/DUDL_math_derivatives1.ipynb", CHALLENGE_TO_VIEW]


def test_reading_three_lectures_with_autosave_on_leaves_git_status_clean(tmp_path):
    """A learner opens three notebooks in `course.sh lab` and reads past the autosave interval (5 s here,
    JupyterLab's default is 120 s): no file of the clone may change, and no news toast covers the page.
    Without tools/lab_config.py, JupyterLab saves each open notebook with the kernel's full language_info."""
    require_browser()
    clone = tmp_path / "course"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
    runtime = Path(tempfile.mkdtemp(prefix="dudl-read", dir="/tmp"))  # short: kernels' socket paths
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(runtime), JUPYTER_CONFIG_DIR=str(runtime / "config"))
    env.pop("PYTHONPATH", None)
    settings = runtime / "config" / "lab" / "user-settings" / "@jupyterlab" / "docmanager-extension"
    settings.mkdir(parents=True)
    (settings / "plugin.jupyterlab-settings").write_text(json.dumps({"autosave": True, "autosaveInterval": 5}))
    proc, base, token = start_lab(runtime, env, root=clone)
    try:
        with browser() as b:
            page = b.new_page(viewport={"width": 1280, "height": 900})
            for rel in READ:
                page.goto(f"{base}/lab/tree/{rel}?token={token}", wait_until="domcontentloaded", timeout=120_000)
                page.locator(".jp-RenderedHTMLCommon h1:visible").first.wait_for(timeout=120_000)
            for _ in range(90):  # until autosave has saved each of them (kernels start one after another)
                saved = {rel for rel in READ if f"Saving file at /{rel}" in (runtime / "server.log").read_text()}
                if saved == set(READ):
                    break
                page.wait_for_timeout(1000)
            page.wait_for_timeout(6_000)  # and one interval more
            toasts = page.locator(".Toastify__toast").all_inner_texts()
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "reading-jupyterlab.png"))
    finally:
        stop_lab(proc, runtime)
    status = subprocess.run(["git", "-C", str(clone), "status", "--porcelain"], capture_output=True, text=True).stdout
    # each one saved, normally; on a loaded machine a kernel may start too late for its save: one is enough
    assert saved, "autosave saved none of the notebooks: the test did not reach a save"
    assert status == "", f"reading changed the repository:\n{status}"
    assert not any("news" in t for t in toasts), f"a toast covers the page: {toasts}"
