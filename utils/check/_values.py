"""Reading the learner's numbers: arrays of any kind as NumPy, functions of x on many points, shapes, grids."""

import numpy as np
import torch

from ._core import Wrong, call


def as_array(value, who):
    """Tensor, array, list (also of tensors) or number as a float64 NumPy array; anything else is Wrong."""
    if isinstance(value, torch.Tensor):
        return value.detach().cpu().double().numpy()
    if isinstance(value, (list, tuple)) and value and all(isinstance(v, torch.Tensor) for v in value):
        return np.array([as_array(v, who) for v in value])
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise Wrong(f"{who} is a {type(value).__name__} ({value!r:.60}), not numbers") from None


def as_number(value, who):
    """One number out of a Python number, a 0-d or 1-element array or tensor."""
    a = as_array(value, who)
    if a.size != 1:
        raise Wrong(f"{who} holds {a.size} numbers (shape {a.shape}), expected one number")
    return float(a.ravel()[0])


def values_of(fn, xs, who):
    """fn on every point of xs: all at once if fn takes arrays, else point by point (math.sin and the like)."""
    try:
        out = as_array(fn(xs), who)
        if out.shape == xs.shape:
            return out
    except Exception:  # code written for one number at a time: try it that way below
        pass
    return np.array([as_number(call(fn, float(x), who=who), f"{who}({float(x):g})") for x in xs])


def match(got, candidates, rtol=1e-5, atol=1e-6):
    """The message of the first wrong formula that `got` reproduces, else None."""
    for message, values in candidates.items():
        if got.shape == values.shape and np.allclose(got, values, rtol=rtol, atol=atol):
            return message
    return None


def shape_problem(name, arr, expected):
    """None if arr has the expected shape, else the sentence that says how it differs."""
    if arr.shape == tuple(expected):
        return None
    turned = " (transposed)" if arr.shape == tuple(expected)[::-1] else ""
    return f"{name} has shape {arr.shape}{turned}, expected {tuple(expected)}"


def expect_shape(name, arr, expected, why=""):
    if (problem := shape_problem(name, arr, expected)) is not None:
        raise Wrong(problem + why)


def grid(name, values, lo, hi, n_values, n_repeats, noun):
    """values: one number per model, n_values evenly spaced from lo to hi, each used n_repeats times."""
    v = as_array(values, name)
    if v.ndim == 0:
        raise Wrong(
            f"{name} is a single {noun} ({float(v):g}); the experiment needs one per model "
            f"({n_values * n_repeats} values)"
        )
    v = v.ravel()
    distinct, counts = np.unique(np.round(v, 6), return_counts=True)
    if len(distinct) != n_values or not np.allclose(distinct, np.linspace(lo, hi, n_values), atol=1e-5):
        if len(distinct) == n_values - 1 and np.isclose(distinct[0], lo, atol=1e-5) and distinct[-1] < hi - 1e-6:
            raise Wrong(f"the range stops one short: the largest {noun} is {distinct[-1]:g}, expected {hi:g}")
        raise Wrong(
            f"{name} holds {len(distinct)} different {noun}s from {distinct[0]:g} to {distinct[-1]:g}, "
            f"expected {n_values} evenly spaced from {lo:g} to {hi:g}"
        )
    if len(v) == n_values:
        raise Wrong(
            f"{name} holds each {noun} once ({n_values} values); the experiment needs one per model: "
            f"repeat them for the {n_repeats} repetitions ({n_values * n_repeats} values)"
        )
    if (counts != n_repeats).any():
        k = int(np.argmax(counts != n_repeats))
        raise Wrong(
            f"{name} has {len(v)} values, expected {n_values * n_repeats}: {noun} {distinct[k]:g} is used "
            f"{counts[k]} times, expected {n_repeats}"
        )
    return f"{n_values} {noun}s from {lo:g} to {hi:g}, each for {n_repeats} models: {n_values * n_repeats:,} models"


def descent_path(x0, lr, epochs, slope):
    """The 1-D gradient-descent path from x0: the start and the estimate after every epoch."""
    path = [x0]
    for _ in range(epochs):
        path.append(path[-1] - lr * slope(path[-1]))
    return np.array(path)


def path_problem(got, slope, x0, lr, epochs, advice=()):
    """Compare a learner's 1-D gradient-descent path with the expected one (learning rate lr on the function whose
    derivative is `slope`): raise Wrong at the first thing that is off (two challenges return such paths)."""
    want = descent_path(x0, lr, epochs, slope)
    n = len(want)
    if got.size == 1:
        raise Wrong(
            f"the function returned one number ({float(got.ravel()[0]):.4f}); return the whole path: "
            f"the start and the estimate after every epoch ({n} values)"
        )
    got = got.ravel()
    if got.size != n:
        why = {n - 1: "one short: keep the start as well as one value per epoch", n + 1: "one too many"}
        raise Wrong(
            f"the path has {got.size} values, expected {n} ({why.get(got.size, 'the start plus one per epoch')})"
        )
    if not np.isclose(got[0], x0):
        raise Wrong(f"the path starts at {got[0]:.4f}, expected the start x = {x0}")
    ratio = (got[1] - got[0]) / (want[1] - want[0])
    if np.isclose(ratio, -1, rtol=1e-4):
        raise Wrong("the first step goes uphill: the update moves x the way the slope rises")
    guess = float(f"{lr * ratio:.3g}")  # a learning rate with few digits that would explain the first step
    if (
        guess > 0
        and not np.isclose(guess, lr)
        and np.allclose(got, descent_path(x0, guess, epochs, slope), rtol=1e-5, atol=1e-8)
    ):
        raise Wrong(f"the path is that of learning rate {guess:g}, expected {lr}")
    bad = ~np.isclose(got, want, rtol=1e-5, atol=1e-8)
    if bad.any():
        k = int(np.argmax(bad))
        raise Wrong(f"the path leaves the expected one at epoch {k}: x = {got[k]:.5f}, expected {want[k]:.5f}", *advice)
