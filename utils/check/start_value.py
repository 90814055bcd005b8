"""Checks of the code challenge 'an unfortunate starting value' (gradientDescent/..._CodeChallengeStartValue):
f(x) = cos(2 pi x) + x^2, its derivative, gradient descent from a start, and the start x = 0."""

import numpy as np

from ._core import Wrong, call, function, learner_check
from ._values import as_array, match, path_problem, values_of


def _f(x):
    return np.cos(2 * np.pi * x) + x**2


def _df(x):
    return -2 * np.pi * np.sin(2 * np.pi * x) + 2 * x


@learner_check("df", df=function("a function of x, e.g. def df(x): return ..."))
def derivative(df):
    """Step 1: df(x) is the derivative of f(x) = cos(2 pi x) + x^2."""
    xs = np.linspace(-2, 2, 81) + 0.013  # off the grid of quarter points, where sin or cos vanish
    got, want = values_of(df, xs, "df"), _df(xs)
    if np.allclose(got, want, rtol=1e-5, atol=1e-6):
        return "df matches the derivative of f at 81 points in [-2, 2]"
    s = np.sin(2 * np.pi * xs)
    known = match(
        got,
        {
            "the sign of the sine term is flipped: what is the derivative of cos(u)?": 2 * np.pi * s + 2 * xs,
            "the chain rule's inner factor is missing from the sine term": -s + 2 * xs,
            "the derivative of x^2 is missing": -2 * np.pi * s,
            "the whole derivative has the wrong sign": 2 * np.pi * s - 2 * xs,
            "this is f itself, not its derivative": _f(xs),
        },
    )
    k = int(np.argmax(~np.isclose(got, want, rtol=1e-5, atol=1e-6)))
    raise Wrong(
        known or "df differs from the derivative", f"e.g. df({xs[k]:.3f}) = {got[k]:.4f}, expected {want[k]:.4f}"
    )


@learner_check("gradient_descent", gradient_descent=function("a function of the start x returning the path"))
def descent_1d(gradient_descent):
    """Step 2: gradient_descent(x) runs 100 epochs at lr 0.01 from x and returns the path (101 values)."""
    for x0 in (-1.7, 0.195, 1.3):
        got = as_array(call(gradient_descent, x0, who="gradient_descent"), "the path")
        try:
            path_problem(got, _df, x0, 0.01, 100, ["(is df right? check.derivative tells)"])
        except Wrong as e:
            raise Wrong(f"from the start x = {x0}: {e.lines[0]}", *e.lines[1:]) from None
    return "the paths from three starts match gradient descent with lr 0.01 for 100 epochs"


@learner_check(
    "gradient_descent",
    gradient_descent=function(
        "your gradient_descent function: the check runs it from x = 0 itself (a path such as np.zeros(101) "
        "could be typed in without running anything)"
    ),
)
def zero_start(gradient_descent):
    """Step 3: gradient_descent run from exactly x = 0 (the check runs it itself)."""
    p = as_array(call(gradient_descent, 0.0, who="gradient_descent"), "the path from x = 0").ravel()
    if p.size != 101:
        raise Wrong(f"the path from x = 0 has {p.size} values, expected 101 (the start and one per epoch)")
    if p[0] != 0:
        raise Wrong(f"the path from x = 0 starts at {p[0]:.4g}: keep the start as the first value")
    if (p != 0).any():
        k = int(np.argmax(p != 0))
        raise Wrong(f"from x = 0 the run moved (to {p[k]:.3g} at epoch {k}): what is your df at 0?")
    return "your gradient_descent, run from x = 0, stays at exactly 0 for all 100 epochs (why is step 3's question)"
