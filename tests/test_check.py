"""Tests of utils.check: every check accepts the notebook's solution (re-written compactly here), rejects
typical wrong answers with a message that points at the mistake, says "not attempted yet" for untouched
workspace placeholders, raises TypeError for the wrong kind of argument and leaves the global RNG alone."""

import math

import numpy as np
import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F

import utils
from utils import check

torch.set_num_threads(1)


@pytest.fixture(autouse=True)
def seeded():
    """Every test starts from the same global random state, whatever ran before it on its worker (pytest -n 2
    hands tests to workers in varying order): the reference models below use nn.Linear's own random init,
    and a 2-4-3 ReLU net from an unlucky start can lose a unit and stay below the check's bar."""
    saved = np.random.get_state()
    np.random.seed(0)
    with torch.random.fork_rng():
        torch.manual_seed(0)
        yield
    np.random.set_state(saved)


def ok(verdict):
    assert verdict.status == check.CORRECT and bool(verdict), repr(verdict)


def wrong(verdict, pointer):
    assert verdict.status == check.WRONG and not verdict, repr(verdict)
    assert pointer in repr(verdict), repr(verdict)


# ---- gradient descent: an unfortunate starting value ----
def df(x):
    return -2 * np.pi * np.sin(2 * np.pi * x) + 2 * x


def make_gd(slope=df, lr=0.01, keep_start=True, sign=-1):
    def gradient_descent(x, epochs=100):
        path = [x] if keep_start else []
        for _ in range(epochs):
            x = x + sign * lr * slope(x)
            path.append(x)
        return np.array(path)

    return gradient_descent


def test_derivative():
    ok(check.derivative(df))
    ok(check.derivative(lambda x: 2 * x - 2 * math.pi * math.sin(2 * math.pi * x)))  # scalar-only code is fine
    wrong(check.derivative(lambda x: 2 * np.pi * np.sin(2 * np.pi * x) + 2 * x), "sign of the sine term is flipped")
    wrong(check.derivative(lambda x: -np.sin(2 * np.pi * x) + 2 * x), "factor 2 pi is missing")
    wrong(check.derivative(lambda x: -2 * np.pi * np.sin(2 * np.pi * x)), "2x from differentiating x^2 is missing")


def test_descent_1d():
    ok(check.descent_1d(make_gd()))
    wrong(check.descent_1d(make_gd(keep_start=False)), "100 values, expected 101 (one short")
    wrong(check.descent_1d(make_gd(sign=+1)), "goes uphill")
    wrong(check.descent_1d(make_gd(lr=0.1)), "learning rate 0.1, expected 0.01")
    wrong(check.descent_1d(lambda x: make_gd()(x)[-1]), "returned one number")


def test_zero_start():
    ok(check.zero_start(make_gd()(0.0)))
    wrong(check.zero_start(make_gd()(0.3)), "expected exactly 0")
    wrong(check.zero_start(make_gd(slope=lambda x: df(x) + 1)(0.0)), "moved away from 0")
    wrong(check.zero_start(make_gd(keep_start=False)(0.0)), "100 values, expected 101")


# ---- gradient descent: 2D ascent (the lecture's landscape of Gaussian bumps) ----
BUMPS = np.array([[0.9, 1.0, 3.0, 0.8], [-1.3, 0.3, 2.0, 0.7], [0.3, -1.2, -2.5, 0.8],
                  [2.0, -0.5, -1.5, 0.6], [-1.6, -1.7, -1.5, 0.6], [-0.6, 2.0, -1.2, 0.6]])  # fmt: skip


def f_fn(x, y):
    a, b, h, w = BUMPS.T
    x, y = np.asarray(x, float)[..., None], np.asarray(y, float)[..., None]
    return (h * np.exp(-((x - a) ** 2 + (y - b) ** 2) / (2 * w**2))).sum(-1)


def grad_f(p):
    a, b, h, w = BUMPS.T
    e = h * np.exp(-((p[0] - a) ** 2 + (p[1] - b) ** 2) / (2 * w**2)) / w**2
    return np.array([-(e * (p[0] - a)).sum(), -(e * (p[1] - b)).sum()])


def run_2d(start, grad, sign, steps=500, lr=0.05):
    path = [np.array(start, float)]
    for _ in range(steps):
        path.append(path[-1] + sign * lr * grad(path[-1]))
    return np.array(path)


START = (0.195, 0.861)
PATH_UP = run_2d(START, grad_f, +1)  # way 1
PATH_NEG = run_2d(START, lambda p: -grad_f(p), -1)  # way 2: descend -f


