"""Unit tests of utils: data, splits, training loop, plots, and input checks."""

import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402

import utils  # noqa: E402


@pytest.fixture(autouse=True)
def _seed():
    utils.seed_everything(0)
    yield
    plt.close("all")


# reproducibility -----------------------------------------------------------------
def test_seed_everything_repeats_all_streams_and_sets_one_thread():
    import random

    utils.seed_everything(7)
    a = (random.random(), np.random.rand(), torch.rand(1).item())
    utils.seed_everything(7)
    b = (random.random(), np.random.rand(), torch.rand(1).item())
    assert a == b
    assert torch.get_num_threads() == 1


def test_get_device_prefers_available_and_rejects_unknown():
    assert utils.get_device().type in ("cuda", "mps", "cpu")
    assert utils.get_device("cpu").type == "cpu"
    with pytest.raises(ValueError, match="prefer"):
        utils.get_device("tpu")


# data ----------------------------------------------------------------------------
def test_qwerties_shapes_labels_and_cloud_centres():
    X, y = utils.make_qwerties([[1, 1], [5, 1], [3, 4]], n_per_cloud=400, spread=0.5)
    assert X.shape == (1200, 2) and X.dtype == torch.float32
    assert y.tolist() == [0] * 400 + [1] * 400 + [2] * 400
    means = torch.stack([X[y == k].mean(0) for k in range(3)])
    assert torch.allclose(means, torch.tensor([[1.0, 1.0], [5.0, 1.0], [3.0, 4.0]]), atol=0.1)
    assert X[y == 0].std(0).mean().item() == pytest.approx(0.5, abs=0.05)


def test_linear_regression_slope_is_recoverable():
    x, y = utils.make_linear_regression(n=5000, slope=2.0, noise=0.5)
    assert x.shape == y.shape == (5000, 1)
    slope = (x * y).mean() / (x * x).mean()
    assert slope.item() == pytest.approx(2.0, abs=0.05)


def test_rings_are_not_linearly_separable_but_radially_separable():
    X, y = utils.make_rings(300, radii=(1, 3), noise=0.2)
    r = X.norm(dim=1)
    assert ((r > 2) == (y == 1)).float().mean() > 0.99
    from sklearn.linear_model import LogisticRegression

    assert LogisticRegression().fit(X.numpy(), y.numpy()).score(X.numpy(), y.numpy()) < 0.7


def test_iris_loads_offline_in_file_order():
    X, y, names = utils.load_iris()
    assert X.shape == (150, 4) and y.tolist() == [0] * 50 + [1] * 50 + [2] * 50 and len(names) == 4
    # read from scikit-learn's CSV directly; must equal scikit-learn's own loader
    from sklearn.datasets import load_iris as sk_load

    bunch = sk_load()
    assert torch.equal(X, torch.tensor(bunch.data, dtype=torch.float32))
    assert torch.equal(y, torch.tensor(bunch.target)) and names == list(bunch.feature_names)


def test_split_data_sizes_cover_all_rows_once():
    X, y, _ = utils.load_iris()
    parts = utils.split_data(X, y, (0.8, 0.1, 0.1))
    assert [len(p[0]) for p in parts] == [120, 15, 15]
    rows = torch.cat([p[0] for p in parts])
    assert torch.equal(rows.unique(dim=0), X.unique(dim=0))


def test_split_data_stratified_keeps_class_shares():
    X, y, _ = utils.load_iris()
    (Xtr, ytr), (Xte, yte) = utils.split_data(X, y, (0.8, 0.2), stratify=True)
    assert torch.bincount(ytr).tolist() == [40, 40, 40] and torch.bincount(yte).tolist() == [10, 10, 10]


def test_split_without_shuffle_keeps_file_order():
    X, y, _ = utils.load_iris()
    (_, ytr), (_, yte) = utils.split_data(X, y, (0.8, 0.2), shuffle=False)
    assert ytr.float().mean().item() == pytest.approx(0.75) and yte.float().mean().item() == pytest.approx(2.0)


def test_make_loader_batches_and_drop_last():
    X, y = torch.arange(10.0)[:, None], torch.arange(10)
    sizes = [len(b[0]) for b in utils.make_loader(X, y, batch_size=4, shuffle=False)]
    assert sizes == [4, 4, 2]
    assert [len(b[0]) for b in utils.make_loader(X, y, batch_size=4, drop_last=True)] == [4, 4]
    assert [len(b[0]) for b in utils.make_loader(X, y)] == [10]


