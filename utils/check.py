"""Checks for the code challenges: call one on your own answer and get a verdict.

    from utils import check
    check.derivative(df)              # runs your function on cases of its own and says what is right or wrong
    check.derivative(df, hint=True)   # the same, with a hint

Every check judges what your code computes (values, shapes, end points), never how it is spelled.
An answer you have not written yet (the workspace's `...` or `raise NotImplementedError`) gets
"not attempted yet", never a traceback from inside the course package.
"""

import contextlib
import numbers
import random

import numpy as np
import torch
import torch.nn as nn

NOT_ATTEMPTED, CORRECT, WRONG = "not attempted yet", "correct", "not yet right"


class Verdict:
    """What a check found. Shown as text in a notebook; true only when the answer is correct."""

    def __init__(self, status, lines=(), hint=None, show_hint=False):
        self.status, self.lines, self.hint, self.show_hint = status, list(lines), hint, show_hint

    def __bool__(self):
        return self.status == CORRECT

    def __repr__(self):
        mark = {CORRECT: "Correct", WRONG: "Not yet right", NOT_ATTEMPTED: "Not attempted yet"}[self.status]
        out = [f"{mark}: {self.lines[0]}" if self.lines else mark] + [f"  - {line}" for line in self.lines[1:]]
        if self.hint and self.show_hint:
            out.append(f"Hint: {self.hint}")
        elif self.hint and self.status != CORRECT:
            out.append("(call the check again with hint=True for a hint)")
        return "\n".join(out)


class _NotAttempted(Exception):
    """Raised by _call when the learner's function is still the workspace's placeholder."""


def _not_attempted(value):
    return value is None or value is Ellipsis


def _expect_callable(name, value, wanted):
    """A check given the wrong kind of object says what it wanted (TypeError naming the argument)."""
    if _not_attempted(value) or callable(value):
        return
    raise TypeError(f"{name} must be {wanted}, got {type(value).__name__} ({value!r:.60}).")


def _call(fn, *args):
    """Call the learner's function; a placeholder body (NotImplementedError, or returning ... / None)
    means not attempted; any other exception is reported in the verdict, not raised."""
    try:
        out = fn(*args)
    except NotImplementedError as e:
        raise _NotAttempted from e
    if _not_attempted(out):
        raise _NotAttempted
    return out


def _judge(problems, ok_message, hint, show_hint):
    """problems: list of strings, each a thing that is wrong (empty: correct)."""
    if problems:
        return Verdict(WRONG, problems, hint, show_hint)
    return Verdict(CORRECT, [ok_message], hint, show_hint)


def _run(body, hint, show_hint, what="your answer"):
    """Run a check body (returns a list of problems and the ok message); turn the learner's
    placeholders into 'not attempted yet' and the learner's own exceptions into a verdict.
    Validate the check's arguments (_expect_callable) before calling this: those errors must raise."""
    try:
        with _kept_rng():
            problems, ok = body()
    except _NotAttempted:
        return Verdict(NOT_ATTEMPTED, [f"fill in {what} in the workspace, then run this cell again"], hint, show_hint)
    except Exception as e:  # the learner's code failed: say so, do not show our traceback
        return Verdict(WRONG, [f"running {what} raised {type(e).__name__}: {e}"], hint, show_hint)
    return _judge(problems, ok, hint, show_hint)


# ---- one check per step of each challenge (added below, grouped by challenge) ----


# ---- shared helpers ----
@contextlib.contextmanager
def _kept_rng(seed=0):
    """Run the learner's code on seeded global streams (so a check repeats exactly) and put every
    global stream (torch, NumPy, Python) back afterwards: a check never changes the notebook's randomness."""
    saved = torch.random.get_rng_state(), np.random.get_state(), random.getstate()
    torch.random.manual_seed(seed), np.random.seed(seed), random.seed(seed)
    try:
        yield
    finally:
        torch.random.set_rng_state(saved[0]), np.random.set_state(saved[1]), random.setstate(saved[2])


def _gen(seed=0):
    return torch.Generator().manual_seed(seed)


def _np(value):
    """Tensor, array, list (also of 0-d tensors) or number as a float64 NumPy array."""
    if isinstance(value, torch.Tensor):
        return value.detach().cpu().double().numpy()
    if isinstance(value, (list, tuple)) and value and isinstance(value[0], torch.Tensor):
        return np.array([_np(v) for v in value])
    return np.asarray(value, dtype=float)


def _given(*values):
    """A workspace value still at its placeholder (... or None) means not attempted."""
    if any(_not_attempted(v) for v in values):
        raise _NotAttempted


def _expect_array(name, value, wanted="an array of numbers (NumPy array, tensor or list)"):
    if _not_attempted(value) or isinstance(value, (torch.Tensor, np.ndarray)):
        return
    if isinstance(value, (list, tuple)) or (isinstance(value, numbers.Real) and not isinstance(value, bool)):
        try:
            _np(value)
            return
        except (TypeError, ValueError):
            pass
    raise TypeError(f"{name} must be {wanted}, got {type(value).__name__} ({value!r:.60}).")


def _expect_module(name, value):
    if _not_attempted(value) or isinstance(value, nn.Module):
        return
    hint = " (pass an instance, e.g. MyNet(), not the class)" if isinstance(value, type) else ""
    raise TypeError(f"{name} must be a torch.nn.Module model{hint}, got {type(value).__name__} ({value!r:.60}).")


def _values(fn, xs):
    """fn on every point of xs: all at once if fn takes arrays, else point by point (math.sin and the like)."""
    try:
        out = _np(_call(fn, xs))
        if out.shape == xs.shape:
            return out
    except _NotAttempted:
        raise
    except Exception:
        pass
    return np.array([float(_np(_call(fn, float(x)))) for x in xs])


def _match(got, candidates, rtol=1e-5, atol=1e-6):
    """The message of the first wrong formula that got reproduces, else None."""
    for message, values in candidates.items():
        if got.shape == values.shape and np.allclose(got, values, rtol=rtol, atol=atol):
            return message
    return None


