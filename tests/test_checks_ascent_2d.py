"""utils.check on the challenge '2D gradient ascent': way 1 climbs by changing the update, way 2 runs the
unchanged descent on the gradient of g = -f (the lecture's landscape of Gaussian bumps, via SymPy as there)."""

import numpy as np
import pytest
import sympy as sp
from checks_support import not_attempted, ok, seeded, wrong  # noqa: F401  (seeded: autouse fixture)

from utils import check

x, y = sp.symbols("x y")
BUMPS = [(0.9, 1.0, 3.0, 0.8), (-1.3, 0.3, 2.0, 0.7), (0.3, -1.2, -2.5, 0.8),
         (2.0, -0.5, -1.5, 0.6), (-1.6, -1.7, -1.5, 0.6), (-0.6, 2.0, -1.2, 0.6)]  # fmt: skip
F_SYM = sum(h * sp.exp(-((x - a) ** 2 + (y - b) ** 2) / (2 * w**2)) for a, b, h, w in BUMPS)
f_fn = sp.lambdify((x, y), F_SYM, "numpy")
grad_f = sp.lambdify((x, y), [sp.diff(F_SYM, x), sp.diff(F_SYM, y)], "numpy")
grad_g = sp.lambdify((x, y), [sp.diff(-F_SYM, x), sp.diff(-F_SYM, y)], "numpy")
START = np.array([0.195, 0.861])


def run(p, grad, sign, lr=0.05, steps=500):
    path = [np.array(p, float)]
    for _ in range(steps):
        path.append(path[-1] + sign * lr * np.array(grad(*path[-1])))
    return np.array(path)


def descend(p, grad):  # the unchanged descent loop, as the notebook's solution writes it
    return run(p, grad, -1)


def descend_with_minus_lr(p, grad):  # "-lr" in the descent: way 1 written another way
    return run(p, grad, -1, lr=-0.05)


def descend_loop_preallocated(p, grad, lr=0.05, steps=500):  # the 2-D lecture's loop
    path = np.zeros((steps + 1, 2))
    path[0] = p
    for k in range(steps):
        path[k + 1] = path[k] - lr * np.array(grad(path[k][0], path[k][1]))
    return path


def ascend_in_place(p, grad, lr=0.05, steps=500):  # the in-place bug: every stored row is one array
    p = np.array(p, float)
    path = [p]
    for _ in range(steps):
        p += lr * np.array(grad(*p))
        path.append(p)
    return np.array(path)


PATH_UP = run(START, grad_f, +1)


def test_ascent_accepts_way_1():
    ok(check.ascent(PATH_UP, f_fn), "to a local maximum")
    ok(check.ascent(run((-1.5, 0.2), grad_f, +1).tolist(), f_fn))  # a list of rows, another hill


@pytest.mark.parametrize(
    "path, pointer",
    [
        (run(START, grad_f, -1), "the first step goes against the gradient"),
        (PATH_UP.T, "shape (2, 501) (transposed), expected (501, 2)"),
        (run(START, grad_f, +1, steps=5), "not flat yet"),
        (ascend_in_place(START, grad_f), "changes the point in place"),  # issue 25: was accepted
        (run(START, grad_f, +1, lr=0.5, steps=60), "overshoot"),  # issue 25: said "step along the gradient"
        (run(START, grad_f, +1, lr=1.5, steps=60), "overshoots the top"),
    ],
)
def test_ascent_names_the_mistake(path, pointer):
    wrong(check.ascent(path, f_fn), pointer)


def test_ascent_refuses_an_end_that_is_no_maximum():
    deepest, shallow = run((0.3, -1.0), grad_f, -1)[-1], run((-0.6, 1.8), grad_f, -1)[-1]
    wrong(check.ascent(np.array([deepest, shallow]), f_fn), "a minimum of f, not a maximum")  # f rises: -2.5 to -1.2


@pytest.mark.parametrize("way_2", [descend, descend_loop_preallocated])
def test_same_maximum_accepts_way_2(way_2):
    ok(check.same_maximum(way_2, grad_g, PATH_UP, f_fn), "reaches way 1's maximum")


def test_same_maximum_names_the_mistake():
    wrong(check.same_maximum(descend, grad_f, PATH_UP, f_fn), "grad_g is the gradient of f itself")
    wrong(check.same_maximum(descend_with_minus_lr, grad_g, PATH_UP, f_fn), "a negated learning rate is way 1")
    other_start = run((0.3, 0.9), grad_f, +1, lr=0.001)
    wrong(check.same_maximum(descend, grad_g, other_start, f_fn), "not the same maximum")
    wrong(check.same_maximum(descend, lambda a, b: [-a, -b], PATH_UP, f_fn), "the gradient of g = -f there is")


def test_same_maximum_refuses_a_copy_of_way_1():
    """Issue 25: `path_neg = path_up.copy()` was accepted; way 2 is now judged by running the learner's
    descent on the learner's grad_g, so a copied path is not an answer the check takes."""
    with pytest.raises(TypeError, match="^descend must be your descent loop"):
        check.same_maximum(PATH_UP.copy(), grad_g, PATH_UP, f_fn)


def test_placeholders():
    not_attempted(check.ascent(..., f_fn))
    not_attempted(check.same_maximum(descend, ..., PATH_UP, f_fn))