# training ------------------------------------------------------------------------
def test_fit_learns_iris_and_reports_per_epoch_history():
    X, y, _ = utils.load_iris()
    (Xtr, ytr), (Xte, yte) = utils.split_data(X, y, (0.8, 0.2), stratify=True)
    model = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 3))
    opt = utils.make_optimizer(model, "adam", lr=0.01)
    h = utils.fit(
        model, utils.make_loader(Xtr, ytr, 20), loss_fn=nn.CrossEntropyLoss(), optimizer=opt, epochs=60, test=(Xte, yte)
    )
    assert len(h["train_loss"]) == len(h["test_acc"]) == 60
    assert h["train_loss"][-1] < h["train_loss"][0]
    assert h["test_acc"][-1] > 85
    assert not model.training  # left in eval mode


def test_fit_evaluates_in_eval_mode_without_dropout():
    model = nn.Sequential(nn.Linear(2, 64), nn.ReLU(), nn.Dropout(0.5), nn.Linear(64, 1))
    X = torch.randn(30, 2)
    y = (X[:, 0] > 0).float()[:, None]
    opt = torch.optim.SGD(model.parameters(), lr=0.0)  # no learning: outputs depend only on the mode
    loss_fn = nn.BCEWithLogitsLoss()
    utils.fit(model, (X, y), loss_fn=loss_fn, optimizer=opt, epochs=1, task="binary")
    l1, _ = utils.evaluate(model, (X, y), loss_fn, "binary")
    l2, _ = utils.evaluate(model, (X, y), loss_fn, "binary")
    assert l1 == l2  # dropout off in evaluation


def test_fit_penalty_is_added_to_the_loss():
    model = nn.Linear(1, 1)
    X, y = torch.randn(20, 1), torch.randn(20, 1)
    opt = torch.optim.SGD(model.parameters(), lr=0.0)
    base = utils.fit(model, (X, y), loss_fn=nn.MSELoss(), optimizer=opt, epochs=1, task="regression")
    pen = utils.fit(
        model,
        (X, y),
        loss_fn=nn.MSELoss(),
        optimizer=opt,
        epochs=1,
        task="regression",
        penalty=lambda m: torch.tensor(5.0),
    )
    assert pen["train_loss"][0] == pytest.approx(base["train_loss"][0] + 5.0)


def test_optimizer_options_pass_through():
    model = nn.Linear(2, 1)
    opt = utils.make_optimizer(model, "sgd", lr=0.1, weight_decay=0.01)
    assert opt.param_groups[0]["weight_decay"] == 0.01


def test_accuracy_binary_logits_and_multiclass():
    assert utils.accuracy(torch.tensor([[2.0], [-1.0], [0.5]]), torch.tensor([1, 0, 0]), "binary") == pytest.approx(
        200 / 3
    )
    assert utils.accuracy(torch.tensor([[0.1, 0.9], [0.8, 0.2]]), torch.tensor([1, 1])) == 50.0


@pytest.mark.parametrize("n_right, n", [(27, 30), (57, 100), (7, 120)])
def test_an_accuracy_is_the_exact_percent_in_every_path(n_right, n):
    """27 right of 30 is 90.0, not 89.9999976 (a float32 share times 100), so `accuracy >= 90` holds; the same
    in utils.accuracy, utils.evaluate, fit's history (train and test), train_batched's record and
    BatchedMLP.accuracy. The model: one input, two classes, the first n_right samples predicted right."""
    X = torch.cat([torch.ones(n_right, 1), -torch.ones(n - n_right, 1)])
    y = torch.zeros(n, dtype=torch.long)
    model = nn.Linear(1, 2)
    with torch.no_grad():
        model.weight.copy_(torch.tensor([[1.0], [-1.0]]))
        model.bias.zero_()
    exact = 100 * n_right / n  # one division of integers: the float nearest the true percent
    loss_fn = nn.CrossEntropyLoss()
    with torch.no_grad():
        assert utils.accuracy(model(X), y) == exact
    assert utils.evaluate(model, (X, y), loss_fn)[1] == exact
    # lr 0: the model stays put, and the epoch's train accuracy adds up 4 mini-batches of at most 8 samples
    history = utils.fit(
        model,
        utils.make_loader(X, y, batch_size=8),
        loss_fn=loss_fn,
        optimizer=torch.optim.SGD(model.parameters(), lr=0.0),
        epochs=1,
        test=(X, y),
    )
    assert history["train_acc"] == [exact] and history["test_acc"] == [exact]
    net = utils.BatchedMLP.from_modules([model])
    rec = utils.train_batched(
        net, X, y, loss="ce", lr=1e-9, epochs=1, batch_size=8, test=(X, y)
    )  # too small to flip one
    as_stored = torch.tensor(exact, dtype=torch.float32)  # the records are float32
    assert rec["train_acc"][0, 0] == as_stored and rec["test_acc"][0, 0] == as_stored
    assert net.accuracy(X, y)[0] == as_stored
    if exact == 90:
        assert utils.accuracy(model(X).detach(), y) >= 90 and rec["test_acc"][0, 0] >= 90


