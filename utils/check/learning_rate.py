"""Checks of the code challenge 'fixed vs. dynamic learning rate' (gradientDescent/..._codeChallenge_lr):
descend(x0, epochs, rule) on f(x) = 3x^2 - 3x + 4, and three rules rule(t, x, slope, loss) for the rate."""

import numpy as np

from ._core import LearnerError, Wrong, call, function, learner_check
from ._values import as_array, as_number, path_problem

_RULE = function("a function rule(t, x, slope, loss) returning a learning rate")
_EPOCHS = 50  # the task compares the schemes over 50 epochs


def _f(x):
    return 3 * x**2 - 3 * x + 4


def _slope(x):
    return 6 * x - 3


@learner_check("descend", descend=function("a function descend(x0, epochs, rule)"))
def descend(descend):
    """descend(x0, epochs, rule) runs gradient descent on f(x) = 3x^2 - 3x + 4, asking rule(t, x, slope, loss)
    for each epoch's rate; returns the path (epochs + 1 values), or the pair (path, rates)."""
    calls = []

    def spy(t, x, slope, loss):
        calls.append([as_number(np.ravel(as_array(v, "an argument of the rule"))[:1], "t, x, slope or loss")
                      for v in (t, x, slope, loss)])  # fmt: skip
        return 0.05

    out = call(descend, -1.5, 20, spy, who="descend")
    path = as_array(out[0] if isinstance(out, tuple) else out, "the path").ravel()
    c = np.array(calls).reshape(-1, 4)
    ts = c[:, 0].astype(int).tolist()
    if ts != list(range(20)):
        if ts == list(range(1, 21)):
            raise Wrong("the rule got t = 1, ..., 20: the first epoch is t = 0")
        short = " (the range stops one short)" if len(ts) == 19 else ""
        raise Wrong(
            f"for 20 epochs the rule was called {len(ts)} times, expected once per epoch, t = 0, ..., 19{short}"
        )
    if not np.allclose(c[:, 2], _slope(c[:, 1])):
        wrong = "f(x), the loss" if np.allclose(c[:, 2], _f(c[:, 1])) else "something other than f'(x)"
        raise Wrong(f"the rule's slope argument got {wrong}")
    if not np.allclose(c[:, 3], _f(c[:, 1])):
        raise Wrong("the rule's loss argument is not f(x) = 3x^2 - 3x + 4 at the current x")
    path_problem(path, _slope, -1.5, 0.05, 20)
    return "descend asks the rule once per epoch (t = 0, 1, ...) with x, f'(x) and f(x), and steps with its rate"


def _rate(rule, t, x, slope=None, loss=None):
    """The rate rule(t, x, slope, loss) gives at one point, slope and loss f'(x) and f(x) unless given:
    asked with plain numbers (math.fabs works), and if that fails, with 1-element arrays (as descend passes)."""
    args = (t, float(x), _slope(x) if slope is None else slope, _f(x) if loss is None else loss)
    try:
        out = call(rule, *args, who="the rule")
    except LearnerError as first:
        try:
            out = call(rule, t, *(np.array([float(a)]) for a in args[1:]), who="the rule")
        except LearnerError:
            raise first from None
    return as_number(out, f"the rule's rate at t = {t}, x = {x:g}")


def _reads(rule, x=-1.5):
    """Which of its inputs the rule's rate follows, asked at x with the other inputs held (t = 0)."""
    base = _rate(rule, 0, x)
    moved = {
        "the epoch": _rate(rule, 30, x),
        "the slope argument": _rate(rule, 0, x, slope=2 * _slope(x)),
        "the loss argument": _rate(rule, 0, x, loss=_f(x) + 40),
        "x": _rate(rule, 0, x + 0.25, slope=_slope(x), loss=_f(x)),
    }
    return {k for k, v in moved.items() if abs(v - base) > 1e-12 * max(1.0, abs(base))}


def _positive(rule, t_values, xs, where=""):
    for t in t_values:
        for x in xs:
            r = _rate(rule, t, x)
            if not r > 0 or not np.isfinite(r):
                raise Wrong(f"the rate is {r:.3g} at t = {t}, x = {x:g}: a learning rate must stay positive{where}")


_XS = (-2.0, -1.5, -1.0, 0.0, 0.25, 0.75, 1.0, 1.7, 2.0)


@learner_check("the epoch rule", rule=_RULE)
def rate_by_epoch(rule):
    """Scheme 1: rule(t, x, slope, loss) shrinks with the epoch t (learning-rate decay), and nothing else."""
    _positive(rule, range(_EPOCHS), (-1.5, 0.0, 1.7), f" over the {_EPOCHS} epochs the task runs")
    other = _reads(rule) - {"the epoch"}
    if other:
        raise Wrong(f"the rate changes with {sorted(other)[0]}; this scheme depends on the epoch only")
    r = np.array([_rate(rule, t, -1.5) for t in range(_EPOCHS)])
    if np.allclose(r, r[0]):
        raise Wrong("the rate does not change with the epoch t")
    if (np.diff(r) > 1e-15).any():
        raise Wrong(f"the rate grows with the epoch (from {r[0]:.3g} to {r.max():.3g}): decay makes it shrink")
    return f"the rate decays with the epoch, from {r[0]:.3g} at t = 0 to {r[-1]:.3g} at t = {_EPOCHS - 1}"


@learner_check("the derivative rule", rule=_RULE)
def rate_by_derivative(rule):
    """Scheme 2: the rate grows with the size of the slope f'(x)."""
    _positive(rule, (0,), _XS[:4] + _XS[5:], " (for a negative slope too: what matters is how steep it is)")
    for what in ("the epoch", "the loss argument"):
        if what in _reads(rule):
            raise Wrong(f"the rate changes with {what}; this scheme depends on the slope only")
    near, far, mirror = _rate(rule, 0, 1.0), _rate(rule, 0, 2.0), _rate(rule, 0, 0.0)
    if not np.isclose(near, mirror, rtol=1e-6):
        raise Wrong(
            f"x = 1 and x = 0 have slopes of the same size (3 and -3) but get rates {near:.3g} and {mirror:.3g}"
        )
    if not far > near:
        raise Wrong(f"the rate is not larger where the slope is steeper ({near:.3g} where |f'| = 3, {far:.3g} where 9)")
    return f"the rate grows with the size of the slope ({near:.3g} where |f'(x)| = 3, {far:.3g} where it is 9)"


@learner_check("the loss rule", rule=_RULE)
def rate_by_loss(rule):
    """Scheme 3: the rate grows with the loss f(x) (read from `loss`, or computed from x: the same numbers)."""
    _positive(rule, (0,), _XS)
    for what in ("the epoch", "the slope argument"):
        if what in _reads(rule):
            raise Wrong(f"the rate changes with {what}; this scheme depends on the loss only")
    pairs = [(0.0, 1.0), (-1.0, 2.0)]  # equal losses, 4 and 10
    for a, b in pairs:
        ra, rb = _rate(rule, 0, a), _rate(rule, 0, b)
        if not np.isclose(ra, rb, rtol=1e-6):
            raise Wrong(f"x = {a:g} and x = {b:g} have the same loss ({_f(a):g}) but get rates {ra:.3g} and {rb:.3g}")
    low, high = _rate(rule, 0, 0.5), _rate(rule, 0, -1.5)
    if not high > low:
        raise Wrong(f"the rate is not larger where the loss is higher ({low:.3g} at loss 3.25, {high:.3g} at 15.25)")
    return f"the rate grows with the loss ({low:.3g} at loss 3.25, {high:.3g} at loss 15.25)"
