"""Checks of the code challenge '2D gradient ascent' (gradientDescent/..._codeChallenge_2Dascent): way 1 climbs f
by changing the update; way 2 runs the unchanged descent on the gradient of g = -f. Any landscape f(x, y) works:
the checks take the gradient and the curvatures of f from f itself (central differences)."""

import numpy as np

from ._core import ARRAY, Wrong, call, function, learner_check
from ._values import as_array

_F = function("the landscape as a function f(x, y), e.g. f_fn")
_H = 1e-5


def _f_at(f, p):
    return float(as_array(call(f, float(p[0]), float(p[1]), who="f"), "f(x, y)").ravel()[0])


def _grad(f, p):
    e = np.eye(2)
    return np.array([(_f_at(f, p + _H * d) - _f_at(f, p - _H * d)) / (2 * _H) for d in e])


def _maximum_problem(f, end, who):
    """Raise Wrong unless `end` is a local maximum of f: flat (small gradient), curving down both ways."""
    if not np.all(np.isfinite(end)):
        raise Wrong(f"{who} ends at {end}: the run diverged (is the learning rate too large?)")
    slope = np.linalg.norm(_grad(f, end))
    if slope > 1e-3:
        raise Wrong(f"{who} ends at ({end[0]:.3f}, {end[1]:.3f}), where f is not flat yet (|gradient| {slope:.2g})")
    h, e = 1e-4, np.eye(2)  # second differences with steps h (a + b) and h (a - b)
    quad = [[_f_at(f, end + h * (a + b)) - _f_at(f, end + h * (a - b)) for b in e] for a in e]
    back = [[_f_at(f, end - h * (a - b)) - _f_at(f, end - h * (a + b)) for b in e] for a in e]
    hess = (np.array(quad) - np.array(back)) / (4 * h * h)
    curv = np.linalg.eigvalsh((hess + hess.T) / 2)
    if (curv >= 0).any():
        kind = "a minimum" if (curv > 0).all() else "a saddle point"
        raise Wrong(f"{who} ends at ({end[0]:.3f}, {end[1]:.3f}), which is {kind} of f, not a maximum")


def _path_2d(name, path):
    p = as_array(path, name)
    if p.ndim != 2 or 2 not in p.shape or min(p.shape) < 2:
        raise Wrong(f"{name} has shape {p.shape}, expected (number of steps + 1, 2): one (x, y) row per step")
    if p.shape[1] != 2:
        raise Wrong(f"{name} has shape {p.shape} (transposed), expected ({p.shape[1]}, 2): one (x, y) row per step")
    if len(p) > 2 and np.all(p[1:] == p[-1]):  # the start row may differ: path = [p.copy()], then p += ...
        raise Wrong(
            f"every row of {name} after the start is the same point, ({p[-1][0]:.3f}, {p[-1][1]:.3f}): the loop "
            "changes the point in place (p += ... or p -= ...) after storing it, so every stored row is the same "
            "array; store a copy, or write p = p + ..."
        )
    return p


@learner_check("the ascent path", path=ARRAY, f=_F)
def ascent(path, f):
    """Way 1: path [steps + 1, 2] of the run that climbs f(x, y) by changing the update."""
    p = _path_2d("path", path)
    if not np.all(np.isfinite(p)):
        k = int(np.argmax(~np.isfinite(p).all(1)))
        raise Wrong(f"the path runs off to {p[k]} at step {k}: the steps grow (is the learning rate too large?)")
    values = np.array([_f_at(f, q) for q in p])
    start, end, top = values[0], values[-1], int(np.argmax(values))
    if (p[1] - p[0]) @ _grad(f, p[0]) < 0:
        raise Wrong(f"the first step goes against the gradient, downhill (f from {start:.3f} to {values[1]:.3f})")
    if values[1] < start:
        raise Wrong(
            f"the first step goes the way f rises but lands lower (f from {start:.3f} to {values[1]:.3f}): it "
            "overshoots the top (is the learning rate too large?)"
        )
    if end < values[top] - 1e-9 and not np.all(np.diff(values) >= -1e-12):
        raise Wrong(
            f"f rises at first (to {values[top]:.3f} at step {top}) and then falls to {end:.3f}: the steps "
            "overshoot the top (is the learning rate too large?)"
        )
    _maximum_problem(f, p[-1], "the path")
    return f"the path climbs from f = {start:.3f} to a local maximum, f = {end:.3f}"


def _bowl(*args):
    """The gradient (x, y) of the bowl (x^2 + y^2) / 2, called as grad(x, y) or grad(p) like the notebook's."""
    x, y = args if len(args) == 2 else args[0]
    return np.array([float(x), float(y)])


@learner_check(
    "way 2",
    descend=function("your descent loop as a function descend(start, grad) returning the path"),
    grad_g=function("the gradient you give the descent in way 2, a function grad_g(x, y), e.g. lambdified"),
    path_up=ARRAY,
    f=_F,
)
def same_maximum(descend, grad_g, path_up, f):
    """Way 2: the unchanged descent `descend(start, grad)`, given grad_g, the gradient of g = -f, reaches the
    maximum way 1 (path_up) reached from the same start."""
    up = _path_2d("path_up", path_up)
    for q in ((0.3, 0.4), (-1.1, 0.5), (1.2, -0.7)):
        got = as_array(call(grad_g, *q, who="grad_g"), "grad_g(x, y)").ravel()
        want = -_grad(f, np.array(q))
        if got.shape != (2,):
            raise Wrong(f"grad_g{q} gives {got.size} numbers, expected 2: the partial derivatives along x and y")
        if np.allclose(got, -want, rtol=1e-3, atol=1e-4):
            raise Wrong("grad_g is the gradient of f itself; way 2 gives the descent the gradient of another function")
        if not np.allclose(got, want, rtol=1e-3, atol=1e-4):
            raise Wrong(f"grad_g{q} = {np.round(got, 4)}, but the gradient of g = -f there is {np.round(want, 4)}")
    bowl = as_array(call(descend, np.array([1.0, -0.5]), _bowl, who="descend"), "descend's path")
    if bowl.ndim != 2 or bowl.shape[-1] != 2 or len(bowl) < 2:
        raise Wrong(f"descend returned shape {bowl.shape}, expected (number of steps + 1, 2)")
    if np.linalg.norm(bowl[1]) > np.linalg.norm(bowl[0]):
        raise Wrong(
            "descend climbs: given the bowl (x^2 + y^2) / 2, its first step goes up; way 2 keeps the descent "
            "update as it was (a negated learning rate is way 1 written another way) and changes only the function"
        )
    neg = _path_2d("descend's path", as_array(call(descend, up[0].copy(), grad_g, who="descend"), "descend's path"))
    if len(neg) != len(up):
        raise Wrong(f"from path_up's start descend takes {len(neg) - 1} steps, way 1 took {len(up) - 1}: use the same")
    _maximum_problem(f, neg[-1], "way 2")
    if not np.allclose(neg[-1], up[-1], atol=1e-6):
        raise Wrong(
            f"way 2 ends at {neg[-1].round(4)}, way 1 at {up[-1].round(4)}: not the same maximum "
            "(the same learning rate in both?)"
        )
    return f"the unchanged descent on g = -f reaches way 1's maximum, ({neg[-1][0]:.4f}, {neg[-1][1]:.4f})"
