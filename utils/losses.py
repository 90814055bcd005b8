"""The three losses and accuracy of the batched trainer, each written once.

Every function works on the outputs of M models at once, out [M, N, k], and returns one
value per model. Training and evaluation call the same functions, and `utils.accuracy`
(one model) is the M = 1 case of `percent_correct`.
"""

import torch
import torch.nn.functional as F

from ._validate import as_tensor, check_finite, check_labels

LOSSES = ("mse", "bce", "ce")


def loss_and_grad(out, y, loss, grad=True):
    """Mean loss of each model [M] and, if grad, the gradient of their sum with respect to `out`.

    mse: L = mean (out - y)^2                       dL/dout = 2 (out - y) / (N k)
    bce: L = mean softplus(out) - y out  (logits)   dL/dout = (sigmoid(out) - y) / (N k)
    ce:  L = mean -log softmax(out)[y]   (logits)   dL/dout = (softmax(out) - onehot(y)) / N
    `out` is not changed; the gradient reuses a temporary where it can.
    """
    m, n, k = out.shape
    if loss == "mse":
        diff = out - y
        per = (diff * diff).mean(dim=(1, 2))
        return per, (diff.mul_(2 / (n * k)) if grad else None)
    if loss == "bce":
        per = F.softplus(out).addcmul_(y, out, value=-1).mean(dim=(1, 2))
        return per, (torch.sigmoid(out).sub_(y).mul_(1 / (n * k)) if grad else None)
    logp = torch.log_softmax(out.transpose(1, 2), 1).transpose(1, 2)  # (classes on axis 1 runs faster on a CPU)
    per = -logp.gather(-1, y.expand(m, n)[..., None]).mean(dim=(1, 2))
    return per, (logp.exp_().sub_(F.one_hot(y, k)).mul_(1 / n) if grad else None)


def n_correct(out, y, loss):
    """Number of correct predictions of each model, [M] float64 (exact); None for regression.

    One output (bce): a positive logit means class 1. Several (ce): the largest output wins.
    """
    if loss == "mse":
        return None
    if loss == "bce":
        # right = 1 - |prediction - label| with prediction 1 where the logit is positive (float ops: faster
        # than bool ones); a sum of 0/1 values is exact
        return (1 - (torch.relu(out).sign() - y).abs()).sum(dim=(1, 2), dtype=torch.float64)
    return (out.argmax(-1) == y).sum(1, dtype=torch.float64)


def percent_correct(out, y, loss):
    """Percent of correct predictions of each model, [M] float64; None for regression.

    Computed as 100 * count / N, in that order: 27 right of 30 is exactly 90.0, so `accuracy >= 90` means
    what it says (a float32 share times 100 gives 89.9999976, and 0.57 * 100 is 56.99999999999999).
    """
    count = n_correct(out, y, loss)
    return None if count is None else 100.0 * count / out[0, ..., 0].numel()


def targets(name, X, y, loss, n_models, n_outputs):
    """y checked for `loss` and shaped to broadcast against outputs [M, N, k]:
    class indices [1 or M, N] for ce, values [1 or M, N, k] otherwise."""
    y = check_finite(name, as_tensor(name, y))
    if loss == "ce":
        check_labels(name, y, n_outputs)
    elif loss == "bce":
        if n_outputs != 1:
            raise ValueError(f"loss='bce' needs one output unit (a logit); the network has {n_outputs}. Use loss='ce'.")
        if y.numel() and ((y < 0) | (y > 1)).any():
            raise ValueError(
                f"{name} must hold 0/1 labels (or probabilities) for loss='bce'; got values from "
                f"{y.min().item():g} to {y.max().item():g}."
            )
    lead = n_models if X.ndim == 3 else 1
    n = X.shape[-2]
    if y.ndim < X.ndim - 1 or y.shape[X.ndim - 2] != n or (X.ndim == 3 and y.shape[0] != n_models):
        want = f"[{n_models}, {n}]" if X.ndim == 3 else f"[{n}]"
        raise ValueError(
            f"{name} must have shape {want} (or with a trailing output axis) to match X {tuple(X.shape)}; "
            f"got {tuple(y.shape)}."
        )
    return y.long().reshape(lead, n) if loss == "ce" else y.float().reshape(lead, n, -1)
