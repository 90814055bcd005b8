"""Checks of the code challenge 'manipulate the regression slope' (ANN/DUDL_ANN_codeChallenge_regression):
the 1-1-1 ReLU network trained by full-batch SGD (lr 0.05, 500 epochs, MSE), the data, the design, the correlation.

build_and_train is judged by its training, not by one lucky outcome: the check watches the network's weights
at every call (utils/check/_nets.Watch) and asks of each update whether it is the task's SGD step. A start
whose ReLU unit is dead for every sample trains correctly into a constant prediction, and is accepted."""

import numpy as np
import torch
import torch.nn.functional as F
from torch.func import functional_call, grad, vmap

from ._core import ARRAY, Wrong, call, function, learner_check
from ._nets import Watch, expect_relu, layers_in_order, sizes
from ._values import as_array, expect_shape, grid, match

_LR, _EPOCHS, _N = 0.05, 500, 50


def _data():
    g = torch.Generator().manual_seed(3)
    x = torch.randn(_N, 1, generator=g)
    return x, 1.5 * x + 0.5 * torch.randn(_N, 1, generator=g)


def _architecture(net):
    probe = torch.linspace(-3, 3, 61)[:, None]
    layers, _ = layers_in_order(net, probe, "the network")
    if sizes(layers) != [(1, 1), (1, 1)]:
        raise Wrong(f"the network's Linear layers are {sizes(layers)}; the task's network is 1-1-1: [(1, 1), (1, 1)]")
    expect_relu(net, probe, "the network")


def _at(net, v, x):
    """The network's outputs on x with its parameters set to the vector v (the network itself is unchanged)."""
    params, at = {}, 0
    for name, p in net.named_parameters():
        params[name], at = v[at : at + p.numel()].reshape(p.shape), at + p.numel()
    return functional_call(net, params, (x,))


def _mse_and_grads(net, states, x, y):
    """The MSE of the network on (x, y) at every state (rows of parameters), and its gradient there."""

    def mse(v):
        return F.mse_loss(_at(net, v, x), y)

    return vmap(mse)(states), vmap(grad(mse))(states)


def _first_steps(D, G):
    """Name what the first two updates are, if they are not SGD steps of lr 0.05 on the MSE."""
    lr = float(-(D[0] @ G[0]) / (G[0] @ G[0]))
    if (D[0] + lr * G[0]).norm() > 1e-3 * D[0].norm():
        moved = D[0][D[0] != 0].abs()
        if len(moved) > 1 and torch.allclose(moved, moved[0], rtol=1e-2):
            raise Wrong(
                f"the first update moves every weight by the same amount ({float(moved[0]):.3g}) whatever its "
                "gradient: that is Adam; the task trains with plain SGD"
            )
        raise Wrong("the first update is not a step against the MSE's gradient: the task trains with plain SGD")
    if abs(lr - _LR) > 1e-3 * _LR:
        raise Wrong(f"the learning rate is {lr:.3g}; the task asks for {_LR}")
    if len(D) > 1 and (D[1] + _LR * G[1]).norm() > 1e-3 * D[1].norm():
        if (D[1] + _LR * (G[0] + G[1])).norm() < 1e-3 * D[1].norm():
            raise Wrong("the second update adds up the first two gradients: optimizer.zero_grad() is missing")
        raise Wrong("the second update is not a plain SGD step (momentum?): the task trains with plain SGD")


@learner_check("build_and_train", build_and_train=function("a function build_and_train(x, y)"))
def build_and_train(build_and_train):
    """Step 1: build_and_train(x, y) builds and trains the 1-1-1 regression network (full-batch SGD, lr 0.05,
    500 epochs, MSE); returns (predictions [N, 1], loss per epoch)."""
    x, y = _data()
    with Watch() as watch:
        out = call(build_and_train, x.clone(), y.clone(), who="build_and_train")
    if not (isinstance(out, (tuple, list)) and len(out) == 2):
        raise Wrong(f"build_and_train returned {type(out).__name__}; return the pair (predictions, losses)")
    pred, losses = as_array(out[0], "the predictions"), as_array(out[1], "the losses").ravel()
    expect_shape("the first value returned (the predictions)", pred, (_N, 1), " (one prediction per sample, like y)")
    net = watch.network()
    _architecture(net)
    if (rows := watch.batch_sizes(net)) != {_N}:
        raise Wrong(f"the network saw {sorted(rows)} rows at a time; the task trains on all {_N} samples in each step")
    S = watch.states(net)
    if len(S) == 1:
        raise Wrong("the weights never changed: are loss.backward() and optimizer.step() both in the loop?")
    if len(losses) != _EPOCHS:
        raise Wrong(f"the losses hold {len(losses)} values: the task trains for {_EPOCHS} epochs, one loss each")
    with torch.no_grad():
        L, G = _mse_and_grads(net, S, x, y)
    L, K = L.double().numpy(), len(S) - 1
    epochs = np.arange(_EPOCHS)
    if not any(np.allclose(losses, L[np.minimum(epochs + s, K)], rtol=1e-4, atol=1e-6) for s in (0, 1)):
        why = f"losses[0] = {losses[0]:.4g}, the MSE of the network then was {L[0]:.4g}"
        if np.isclose(losses[0], _N * L[0], rtol=1e-3):
            raise Wrong(f"the losses are sums of squared errors ({why}): the task's loss is their mean, the MSE")
        raise Wrong(f"the losses are not the network's MSE on (x, y) at each epoch ({why})")
    D = S[1:] - S[:-1]
    _first_steps(D, G)
    tol = 1e-3 * D.norm(dim=1) + 2e-7 * S[:-1].norm(dim=1)
    bad = ((D + _LR * G[:-1]).norm(dim=1) > tol).nonzero()
    if len(bad):
        raise Wrong(f"update {int(bad[0])} is not an SGD step of lr {_LR} on the MSE: do the settings change?")
    with torch.no_grad():
        outputs = [_at(net, S[k], x) for k in (0, K - 1, K)]
    if not any(np.allclose(pred, o.double().numpy(), atol=1e-5) for o in outputs[1:]):
        if np.allclose(pred, outputs[0].double().numpy(), atol=1e-5):
            raise Wrong("the predictions are those of the network before training: compute them after the loop")
        raise Wrong("the predictions are not the trained network's outputs on x")
    mse = float(np.mean((pred - y.double().numpy()) ** 2))
    note = ""
    if float(outputs[-1].std()) < 1e-6:
        note = (
            "; this start's ReLU unit is zero for every sample, so the trained network predicts one constant: "
            "that is the network, not your code (the experiment counts such models)"
        )
    return (
        f"a 1-1-1 ReLU network, each of its {_EPOCHS} epochs a full-batch SGD step of lr {_LR} on the MSE, and the "
        f"function returns its final predictions (MSE {mse:.3f}) and its {_EPOCHS} losses{note}"
    )