def _shape_problem(name, arr, expected):
    if arr.shape == tuple(expected):
        return None
    turned = " (transposed)" if arr.shape == tuple(expected)[::-1] else ""
    return f"{name} has shape {arr.shape}{turned}, expected {tuple(expected)}"


def _grid_problems(name, values, lo, hi, n_values, n_repeats, noun):
    """values: one number per model, n_values evenly spaced from lo to hi, each used n_repeats times."""
    v = _np(values)
    if v.ndim == 0:
        return [
            f"{name} is a single {noun} ({float(v):g}); the experiment needs one per model "
            f"({n_values * n_repeats} values)"
        ]
    v = v.ravel()
    distinct, counts = np.unique(np.round(v, 6), return_counts=True)
    if len(distinct) != n_values or not np.allclose(distinct, np.linspace(lo, hi, n_values), atol=1e-5):
        if len(distinct) == n_values - 1 and np.isclose(distinct[0], lo, atol=1e-5) and distinct[-1] < hi - 1e-6:
            return [
                f"the range stops one short: the largest {noun} is {distinct[-1]:g}, expected {hi:g} "
                f"(arange leaves out its end; linspace({lo:g}, {hi:g}, {n_values}) includes it)"
            ]
        return [
            f"{name} holds {len(distinct)} different {noun}s from {distinct[0]:g} to {distinct[-1]:g}, "
            f"expected {n_values} evenly spaced from {lo:g} to {hi:g}"
        ]
    if len(v) == n_values:
        return [
            f"{name} holds each {noun} once ({n_values} values); the experiment needs one per model: "
            f"repeat them for the {n_repeats} repetitions ({n_values * n_repeats} values, e.g. .repeat({n_repeats}))"
        ]
    if len(v) != n_values * n_repeats or (counts != n_repeats).any():
        k = int(np.argmax(counts != n_repeats)) if (counts != n_repeats).any() else 0
        return [
            f"{name} has {len(v)} values, expected {n_values * n_repeats}: {noun} {distinct[k]:g} is used "
            f"{counts[k]} times, expected {n_repeats}"
        ]
    return []


# ---- Gradient descent: an unfortunate starting value ----
def _f_cos(x):
    return np.cos(2 * np.pi * x) + x**2


def _df_cos(x):
    return -2 * np.pi * np.sin(2 * np.pi * x) + 2 * x


def derivative(df, hint=False):
    """Step 1: df(x) is the derivative of f(x) = cos(2 pi x) + x^2."""
    _expect_callable("df", df, "a function of x, e.g. def df(x): return ...")

    def body():
        _given(df)
        xs = np.linspace(-2, 2, 81) + 0.013  # off the grid of quarter points, where sin or cos vanish
        got, want = _values(df, xs), _df_cos(xs)
        if np.allclose(got, want, rtol=1e-5, atol=1e-6):
            return [], "df matches f'(x) = -2 pi sin(2 pi x) + 2x at 81 points in [-2, 2]"
        s = np.sin(2 * np.pi * xs)
        known = _match(
            got,
            {
                "the sign of the sine term is flipped: (cos u)' = -sin(u) u'": 2 * np.pi * s + 2 * xs,
                "the chain rule's factor 2 pi is missing from the sine term": -s + 2 * xs,
                "the 2x from differentiating x^2 is missing": -2 * np.pi * s,
                "the whole derivative has the wrong sign": 2 * np.pi * s - 2 * xs,
                "this is f itself, not its derivative": _f_cos(xs),
            },
        )
        k = int(np.argmax(~np.isclose(got, want, rtol=1e-5, atol=1e-6)))
        return [
            known or "df differs from the derivative",
            f"e.g. df({xs[k]:.3f}) = {got[k]:.4f}, expected {want[k]:.4f}",
        ], ""

    return _run(body, "chain rule: d/dx cos(2 pi x) = -sin(2 pi x) * 2 pi; and d/dx x^2 = 2x.", hint, "df")


def _descent_1d(x0, lr=0.01, epochs=100):
    path = [x0]
    for _ in range(epochs):
        path.append(path[-1] - lr * _df_cos(path[-1]))
    return np.array(path)


def _path_problems(got, simulate, x0, lr):
    """Compare a learner's 1-D path with simulate(lr), the expected one; the first thing that is off."""
    want = simulate(lr)
    n = len(want)
    if got.size == 1:
        return [
            f"the function returned one number ({float(got.ravel()[0]):.4f}); return the whole path: "
            f"the start and the estimate after every epoch ({n} values)"
        ]
    got = got.ravel()
    if got.size != n:
        why = {n - 1: "one short: keep the start as well as one value per epoch", n + 1: "one too many"}
        return [f"the path has {got.size} values, expected {n} ({why.get(got.size, 'the start plus one per epoch')})"]
    if not np.isclose(got[0], x0):
        return [f"the path starts at {got[0]:.4f}, expected the start x = {x0}"]
    ratio = (got[1] - got[0]) / (want[1] - want[0])
    if np.isclose(ratio, -1, rtol=1e-4):
        return ["the first step goes uphill: subtract lr * f'(x) from x, do not add it"]
    guess = float(f"{lr * ratio:.3g}")  # a learning rate with few digits that would explain the first step
    if guess > 0 and not np.isclose(guess, lr) and np.allclose(got, simulate(guess), rtol=1e-5, atol=1e-8):
        return [f"the path is that of learning rate {guess:g}, expected {lr}"]
    bad = ~np.isclose(got, want, rtol=1e-5, atol=1e-8)
    if bad.any():
        k = int(np.argmax(bad))
        return [
            f"the path leaves the expected one at epoch {k}: x = {got[k]:.5f}, expected {want[k]:.5f} "
            "(check your derivative with check.derivative)"
        ]
    return []


