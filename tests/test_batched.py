"""The batched trainer must equal training each model alone (same start, same data)."""

import pytest
import torch
import torch.nn as nn

import utils


def one_model(sizes, act=nn.ReLU):
    layers = []
    for j, (i, o) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(nn.Linear(i, o))
        if j < len(sizes) - 2:
            layers.append(act())
    return nn.Sequential(*layers)


def train_alone(model, X, y, loss_fn, lr, epochs, opt="sgd", weight_decay=0.0, order=None, batch_size=None, l1=0.0):
    cls = torch.optim.SGD if opt == "sgd" else torch.optim.Adam
    optim = cls(model.parameters(), lr=lr, weight_decay=weight_decay)
    n_w = sum(p.numel() for name, p in model.named_parameters() if "bias" not in name)
    for e in range(epochs):
        batches = (
            [slice(None)]
            if batch_size is None
            else [order[e][s : s + batch_size] for s in range(0, len(X), batch_size)]
        )
        for idx in batches:
            loss = loss_fn(model(X[idx]), y[idx])
            if l1:
                loss = (
                    loss + l1 * sum(p.abs().sum() for name, p in model.named_parameters() if "bias" not in name) / n_w
                )
            optim.zero_grad()
            loss.backward()
            optim.step()
    return loss_fn(model(X), y).item()


@pytest.fixture(autouse=True)
def _seed():
    utils.seed_everything(0)


def test_bce_per_model_learning_rates_match_one_at_a_time():
    X, labels = utils.make_qwerties([[1, 1], [4, 1]], 30, 1.0)
    y = labels.float()[:, None]
    lrs = [0.001, 0.01, 0.05, 0.1]
    models = [one_model([2, 3, 1]) for _ in lrs]
    net = utils.BatchedMLP.from_modules(models)
    utils.train_batched(net, X, y, loss="bce", lr=lrs, epochs=200)
    batched = [nn.functional.binary_cross_entropy_with_logits(net.to_module(k)(X), y).item() for k in range(len(lrs))]
    alone = [train_alone(m, X, y, nn.BCEWithLogitsLoss(), lr, 200) for m, lr in zip(models, lrs)]
    assert batched == pytest.approx(alone, abs=1e-5)


def test_regression_with_one_data_set_per_model():
    xs, ys = zip(*(utils.make_linear_regression(20, slope=s) for s in (-2.0, 0.0, 2.0)))
    X, Y = torch.stack(xs), torch.stack(ys)
    models = [one_model([1, 1, 1]) for _ in range(3)]
    net = utils.BatchedMLP.from_modules(models)
    rec = utils.train_batched(net, X, Y, loss="mse", lr=0.05, epochs=100)
    alone = [train_alone(m, x, y, nn.MSELoss(), 0.05, 100) for m, x, y in zip(models, xs, ys)]
    final = [nn.functional.mse_loss(net.to_module(k)(xs[k]), ys[k]).item() for k in range(3)]
    assert final == pytest.approx(alone, abs=1e-5)
    assert rec["train_loss"].shape == (100, 3)


def test_padded_widths_adam_and_weight_decay_match():
    X, y, _ = utils.load_iris()
    widths = [1, 5, 16]
    models = [one_model([4, w, 3]) for w in widths]
    net = utils.BatchedMLP.from_modules(models)
    assert net.sizes == [4, 16, 3]
    assert net.n_parameters().tolist() == [utils.count_parameters(m) for m in models]
    utils.train_batched(net, X, y, loss="ce", lr=0.01, epochs=60, optimizer="adam", weight_decay=0.01)
    alone = [train_alone(m, X, y, nn.CrossEntropyLoss(), 0.01, 60, opt="adam", weight_decay=0.01) for m in models]
    final = [nn.functional.cross_entropy(net.to_module(k)(X), y).item() for k in range(3)]
    assert final == pytest.approx(alone, abs=1e-5)
    # padding stays exactly zero
    assert net.params[0][0, :, 1:].abs().max() == 0