def test_count_parameters_matches_formula():
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))
    assert utils.count_parameters(model) == 4 * 8 + 8 + 8 * 3 + 3


# experiments ---------------------------------------------------------------------
def test_smooth_moving_average():
    assert utils.smooth([0, 3, 0, 3], width=3).tolist() == pytest.approx([1.5, 1.0, 2.0, 1.5])


# plots ---------------------------------------------------------------------------
def test_plots_draw_labelled_axes():
    ax = utils.plot_history({"train_loss": [3, 2, 1], "train_acc": [50, 60, 70], "test_acc": [40, 50, 60]})
    assert ax[1].get_ylabel() == "Accuracy (%)" and len(ax[1].lines) == 2
    X, y = utils.make_qwerties([[0, 0], [3, 3]], 20)
    ax = utils.plot_decision_boundary(lambda g: (g.sum(1) > 3).long(), X, y)
    assert len(ax.collections) >= 3
    ax = utils.plot_heatmap(np.zeros((2, 3)), [1, 2, 3], [10, 20], xlabel="lr", ylabel="epochs")
    assert ax.get_xlabel() == "lr"


def test_decision_boundary_regions_match_point_colours_and_labels():
    X, y = utils.make_qwerties([[0, 0], [3, 0], [0, 3]], 10)
    ax = utils.plot_decision_boundary(lambda g: torch.zeros(len(g), dtype=torch.long), X, y, labels=["a", "b", "c"])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["a", "b", "c"]
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    scatter_colour = matplotlib.colors.to_hex(ax.collections[-3].get_facecolor()[0][:3])
    assert scatter_colour == matplotlib.colors.to_hex(colours[0])
    with pytest.raises(TypeError, match="predict must be a function"):
        utils.plot_decision_boundary("model", X, y)


@pytest.mark.parametrize("shape", [(7,), (16,), (20,), (3, 11), (2, 50, 2), (1000,)])
def test_randn_is_torch_randn_to_the_last_place_and_keeps_the_stream(shape):
    """utils.randn draws what torch.randn draws (the same uniforms, the same transform, rounded once), so a
    notebook that switches loses nothing, and the draws after it are torch's own."""
    torch.manual_seed(5)
    want, after_want = torch.randn(shape), torch.rand(4)
    torch.manual_seed(5)
    got, after_got = utils.randn(*shape), torch.rand(4)
    assert got.dtype == torch.float32 and got.shape == want.shape
    assert (got - want).abs().max() <= 4 * torch.finfo(torch.float32).eps * want.abs().max().clamp_min(1)
    assert torch.equal(after_got, after_want), "utils.randn used the random stream differently from torch.randn"
    gen = torch.Generator().manual_seed(2)
    assert torch.equal(
        utils.randn(shape, generator=gen), utils.randn(shape, generator=torch.Generator().manual_seed(2))
    )


CPU_PROBE = """
import hashlib, torch, utils
utils.seed_everything(0)
draws = [utils.randn(1000), *utils.make_rings(50), *utils.make_qwerties([[0, 0], [3, 1]], 40)]
draws += utils.make_linear_regression(33)
torch.manual_seed(0)
print(hashlib.sha256(b"".join(t.numpy().tobytes() for t in draws)).hexdigest(), torch.randn(1000).sum().item())
"""


def test_the_course_data_are_the_same_with_and_without_vector_kernels():
    """torch's float32 normal draws, sines and cosines differ in the last digit between PyTorch's scalar and
    vector (AVX2/AVX-512) kernels; the course's data generators must not."""
    import subprocess
    import sys

    runs = {}
    for cap in ("default", None):
        env = {k: v for k, v in os.environ.items() if k != "ATEN_CPU_CAPABILITY"}
        if cap:
            env["ATEN_CPU_CAPABILITY"] = cap
        out = subprocess.run([sys.executable, "-c", CPU_PROBE], env=env, capture_output=True, text=True, check=True)
        runs[cap] = out.stdout.split()
    assert runs["default"][0] == runs[None][0], "utils' data differ between scalar and vector kernels"