def descent_1d(gradient_descent, hint=False):
    """Step 2: gradient_descent(x) runs 100 epochs at lr 0.01 from x and returns the path (101 values)."""
    _expect_callable("gradient_descent", gradient_descent, "a function of the start x returning the path")

    def body():
        _given(gradient_descent)
        for x0 in (-1.7, 0.195, 1.3):
            got = _np(_call(gradient_descent, x0))
            problems = _path_problems(got, lambda lr: _descent_1d(x0, lr), x0, 0.01)
            if problems:
                return [f"from the start x = {x0}: {problems[0]}"], ""
        return [], "the paths from three starts match gradient descent with lr 0.01 for 100 epochs"

    return _run(body, "path = [x]; then 100 times: x = x - lr * df(x); path.append(x).", hint, "gradient_descent")


def zero_start(path_zero, hint=False):
    """Step 3: the path of the run started at exactly x = 0."""
    _expect_array("path_zero", path_zero)

    def body():
        _given(path_zero)
        p = _np(path_zero).ravel()
        if p.size != 101:
            return [f"path_zero has {p.size} values, expected 101 (the start and one per epoch)"], ""
        if p[0] != 0:
            return [f"path_zero starts at {p[0]:.4f}, expected exactly 0: hard-code the start x = 0"], ""
        if (p != 0).any():
            k = int(np.argmax(p != 0))
            return [
                f"x moved away from 0 (to {p[k]:.3g} at epoch {k}): at x = 0 the update lr * f'(0) is 0, "
                "so x should stay exactly 0; is your derivative 0 at x = 0?"
            ], ""
        return [], "the run from x = 0 has 101 values and stays at 0 (why it does is step 3's question)"

    return _run(body, "start gradient_descent at 0.0 and look at f'(0).", hint, "path_zero")


# ---- Gradient descent: 2D gradient ascent ----
def _f_at(f, p):
    return float(_np(_call(f, float(p[0]), float(p[1]))))


def _maximum_problems(f, end, who):
    """Is `end` a local maximum of f(x, y)? Central differences for the gradient and the curvatures."""
    if not np.all(np.isfinite(end)):
        return [f"{who} ends at {end}: the run diverged"]
    h, e = 1e-4, np.eye(2)
    grad = np.array([(_f_at(f, end + h * d) - _f_at(f, end - h * d)) / (2 * h) for d in e])
    if np.linalg.norm(grad) > 1e-3:
        return [
            f"{who} ends at ({end[0]:.3f}, {end[1]:.3f}), where f is not flat yet (|gradient| = "
            f"{np.linalg.norm(grad):.2g}): take more steps"
        ]
    # second differences with steps h * (a + b) and h * (a - b): for a = b the plain second difference (step 2h)
    hess = np.array(
        [
            [
                _f_at(f, end + h * (a + b))
                - _f_at(f, end + h * (a - b))
                - _f_at(f, end - h * (a - b))
                + _f_at(f, end - h * (a + b))
                for b in e
            ]
            for a in e
        ]
    ) / (4 * h * h)
    curv = np.linalg.eigvalsh((hess + hess.T) / 2)
    if (curv >= 0).any():
        kind = "a minimum" if (curv > 0).all() else "a saddle point"
        return [
            f"{who} ends at ({end[0]:.3f}, {end[1]:.3f}), which is {kind} of f, not a maximum "
            f"(curvatures {np.round(curv, 2)})"
        ]
    return []


def _path_2d(name, path):
    p = _np(path)
    if p.ndim != 2 or 2 not in p.shape or min(p.shape) < 2:
        return None, [f"{name} has shape {p.shape}, expected (number of steps + 1, 2): one (x, y) row per step"]
    if p.shape[1] != 2:
        return None, [f"{name} has shape {p.shape}, expected ({p.shape[1]}, 2): one (x, y) row per step"]
    return p, []


def ascent(path, f, hint=False):
    """Way 1: path [steps + 1, 2] of the run that climbs f(x, y) by stepping along the gradient."""
    _expect_array("path", path)
    _expect_callable("f", f, "the landscape as a function f(x, y), e.g. f_fn")

    def body():
        _given(path, f)
        p, problems = _path_2d("path", path)
        if problems:
            return problems, ""
        start, end = _f_at(f, p[0]), _f_at(f, p[-1])
        if end < start:
            return [
                f"f falls along the path (from {start:.3f} to {end:.3f}): it goes downhill; step along the "
                "gradient, p + lr * grad, to climb"
            ], ""
        problems = _maximum_problems(f, p[-1], "the path")
        return problems, f"the path climbs from f = {start:.3f} to a local maximum, f = {end:.3f}"

    return _run(body, "descent subtracts lr * gradient; ascent adds it.", hint, "the ascent path")


def same_maximum(path_neg, path_up, f, hint=False):
    """Way 2: path_neg, the unchanged descent run on -f, reaches the maximum way 1 (path_up) reached."""
    _expect_array("path_neg", path_neg)
    _expect_array("path_up", path_up)
    _expect_callable("f", f, "the landscape as a function f(x, y), e.g. f_fn")

    def body():
        _given(path_neg, path_up, f)
        (neg, p1), (up, p2) = _path_2d("path_neg", path_neg), _path_2d("path_up", path_up)
        if p1 or p2:
            return p1 + p2, ""
        if not np.allclose(neg[0], up[0]):
            return [
                f"the two ways start at different points ({neg[0].round(3)} and {up[0].round(3)}): "
                "start both from the same start"
            ], ""
        if _f_at(f, neg[-1]) < _f_at(f, neg[0]):
            return ["way 2 went downhill on f: give the descent the gradient of g = -f, not of f"], ""
        problems = _maximum_problems(f, neg[-1], "way 2")
        if not problems and not np.allclose(neg[-1], up[-1], atol=1e-6):
            problems = [
                f"way 2 ends at {neg[-1].round(4)}, way 1 at {up[-1].round(4)}: not the same maximum "
                "(same start, same learning rate and number of steps?)"
            ]
        return problems, f"both ways reach the same local maximum, ({neg[-1][0]:.4f}, {neg[-1][1]:.4f})"

    return _run(body, "the highest point of f is the lowest point of -f, and grad(-f) = -grad f.", hint, "way 2")


# ---- Gradient descent: fixed vs. dynamic learning rate ----
def _f_par(x):
    return 3 * x**2 - 3 * x + 4