def test_minibatches_and_l1_match():
    X, y, _ = utils.load_iris()
    g = torch.Generator().manual_seed(3)
    epochs, bs = 5, 16
    # reproduce the batched trainer's shuffles: one randperm per epoch from the same generator
    gen = torch.Generator().manual_seed(3)
    orders = [torch.randperm(len(X), generator=gen) for _ in range(epochs)]
    models = [one_model([4, 8, 3]) for _ in range(2)]
    net = utils.BatchedMLP.from_modules(models)
    utils.train_batched(net, X, y, loss="ce", lr=0.05, epochs=epochs, batch_size=bs, l1=[0.0, 0.5], generator=g)
    for m, l in zip(models, (0.0, 0.5)):
        train_alone(m, X, y, nn.CrossEntropyLoss(), 0.05, epochs, order=orders, batch_size=bs, l1=l)
    final = [nn.functional.cross_entropy(net.to_module(k)(X), y).item() for k in range(2)]
    # compare full-data losses of the weights each route ended with
    final_alone = [nn.functional.cross_entropy(m(X), y).item() for m in models]
    assert final == pytest.approx(final_alone, abs=1e-5)


def test_dropout_zero_rate_is_no_op_and_full_rate_blocks_signal():
    net = utils.BatchedMLP(2, [2, 8, 1], dropout=[0.0, 1.0])
    X = torch.randn(50, 2)
    a, b = net.forward(X, train=True), net.forward(X, train=False)
    assert torch.equal(a[0], b[0])
    # rate 1: every hidden unit dropped, output is the output bias alone
    assert torch.allclose(a[1], net.params[-1][1].expand(50, 1))


def test_eval_outputs_match_to_module():
    net = utils.BatchedMLP(3, [4, 6, 5, 3], activation="tanh")
    X = torch.randn(10, 4)
    out = net.forward(X)
    for k in range(3):
        assert torch.allclose(out[k], net.to_module(k)(X), atol=1e-6)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(n_models=0, sizes=[2, 1]), "n_models"),
        (dict(n_models=2, sizes=[2]), "sizes"),
        (dict(n_models=2, sizes=[2, 3, 1], activation="gelu"), "activation"),
        (dict(n_models=2, sizes=[2, 3, 1], dropout=[0.1, 0.2, 0.3]), "dropout"),
        (dict(n_models=2, sizes=[2, 3, 1], hidden_widths=[[4], [1]]), "hidden_widths"),
        (dict(n_models=2, sizes=[2, 3, 1], dtype=torch.float16), "dtype"),
    ],
)
def test_constructor_rejects_bad_input(kwargs, match):
    with pytest.raises((ValueError, TypeError), match=match):
        utils.BatchedMLP(**kwargs)


def test_train_rejects_bad_input():
    net = utils.BatchedMLP(2, [2, 3, 1])
    X = torch.randn(10, 2)
    with pytest.raises(ValueError, match="loss"):
        utils.train_batched(net, X, torch.zeros(10), loss="hinge", lr=0.1, epochs=1)
    with pytest.raises(ValueError, match="lr"):
        utils.train_batched(net, X, torch.zeros(10), loss="bce", lr=[0.1, 0.2, 0.3], epochs=1)
    with pytest.raises(ValueError, match="y must have shape"):
        utils.train_batched(net, X, torch.zeros(9), loss="bce", lr=0.1, epochs=1)
    with pytest.raises(ValueError, match="X must be"):
        net.forward(torch.randn(10, 3))


def test_progress_bar_stays_quiet_when_disabled(monkeypatch):
    from utils.batched import _progress

    rng = range(5)
    monkeypatch.setenv("TQDM_DISABLE", "1")
    assert _progress(rng, True, "x") is rng
    monkeypatch.delenv("TQDM_DISABLE")
    assert _progress(rng, False, "x") is rng
    bar = _progress(rng, True, "x")
    assert bar is not rng and list(bar) == list(rng)


def test_accuracy_per_model_matches_each_module():
    X, y, _ = utils.load_iris()
    net = utils.BatchedMLP(3, [4, 5, 3])
    expected = [utils.accuracy(net.to_module(k)(X), y) for k in range(3)]
    assert net.accuracy(X, y).tolist() == pytest.approx(expected)
    Xb, yb = utils.make_qwerties([[0, 0], [3, 3]], 20)
    binary = utils.BatchedMLP(2, [2, 4, 1])
    expected = [utils.accuracy(binary.to_module(k)(Xb), yb.float(), "binary") for k in range(2)]
    assert binary.accuracy(Xb, yb.float()).tolist() == pytest.approx(expected)


