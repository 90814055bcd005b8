"""Checks of the code challenge 'convert nn.Sequential to a class' (ANN/DUDL_ANN_codeChallengeSeq2class):
the 2-16-1-1 qwerty model as a class, two copies trained from one start, and the design of the sweep."""

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from ..data import make_qwerties
from ._core import ARRAY, MODULE, Kind, NotAttempted, Wrong, call, is_placeholder, learner_check
from ._nets import layers_in_order, sizes, stack, trained_further, with_own_weights, without_bias
from ._values import as_array, grid, match

_SIZES = [(2, 16), (16, 1), (1, 1)]


@learner_check(
    "QwertyNet",
    QwertyNet=Kind(
        lambda v: isinstance(v, type), "the class itself, check.qwerty_class(QwertyNet), not an instance or a function"
    ),
)
def qwerty_class(QwertyNet):
    """Step 1: QwertyNet, an nn.Module class computing Linear(2, 16), ReLU, Linear(16, 1), ReLU, Linear(1, 1)."""
    if not issubclass(QwertyNet, nn.Module):
        raise Wrong("QwertyNet must be a subclass of nn.Module: class QwertyNet(nn.Module)")
    net = call(QwertyNet, who="QwertyNet()")
    probe = 3 * torch.randn(256, 2, generator=torch.Generator().manual_seed(6))
    if not any(isinstance(m, nn.Linear) for m in net.modules()) and is_placeholder(net.forward):
        raise NotAttempted
    layers, _ = layers_in_order(net, probe, "QwertyNet's forward")
    if sorted(sizes(layers)) != sorted(_SIZES) or sizes(layers) != _SIZES:
        made = sizes([m for m in net.modules() if isinstance(m, nn.Linear)])
        raise Wrong(f"forward uses Linear layers of sizes {sizes(layers)} (made: {made}); expected {_SIZES}")
    if nobias := without_bias(layers):
        raise Wrong(
            f"layer {nobias[0] + 1} has no bias (bias=False): the Sequential model's layers have one, so the class "
            f"has {sum(p.numel() for p in net.parameters())} parameters instead of 67"
        )
    layers, got = with_own_weights(net, probe, who="QwertyNet's forward")
    got = as_array(got, "forward's output")
    with torch.no_grad():
        want = stack(layers, "relu", probe)
        variants = {
            "the ReLU after the first layer is missing": stack(layers, "relu", probe, skip=(1,)),
            "the ReLU after the second layer is missing": stack(layers, "relu", probe, skip=(2,)),
            "no ReLU is applied at all": stack(layers, "linear", probe),
            "the output goes through a sigmoid: BCEWithLogitsLoss wants the raw logit": torch.sigmoid(want),
            "the output goes through a ReLU: the last layer's logit must stay raw": torch.relu(want),
        }
    if got.shape != tuple(want.shape):
        raise Wrong(
            f"forward's output for 256 points has shape {got.shape}, expected {tuple(want.shape)}: one logit each"
        )
    if np.allclose(got, want.double().numpy(), atol=1e-5):
        return "QwertyNet computes the Sequential model's function: Linear, ReLU, Linear, ReLU, Linear"
    known = match(got, {k: v.double().numpy() for k, v in variants.items()}, atol=1e-5)
    raise Wrong(known or "forward does not compute Linear(2, 16), ReLU, Linear(16, 1), ReLU, Linear(1, 1)")


def _clouds():
    """A fresh sample of the task's two clouds (its own stream), to see where more training would take a model."""
    X, labels = make_qwerties([[1, 1], [5, 1]], n_per_cloud=100, spread=1.0, generator=torch.Generator().manual_seed(7))
    return X, labels.float()[:, None]


def _at_start(model):
    """True when every weight still lies in nn.Linear's starting range, +-1/sqrt(fan_in)."""
    bound = {m: m.in_features**-0.5 + 1e-6 for m in model.modules() if isinstance(m, nn.Linear)}
    with torch.no_grad():
        return all(float(p.abs().max()) <= b for m, b in bound.items() for p in (m.weight, m.bias) if p is not None)


@learner_check("the two models", seq=MODULE, cls=MODULE)
def same_outputs(seq, cls):
    """Step 2: seq (Sequential) and cls (your class), started from identical weights and trained, compute the
    same outputs."""
    if seq is cls:
        raise Wrong("seq and cls are the same object: build a class model and copy the Sequential's weights in")
    if isinstance(cls, nn.Sequential):
        raise Wrong("cls is an nn.Sequential: build it from your class")
    shared = {p.data_ptr() for p in seq.parameters()} & {p.data_ptr() for p in cls.parameters()}
    if shared:
        raise Wrong("the two models share their weight tensors, so training one trains the other: copy the values")
    probe = 3 * torch.randn(256, 2, generator=torch.Generator().manual_seed(7))
    with torch.no_grad():
        a, b = (
            as_array(call(seq, probe, who="seq"), "seq's output"),
            as_array(call(cls, probe, who="cls"), "cls's output"),
        )
    gap = float(np.abs(a - b).max()) if a.shape == b.shape else np.inf
    if gap > 1e-5:
        raise Wrong(f"the two models' outputs differ by up to {gap:.3g}: not the same start, or not trained alike")
    X, y = _clouds()
    with torch.no_grad():
        loss = float(F.binary_cross_entropy_with_logits(seq(X), y))
    further = trained_further(seq, X, y, F.binary_cross_entropy_with_logits, 0.05, 100)
    with torch.no_grad():
        drop = loss - float(F.binary_cross_entropy_with_logits(further(X), y))
    if _at_start(seq) and drop > 0.01:
        raise Wrong(
            "the models are still at their starting weights (all within nn.Linear's starting range) and 100 "
            f"epochs of training would lower their loss by {drop:.3f}: train both, then compare"
        )
    note = ""
    if a.std() < 1e-6:
        note = "; but both give every point the same output: a start that never learns makes the equality easy"
    return f"the class model and the Sequential model compute the same outputs (largest difference {gap:.1e}){note}"


@learner_check("lr_per_model", lr_per_model=ARRAY)
def lr_per_model(lr_per_model):
    """Step 3: one learning rate per model: 40 rates from 0.001 to 0.1, each for 15 models (600)."""
    return grid("lr_per_model", lr_per_model, 0.001, 0.1, 40, 15, "learning rate")
