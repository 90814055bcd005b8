"""Every number a learner reads in a notebook's prose is one the notebook's own run produced.

tools/prose_check.py finds each number quoted in a markdown cell among the notebook's text outputs (at
the precision written), its code, or the short per-notebook list in tests/prose_allowed.yml. The tests
below run it on every notebook, keep the allowlist honest, and show on the real notebooks that the
mistakes a review found (issue 10) would fail it if they were put back.
"""

import copy
import json
import re

import pytest
import yaml

from tools import prose_check as pc
from tools.coursemap import ROOT, load_map

_, LECTURES = load_map()
ALLOWED = pc.load_allowed()


@pytest.mark.parametrize("rel", [lec.path for lec in LECTURES])
def test_every_number_in_the_prose_was_produced_by_the_run(rel):
    problems, _ = pc.check_notebook(rel, ALLOWED.get(rel))
    assert not problems, (
        "numbers in the text that the run did not print (fix the text, print the value, "
        "or list a set-up constant in tests/prose_allowed.yml with its reason):\n" + "\n".join(map(str, problems))
    )


def test_the_checker_checks_the_whole_course():
    total = sum(pc.check_notebook(lec.path, ALLOWED.get(lec.path))[1] for lec in LECTURES)
    assert total > 1500, f"only {total} numbers checked: is the checker skipping the prose?"
    assert pc.course_notebooks() == [lec.path for lec in LECTURES]


def test_the_allowlist_is_short_explained_and_used():
    raw = yaml.safe_load((ROOT / "tests" / "prose_allowed.yml").read_text()) or {}
    paths = {lec.path for lec in LECTURES}
    for rel, entries in raw.items():
        assert rel in paths, f"tests/prose_allowed.yml names {rel}, which is not a lecture in course.yml"
        assert len(entries) <= 8, f"{rel}: {len(entries)} allowed numbers; print them from the run instead"
        nb = json.loads((ROOT / rel).read_text())
        for value, reason in entries.items():
            assert isinstance(reason, str) and len(reason) > 10, f"{rel}: {value!r} needs a reason"
            # each entry must be needed: without it the checker flags that number
            rest = {k: v for k, v in entries.items() if k != value}
            flagged = set().union(*[pc.allow_keys(p.quote) for p in pc.check_notebook(rel, rest, nb)[0]])
            assert str(value) in flagged, f"{rel}: {value!r} is allowed but the text no longer needs it; remove it"


def _with_sentence(rel, sentence):
    """The stored notebook with one more markdown cell, as if a sentence were put back."""
    nb = copy.deepcopy(json.loads((ROOT / rel).read_text()))
    nb["cells"].insert(len(nb["cells"]) - 1, {"cell_type": "markdown", "metadata": {}, "source": sentence})
    return nb


def _flags(rel, sentence):
    problems, _ = pc.check_notebook(rel, ALLOWED.get(rel), _with_sentence(rel, sentence))
    return {p.quote for p in problems}


# the review's examples (issue 10), each put back into its own notebook: the checker must flag it
@pytest.mark.parametrize(
    "rel, sentence, must_flag",
    [
        (
            "ANN/DUDL_ANN_regression.ipynb",
            "On fresh samples the straight line wins clearly, MSE 2.0741 against 2.0742.",
            {"2.0741", "2.0742"},
        ),
        (
            "ANN/DUDL_ANN_regression.ipynb",
            "Of 100 restarts, 2.0743 ended with a loss at the variance of $y$ (2.0744).",
            {"2.0743", "2.0744"},
        ),
        (
            "ANN/DUDL_ANN_learningrates.ipynb",
            "It reproduced the loss curve to within $8.9 \\times 10^{-8}$.",
            {"8.9 \\times 10^{-8}"},
        ),
        (
            "math/DUDL_math_derivatives1.ipynb",
            "The sign of $f'$ predicts the direction of change at 100% of the 401 points.",
            {"100%"},
        ),
        (
            "regularization/DUDL_regular_weightMath.ipynb",
            "With $\\lambda = 0.5$, L2 scales the weights down by a third.",
            {"a third"},
        ),
        # found by the challenges' reader: this notebook prints only a bound, and its code holds a 0
        (
            "gradientDescent/DUDL_GradientDescent_codeChallenge_2Dascent.ipynb",
            "The gradient at the end point is about $2 \\times 10^{-15}$.",
            {"2 \\times 10^{-15}"},
        ),
    ],
)
def test_a_reviewed_mistake_put_back_fails(rel, sentence, must_flag):
    flagged = _flags(rel, sentence)
    assert must_flag <= flagged, f"{rel}: the checker let {sorted(must_flag - flagged)} through"