@pytest.mark.parametrize("act, module", [("sigmoid", nn.Sigmoid), ("tanh", nn.Tanh)])
def test_padding_is_exact_for_activations_nonzero_or_zero_at_0(act, module):
    X, y, _ = utils.load_iris()
    models = [one_model([4, w, 3], act=module) for w in (2, 7)]
    net = utils.BatchedMLP.from_modules(models)
    assert net.activation == act
    utils.train_batched(net, X, y, loss="ce", lr=0.05, epochs=40)
    alone = [train_alone(m, X, y, nn.CrossEntropyLoss(), 0.05, 40) for m in models]
    final = [nn.functional.cross_entropy(net.to_module(k)(X), y).item() for k in range(2)]
    assert final == pytest.approx(alone, abs=1e-5)
    assert net.params[0][0, :, 2:].abs().max() == 0 and net.params[2][0, 2:, :].abs().max() == 0


@pytest.mark.parametrize("act", ["relu", "sigmoid", "tanh", "linear"])
@pytest.mark.parametrize("loss, outputs", [("mse", 2), ("bce", 1), ("ce", 3)])
@pytest.mark.parametrize("shared_x, dropout, padded", [(True, 0.0, False), (False, 0.0, True), (True, 0.3, True)])
def test_hand_written_backward_equals_autograd(act, loss, outputs, shared_x, dropout, padded):
    """The trainer's backward pass is written out by hand (faster than autograd here); it must
    give autograd's gradients, including through dropout masks and zero-padded units."""
    import torch.nn.functional as F

    from utils.backprop import backward
    from utils.losses import loss_and_grad, targets

    def reference_loss(out, y):  # torch's own losses, mean per model, summed over models
        if loss == "mse":
            return ((out - y.expand_as(out)) ** 2).mean(dim=(1, 2)).sum()
        if loss == "bce":
            return F.binary_cross_entropy_with_logits(out, y.expand_as(out), reduction="none").mean(dim=(1, 2)).sum()
        return F.cross_entropy(out.transpose(1, 2), y.expand(out.shape[0], -1), reduction="none").mean(1).sum()

    m, n = 3, 7
    widths = [[2, 5], [5, 3], [4, 4]] if padded else None
    net = utils.BatchedMLP(m, [4, 5, 5, outputs], activation=act, hidden_widths=widths, dropout=dropout)
    X = torch.randn(n, 4) if shared_x else torch.randn(m, n, 4)
    lead = () if shared_x else (m,)
    y = (
        torch.randint(0, 3, lead + (n,))
        if loss == "ce"
        else (torch.randint(0, 2, lead + (n, 1)).float() if loss == "bce" else torch.randn(lead + (n, 2)))
    )
    y = targets("y", X, y, loss, m, outputs)
    plain = net.params
    net.params = [p.clone().requires_grad_() for p in plain]  # autograd's copy of the same weights
    out = net.forward(X, train=True, generator=torch.Generator().manual_seed(5))
    ref = reference_loss(out, y)
    expected = torch.autograd.grad(ref, net.params)
    net.params = plain
    assert not any(p.requires_grad for p in net.params), "the trainer's parameters need no autograd"
    with torch.no_grad():
        out2, inputs, hidden = net._forward(X, train=True, generator=torch.Generator().manual_seed(5))
        per, dout = loss_and_grad(out2, y, loss)
        got = backward(net, dout, inputs, hidden)
    assert torch.allclose(per.sum(), ref.detach(), atol=1e-5)
    for g, e in zip(got, expected):
        assert g.shape == e.shape
        assert torch.allclose(g, e, atol=1e-6), (g - e).abs().max()