def test_ascent():
    ok(check.ascent(PATH_UP, f_fn))
    wrong(check.ascent(run_2d(START, grad_f, -1), f_fn), "goes downhill")
    wrong(check.ascent(PATH_UP.T, f_fn), "shape (2, 501), expected (501, 2)")
    wrong(check.ascent(run_2d(START, grad_f, +1, steps=5), f_fn), "not flat yet")
    valley = run_2d(START, grad_f, -1, steps=2000)[-1]
    wrong(check.ascent(np.array([valley, valley]), f_fn), "which is a minimum of f, not a maximum")


def test_same_maximum():
    ok(check.same_maximum(PATH_NEG, PATH_UP, f_fn))
    wrong(check.same_maximum(run_2d(START, grad_f, -1), PATH_UP, f_fn), "went downhill on f")
    wrong(check.same_maximum(run_2d((0.3, 0.9), grad_f, +1), PATH_UP, f_fn), "start at different points")
    other_hill = run_2d((-1.5, 0.2), grad_f, +1)
    wrong(check.same_maximum(other_hill, run_2d((-1.5, 0.2), grad_f, +1, lr=0.001), f_fn), "not the same maximum")


# ---- gradient descent: fixed vs. dynamic learning rate ----
def make_descend(first_t=0, epochs_short=0, slope_is_loss=False, sign=-1):
    f = lambda x: 3 * x**2 - 3 * x + 4

    def descend(x0, epochs, rule):
        x = np.atleast_1d(np.asarray(x0, float))
        xs, rates = [x.copy()], []
        for t in range(first_t, first_t + epochs - epochs_short):
            slope = 6 * x - 3
            lr = rule(t, x, f(x) if slope_is_loss else slope, f(x))
            x = x + sign * lr * slope
            xs.append(x.copy())
            rates.append(lr)
        return np.array(xs), np.array(rates)

    return descend


def test_descend():
    ok(check.descend(make_descend()))
    wrong(check.descend(make_descend(first_t=1)), "the first epoch is t = 0")
    wrong(check.descend(make_descend(epochs_short=1)), "the range stops one short")
    wrong(check.descend(make_descend(slope_is_loss=True)), "slope argument got f(x), the loss")
    wrong(check.descend(make_descend(sign=+1)), "goes uphill")


def test_rate_by_epoch():
    ok(check.rate_by_epoch(lambda t, x, slope, loss: 0.05 * 0.95**t))
    wrong(check.rate_by_epoch(lambda t, x, slope, loss: 0.05 * 1.05**t), "grows with the epoch")
    wrong(check.rate_by_epoch(lambda t, x, slope, loss: 0.05), "does not change with the epoch")
    wrong(check.rate_by_epoch(lambda t, x, slope, loss: 0.01 * loss * 0.95**t), "changes with the loss")


def test_rate_by_derivative():
    ok(check.rate_by_derivative(lambda t, x, slope, loss: 0.01 * np.abs(slope)))
    wrong(check.rate_by_derivative(lambda t, x, slope, loss: 0.01 * slope), "use the size of the slope, |f'(x)|")
    wrong(check.rate_by_derivative(lambda t, x, slope, loss: 0.01 / np.abs(slope)), "not larger where the slope")
    wrong(check.rate_by_derivative(lambda t, x, slope, loss: 0.01 * np.abs(slope) * 0.9**t), "changes with the epoch")


def test_rate_by_loss():
    ok(check.rate_by_loss(lambda t, x, slope, loss: 0.01 * loss))
    wrong(check.rate_by_loss(lambda t, x, slope, loss: 0.01 * (3 * x**2 - 3 * x + 4)), "ignores the rule's loss")
    wrong(check.rate_by_loss(lambda t, x, slope, loss: 0.01 / loss), "not larger where the loss is higher")
    wrong(check.rate_by_loss(lambda t, x, slope, loss: 0.01 * loss * 0.95**t), "changes with the epoch")


# ---- ANN: manipulate the regression slope ----
def make_data(slope):
    return utils.make_linear_regression(n=50, slope=slope, noise=0.5)