def _rate(rule, t, x, shift=0.0):
    """The rate rule(t, x, slope, loss) gives at one point, with the loss optionally shifted by a constant."""
    xa = np.array([float(x)])
    out = _np(_call(rule, t, xa, 6 * xa - 3, _f_par(xa) + shift))
    return float(np.broadcast_to(out, (1,))[0]) if out.size == 1 else float(out.ravel()[0])


def descend(descend, hint=False):
    """descend(x0, epochs, rule) runs gradient descent on f(x) = 3x^2 - 3x + 4, asking
    rule(t, x, slope, loss) for each epoch's rate; returns the path (epochs + 1 values; or (path, rates))."""
    _expect_callable("descend", descend, "a function descend(x0, epochs, rule)")

    def body():
        _given(descend)
        calls = []

        def spy(t, x, slope, loss):
            calls.append([float(_np(v).ravel()[0]) for v in (t, x, slope, loss)])
            return 0.05

        out = _call(descend, -1.5, 20, spy)
        path = _np(out[0] if isinstance(out, tuple) else out).ravel()
        c = np.array(calls).reshape(-1, 4)
        ts = c[:, 0].astype(int).tolist()
        if ts != list(range(20)):
            if ts == list(range(1, 21)):
                return ["the rule got t = 1, ..., 20; the first epoch is t = 0 (range(epochs))"], ""
            return [
                f"for 20 epochs the rule was called {len(ts)} times with t = {ts[:3]}...{ts[-2:]}, expected "
                "once per epoch with t = 0, ..., 19" + (" (the range stops one short)" if len(ts) == 19 else "")
            ], ""
        if not np.allclose(c[:, 2], 6 * c[:, 1] - 3):
            wrong = "f(x), the loss" if np.allclose(c[:, 2], _f_par(c[:, 1])) else "something other than f'(x)"
            return [f"the rule's slope argument got {wrong}; pass f'(x) = 6x - 3"], ""
        if not np.allclose(c[:, 3], _f_par(c[:, 1])):
            return ["the rule's loss argument is not f(x) = 3x^2 - 3x + 4 at the current x"], ""
        problems = _path_problems(path, lambda lr: _descent_par(-1.5, 20, lr), -1.5, 0.05)
        return problems, "descend calls the rule once per epoch (t = 0, 1, ...) with x, f'(x), f(x) and uses its rate"

    return _run(
        body, "for t in range(epochs): slope = f'(x); lr = rule(t, x, slope, f(x)); x = x - lr * slope", hint, "descend"
    )


def _descent_par(x0, epochs, lr):
    path = [x0]
    for _ in range(epochs):
        path.append(path[-1] - lr * (6 * path[-1] - 3))
    return np.array(path)


def _rate_problems(rule, positive_where, depends_on):
    xs = [-2.0, -1.0, 0.0, 1.0, 1.7]
    rates = [_rate(rule, 0, x) for x in xs]
    if min(rates) <= 0 or not np.all(np.isfinite(rates)):
        where = [x for x, r in zip(xs, rates) if not r > 0]
        return [f"the rate is {min(rates):.3g} at x = {where[0]}: a learning rate must be positive{positive_where}"]
    varies = {
        "the epoch": abs(_rate(rule, 30, -1.5) - _rate(rule, 0, -1.5)) > 1e-12,
        "the loss": abs(_rate(rule, 0, -1.5, shift=40.0) - _rate(rule, 0, -1.5)) > 1e-12,
    }
    problems = [
        f"the rate changes with {k}; this scheme should depend on {depends_on} only"
        for k, v in varies.items()
        if v and k != depends_on
    ]
    return problems


def rate_by_epoch(rule, hint=False):
    """Scheme 1: rule(t, x, slope, loss) shrinks with the epoch t (learning rate decay)."""
    _expect_callable("rule", rule, "a function rule(t, x, slope, loss) returning a learning rate")

    def body():
        _given(rule)
        problems = _rate_problems(rule, "", "the epoch")
        r = np.array([_rate(rule, t, -1.5) for t in range(50)])
        if abs(_rate(rule, 5, 1.7) - r[5]) > 1e-12:
            problems.append("the rate changes with x; this scheme should depend on the epoch only")
        if np.allclose(r, r[0]):
            problems.append("the rate does not change with the epoch t")
        elif (np.diff(r) > 1e-15).any():
            problems.append(
                f"the rate grows with the epoch (from {r[0]:.3g} to {r[-1]:.3g}): decay means it shrinks as t grows"
            )
        return problems, f"the rate decays with the epoch, from {r[0]:.3g} at t = 0 to {r[-1]:.3g} at t = 49"

    return _run(body, "e.g. lr = 0.05 * 0.95**t", hint, "the epoch rule")


def rate_by_derivative(rule, hint=False):
    """Scheme 2: the rate grows with the size of the slope f'(x)."""
    _expect_callable("rule", rule, "a function rule(t, x, slope, loss) returning a learning rate")

    def body():
        _given(rule)
        problems = _rate_problems(
            rule, " (for a negative slope too: use the size of the slope, |f'(x)|)", "the derivative"
        )
        if problems:
            return problems, ""
        near, far, mirror = _rate(rule, 0, 1.0), _rate(rule, 0, 2.0), _rate(rule, 0, 0.0)
        if not far > near:
            problems.append(
                f"the rate is not larger where the slope is steeper ({near:.3g} at x = 1, where "
                f"|f'| = 3; {far:.3g} at x = 2, where |f'| = 9)"
            )
        if not np.isclose(near, mirror, rtol=1e-6):
            problems.append(
                f"x = 1 and x = 0 have slopes of the same size (3 and -3) but get rates {near:.3g} and "
                f"{mirror:.3g}: use |f'(x)|"
            )
        return problems, f"the rate grows with |f'(x)| ({near:.3g} at |f'| = 3, {far:.3g} at |f'| = 9)"

    return _run(body, "e.g. lr = 0.01 * abs(slope)", hint, "the derivative rule")


