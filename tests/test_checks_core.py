"""What every check in utils.check does alike (utils/check/_core.py): hints in two levels, "not attempted yet"
for the workspace's placeholders, a missing `return` named as such, the learner's own error reported with the
learner's line, a TypeError naming an argument of the wrong kind, a gap of the check's own never blamed on the
learner, and the global random streams left as they were."""

import numpy as np
import pytest
import torch
import torch.nn as nn
from checks_support import not_attempted, ok, seeded, wrong  # noqa: F401  (seeded: autouse fixture)

from utils import check
from utils.check import _core
from utils.check.hints import HINTS


def df(x):
    return -2 * np.pi * np.sin(2 * np.pi * x) + 2 * x


def chain_rule_slip(x):
    return -np.sin(2 * np.pi * x) + 2 * x


def test_hints_come_in_two_levels_and_say_how_to_ask_for_the_next():
    plain, nudge, answer = (repr(check.derivative(chain_rule_slip, hint=level)) for level in (0, 1, 2))
    assert "Hint:" not in plain and "with hint=1)" in plain
    assert "Hint: two rules are needed" in nudge and "Answer:" not in nudge and "with hint=2)" in nudge
    assert "np.sin(2 * np.pi * x)" not in nudge, "the nudge must not be the answer"
    assert "Answer: def df(x): return -2 * np.pi * np.sin(2 * np.pi * x) + 2 * x" in answer and "hint=" not in answer
    assert repr(check.derivative(chain_rule_slip, hint=True)) == nudge
    assert "hint=" not in repr(check.derivative(df)), "a correct answer is offered no hint"


def longest_common_run(a, b):
    return max((k for i in range(len(a)) for k in range(1, len(a) - i + 1) if a[i : i + k] in b), default=0)


@pytest.mark.parametrize("name", sorted(HINTS))
def test_every_check_has_a_nudge_that_is_not_its_answer(name):
    nudge, answer = HINTS[name]
    assert nudge and answer and longest_common_run(nudge, answer) < 25, (nudge, answer)


def test_every_check_has_hints():
    assert set(HINTS) == {name for name in check.__all__ if name.islower()}


@pytest.mark.parametrize("hint", [3, -1, "yes", 1.5])
def test_a_hint_level_of_the_wrong_kind_is_refused(hint):
    with pytest.raises(TypeError, match=r"^hint must be 0, 1 \(or True\) or 2"):
        check.derivative(df, hint=hint)


def test_a_function_that_computes_but_returns_nothing_is_told_so():
    """Issue 25: a function that forgot `return` was told "not attempted yet"."""

    def forgot(x):
        slope = -2 * np.pi * np.sin(2 * np.pi * x) + 2 * x  # noqa: F841

    wrong(check.derivative(forgot), "df returned None: is a `return` missing?")


def test_a_value_of_the_wrong_type_or_shape_is_told_so():
    wrong(check.derivative(lambda x: "slope"), "df(-1.987) is a str ('slope'), not numbers")
    wrong(check.derivative(lambda x: [1.0, 2.0]), "df(-1.987) holds 2 numbers (shape (2,)), expected one number")
    wrong(check.slope_grid([[-2.0, 2.0]] * 3), "holds 2 different slopes from -2 to 2, expected 21")


def test_a_value_that_is_none_is_told_so():
    wrong(check.slope_grid(None), "slopes_per_model is None")


def test_the_learners_error_is_reported_with_the_learners_line():
    def divide(x):
        return 1 / 0

    verdict = check.derivative(divide)
    wrong(verdict, "df raised ZeroDivisionError: division by zero")
    assert "return 1 / 0" in repr(verdict) and "test_checks_core.py" in repr(verdict)


def test_a_gap_in_a_check_is_not_blamed_on_the_learner(monkeypatch):
    monkeypatch.setattr("utils.check.start_value._df", lambda x: 1 / 0)
    verdict = check.derivative(df)
    assert verdict.status == check.UNCHECKED and not verdict, repr(verdict)
    assert repr(verdict).startswith("Could not check:") and "gap in the course's check" in repr(verdict)