@pytest.mark.parametrize("config", ["qwerties", "padded_deep", "per_model_adam_dropout"])
def test_two_threads_give_bit_identical_results(config):
    """train_batched may use two threads for big steps; the numbers must not depend on it."""
    if config == "qwerties":
        X, labels = utils.make_qwerties([[1, 1], [5, 1]], 100)
        make = lambda: utils.BatchedMLP(600, [2, 1, 1, 1])
        kw = dict(X=X, y=labels.float(), loss="bce", lr=torch.linspace(0.001, 0.1, 600), epochs=30)
    elif config == "padded_deep":
        X, y, _ = utils.load_iris()
        widths = torch.arange(40, 101, 6)
        make = lambda: utils.BatchedMLP(len(widths), [4, 100, 100, 100, 3], hidden_widths=widths[:, None].expand(-1, 3))
        kw = dict(X=X, y=y, loss="ce", lr=0.01, epochs=20)
    else:
        X = torch.randn(40, 300, 5)
        make = lambda: utils.BatchedMLP(40, [5, 64, 2], activation="tanh", dropout=0.2)
        kw = dict(
            X=X,
            y=torch.randn(40, 300, 2),
            loss="mse",
            lr=0.01,
            epochs=10,
            optimizer="adam",
            l1=0.01,
            weight_decay=0.01,
            batch_size=50,
        )
    results = []
    for threads in (1, 2):
        torch.manual_seed(0)
        net = make()
        rec = utils.train_batched(net, **kw, threads=threads, generator=torch.Generator().manual_seed(1))
        results.append([p.detach().clone() for p in net.params] + list(rec.values()))
    assert all(torch.equal(a, b) for a, b in zip(*results))


def test_thread_cap_from_environment(monkeypatch):
    from utils.batched import _max_threads

    monkeypatch.setenv("DUDL_THREADS", "1")
    assert _max_threads() == 1
    monkeypatch.setenv("DUDL_THREADS", "two")
    with pytest.raises(ValueError, match="DUDL_THREADS"):
        _max_threads()
    monkeypatch.setenv("DUDL_THREADS", "0")
    with pytest.raises(ValueError, match="DUDL_THREADS"):
        _max_threads()
    monkeypatch.delenv("DUDL_THREADS")
    assert _max_threads() is None


def test_a_big_sweep_keeps_one_thread_by_default(monkeypatch):
    """Two threads are opt-in: with another busy process they made a sweep 4-15x slower (BENCHMARK.md).
    A big step (models x rows x width >= 100,000) used to switch to two threads on its own."""
    seen = []
    monkeypatch.delenv("DUDL_THREADS", raising=False)
    monkeypatch.setattr(torch, "set_num_threads", lambda n, real=torch.set_num_threads: (seen.append(n), real(n)))
    torch.set_num_threads(1)
    seen.clear()
    net = utils.BatchedMLP(40, [4, 64, 3], generator=torch.Generator().manual_seed(0))
    X, y = torch.randn(150, 4), torch.randint(0, 3, (150,))
    assert 40 * 150 * 64 >= 100_000
    utils.train_batched(net, X, y, loss="ce", lr=0.01, epochs=2)
    assert set(seen) <= {1}, f"train_batched set {seen} threads"


class _ReluClass(nn.Module):
    """A learner's own class: the activation is a function call, not a layer."""

    def __init__(self):
        super().__init__()
        self.input, self.hidden, self.output = nn.Linear(2, 8), nn.Linear(8, 4), nn.Linear(4, 1)

    def forward(self, x):
        return self.output(torch.nn.functional.relu(self.hidden(torch.nn.functional.relu(self.input(x)))))


class _Residual(_ReluClass):
    def forward(self, x):
        h = torch.relu(self.input(x))
        return self.output(torch.relu(self.hidden(h + 1)))  # not a plain stack


def test_from_modules_runs_a_class_that_calls_functional_relu():
    torch.manual_seed(0)
    models = [_ReluClass() for _ in range(3)]
    state = torch.get_rng_state()
    net = utils.BatchedMLP.from_modules(models)
    after_from_modules = torch.get_rng_state()
    assert net.activation == "relu"
    X = torch.randn(50, 2)
    with torch.no_grad():
        assert torch.allclose(net(X), torch.stack([m(X) for m in models]), atol=1e-6)
    # its probe inputs come from a stream of its own: the global stream moves exactly as a plain
    # BatchedMLP of that layout moves it, so a notebook's later random numbers do not change
    torch.set_rng_state(state)
    utils.BatchedMLP(3, [2, 8, 4, 1], hidden_widths=[[8, 4]] * 3)
    assert torch.equal(after_from_modules, torch.get_rng_state())