def rate_by_loss(rule, hint=False):
    """Scheme 3: the rate grows with the loss f(x), passed to the rule as its `loss` argument."""
    _expect_callable("rule", rule, "a function rule(t, x, slope, loss) returning a learning rate")

    def body():
        _given(rule)
        problems = _rate_problems(rule, "", "the loss")
        if problems:
            return problems, ""
        low, high = _rate(rule, 0, 0.5), _rate(rule, 0, -1.5, shift=0.0)
        if abs(_rate(rule, 0, -1.5, shift=40.0) - high) < 1e-12:
            problems.append("the rate ignores the rule's loss argument (compute it from `loss`, not from x)")
        elif not high > low:
            problems.append(
                f"the rate is not larger where the loss is higher ({low:.3g} at the minimum, loss "
                f"3.25; {high:.3g} at x = -1.5, loss 15.25)"
            )
        return problems, f"the rate grows with the loss ({low:.3g} at loss 3.25, {high:.3g} at loss 15.25)"

    return _run(body, "e.g. lr = 0.01 * loss", hint, "the loss rule")


# ---- ANN: manipulate the regression slope ----
def slope_data(make_data, hint=False):
    """Step 2: make_data(m) returns x, y [50, 1] with x ~ N(0, 1) and y = m x + noise / 2."""
    _expect_callable("make_data", make_data, "a function of the slope m returning (x, y)")

    def body():
        _given(make_data)
        problems = []
        for m in (1.5, -2.0, 0.0):
            draws = [_call(make_data, m) for _ in range(20)]
            if not all(isinstance(d, (tuple, list)) and len(d) == 2 for d in draws):
                return [f"make_data({m}) returned {type(draws[0]).__name__}; return the pair (x, y)"], ""
            x, y = _np(draws[0][0]), _np(draws[0][1])
            for name, v in (("x", x), ("y", y)):
                if (p := _shape_problem(name, v, (50, 1))) is not None:
                    return [p + " (N = 50 samples in one column)"], ""
            if np.allclose(x, _np(draws[1][0])):
                return ["make_data returned the same x twice: draw new random numbers on every call"], ""
            X = np.concatenate([_np(d[0]).ravel() for d in draws])
            Y = np.concatenate([_np(d[1]).ravel() for d in draws])
            est = np.polyfit(X, Y, 1)[0]
            noise = np.std(Y - est * X)
            if abs(X.mean()) > 0.15 or abs(X.std() - 1) > 0.15:
                problems.append(
                    f"x should be standard normal (mean 0, std 1), it has mean {X.mean():.2f} and std {X.std():.2f}"
                )
            elif abs(est - m) > 0.15:
                flipped = m != 0 and abs(est + m) < 0.15
                problems.append(
                    f"asked for slope {m:g}, the data's slope is {est:.2f}"
                    + (": the sign is flipped" if flipped else "")
                )
            elif abs(noise - 0.5) > 0.08:
                problems.append(
                    f"the noise has standard deviation {noise:.2f}, expected 0.5 (epsilon / 2 with epsilon ~ N(0, 1))"
                )
            if problems:
                return problems, ""
        return [], "x ~ N(0, 1), the slope you ask for, noise of std 0.5, shape (50, 1), new data each call"

    return _run(body, "x = torch.randn(50, 1); y = m * x + torch.randn(50, 1) / 2", hint, "make_data")


def build_and_train(build_and_train, hint=False):
    """Step 1: build_and_train(x, y) builds and trains a 1-1-1 regression network; returns
    (predictions [N, 1], loss per epoch)."""
    _expect_callable("build_and_train", build_and_train, "a function build_and_train(x, y)")

    def body():
        _given(build_and_train)
        g = _gen(3)
        x = torch.randn(50, 1, generator=g)
        y = 1.5 * x + 0.5 * torch.randn(50, 1, generator=g)
        best = np.inf
        for run in range(3):  # a 1-1-1 ReLU network fails now and then (its unit dies): allow three starts
            out = _call(build_and_train, x, y)
            if not (isinstance(out, (tuple, list)) and len(out) == 2):
                return [f"build_and_train returned {type(out).__name__}; return (predictions, losses)"], ""
            pred, losses = _np(out[0]), _np(out[1]).ravel()
            if (p := _shape_problem("the first value returned (the predictions)", pred, (50, 1))) is not None:
                return [p + " (one prediction per sample, like y)"], ""
            if losses.size < 2:
                return ["the losses hold one number; return the loss of every epoch"], ""
            mse = float(np.mean((pred - _np(y)) ** 2))
            if run == 0 and not losses[-1] < 0.9 * losses[0]:
                return [
                    f"the loss did not fall over training ({losses[0]:.3f} -> {losses[-1]:.3f}): are "
                    "optimizer.zero_grad(), loss.backward() and optimizer.step() all in the loop?"
                ], ""
            if run == 0 and abs(mse - losses[-1]) > 0.1 * losses[-1] + 0.02:
                return [
                    f"the predictions' MSE is {mse:.3f} but the last loss is {losses[-1]:.3f}: return the "
                    "predictions of the trained model (computed after the loop)"
                ], ""
            best = min(best, mse)
            if best < 0.45:
                return [], (
                    f"the network learns the line (MSE {best:.3f}) and the "
                    f"function returns its predictions and {losses.size} losses"
                )
        return [f"in 3 runs the network never fitted the line (best MSE {best:.3f}, noise alone gives 0.25)"], ""

    return _run(
        body,
        "model = nn.Sequential(nn.Linear(1, 1), nn.ReLU(), nn.Linear(1, 1)); SGD on nn.MSELoss()",
        hint,
        "build_and_train",
    )


def slope_grid(slopes_per_model, hint=False):
    """Step 3: one slope per model: 21 slopes from -2 to 2, each repeated 50 times (1,050 models)."""
    _expect_array("slopes_per_model", slopes_per_model)

    def body():
        _given(slopes_per_model)
        problems = _grid_problems("slopes_per_model", slopes_per_model, -2, 2, 21, 50, "slope")
        return problems, "21 slopes from -2 to 2, each for 50 models: 1,050 models"

    return _run(body, "torch.linspace(-2, 2, 21).repeat(50)", hint, "slopes_per_model")


