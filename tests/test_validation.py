"""Every helper a learner calls refuses bad input at once, naming the argument, the value given and what it
accepts; what a learner naturally passes (NumPy arrays, lists) is accepted. Issue 24's cases are here and in
tests/test_training_inputs.py (accuracy, fit, evaluate, make_optimizer)."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402

import utils  # noqa: E402

NAN, INF = float("nan"), float("inf")
Z10 = (torch.zeros(10, 2), torch.zeros(10))
P4 = np.zeros((4, 2))


def fit_call(train=(torch.zeros(3, 1), torch.zeros(3, 1)), **changed):
    """A call of utils.fit on a one-weight regression model, with `train` and the options in `changed` replaced."""
    options = {"loss_fn": nn.MSELoss(), "optimizer": None, "epochs": 1, "task": "regression", **changed}
    return lambda: utils.fit(nn.Linear(1, 1), train, **options)


@pytest.fixture(autouse=True)
def _seed():
    utils.seed_everything(0)
    yield
    plt.close("all")


@pytest.mark.parametrize(
    "call, exc, match",
    [
        (lambda: utils.make_qwerties([[1, 1, 1]]), ValueError, r"centers must have shape \(k, 2\).*\(1, 3\)"),
        (
            lambda: utils.make_qwerties([[1, 1]], n_per_cloud=0),
            ValueError,
            "n_per_cloud must be an integer >= 1, got 0",
        ),
        (lambda: utils.make_qwerties([[1, 1]], n_per_cloud=2.5), TypeError, "n_per_cloud must be an integer"),
        (
            lambda: utils.make_qwerties([[1, 1], [2, 2]], spread=[1, 2, 3]),
            ValueError,
            "spread must be one number or one per cloud",
        ),
        (lambda: utils.make_qwerties("abc"), TypeError, "centers must be"),
        (lambda: utils.make_linear_regression(noise=-1), ValueError, r"noise must lie in \[0, inf\], got -1"),
        (lambda: utils.make_rings(radii=(1, 2, 3)), ValueError, "radii must hold two radii"),
        (
            lambda: utils.split_data(torch.zeros(10, 2), torch.zeros(10), (0.5, 0.4)),
            ValueError,
            r"add up to 1, got \[0.5, 0.4\]",
        ),
        (lambda: utils.split_data(torch.zeros(10, 2), torch.zeros(10), (1.0,)), ValueError, "2 \\(train, test\\) or 3"),
        (lambda: utils.split_data(torch.zeros(10, 2), torch.zeros(9)), ValueError, "X has 10, y has 9"),
        (lambda: utils.split_data(torch.zeros(3, 2), torch.zeros(3), (0.8, 0.1, 0.1)), ValueError, "would be empty"),
        (
            lambda: utils.make_loader(torch.zeros(5, 2), torch.zeros(5), batch_size=8),
            ValueError,
            "batch_size \\(8\\) is larger",
        ),
        (
            lambda: utils.make_optimizer(nn.Linear(1, 1), "adamw"),
            ValueError,
            "name must be one of 'sgd', 'adam', 'rmsprop'; got 'adamw'",
        ),
        (lambda: utils.make_optimizer(nn.Linear(1, 1), lr=0), ValueError, "lr must lie in"),
        (fit_call([1, 2]), TypeError, "train must be a DataLoader or a tuple"),
        (fit_call(task="ranking"), ValueError, "task must be one of"),
        (fit_call((torch.zeros(3, 1), torch.zeros(2, 1))), ValueError, "X has 3 rows but y has 2"),
        (fit_call(epochs=0), ValueError, "epochs must be an integer >= 1"),
        (
            lambda: utils.plot_heatmap(np.zeros((3, 2)), [1, 2, 3], [1, 2]),
            ValueError,
            r"values must have shape .*\(2, 3\), got \(3, 2\)",
        ),
        (lambda: utils.plot_classes(np.zeros((4, 3)), np.zeros(4)), ValueError, r"X must have shape \(N, 2\)"),
        (lambda: utils.seed_everything(-1), ValueError, "seed must be an integer >= 0"),
        # issue 12: these four used to die deep in torch or train silently to NaN
        (lambda: utils.make_qwerties([[1, 1]], spread="big"), TypeError, "spread must be a number.*'big'"),
        (
            lambda: utils.train_batched(_net(3), _qw()[0], _qw()[1] * 7, loss="ce", lr=0.1, epochs=1),
            ValueError,
            r"y holds labels from 0 to 7, but the network has 3 outputs.*0\.\.2",
        ),
        (lambda: _train(lr=float("nan")), ValueError, r"lr must be finite, got \[nan\]"),
        (lambda: _train(lr="fast"), TypeError, "lr must be a number or a list of numbers, got 'fast'"),
        (lambda: _train(lr=[0.1, 0.2]), ValueError, r"lr must be one number or one per model \(3\); got 2"),
        (lambda: _train(lr=-0.1), ValueError, "lr must be > 0, got -0.1"),
        (lambda: _train(weight_decay=-1), ValueError, "weight_decay must be >= 0"),
        (lambda: _train(X=torch.zeros(200, 3)), ValueError, r"X must be \[N, 2\] or \[3, N, 2\], got \(200, 3\)"),
        (lambda: _train(X="data"), TypeError, r"X must be a torch.Tensor, NumPy array or list, got 'data' \(str\)"),
        (lambda: _train(y=torch.arange(200.0)), ValueError, "y must hold 0/1 labels .* for loss='bce'"),
        (lambda: _train(test=torch.zeros(3, 2)), TypeError, r"test must be a pair \(X_test, y_test\)"),
        (
            lambda: utils.train_batched(_net(3), *_qw(), loss="bce", lr=0.1, epochs=1),
            ValueError,
            "loss='bce' needs one output unit",
        ),
        (
            lambda: utils.train_batched(_net(3), _qw()[0], _qw()[1] + 0.5, loss="ce", lr=0.1, epochs=1),
            ValueError,
            r"y must hold class labels \(whole numbers 0\.\.2\), got values such as 0\.5",
        ),
        (lambda: utils.BatchedMLP(2, 5), TypeError, r"sizes must be a list of layer sizes, e\.g\. \[2, 8, 1\]; got 5"),
        (lambda: utils.BatchedMLP(2, [2, 0, 1]), ValueError, r"sizes\[1\] must be an integer >= 1, got 0"),
        (
            lambda: utils.accuracy(torch.zeros(4, 1), torch.zeros(4), "multiclass"),
            ValueError,
            r"task='multiclass' needs one output per class .*task='binary'",
        ),
        # issue 24: NaN and infinite numbers, wrong types and sizes that used to pass or die elsewhere
        (
            lambda: utils.make_qwerties([[1, 1], [NAN, 2]]),
            ValueError,
            "centers must hold finite numbers.*the first nan in row 1",
        ),
        (
            lambda: utils.make_qwerties([[1, 1]], generator=42),
            TypeError,
            r"generator must be a torch\.Generator or None, got 42",
        ),
        (lambda: utils.make_linear_regression(slope=NAN), ValueError, "slope must be a finite number, got nan"),
        (lambda: utils.make_linear_regression(noise=INF), ValueError, "noise must be a finite number, got inf"),
        (lambda: utils.make_linear_regression(intercept=INF), ValueError, "intercept must be a finite number, got inf"),
        (lambda: utils.make_rings(noise=INF), ValueError, "noise must be a finite number, got inf"),
        (lambda: utils.make_rings(radii=(1, NAN)), ValueError, r"radii\[1\] must be a finite number, got nan"),
        (lambda: utils.make_rings(radii=3), ValueError, r"radii must hold two radii .*got 3"),
        (lambda: utils.split_data(*Z10, 0.8), TypeError, r"proportions must be 2 or 3 shares .*got 0\.8"),
        (lambda: utils.split_data(*Z10, (NAN, 0.5)), ValueError, r"proportions\[0\] must be a finite number, got nan"),
        (lambda: utils.split_data(*Z10, shuffle="no"), TypeError, "shuffle must be True or False, got 'no'"),
        (
            lambda: utils.split_data(torch.zeros(50, 2), torch.linspace(0, 1, 50), stratify=True),
            ValueError,
            r"stratify=True .* y must hold class labels .*stratify=False",
        ),
        (lambda: utils.make_loader(*Z10, drop_last="no"), TypeError, "drop_last must be True or False, got 'no'"),
        (
            lambda: utils.plot_classes(P4, np.zeros(3)),
            ValueError,
            "y must hold one label per point: X has 4 points, y has 3",
        ),
        (
            lambda: utils.plot_classes(P4, [0, 1, 0, 1], labels=["a"]),
            ValueError,
            r"labels must be a list of class names, one per class.*\['a'\]",
        ),
        (lambda: utils.plot_classes(P4, [0, 0.5, 1, 1]), ValueError, "y must hold class labels .*such as 0.5"),
        (
            lambda: utils.plot_classes(P4, [0, 1, 0, 1], ax="left"),
            TypeError,
            "ax must be a matplotlib Axes .*got 'left'",
        ),
        (
            lambda: utils.plot_decision_boundary(lambda g: torch.zeros(len(g), 2), *_qw()),
            ValueError,
            r"predict must return one class label per grid point, shape \(40000,\); it returned shape \(40000, 2\)",
        ),
        (
            lambda: utils.plot_decision_boundary(lambda g: torch.sigmoid(g[:, 0] - 3), *_qw()),
            ValueError,
            r"predict must return class labels .*\(p > 0\.5\)\.long\(\)",
        ),
        (
            lambda: utils.plot_decision_boundary(lambda g: nn.Linear(3, 2)(g).argmax(1), *_qw()),
            ValueError,
            r"predict failed on the grid, a float32 tensor \[40000, 2\]",
        ),
        (
            lambda: utils.plot_decision_boundary(lambda g: g[:, 0] > 0, *_qw(), resolution=0),
            ValueError,
            "resolution must be an integer >= 2, got 0",
        ),
        (
            lambda: utils.plot_heatmap(np.zeros((2, 3)), 5, [1, 2]),
            TypeError,
            "x_values must be a list of numbers.*got 5",
        ),
        (
            lambda: utils.plot_history([1, 2, 3]),
            ValueError,
            r"history must be a dict with at least 'train_loss'.*got \[1, 2, 3\] \(list\)",
        ),
        (lambda: utils.smooth("abc"), TypeError, "values must be numbers .*got 'abc'"),
        (lambda: utils.randn(-1), ValueError, r"size must be whole numbers >= 0.*got \(-1,\)"),
        (lambda: utils.randn(3, generator=5), TypeError, "generator must be a torch.Generator or None, got 5"),
        (
            lambda: utils.seed_everything(2**40),
            ValueError,
            "seed must be an integer from 0 to 4294967295, got 1099511627776",
        ),
        (lambda: utils.count_parameters("net"), TypeError, "model must be a PyTorch model .*got 'net'"),
        (
            lambda: utils.evaluate(nn.Linear(2, 1), (torch.zeros(4, 2), torch.zeros(4, 1)), "mse"),
            TypeError,
            "loss_fn must be a function .*got 'mse'",
        ),
        (
            lambda: utils.BatchedMLP(2, [2, 4, 1], hidden_widths=[1, 2, 3]),
            ValueError,
            r"hidden_widths must have shape \(2, 1\).*got \[1, 2, 3\]",
        ),
        (
            lambda: utils.BatchedMLP(2, [2, 4, 1], hidden_widths=[[2], [9]]),
            ValueError,
            r"hidden_widths must be whole numbers between 1 and the layer sizes \[4\]; got \[\[2\.0\], \[9\.0\]\]",
        ),
        (lambda: _net().to_module(5), ValueError, "k must be an integer from 0 to 2, got 5"),
        (
            lambda: _train(X=torch.where(_qw()[0] > 4, NAN, _qw()[0])),
            ValueError,
            "X must hold finite numbers; it holds",
        ),
        (lambda: _train(y=torch.full((200,), NAN), loss="mse"), ValueError, "y must hold finite numbers; it holds 200"),
        (lambda: _train(optimizer="adam", betas=0.9), TypeError, r"betas must be two numbers in \[0, 1\).*got 0\.9"),
        (lambda: _train(optimizer="adam", eps=-1), ValueError, r"eps must lie in \(0, inf\], got -1"),
        (lambda: _train(generator=5, batch_size=10), TypeError, "generator must be a torch.Generator or None, got 5"),
    ],
)
def test_bad_input_fails_with_a_message_naming_it(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def _qw():
    return utils.make_qwerties([[1, 1], [5, 1]], 100, generator=torch.Generator().manual_seed(0))


def _net(outputs=1):
    return utils.BatchedMLP(3, [2, 4, outputs], generator=torch.Generator().manual_seed(0))


def _train(X=None, y=None, **options):
    X0, y0 = _qw()
    kwargs = dict(loss="bce", lr=0.1, epochs=1) | options
    return utils.train_batched(_net(), X0 if X is None else X, y0 if y is None else y, **kwargs)


def test_what_a_learner_naturally_passes_is_accepted():
    """NumPy arrays and lists give the same results as tensors."""
    X, y = _qw()
    a = utils.train_batched(_net(), X, y, loss="bce", lr=0.1, epochs=3, test=(X, y))
    b = utils.train_batched(_net(), X.numpy(), y.numpy(), loss="bce", lr=0.1, epochs=3, test=(X.numpy(), y.tolist()))
    assert all(torch.equal(a[k], b[k]) for k in a)
    assert torch.equal(_net().accuracy(X, y), _net().accuracy(X.numpy(), y.numpy()))
    (Xtr, ytr), _ = utils.split_data(X.numpy(), y.numpy(), generator=torch.Generator().manual_seed(1))
    assert Xtr.dtype == torch.float32 and ytr.dtype == torch.int64 and len(Xtr) == 160
    assert len(utils.make_loader(X.numpy(), y.tolist(), batch_size=50)) == 4
    assert utils.accuracy(np.eye(3), [0, 1, 1]) == pytest.approx(200 / 3)
    assert utils.make_qwerties([[1, 1], [5, 1]], 5, spread=np.array([0.5, 1.0]))[0].shape == (10, 2)


def test_right_inputs_written_other_ways_are_accepted():
    assert utils.get_device(torch.device("cpu")) == torch.device("cpu")
    assert utils.make_linear_regression(5, slope=torch.tensor(2.0))[0].shape == (5, 1)  # a 0-d tensor is a number
    assert utils.randn(np.int64(3), 2).shape == (3, 2)
    net = utils.BatchedMLP(3, [2, 8, 1], hidden_widths=[2, 4, 8])  # one width per model, flat
    assert net.widths.tolist() == [[2], [4], [8]]