def test_from_modules_refuses_what_it_cannot_reproduce():
    torch.manual_seed(0)
    with pytest.raises(ValueError, match=r"modules\[0\] does not compute a plain stack of its Linear layers"):
        utils.BatchedMLP.from_modules([_Residual()])
    seq = nn.Sequential(nn.Linear(2, 4), nn.Tanh(), nn.Linear(4, 1))
    assert utils.BatchedMLP.from_modules([seq]).activation == "tanh"
    with pytest.raises(ValueError, match=r"with 'relu' between them"):
        utils.BatchedMLP.from_modules([seq], activation="relu")
    with pytest.raises(TypeError, match="modules must be a list of nn.Module models"):
        utils.BatchedMLP.from_modules(seq)


@pytest.mark.parametrize("outputs", [1, 3])
def test_one_accuracy_for_one_model_and_for_many(outputs):
    """utils.accuracy (one model) and the batched trainer's accuracy are the same function: equal bit for bit."""
    g = torch.Generator().manual_seed(3)
    net = utils.BatchedMLP(4, [2, 5, outputs], generator=g)
    X = torch.randn(203, 2, generator=g)
    y = torch.randint(0, max(outputs, 2), (203,), generator=g)
    many = net.accuracy(X, y)
    task = "binary" if outputs == 1 else "multiclass"
    with torch.no_grad():
        one = [utils.accuracy(net.to_module(k)(X), y, task) for k in range(4)]
    assert [float(a) for a in many] == pytest.approx(one, abs=1e-4)
    assert all(torch.tensor(o, dtype=torch.float32) == a for o, a in zip(one, many))


@pytest.mark.parametrize("opt, loss", [("sgd", "ce"), ("adam", "bce")])
def test_float64_models_match_one_at_a_time_in_float64(opt, loss):
    """dtype=torch.float64 trains every model in double precision: each must equal the same nn.Module
    trained alone in float64 (to 1e-12, where float32 agrees only to about 1e-6), padded widths included."""
    X, labels, _ = utils.load_iris()
    X = X.double()
    outputs, y = (3, labels) if loss == "ce" else (1, (labels == 0).double()[:, None])
    loss_fn = nn.CrossEntropyLoss() if loss == "ce" else nn.BCEWithLogitsLoss()
    widths = [2, 7, 12]
    models = [one_model([4, w, w, outputs]) for w in widths]
    net = utils.BatchedMLP.from_modules(models, dtype=torch.float64)
    assert all(p.dtype == torch.float64 for p in net.params)
    assert torch.equal(net.params[0][1, :, :7], models[1][0].weight.detach().double().T)  # converted exactly
    utils.train_batched(net, X, y, loss=loss, lr=0.01, epochs=150, optimizer=opt)
    out = net.forward(X)
    assert out.dtype == torch.float64
    batched = [loss_fn(out[k, :, :outputs].squeeze(-1) if loss == "ce" else out[k], y).item() for k in range(3)]
    alone = [train_alone(mod.double(), X, y, loss_fn, 0.01, 150, opt=opt) for mod in models]
    assert batched == pytest.approx(alone, rel=0, abs=1e-12)


def test_float64_starts_from_the_same_draws_and_takes_any_input():
    utils.seed_everything(3)
    a = utils.BatchedMLP(4, [2, 5, 1])
    utils.seed_everything(3)
    b = utils.BatchedMLP(4, [2, 5, 1], dtype=torch.float64)
    assert all(torch.equal(pa.double(), pb) for pa, pb in zip(a.params, b.params))
    X = [[0.5, -1.0], [2.0, 0.25]]  # a list, then float32: converted to the models' dtype
    assert b.forward(X).dtype == b.forward(torch.tensor(X)).dtype == torch.float64
    assert b.accuracy(torch.tensor(X), torch.tensor([0.0, 1.0])).shape == (4,)