def correlation(correlation, hint=False):
    """Step 4: correlation(a, b) is the Pearson correlation of predictions and targets (tensors [N, 1])."""
    _expect_callable("correlation", correlation, "a function correlation(a, b) returning a number")

    def body():
        _given(correlation)
        g = _gen(4)
        cases = []
        for scale, shift, sign in ((1.0, 0.0, 1), (3.0, 2.0, -1), (0.2, -5.0, 1)):
            a = torch.randn(50, 1, generator=g)
            b = sign * 0.7 * a + 0.5 * torch.randn(50, 1, generator=g)
            cases.append((scale * a + shift, b + 1.0))
        got = np.array([float(_np(_call(correlation, a, b))) for a, b in cases])
        A, B = [_np(c[0]).ravel() for c in cases], [_np(c[1]).ravel() for c in cases]
        want = np.array([np.corrcoef(a, b)[0, 1] for a, b in zip(A, B)])
        if np.allclose(got, want, atol=1e-4):
            return [], "correlation(a, b) is Pearson's r (centred, scaled, and keeps its sign)"
        known = _match(
            got,
            {
                "not centred: subtract each variable's mean first (this is the cosine similarity)": np.array(
                    [a @ b / np.linalg.norm(a) / np.linalg.norm(b) for a, b in zip(A, B)]
                ),
                "this is the covariance: divide it by both standard deviations": np.array(
                    [np.cov(a, b)[0, 1] for a, b in zip(A, B)]
                ),
                "this is r squared: a negative correlation comes out positive": want**2,
            },
            rtol=1e-3,
            atol=1e-4,
        )
        return [
            known or "correlation differs from Pearson's r",
            f"for three test pairs: got {np.round(got, 3)}, expected {np.round(want, 3)}",
        ], ""

    return _run(body, "torch.corrcoef(torch.stack([a.ravel(), b.ravel()]))[0, 1]", hint, "correlation")


# ---- ANN: many qwerties (three groups, a 2-4-3 network) ----
_CENTRES = np.array([[1.0, 1.0], [5.0, 1.0], [4.0, 4.0]])


def three_clouds(X, y, hint=False):
    """Step 1: X [300, 2] points and y [300] integer labels 0, 1, 2: clouds of 100 around
    (1, 1), (5, 1) and (4, 4) with standard deviation 1."""
    _expect_array("X", X)
    _expect_array("y", y, "class labels (a tensor, array or list)")

    def body():
        _given(X, y)
        Xa, ya = _np(X), _np(y)
        for p in (_shape_problem("X", Xa, (300, 2)), _shape_problem("y", ya, (300,))):
            if p is not None:
                return [p + (" (one label per point, no extra axis)" if p.startswith("y") else "")], ""
        if isinstance(y, torch.Tensor) and y.dtype != torch.long:
            return [f"y is {y.dtype}; nn.CrossEntropyLoss wants integer class indices: y.long()"], ""
        if sorted(np.unique(ya).tolist()) != [0, 1, 2] or (np.bincount(ya.astype(int)) != 100).any():
            return [f"y should hold the labels 0, 1, 2, 100 each; it has {np.unique(ya, return_counts=True)}"], ""
        problems = []
        for k, c in enumerate(_CENTRES):
            mean, std = Xa[ya == k].mean(0), Xa[ya == k].std(0).mean()
            if np.abs(mean - c).max() > 0.35:
                problems.append(
                    f"the points of group {k} are centred at ({mean[0]:.2f}, {mean[1]:.2f}), "
                    f"expected ({c[0]:g}, {c[1]:g})"
                )
            elif abs(std - 1) > 0.2:
                problems.append(f"group {k} has a spread of {std:.2f}, expected a standard deviation of 1")
        return problems, "three clouds of 100 points at (1, 1), (5, 1), (4, 4), spread 1, integer labels 0-2"

    return _run(body, "utils.make_qwerties([[1, 1], [5, 1], [4, 4]], n_per_cloud=100, spread=1.0)", hint, "the data")


def model_243(model, hint=False):
    """Step 2: a 2-4-3 network: Linear(2, 4), ReLU, Linear(4, 3), with no softmax at the end."""
    _expect_module("model", model)

    def body():
        _given(model)
        probe = 3 * torch.randn(200, 2, generator=_gen(5))
        with torch.no_grad():
            out = _np(_call(model, probe))
        if (p := _shape_problem("the output for 200 points", out, (200, 3))) is not None:
            return [p + ": 2 inputs, one score per group"], ""
        sizes = [(m.in_features, m.out_features) for m in model.modules() if isinstance(m, nn.Linear)]
        if sizes != [(2, 4), (4, 3)]:
            return [
                f"the Linear layers are {sizes}, expected [(2, 4), (4, 3)]: 2 inputs, 4 hidden units, 3 outputs"
            ], ""
        if np.allclose(out.sum(1), 1, atol=1e-5) and (out >= 0).all():
            return [
                "the outputs are probabilities (rows sum to 1): leave out the softmax, nn.CrossEntropyLoss "
                "applies it itself"
            ], ""
        design = np.hstack([_np(probe), np.ones((200, 1))])
        residual = out - design @ np.linalg.lstsq(design, out, rcond=None)[0]
        if np.abs(residual).max() < 1e-4 * (1 + np.abs(out).max()):
            return ["the network is linear: the ReLU between the two layers is missing"], ""
        act = _stacked_activation(model)
        if act != "relu":
            return [f"the hidden layer's nonlinearity is not a ReLU (it computes like {act!r})"], ""
        return [], "a 2-4-3 network with a ReLU hidden layer and raw scores (logits) out"

    return _run(body, "nn.Sequential(nn.Linear(2, 4), nn.ReLU(), nn.Linear(4, 3))", hint, "model")