@learner_check("make_data", make_data=function("a function of the slope m returning (x, y)"))
def slope_data(make_data):
    """Step 2: make_data(m) returns x, y [50, 1] with x ~ N(0, 1) and y = m x + noise / 2."""
    for m in (1.5, -2.0, 0.0):
        draws = [call(make_data, m, who="make_data") for _ in range(20)]
        if not all(isinstance(d, (tuple, list)) and len(d) == 2 for d in draws):
            raise Wrong(f"make_data({m}) returned {type(draws[0]).__name__}; return the pair (x, y)")
        x, y = as_array(draws[0][0], "x"), as_array(draws[0][1], "y")
        for name, v in (("x", x), ("y", y)):
            expect_shape(name, v, (_N, 1), f" ({_N} samples in one column)")
        if np.allclose(x, as_array(draws[1][0], "x")):
            raise Wrong("make_data returned the same x twice: draw new random numbers on every call")
        X = np.concatenate([as_array(d[0], "x").ravel() for d in draws])
        Y = np.concatenate([as_array(d[1], "y").ravel() for d in draws])
        est = np.polyfit(X, Y, 1)[0]
        noise = np.std(Y - est * X)
        if abs(X.mean()) > 0.15 or abs(X.std() - 1) > 0.15:
            raise Wrong(f"x should be standard normal (mean 0, std 1); it has mean {X.mean():.2f}, std {X.std():.2f}")
        if abs(est - m) > 0.15:
            flipped = ": the sign is flipped" if m != 0 and abs(est + m) < 0.15 else ""
            raise Wrong(f"asked for slope {m:g}, the data's slope is {est:.2f}{flipped}")
        if abs(noise - 0.5) > 0.08:
            raise Wrong(f"the noise has standard deviation {noise:.2f}, expected 0.5")
    return "x ~ N(0, 1), the slope you ask for, noise of std 0.5, shape (50, 1), new data each call"


@learner_check("slopes_per_model", slopes_per_model=ARRAY)
def slope_grid(slopes_per_model):
    """Step 3: one slope per model: 21 slopes from -2 to 2, each repeated 50 times (1,050 models)."""
    return grid("slopes_per_model", slopes_per_model, -2, 2, 21, 50, "slope")


@learner_check("correlation", correlation=function("a function correlation(a, b) returning a number"))
def correlation(correlation):
    """Step 4: correlation(a, b) is the Pearson correlation of predictions and targets (tensors [N, 1])."""
    g = torch.Generator().manual_seed(4)
    cases = []
    for scale, shift, sign in ((1.0, 0.0, 1), (3.0, 2.0, -1), (0.2, -5.0, 1)):
        a = torch.randn(_N, 1, generator=g)
        b = sign * 0.7 * a + 0.5 * torch.randn(_N, 1, generator=g)
        cases.append((scale * a + shift, b + 1.0))
    got = np.array([float(as_array(call(correlation, a, b, who="correlation"), "correlation(a, b)").ravel()[0])
                    for a, b in cases])  # fmt: skip
    A, B = [c[0].double().numpy().ravel() for c in cases], [c[1].double().numpy().ravel() for c in cases]
    want = np.array([np.corrcoef(a, b)[0, 1] for a, b in zip(A, B)])
    if np.allclose(got, want, atol=1e-4):
        return "correlation(a, b) is Pearson's r (centred, scaled, and keeps its sign)"
    known = match(
        got,
        {
            "not centred (this is the cosine similarity)": np.array(
                [a @ b / np.linalg.norm(a) / np.linalg.norm(b) for a, b in zip(A, B)]
            ),
            "this is the covariance, not yet scaled": np.array([np.cov(a, b)[0, 1] for a, b in zip(A, B)]),
            "this is r squared: a negative correlation comes out positive": want**2,
        },
        rtol=1e-3,
        atol=1e-4,
    )
    raise Wrong(
        known or "correlation differs from Pearson's r",
        f"for three test pairs: got {np.round(got, 3)}, expected {np.round(want, 3)}",
    )