def make_build_and_train(step=True, predict_first=False, swap=False):
    def build_and_train(x, y, epochs=300):
        model = nn.Sequential(nn.Linear(1, 1), nn.ReLU(), nn.Linear(1, 1))
        optimizer = torch.optim.SGD(model.parameters(), lr=0.05)
        with torch.no_grad():
            before = model(x)
        losses = torch.zeros(epochs)
        for epoch in range(epochs):
            loss = F.mse_loss(model(x), y)
            optimizer.zero_grad()
            loss.backward()
            if step:
                optimizer.step()
            losses[epoch] = loss.item()
        with torch.no_grad():
            predictions = before if predict_first else model(x)
        return (losses, predictions) if swap else (predictions, losses)

    return build_and_train


def test_slope_data():
    ok(check.slope_data(make_data))
    wrong(check.slope_data(lambda m: (torch.randn(1, 50), m * torch.randn(1, 50))), "shape (1, 50) (transposed)")
    wrong(check.slope_data(lambda m: utils.make_linear_regression(50, slope=-m, noise=0.5)), "the sign is flipped")
    wrong(check.slope_data(lambda m: utils.make_linear_regression(50, slope=m, noise=1.0)), "expected 0.5")
    uniform = lambda m: (x := torch.rand(50, 1), m * x + torch.randn(50, 1) / 2)
    wrong(check.slope_data(uniform), "x should be standard normal")


def test_build_and_train():
    ok(check.build_and_train(make_build_and_train()))
    wrong(check.build_and_train(make_build_and_train(step=False)), "optimizer.step()")
    wrong(check.build_and_train(make_build_and_train(predict_first=True)), "predictions of the trained model")
    wrong(
        check.build_and_train(make_build_and_train(swap=True)), "(the predictions) has shape (300,), expected (50, 1)"
    )


def test_slope_grid():
    ok(check.slope_grid(torch.linspace(-2, 2, 21).repeat(50)))
    ok(check.slope_grid(np.repeat(np.linspace(-2, 2, 21), 50)))  # any order of the models
    wrong(check.slope_grid(torch.arange(-2, 2, 0.2).repeat(50)), "the range stops one short")
    wrong(check.slope_grid(torch.linspace(-2, 2, 21)), "repeat them for the 50 repetitions")
    wrong(check.slope_grid(torch.linspace(-2, 2, 21).repeat(49)), "used 49 times, expected 50")


def test_correlation():
    ok(check.correlation(lambda a, b: torch.corrcoef(torch.stack([a.ravel(), b.ravel()]))[0, 1].item()))
    wrong(check.correlation(lambda a, b: F.cosine_similarity(a.ravel(), b.ravel(), dim=0)), "not centred")
    cov = lambda a, b: ((a - a.mean()) * (b - b.mean())).sum() / (len(a) - 1)
    wrong(check.correlation(cov), "this is the covariance")
    wrong(check.correlation(lambda a, b: np.corrcoef(a.ravel(), b.ravel())[0, 1] ** 2), "this is r squared")


# ---- ANN: many qwerties ----
CENTRES = [[1.0, 1.0], [5.0, 1.0], [4.0, 4.0]]
X3, Y3 = utils.make_qwerties(CENTRES, n_per_cloud=100, spread=1.0, generator=torch.Generator().manual_seed(0))


def net_243(hidden=4, act=nn.ReLU, end=()):
    return nn.Sequential(nn.Linear(2, hidden), act(), nn.Linear(hidden, 3), *end)


def trained_243(epochs):
    model = net_243()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05)
    for _ in range(epochs):
        loss = F.cross_entropy(model(X3), Y3)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return model


def test_three_clouds():
    ok(check.three_clouds(X3, Y3))
    wrong(check.three_clouds(X3, Y3.float()), "wants integer class indices")
    wrong(check.three_clouds(X3.T, Y3), "X has shape (2, 300) (transposed), expected (300, 2)")
    wrong(check.three_clouds(X3, Y3[:, None]), "y has shape (300, 1), expected (300,) (one label per point")
    X_off, _ = utils.make_qwerties([[1, 1], [5, 1], [4, 1]], generator=torch.Generator().manual_seed(0))
    wrong(check.three_clouds(X_off, Y3), "group 2 are centred at (4.")


def test_model_243():
    ok(check.model_243(net_243()))
    wrong(check.model_243(net_243(act=nn.Identity)), "the ReLU between the two layers is missing")
    wrong(check.model_243(net_243(end=(nn.Softmax(dim=1),))), "leave out the softmax")
    wrong(check.model_243(net_243(hidden=3)), "expected [(2, 4), (4, 3)]")
    wrong(check.model_243(net_243(act=nn.Sigmoid)), "not a ReLU")


