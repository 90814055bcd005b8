"""utils.check on the challenge 'an unfortunate starting value': the derivative of cos(2 pi x) + x^2, gradient
descent from a start, and the run from x = 0."""

import math

import numpy as np
import pytest
from checks_support import not_attempted, ok, seeded, wrong  # noqa: F401  (seeded: autouse fixture)

from utils import check


def df(x):
    return -2 * np.pi * np.sin(2 * np.pi * x) + 2 * x


def make_gd(slope=df, lr=0.01, keep_start=True, sign=-1):
    def gradient_descent(x, lr=lr, epochs=100):
        path = [x] if keep_start else []
        for _ in range(epochs):
            x = x + sign * lr * slope(x)
            path.append(x)
        return np.array(path)

    return gradient_descent


def df_math(x):  # written for one number at a time
    return 2 * x - 2 * math.pi * math.sin(2 * math.pi * x)


def gd_loop_preallocated(x, lr=0.01, epochs=100):  # another way to write the loop
    path = np.zeros(epochs + 1)
    path[0] = x
    for k in range(epochs):
        path[k + 1] = path[k] - lr * df_math(path[k])
    return path


@pytest.mark.parametrize("answer", [df, df_math, lambda x: 2 * x + 2 * np.pi * np.sin(-2 * np.pi * x)])
def test_derivative_accepts_the_derivative_written_any_way(answer):
    ok(check.derivative(answer))


@pytest.mark.parametrize(
    "answer, pointer",
    [
        (lambda x: 2 * np.pi * np.sin(2 * np.pi * x) + 2 * x, "sign of the sine term is flipped"),
        (lambda x: -np.sin(2 * np.pi * x) + 2 * x, "inner factor is missing"),
        (lambda x: -2 * np.pi * np.sin(2 * np.pi * x), "derivative of x^2 is missing"),
        (lambda x: np.cos(2 * np.pi * x) + x**2, "this is f itself"),
    ],
)
def test_derivative_names_the_mistake(answer, pointer):
    wrong(check.derivative(answer), pointer)


@pytest.mark.parametrize("answer", [make_gd(), make_gd(slope=df_math), gd_loop_preallocated])
def test_descent_1d_accepts_the_loop_written_any_way(answer):
    ok(check.descent_1d(answer))


@pytest.mark.parametrize(
    "answer, pointer",
    [
        (make_gd(keep_start=False), "100 values, expected 101 (one short"),
        (make_gd(sign=+1), "goes uphill"),
        (make_gd(lr=0.1), "learning rate 0.1, expected 0.01"),
        (lambda x: make_gd()(x)[-1], "returned one number"),
        (make_gd(slope=lambda x: df(x) + 0.5), "is df right?"),
    ],
)
def test_descent_1d_names_the_mistake(answer, pointer):
    wrong(check.descent_1d(answer), pointer)


def test_zero_start_runs_the_function_itself():
    ok(check.zero_start(make_gd()), "stays at exactly 0")
    ok(check.zero_start(gd_loop_preallocated))
    wrong(check.zero_start(make_gd(slope=lambda x: df(x) + 1)), "what is your df at 0?")
    wrong(check.zero_start(make_gd(keep_start=False)), "100 values, expected 101")


def test_zero_start_refuses_a_path_typed_in():
    """Issue 25: `path_zero = np.zeros(101)` was accepted (it has the right values without running anything)."""
    with pytest.raises(TypeError, match="runs it from x = 0 itself"):
        check.zero_start(np.zeros(101))


def test_placeholders():
    def placeholder(x): ...

    not_attempted(check.derivative(placeholder))
    not_attempted(check.descent_1d(...))
    not_attempted(check.zero_start(placeholder))
