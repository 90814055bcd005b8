"""Find numbers in a notebook's prose that its own run did not produce.

    python -m tools.prose_check                       # every notebook in course.yml
    python -m tools.prose_check ANN/DUDL_ANN_regression.ipynb [...]

A number quoted in a markdown cell (the stamped header and footer aside) stands only if
  * the notebook's text outputs print it, at the precision the text writes it
    ("0.87" stands for a printed 0.8712, "87 %" for a printed 0.871, "1.2e-07" and
    "$1.2 \\times 10^{-7}$" for a printed 1.23e-07), or
  * its code cells contain it as written (a set-up constant: 401 points, 1,000 epochs, 0.01), or
  * it is a whole number from 0 to 10 (counts, axes, "two layers"), a course item number after
    "lecture" or "item", or
  * tests/prose_allowed.yml lists it for that notebook, with the reason.
Inline code (`lr = 0.3`) and the explorations' prompts (the text after an "Explorations" heading in its
cell, and each "### Exploration N" cell) propose what to try and are not checked; their answers are.
Rounding may not hide an exception: a text that says 100 % (or 0 %) needs a value printed as exactly
100 % (or 0) at the text's precision or finer, not a 99.75 % that rounds to it. "A third",
"two thirds", "a quarter" and "three quarters" need a printed value within 0.01 of that fraction
(or within 1 point as a percent).
"""

import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

from tools.coursemap import ROOT, load_map

ALLOWED_FILE = ROOT / "tests" / "prose_allowed.yml"
STAMPED = ("dudl-header", "dudl-footer")

# a number as people write it: 1,000 / 0.871 / 1.2e-07 / .5, optionally followed by a percent sign
NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][-+]?\d+)?|\.\d+"
NUMBER = re.compile(rf"(?<![\w.])({NUM})(\s*(?:%|\\%|percent))?")
LATEX_POWER = re.compile(rf"(?<![\w.])(?:({NUM})\s*(?:\\times|\\cdot|×)\s*)?10\^\{{?(-?\s*\d+)\}}?")
ITEM_REF = re.compile(r"\b(?:[Ll]ectures?|[Ii]tems?|[Cc]ode challenges?)\s+\d+(?:\s*(?:,|and|or|to|&|–|-)\s*\d+)*")
WORD_FRACTIONS = {
    "a third": 1 / 3,
    "one third": 1 / 3,
    "two thirds": 2 / 3,
    "a quarter": 0.25,
    "one quarter": 0.25,
    "three quarters": 0.75,
}
WORDS = re.compile(r"\b(" + "|".join(WORD_FRACTIONS) + r")\b", re.IGNORECASE)
# not prose: comments, link targets, HTML tags, addresses, and inline code (code a learner types)
STRIP = [
    re.compile(p) for p in (r"<!--.*?-->", r"\]\([^)]*\)", r"<[^>]+>", r"https?://\S+", r"!\[[^\]]*\]", r"`[^`]*`")
]
EXPLORATIONS = re.compile(r"^\s*#+\s*Explorations", re.M)
PROMPT = re.compile(r"\s*#+\s*Exploration\s+\d+")  # a cell '### Exploration 2: ...' holds one prompt


@dataclass
class Quote:
    text: str  # as written
    value: float  # as a plain number (a percent stays in percent: "87 %" is 87)
    tol: float  # half a unit in the last written digit
    percent: bool


@dataclass
class Problem:
    notebook: str
    cell: int  # index among all cells
    quote: str
    context: str

    def __str__(self):
        return f'{self.notebook} cell {self.cell}: {self.quote!r} in "{self.context}"'


def _plain(s):
    return float(s.replace(",", ""))


def _tol(s):
    """Half a unit of the last digit written: '0.87' -> 0.005, '1.2e-07' -> 0.05e-07, '400' -> 0.5."""
    s = s.replace(",", "")
    mant, _, exp = s.lower().partition("e")
    decimals = len(mant.split(".")[1]) if "." in mant else 0
    return 0.5 * 10.0 ** (-decimals) * 10.0 ** int(exp or 0)


def quotes(md):
    """Every number quoted in a markdown text, with the precision it is written at."""
    for rx in STRIP:
        md = rx.sub(" ", md)
    md = ITEM_REF.sub(" ", md)
    md = re.sub(r"^\s*(?:\d+\.|[-*])\s+", " ", md, flags=re.M)  # list markers
    out = []

    def power(m):
        mant, exp = m.group(1) or "1", int(m.group(2).replace(" ", ""))
        out.append(Quote(m.group(0), _plain(mant) * 10.0**exp, _tol(mant) * 10.0**exp, False))
        return " "

    md = LATEX_POWER.sub(power, md)
    for m in NUMBER.finditer(md):
        s = m.group(1)
        out.append(Quote(m.group(0).strip(), _plain(s), _tol(s), bool(m.group(2))))
    return out, md