def test_trained():
    model = trained_243(1000)
    ok(check.trained(model, X3, Y3))
    wrong(check.trained(net_243(), X3, Y3), "chance level: is the model trained?")
    wrong(check.trained(trained_243(20), X3, Y3), "not trained well enough yet")


def test_probabilities():
    model = net_243()
    with torch.no_grad():
        logits = model(X3)
    ok(check.probabilities(torch.softmax(logits, dim=1), model, X3))
    wrong(check.probabilities(torch.softmax(logits, dim=0), model, X3), "use dim=1")
    wrong(check.probabilities(logits, model, X3), "raw scores (logits)")


# ---- ANN: convert nn.Sequential to a class ----
def make_class(relu2=True, out=lambda z: z, hidden=16):
    class QwertyNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.first, self.second, self.out = nn.Linear(2, hidden), nn.Linear(hidden, 1), nn.Linear(1, 1)

        def forward(self, x):
            x = self.second(F.relu(self.first(x)))
            return out(self.out(F.relu(x) if relu2 else x))

    return QwertyNet


def sequential_model():
    return nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 1), nn.ReLU(), nn.Linear(1, 1))


def test_qwerty_class():
    ok(check.qwerty_class(make_class()))
    wrong(check.qwerty_class(make_class(relu2=False)), "the ReLU after the second layer is missing")
    wrong(check.qwerty_class(make_class(out=torch.sigmoid)), "the output goes through a sigmoid")
    wrong(check.qwerty_class(make_class(hidden=8)), "expected [(2, 16), (16, 1), (1, 1)]")


def test_same_outputs():
    seq, cls = sequential_model(), make_class()()
    cls.load_state_dict(dict(zip(cls.state_dict().keys(), seq.state_dict().values())))
    ok(check.same_outputs(seq, cls))
    wrong(check.same_outputs(seq, make_class()()), "did not start from the same weights")
    wrong(check.same_outputs(seq, seq), "the same object")
    alias = make_class()()
    alias.first.weight = seq[0].weight
    wrong(check.same_outputs(seq, alias), "share their weight tensors")


def test_lr_per_model():
    ok(check.lr_per_model(torch.linspace(0.001, 0.1, 40).repeat(15)))
    wrong(check.lr_per_model(torch.linspace(0.001, 0.1, 40)), "repeat them for the 15 repetitions")
    wrong(check.lr_per_model(0.05), "is a single learning rate")
    wrong(check.lr_per_model(torch.arange(0.001, 0.1, 0.0025).repeat(15)), "to 0.0985, expected 40 evenly spaced")


# ---- regularization: effects of mini-batch size ----
@pytest.fixture(scope="module")
def minibatch_results():
    X, y, _ = utils.load_iris()
    (X_tr, y_tr), (X_te, y_te) = utils.split_data(X, y, (0.8, 0.2), generator=torch.Generator().manual_seed(0))
    start = [nn.Sequential(nn.Linear(4, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 3))]
    results = {}
    for B in [2**n for n in range(1, 7)]:
        net = utils.BatchedMLP.from_modules(start)
        rec = utils.train_batched(net, X_tr, y_tr, loss="ce", lr=0.001, epochs=20, batch_size=B, test=(X_te, y_te),
                                  generator=torch.Generator().manual_seed(B), threads=1)  # fmt: skip
        results[B] = {k: rec[k].mean(1).numpy() for k in ("train_acc", "test_acc")}
    return results


def test_minibatch_setup():
    ok(check.minibatch_setup(0.001, [2**n for n in range(1, 7)]))
    wrong(check.minibatch_setup(0.001, [2**n for n in range(1, 6)]), "the range stops one short")
    wrong(check.minibatch_setup(0.001, [2**n for n in range(6)]), "it starts at 2**0 = 1")
    wrong(check.minibatch_setup(0.01, [2**n for n in range(1, 7)]), "the learning rate is 0.01, expected 0.001")


def test_minibatch_results(minibatch_results):
    ok(check.minibatch_results(minibatch_results))
    same_test = {B: {"train_acc": r["train_acc"], "test_acc": r["train_acc"]} for B, r in minibatch_results.items()}
    wrong(check.minibatch_results(same_test), "evaluate the test set")
    one_size = {B: minibatch_results[64] for B in minibatch_results}
    wrong(check.minibatch_results(one_size), "is B passed to the training")
    short = {**minibatch_results, 64: {k: v[:10] for k, v in minibatch_results[64].items()}}
    wrong(check.minibatch_results(short), "the same number of epochs")
    wrong(check.minibatch_results({B: r for B, r in minibatch_results.items() if B < 64}), "expected [2, 4, 8")


