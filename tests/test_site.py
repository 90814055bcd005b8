"""The course website: built from the committed notebooks, every lecture page checked in Chromium."""

import time

import pytest

from tests.browser import browser, require_browser, serve
from tools import build_site
from tools.coursemap import load_map

_, LECTURES = load_map()


def plain(text):
    """Undo the typographic quotes the site's Markdown renderer adds (' -> ’)."""
    return text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')


@pytest.fixture(scope="module")
def site():
    require_browser()
    t0 = time.perf_counter()
    html, _ = build_site.build()
    print(f"website build: {time.perf_counter() - t0:.1f} s")
    return html


def test_every_lecture_page_loads_shows_figures_and_links_to_neighbours(site):
    assert (site / "index.html").is_file()
    problems, checked = [], 0
    with serve(site) as base, browser() as b:
        page = b.new_page()
        errors = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("requestfailed", lambda r: errors.append(f"request failed: {r.url}"))
        for i, lec in enumerate(LECTURES):
            errors.clear()
            url = f"{base}/{lec.path[: -len('.ipynb')]}.html"
            resp = page.goto(url, wait_until="load")
            if resp is None or resp.status != 200:
                problems.append(f"{lec.path}: HTTP {resp and resp.status}")
                continue
            title = plain(page.locator("h1").first.inner_text())
            if lec.title not in title:
                problems.append(f"{lec.path}: h1 {title!r}")
            goals = [plain(g) for g in page.locator("li").all_inner_texts()]
            if not any(lec.goals[0][:40] in g for g in goals):
                problems.append(f"{lec.path}: learning goals not shown")
            figures = page.eval_on_selector_all(
                "img", "els => els.filter(e => e.src.includes('_images') && e.complete && e.naturalWidth > 0).length"
            )
            if figures < 1:
                problems.append(f"{lec.path}: no figure rendered")
            hrefs = page.eval_on_selector_all("a", "els => els.map(e => e.getAttribute('href') || '')")
            for j in (i - 1, i + 1):
                if 0 <= j < len(LECTURES):
                    target = LECTURES[j].notebook[: -len(".ipynb")] + ".html"
                    if not any(h.split("#")[0].endswith(target) for h in hrefs):
                        problems.append(f"{lec.path}: no link to neighbour {target}")
            if "Result: " not in page.content():
                problems.append(f"{lec.path}: result line not on the page")
            if errors:
                problems.append(f"{lec.path}: console errors {errors[:3]}")
            checked += 1
    print(f"pages checked in the browser: {checked}")
    assert not problems, "\n".join(problems)
    assert checked == len(LECTURES)