def _stacked_activation(model):
    """Which activation makes a plain stack of the model's Linear layers compute what the model computes."""
    from .stacked import BatchedMLP  # here, not at the top: only these checks need it

    try:
        return BatchedMLP.from_modules([model]).activation
    except ValueError:
        return "something else"


def _nearest_centre_accuracy(Xa, ya):
    return 100 * float(np.mean(np.linalg.norm(Xa[:, None] - _CENTRES[None], axis=2).argmin(1) == ya))


def trained(model, X, y, hint=False):
    """Step 3: the model is trained: its accuracy is close to the best these three clouds allow."""
    _expect_module("model", model)
    _expect_array("X", X)
    _expect_array("y", y, "class labels (a tensor, array or list)")

    def body():
        _given(model, X, y)
        with torch.no_grad():
            out = _np(_call(model, torch.as_tensor(_np(X), dtype=torch.float32)))
        ya = _np(y).ravel()
        if out.shape != (len(ya), 3):
            return [f"the model's output has shape {out.shape}, expected ({len(ya)}, 3)"], ""
        acc, best = 100 * float(np.mean(out.argmax(1) == ya)), _nearest_centre_accuracy(_np(X), ya)
        if acc < best - 5:
            chance = " (chance level: is the model trained?)" if acc < 45 else ""
            return [f"accuracy {acc:.1f} %: the model is not trained well enough yet for these clouds{chance}"], ""
        return [], f"accuracy {acc:.1f} % on the {len(ya)} points: trained (how good that is, is step 5's question)"

    return _run(
        body, "train with nn.CrossEntropyLoss on integer labels, SGD lr 0.05, about 1,000 epochs", hint, "the training"
    )


def probabilities(probs, model, X, hint=False):
    """Step 4: probs [300, 3] are the softmax probabilities of the three groups for every sample."""
    _expect_array("probs", probs)
    _expect_module("model", model)
    _expect_array("X", X)

    def body():
        _given(probs, model, X)
        p = _np(probs)
        with torch.no_grad():
            logits = _call(model, torch.as_tensor(_np(X), dtype=torch.float32))
        want = _np(torch.softmax(logits, dim=1))
        if (s := _shape_problem("probs", p, want.shape)) is not None:
            return [s], ""
        if np.allclose(p, want, atol=1e-5):
            return [], "probs are the softmax of the model's scores: each row sums to 1"
        known = _match(
            p,
            {
                "the softmax ran over the samples (columns sum to 1): use dim=1, across the three groups": _np(
                    torch.softmax(logits, dim=0)
                ),
                "these are the raw scores (logits): apply torch.softmax(..., dim=1)": _np(logits),
                "these are sigmoids of the scores: a softmax makes the three probabilities sum to 1": _np(
                    torch.sigmoid(logits)
                ),
            },
        )
        return [known or "probs are not the softmax of the model's outputs on X"], ""

    return _run(body, "torch.softmax(model(X), dim=1)", hint, "probs")


# ---- ANN: convert nn.Sequential to a class ----
def _stack_2_16_1_1(layers, x, skip=(), out=None):
    """The multilayer qwerty model computed from three Linear layers; `skip` leaves out ReLU 1 and/or 2."""
    for k, layer in enumerate(layers[:2]):
        x = layer(x) if k + 1 in skip else torch.relu(layer(x))
    x = layers[2](x)
    return out(x) if out else x


def qwerty_class(QwertyNet, hint=False):
    """Step 1: QwertyNet, an nn.Module class computing Linear(2, 16), ReLU, Linear(16, 1), ReLU, Linear(1, 1)."""
    if isinstance(QwertyNet, nn.Module):
        raise TypeError(
            "QwertyNet must be the class itself (check.qwerty_class(QwertyNet)), got an instance "
            f"of {type(QwertyNet).__name__}."
        )
    if not _not_attempted(QwertyNet) and not isinstance(QwertyNet, type):
        raise TypeError(
            f"QwertyNet must be a class (a subclass of nn.Module), got {type(QwertyNet).__name__} ({QwertyNet!r:.60})."
        )

    def body():
        _given(QwertyNet)
        if not issubclass(QwertyNet, nn.Module):
            return ["QwertyNet must be a subclass of nn.Module: class QwertyNet(nn.Module)"], ""
        net = _call(QwertyNet)
        with torch.no_grad():
            _call(net, torch.zeros(1, 2))  # a forward still at its placeholder: not attempted
        layers = [m for m in net.modules() if isinstance(m, nn.Linear)]
        sizes = [(m.in_features, m.out_features) for m in layers]
        if sizes != [(2, 16), (16, 1), (1, 1)]:
            return [
                f"the Linear layers (in the order __init__ creates them) are {sizes}, expected "
                "[(2, 16), (16, 1), (1, 1)]"
            ], ""
        g = _gen(6)
        with torch.no_grad():  # weights of our own, chosen so that both ReLUs are active for some inputs only
            for m in layers:
                m.weight.copy_(torch.randn(m.weight.shape, generator=g))
                m.bias.copy_(torch.randn(m.bias.shape, generator=g) if m is layers[0] else torch.zeros(m.bias.shape))
            probe = 3 * torch.randn(256, 2, generator=g)
            got = _np(_call(net, probe))
            want = _np(_stack_2_16_1_1(layers, probe))
        if (p := _shape_problem("the output for 256 points", got, want.shape)) is not None:
            return [p + ": one logit per point"], ""
        if np.allclose(got, want, atol=1e-5):
            return [], "QwertyNet computes the Sequential model's function: Linear, ReLU, Linear, ReLU, Linear"
        with torch.no_grad():
            known = _match(
                got,
                {
                    "the ReLU after the first layer is missing": _np(_stack_2_16_1_1(layers, probe, skip=(1,))),
                    "the ReLU after the second layer is missing": _np(_stack_2_16_1_1(layers, probe, skip=(2,))),
                    "no ReLU is applied at all": _np(_stack_2_16_1_1(layers, probe, skip=(1, 2))),
                    "the output goes through a sigmoid: return the raw logit (BCEWithLogitsLoss adds it)": _np(
                        _stack_2_16_1_1(layers, probe, out=torch.sigmoid)
                    ),
                    "the output goes through a ReLU: the last layer's logit must stay raw": _np(
                        _stack_2_16_1_1(layers, probe, out=torch.relu)
                    ),
                },
                atol=1e-5,
            )
        return [known or "forward does not compute Linear(2, 16), ReLU, Linear(16, 1), ReLU, Linear(1, 1)"], ""

    return _run(
        body, "forward: x = F.relu(self.first(x)); x = F.relu(self.second(x)); return self.out(x)", hint, "QwertyNet"
    )


