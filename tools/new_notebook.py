"""Create a lecture notebook skeleton for an entry of course.yml (then write the body).

python -m tools.new_notebook ANN/DUDL_ANN_regression.ipynb
"""

import sys

import nbformat

from tools import stamp
from tools.coursemap import ROOT, load_map

BODY = [
    ("markdown", "## The idea\n\n(Explain the idea in plain words and math.)"),
    ("code", "import matplotlib.pyplot as plt\nimport numpy as np\nimport torch"),
    ("markdown", "## What we observed, and why\n\n(Describe what the code computed and explain it.)"),
    (
        "code",
        "# The lecture's finding, stated robustly (rounded or as a comparison); the tests compare it.\n"
        'print("Result: ...")',
    ),
    ("markdown", "## Explorations"),
    ("markdown", "### Exploration 1: (a short title)\n\n(Something to try, and what to look for.)"),
    ("markdown", "#### Our answer"),
    ("markdown", "(Our answer: the code that settles it, its printout or figure, and why.)"),
]


def main(rel):
    data, lectures = load_map()
    idx = next((i for i, lec in enumerate(lectures) if lec.path == rel), None)
    if idx is None:
        raise SystemExit(f"{rel} is not in course.yml.")
    path = ROOT / rel
    if path.exists():
        raise SystemExit(f"{rel} exists already.")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(s) if k == "markdown" else nbformat.v4.new_code_cell(s) for k, s in BODY]
    stamp.stamp_notebook(nb, data, lectures, idx)
    path.parent.mkdir(exist_ok=True)
    nbformat.write(nb, path)
    print(f"created {rel}")


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        main(arg)