# ---- shared behaviour ----
def not_implemented(*args):
    raise NotImplementedError


class Placeholder(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x): ...


NOT_ATTEMPTED = [
    (check.derivative, (not_implemented,)),
    (check.derivative, (lambda x: ...,)),
    (check.descent_1d, (lambda x: None,)),
    (check.zero_start, (...,)),
    (check.ascent, (..., f_fn)),
    (check.same_maximum, (..., PATH_UP, f_fn)),
    (check.descend, (not_implemented,)),
    (check.rate_by_epoch, (lambda t, x, slope, loss: ...,)),
    (check.rate_by_derivative, (not_implemented,)),
    (check.rate_by_loss, (None,)),
    (check.slope_data, (not_implemented,)),
    (check.build_and_train, (lambda x, y: ...,)),
    (check.slope_grid, (...,)),
    (check.correlation, (not_implemented,)),
    (check.three_clouds, (..., ...)),
    (check.model_243, (Placeholder(),)),
    (check.model_243, (...,)),
    (check.trained, (..., X3, Y3)),
    (check.probabilities, (..., net_243(), X3)),
    (check.qwerty_class, (Placeholder,)),
    (check.same_outputs, (sequential_model(), ...)),
    (check.lr_per_model, (...,)),
    (check.minibatch_setup, (..., ...)),
    (check.minibatch_results, (...,)),
]


@pytest.mark.parametrize("fn, args", NOT_ATTEMPTED, ids=lambda v: getattr(v, "__name__", ""))
def test_placeholders_are_not_attempted(fn, args):
    verdict = fn(*args)
    assert verdict.status == check.NOT_ATTEMPTED and repr(verdict).startswith("Not attempted yet"), repr(verdict)


WRONG_KIND = [
    (check.derivative, (3.0,), "df"),
    (check.descent_1d, ([1, 2],), "gradient_descent"),
    (check.zero_start, (df,), "path_zero"),
    (check.ascent, (PATH_UP, 1.0), "f"),
    (check.same_maximum, ("path", PATH_UP, f_fn), "path_neg"),
    (check.descend, (0.5,), "descend"),
    (check.rate_by_loss, (0.01,), "rule"),
    (check.slope_data, (torch.zeros(3),), "make_data"),
    (check.slope_grid, (make_data,), "slopes_per_model"),
    (check.correlation, (0.9,), "correlation"),
    (check.three_clouds, (X3, "labels"), "y"),
    (check.model_243, (nn.Linear,), "model"),
    (check.qwerty_class, (make_class()(),), "QwertyNet"),
    (check.same_outputs, (sequential_model(), "cls"), "cls"),
    (check.minibatch_setup, ("0.001", [2, 4]), "LR"),
    (check.minibatch_results, ([1, 2],), "results"),
]


@pytest.mark.parametrize("fn, args, name", WRONG_KIND, ids=lambda v: v if isinstance(v, str) else "")
def test_wrong_kind_raises_type_error_naming_the_argument(fn, args, name):
    with pytest.raises(TypeError, match=rf"^{name} must be"):
        fn(*args)


def test_learner_exception_is_a_verdict_not_a_traceback():
    verdict = check.derivative(lambda x: 1 / 0)
    wrong(verdict, "raised ZeroDivisionError")


def test_hint_on_request():
    verdict = check.derivative(lambda x: -np.sin(2 * np.pi * x) + 2 * x)
    assert "hint=True" in repr(verdict) and "Hint:" not in repr(verdict)
    assert "Hint: chain rule" in repr(check.derivative(lambda x: -np.sin(2 * np.pi * x) + 2 * x, hint=True))


@pytest.mark.parametrize(
    "call",
    [
        lambda: check.slope_data(make_data),
        lambda: check.build_and_train(make_build_and_train()),
        lambda net=net_243(): check.model_243(net),
        lambda: check.qwerty_class(make_class()),
        lambda: check.descent_1d(lambda x: make_gd()(x + np.random.rand() * 0)),
    ],
)
def test_checks_leave_the_global_rng_alone_and_repeat(call):
    torch.manual_seed(123), np.random.seed(123)
    before_torch, before_np = torch.get_rng_state(), np.random.get_state()[1].copy()
    first = repr(call())
    assert torch.equal(torch.get_rng_state(), before_torch)
    assert np.array_equal(np.random.get_state()[1], before_np)
    assert repr(call()) == first