def test_placeholder_bodies_are_told_apart_from_code():
    def dots(x): ...

    def passes(x):
        """A docstring only."""

    def computes(x):
        x + 1

    assert _core.is_placeholder(dots) and _core.is_placeholder(passes) and not _core.is_placeholder(computes)


class Placeholder(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x): ...


def not_implemented(*args):
    raise NotImplementedError


def dots(*args): ...


EVERY_CHECK = [  # each check with the workspace's placeholders for its answer
    (check.derivative, (dots,)),
    (check.derivative, (not_implemented,)),
    (check.descent_1d, (dots,)),
    (check.zero_start, (dots,)),
    (check.ascent, (..., np.cos)),
    (check.same_maximum, (dots, dots, ..., np.cos)),
    (check.descend, (not_implemented,)),
    (check.rate_by_epoch, (dots,)),
    (check.rate_by_derivative, (not_implemented,)),
    (check.rate_by_loss, (...,)),
    (check.slope_data, (not_implemented,)),
    (check.build_and_train, (dots,)),
    (check.slope_grid, (...,)),
    (check.correlation, (dots,)),
    (check.three_clouds, (..., ...)),
    (check.model_243, (Placeholder(),)),
    (check.model_243, (...,)),
    (check.trained, (..., ..., ...)),
    (check.probabilities, (..., Placeholder(), ...)),
    (check.qwerty_class, (Placeholder,)),
    (check.same_outputs, (..., ...)),
    (check.lr_per_model, (...,)),
    (check.minibatch_setup, (..., ...)),
    (check.minibatch_results, (...,)),
]


@pytest.mark.parametrize("fn, args", EVERY_CHECK, ids=lambda v: getattr(v, "__name__", ""))
def test_placeholders_are_not_attempted(fn, args):
    not_attempted(fn(*args))


WRONG_KIND = [
    (check.derivative, (3.0,), "df"),
    (check.descent_1d, ([1, 2],), "gradient_descent"),
    (check.zero_start, (np.zeros(101),), "gradient_descent"),
    (check.ascent, (np.zeros((3, 2)), 1.0), "f"),
    (check.same_maximum, (np.zeros((3, 2)), dots, np.zeros((3, 2)), np.cos), "descend"),
    (check.descend, (0.5,), "descend"),
    (check.rate_by_loss, (0.01,), "rule"),
    (check.slope_data, (torch.zeros(3),), "make_data"),
    (check.slope_grid, (df,), "slopes_per_model"),
    (check.correlation, (0.9,), "correlation"),
    (check.three_clouds, (np.zeros((300, 2)), "labels"), "y"),
    (check.model_243, (nn.Linear,), "model"),
    (check.qwerty_class, (Placeholder(),), "QwertyNet"),
    (check.same_outputs, (Placeholder(), "cls"), "cls"),
    (check.minibatch_setup, ("0.001", [2, 4]), "LR"),
    (check.minibatch_results, ([1, 2],), "results"),
]


@pytest.mark.parametrize("fn, args, name", WRONG_KIND, ids=lambda v: v if isinstance(v, str) else "")
def test_wrong_kind_raises_type_error_naming_the_argument(fn, args, name):
    with pytest.raises(TypeError, match=rf"^{name} must be .*, got "):
        fn(*args)


def test_every_check_is_listed_above():
    listed = {fn.__name__ for fn, _ in EVERY_CHECK} | {fn.__name__ for fn, _, _ in WRONG_KIND}
    assert listed == {name for name in check.__all__ if name.islower()}


@pytest.mark.parametrize(
    "call",
    [
        lambda: check.slope_data(lambda m: (torch.randn(50, 1), m * torch.randn(50, 1))),
        lambda net=nn.Sequential(nn.Linear(2, 4), nn.ReLU(), nn.Linear(4, 3)): check.model_243(net),
        lambda: check.descent_1d(lambda x: np.array([x + np.random.rand() * 0] * 101)),
    ],
)
def test_checks_leave_the_global_rng_alone_and_repeat(call):
    torch.manual_seed(123), np.random.seed(123)
    before_torch, before_np = torch.get_rng_state(), np.random.get_state()[1].copy()
    first = repr(call())
    assert torch.equal(torch.get_rng_state(), before_torch)
    assert np.array_equal(np.random.get_state()[1], before_np)
    assert repr(call()) == first