def test_rounding_at_the_precision_written():
    nb = {
        "cells": [
            {
                "cell_type": "code",
                "source": "n = 401\nlr = 0.01\nepochs = 1_000\nstart = 0\n",
                "outputs": [
                    {
                        "output_type": "stream",
                        "name": "stdout",
                        "text": "r = 0.8712, accuracy 0.9975, gap 1.23e-07, loss 43.2\n",
                    }
                ],
            },
            {"cell_type": "markdown", "metadata": {}, "source": ""},
        ]
    }

    def flagged(text):
        nb["cells"][1]["source"] = text
        return [p.quote for p in pc.check_notebook("x.ipynb", {}, nb)[0]]

    assert flagged("r is about 0.87 over 401 points, 1,000 epochs at rate 0.01") == []
    assert flagged("r is about 0.88") == ["0.88"]  # wrong in the second decimal
    assert flagged("r = 0.8713") == ["0.8713"]  # more digits than were printed
    assert flagged("a gap of 1.2e-07, or $1.2 \\times 10^{-7}$") == []
    assert flagged("a gap of $1.3 \\times 10^{-7}$") == ["1.3 \\times 10^{-7}"]
    assert flagged("a gradient of $2 \\times 10^{-15}$, or 3e-16") == ["2 \\times 10^{-15}", "3e-16"]  # not "0"
    assert flagged("accuracy 99.75 %, or 99.8 %, or 0.998") == []  # percent and fraction are one value
    assert flagged("accuracy 100 %") == ["100 %"]  # rounding may not hide the exception
    assert flagged("the loss stayed near 43 but reached 44") == ["44"]
    assert flagged("the weight shrank by a third") == ["a third"]
    assert flagged("see lectures 32 and 38, item 10") == []  # course item numbers
    assert flagged("try `lr = 0.37`\n\n## Explorations\n\n1. Train for 5,000 epochs.") == []
    assert flagged("### Exploration 2: longer\n\nTrain for 5,000 epochs at rate 0.37.") == []  # a prompt proposes
    assert flagged("After 5,000 epochs the loss was 0.37.") == ["5,000", "0.37"]  # an answer reports: checked


@pytest.mark.parametrize("rel", [lec.path for lec in LECTURES])
def test_the_text_cites_nothing_a_learner_cannot_see(rel):
    # learners have the notebooks, not the study notes the map was built from: a notebook says what the
    # original course showed, and its stamped footer names that course
    nb = json.loads((ROOT / rel).read_text())
    cells = [(i, "".join(c["source"])) for i, c in enumerate(nb["cells"])]
    cited = [i for i, src in cells if "syllabus" in src.lower()]
    assert not cited, f"{rel}: cells {cited} cite 'the syllabus', which a learner does not have"
    assert "A deep understanding of deep learning" in cells[-1][1], (
        f"{rel}: the footer does not name the course it follows"
    )


def _printed(rel):
    nb = json.loads((ROOT / rel).read_text())
    return "".join(
        "".join(o.get("text", "")) for c in nb["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])
    )


def test_a_number_quoted_from_another_lecture_is_what_that_lecture_prints():
    # Seq2class compares its rerun with the multilayer lecture's 2-16-1-1 result, written into its code
    # as constants: a re-run of multilayer that changes them must fail here, not leave the comparison stale
    code = "".join(
        "".join(c["source"])
        for c in json.loads((ROOT / "ANN/DUDL_ANN_codeChallengeSeq2class.ipynb").read_text())["cells"]
        if c["cell_type"] == "code"
    )
    quoted = re.search(r"seq_acc, seq_share = ([\d.]+), ([\d.]+)", code)
    assert quoted, "Seq2class no longer states the multilayer lecture's numbers as seq_acc, seq_share"
    printed = re.search(r"2-16-1-1: mean accuracy ([\d.]+) %, share of runs above 70 %: ([\d.]+)",
                        _printed("ANN/DUDL_ANN_multilayer.ipynb"))  # fmt: skip
    assert printed, "the multilayer lecture no longer prints its 2-16-1-1 mean accuracy and share"
    assert quoted.groups() == printed.groups(), (
        f"Seq2class quotes multilayer's 2-16-1-1 as {quoted.groups()}, multilayer prints {printed.groups()}"
    )
