"""Headless Chromium for the browser tests (Debian's chromium, driven by Playwright)."""

import contextlib
import functools
import http.server
import os
import shutil
import socket
import threading

import pytest

CHROMIUM = os.environ.get("DUDL_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def require_browser():
    """Skip when no Chromium is installed, unless DUDL_REQUIRE_BROWSER=1 (CI), where that is a failure."""
    if not os.path.exists(CHROMIUM):
        msg = f"Chromium not found at {CHROMIUM}: apt-get install chromium (course.sh test does this as root)"
        if os.environ.get("DUDL_REQUIRE_BROWSER") == "1":
            pytest.fail(msg)
        pytest.skip(msg)
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        pytest.fail("playwright is not installed: pip install -r requirements-lock.txt")


@contextlib.contextmanager
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            yield b
        finally:
            b.close()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve(directory):
    """Serve a folder over HTTP on localhost; yields the base URL."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(directory))
    # port 0: the OS picks a free port and the server holds it from that moment (no window for a race)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