def same_outputs(seq, cls, hint=False):
    """Step 2: seq (Sequential) and cls (your class), started from identical weights, compute the same outputs."""
    _expect_module("seq", seq)
    _expect_module("cls", cls)

    def body():
        _given(seq, cls)
        if seq is cls:
            return ["seq and cls are the same object: build a class model and copy the Sequential's weights in"], ""
        if isinstance(cls, nn.Sequential):
            return ["cls is an nn.Sequential: build it from your class, cls = QwertyNet()"], ""
        shared = {p.data_ptr() for p in seq.parameters()} & {p.data_ptr() for p in cls.parameters()}
        if shared:
            return [
                "the two models share their weight tensors, so training one trains the other: copy the "
                "values (load_state_dict), do not hand over the tensors"
            ], ""
        probe = 3 * torch.randn(256, 2, generator=_gen(7))
        with torch.no_grad():
            gap = float(np.abs(_np(_call(seq, probe)) - _np(_call(cls, probe))).max())
        if gap > 1e-5:
            return [
                f"the two models' outputs differ by up to {gap:.3g}: they did not start from the same weights "
                "(copy them by position: the names differ), or they were trained differently"
            ], ""
        return [], f"the class model and the Sequential model compute the same outputs (largest difference {gap:.1e})"

    return _run(
        body,
        "cls.load_state_dict(dict(zip(cls.state_dict().keys(), seq.state_dict().values())))",
        hint,
        "the two models",
    )


def lr_per_model(lr_per_model, hint=False):
    """Step 3: one learning rate per model: 40 rates from 0.001 to 0.1, each for 15 models (600)."""
    _expect_array("lr_per_model", lr_per_model)

    def body():
        _given(lr_per_model)
        problems = _grid_problems("lr_per_model", lr_per_model, 0.001, 0.1, 40, 15, "learning rate")
        return problems, "40 learning rates from 0.001 to 0.1, each for 15 models: 600 models"

    return _run(body, "torch.linspace(0.001, 0.1, 40).repeat(15)", hint, "lr_per_model")


# ---- Regularization: effects of mini-batch size ----
_SIZES = [2, 4, 8, 16, 32, 64]


def minibatch_setup(LR, BATCH_SIZES, hint=False):
    """Steps 1 and 2: the learning rate 0.001 and the batch sizes 2**N for N = 1, ..., 6."""
    if not _not_attempted(LR) and (isinstance(LR, bool) or not isinstance(LR, numbers.Real)):
        raise TypeError(f"LR must be a number, got {type(LR).__name__} ({LR!r:.60}).")
    _expect_array("BATCH_SIZES", BATCH_SIZES, "a list of batch sizes")

    def body():
        _given(LR, BATCH_SIZES)
        problems = [] if np.isclose(LR, 0.001) else [f"the learning rate is {LR:g}, expected 0.001"]
        sizes = _np(BATCH_SIZES).ravel().tolist()
        if sizes != _SIZES:
            why = ""
            if sizes == _SIZES[:-1]:
                why = ": the range stops one short (range(1, 7) gives N = 1, ..., 6)"
            elif sizes[:1] == [1]:
                why = ": it starts at 2**0 = 1; N runs from 1"
            problems.append(f"the batch sizes are {[int(s) for s in sizes]}, expected {_SIZES}{why}")
        return problems, "learning rate 0.001 and batch sizes 2, 4, 8, 16, 32, 64"

    return _run(body, "BATCH_SIZES = [2 ** n for n in range(1, 7)]", hint, "LR and BATCH_SIZES")


def minibatch_results(results, hint=False):
    """Steps 3 and 4: results[B] = {"train_acc": per epoch, "test_acc": per epoch} for every batch size B."""
    if not _not_attempted(results) and not isinstance(results, dict):
        raise TypeError(
            f"results must be a dict {{batch size: {{'train_acc': ..., 'test_acc': ...}}}}, got "
            f"{type(results).__name__} ({results!r:.60})."
        )

    def body():
        _given(results)
        if sorted(results) != _SIZES:
            return [f"results has the batch sizes {sorted(results)}, expected {_SIZES}"], ""
        curves = {}
        for B in _SIZES:
            rec = results[B]
            missing = [k for k in ("train_acc", "test_acc") if not isinstance(rec, dict) or k not in rec]
            if missing:
                return [f"results[{B}] has no {missing[0]!r}: store both accuracies of every epoch"], ""
            curves[B] = [_np(rec["train_acc"]).ravel(), _np(rec["test_acc"]).ravel()]
        lengths = {B: len(c[0]) for B, c in curves.items()}
        if len(set(lengths.values()) | {len(c[1]) for c in curves.values()}) != 1 or lengths[2] < 2:
            return [
                f"the records have different lengths ({lengths}): train every batch size for the same number "
                "of epochs and store one accuracy per epoch"
            ], ""
        if any(np.array_equal(tr, te) for tr, te in curves.values()):
            return ["test_acc equals train_acc at every epoch: evaluate the test set for test_acc"], ""
        if all(np.array_equal(curves[B][1], curves[2][1]) for B in _SIZES):
            return ["all six batch sizes have identical curves: is B passed to the training as the batch size?"], ""
        return [], (
            f"{lengths[2]} epochs of train and test accuracy for each of the six batch sizes "
            "(what they show is steps 4 and 5)"
        )

    return _run(
        body, "train_batched(..., batch_size=B, test=(X_test, y_test)) records train_acc and test_acc", hint, "results"
    )
