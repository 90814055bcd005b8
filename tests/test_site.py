"""The course website: built from the committed notebooks, every lecture page checked in Chromium."""

import time

import pytest

from tests.browser import browser, require_browser, serve
from tools import build_site
from tools.coursemap import ROOT, load_map

_, LECTURES = load_map()
ARTIFACTS = ROOT / "test-artifacts"


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


CHALLENGE = "gradientDescent/DUDL_GradientDescent_codeChallenge_2Dascent.ipynb"
SHOWN = """sel => [...document.querySelectorAll(sel)].filter(e => e.checkVisibility()).map(e => e.tagName + ': '
    + (e.innerText || e.getAttribute('src') || '').slice(0, 60))"""


def test_a_challenges_solution_is_hidden_until_the_reader_opens_it(site):
    """On a challenge's page nothing of the solution (prose, code, numbers, figures) is visible before
    'Show the solution' is pressed; after it, its figures and its result line are."""
    ARTIFACTS.mkdir(exist_ok=True)
    stem = CHALLENGE[: -len(".ipynb")]
    with serve(site) as base, browser() as b:
        page = b.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{base}/{stem}.html", wait_until="load")
        assert page.locator("section#solution").count() == 1, "the page has no section under a 'Solution' heading"
        inside = "section#solution > :not(h2):not(.dudl-toggle)"
        assert page.eval_on_selector_all(inside, "els => els.length") > 0
        shown = page.evaluate(SHOWN, inside)
        assert shown == [], f"solution visible before it was opened: {shown[:3]}"
        assert page.evaluate(SHOWN, "section#solution img") == []
        assert not page.get_by_text("Result: ").first.is_visible()
        assert page.locator("section#your-task").is_visible() and page.locator("section#your-workspace").is_visible()
        page.locator("section#solution > h2").scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / "challenge-site-before.png"))
        page.get_by_role("button", name="Show the solution").click()
        assert len(page.evaluate(SHOWN, "section#solution img")) >= 1, "no solution figure after opening"
        assert page.get_by_text("Result: ").first.is_visible()
        page.locator("section#solution > h2").scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / "challenge-site-after.png"))
        page.get_by_role("button", name="Hide the solution").click()
        assert page.evaluate(SHOWN, inside) == []


# per page: visible text that is machinery, figures without a real alt text, code boxes cut at their edge
MACHINERY = """() => {
    const text = document.body.innerText;
    const marks = ["NBVAL", "#@title", "Course setup", "dudl_course", "importlib.util"].filter(m => text.includes(m));
    const figures = [...document.querySelectorAll("img")]
        .filter(i => i.src.includes("_images/") && !i.src.endsWith(".svg"));
    const noAlt = figures.filter(i => !i.alt || i.alt.endsWith(".png") || i.alt.length < 20).map(i => i.src.slice(-20));
    const cut = [...document.querySelectorAll("div.cell pre")].filter(p => p.scrollWidth > p.clientWidth + 1)
        .map(p => p.innerText.split("\\n").sort((a, b) => b.length - a.length)[0].slice(0, 60));
    return {marks, figures: figures.length, noAlt, cut};
}"""


def test_pages_show_the_lesson_not_the_machinery(site):
    """No setup cell, test marker or Colab form title on any page; every figure has the alt text its notebook
    stored (what it shows); no code line is cut off at the code column's edge (long lines wrap)."""
    problems, figures = [], 0
    with serve(site) as base, browser() as b:
        page = b.new_page(viewport={"width": 1280, "height": 900})
        for lec in LECTURES:
            page.goto(f"{base}/{lec.path[: -len('.ipynb')]}.html", wait_until="load")
            for button in page.locator("button.dudl-toggle").all():  # hidden parts are checked too
                button.click()
            found = page.evaluate(MACHINERY)
            figures += found["figures"]
            if found["marks"]:
                problems.append(f"{lec.path}: shows {found['marks']}")
            if found["noAlt"]:
                problems.append(f"{lec.path}: {len(found['noAlt'])} figure(s) without alt text")
            if found["cut"]:
                problems.append(f"{lec.path}: {len(found['cut'])} code box(es) cut off, e.g. {found['cut'][0]!r}")
    print(f"figures checked: {figures}")
    assert figures > len(LECTURES), "the pages show fewer figures than lectures: did the selector break?"
    assert not problems, "\n".join(problems)


def test_an_explorations_answer_is_hidden_until_the_reader_opens_it(site):
    """A lecture's first exploration shows its prompt; its answer (prose, code, numbers, figures) shows only after
    'Show our answer' is pressed, and hides again after 'Hide our answer'."""
    import json

    rel = next(
        lec.path
        for lec in LECTURES
        if not lec.challenge
        and any(
            "".join(c["source"]).strip() == "#### Our answer"
            for c in json.loads((ROOT / lec.path).read_text())["cells"]
        )
    )
    with serve(site) as base, browser() as b:
        page = b.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{base}/{rel[: -len('.ipynb')]}.html", wait_until="load")
        answer = page.locator("section:has(> h4:text-is('Our answer'))").first
        prompt = page.locator("section:has(> h3:has-text('Exploration 1'))").first
        assert prompt.is_visible()
        inside = answer.locator(":scope > :not(h4):not(.dudl-toggle)")
        assert inside.count() > 0, "the answer section is empty"
        assert not any(e.is_visible() for e in inside.all()), "the answer shows before it was asked for"
        answer.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / "answer-site-before.png"))
        answer.get_by_role("button", name="Show our answer").click()
        assert all(e.is_visible() for e in inside.all()), "the answer is still hidden after the click"
        page.screenshot(path=str(ARTIFACTS / "answer-site-after.png"))
        answer.get_by_role("button", name="Hide our answer").click()
        assert not any(e.is_visible() for e in inside.all())