def printed_numbers(nb):
    """The numbers in a notebook's text outputs, each with the precision it was printed at."""
    vals = []
    for cell in nb["cells"]:
        for o in cell.get("outputs", []) if cell["cell_type"] == "code" else []:
            if o.get("output_type") == "stream":
                text = o.get("text", "")
            elif o.get("output_type") in ("execute_result", "display_data"):
                text = o.get("data", {}).get("text/plain", "")
            else:
                continue
            text = "".join(text) if isinstance(text, list) else text
            for m in re.finditer(rf"(?<![\w.])({NUM})", text):
                vals.append((_plain(m.group(1)), _tol(m.group(1))))
    return vals


def code_numbers(nb):
    vals = set()
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            src = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            for m in re.finditer(r"(?<![\w.])(\d+(?:_\d{3})+|\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|\.\d+)", src):
                vals.add(float(m.group(1).replace("_", "")))
    return vals


def _close(a, b):
    """Equal up to float error, relative only: 0 is not close to 2e-15."""
    return abs(a - b) <= 1e-9 * max(abs(a), abs(b))


def stands(q, printed, code):
    """Whether one quoted number is backed by the run, the code or the rules above."""
    x = q.value
    scales = (1.0, 100.0) if q.percent else (1.0, 100.0, 0.01)
    if q.percent and (_close(x, 100) or _close(x, 0)):  # 100 % must be exact, not rounded
        return any(_close(v * s, x) and tol * s <= q.tol * (1 + 1e-9) for v, tol in printed for s in scales)
    if x == int(x) and 0 <= x <= 10 and not q.percent:
        return True
    if any(_close(c * s, x) for c in code for s in scales):
        return True
    return any(abs(v * s - x) <= q.tol * (1 + 1e-9) for v, _ in printed for s in scales)


def allow_keys(quote):
    """How an allowlist may name a quoted number: as written, or without its percent sign."""
    return {quote, re.sub(r"\s*(\\?%|percent)$", "", quote)}


def check_notebook(rel, allowed=None, nb=None):
    """(problems, how many numbers were checked) for one notebook (read from disk unless nb is given)."""
    nb = json.loads((ROOT / rel).read_text()) if nb is None else nb
    printed, code = printed_numbers(nb), code_numbers(nb)
    allowed = {str(k) for k in (allowed or {})}
    problems, n = [], 0
    for i, cell in enumerate(nb["cells"]):
        tags = cell.get("metadata", {}).get("tags", [])
        if cell["cell_type"] != "markdown" or any(t in tags for t in STAMPED):
            continue
        src = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        src = EXPLORATIONS.split(src)[0]  # explorations propose values to try; they report nothing
        if PROMPT.match(src):  # nor does an exploration's prompt; its answer (the cells after it) is checked
            continue
        found, cleaned = quotes(src)
        for q in found:
            n += 1
            if allow_keys(q.text) & allowed:
                continue
            if not stands(q, printed, code):
                problems.append(Problem(rel, i, q.text, _context(src, q.text)))
        for m in WORDS.finditer(cleaned):
            n += 1
            f = WORD_FRACTIONS[m.group(1).lower()]
            if m.group(1) in allowed:
                continue
            if not any(abs(v - f) <= 0.01 or abs(v - 100 * f) <= 1 for v, _ in printed):
                problems.append(Problem(rel, i, m.group(1), _context(src, m.group(1))))
    return problems, n


def _context(src, needle, width=50):
    flat = " ".join(src.split())
    k = flat.find(needle)
    return flat[max(0, k - width) : k + len(needle) + width] if k >= 0 else flat[: 2 * width]


def load_allowed():
    return yaml.safe_load(ALLOWED_FILE.read_text()) or {}


def course_notebooks():
    return [lec.path for lec in load_map()[1]]


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    allowed = load_allowed()
    paths = argv or course_notebooks()
    total, bad = 0, []
    for rel in paths:
        key = next((p for p in course_notebooks() if Path(p).name == Path(rel).name), rel)  # also for a draft in /tmp
        problems, n = check_notebook(rel, allowed.get(key))
        total += n
        bad += problems
    for p in bad:
        print(p)
    print(f"{total} numbers quoted in the prose of {len(paths)} notebooks; {len(bad)} not produced by their run")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
