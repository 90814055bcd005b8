"""What fit and evaluate take in, checked where a mistake shows: the data, the model's outputs against the
labels and the loss, the loss itself, the optimizer and the penalty. Each refusal names the argument, the value
given and what is accepted; an error inside the model or the loss is explained by the shapes that caused it."""

import numbers

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader

from ._validate import check_finite, shown
from .data import _as_pair
from .scores import read_scores

# the task each of torch's usual losses implies, when fit or evaluate is not told
LOSS_TASKS = {
    nn.MSELoss: "regression",
    nn.L1Loss: "regression",
    nn.SmoothL1Loss: "regression",
    nn.HuberLoss: "regression",
    nn.BCEWithLogitsLoss: "binary",
    nn.BCELoss: "binary",
    nn.CrossEntropyLoss: "multiclass",
    nn.NLLLoss: "multiclass",
}
ELEMENTWISE = tuple(loss for loss, task in LOSS_TASKS.items() if task != "multiclass")  # y shaped as the outputs
LOSS_EXAMPLE = "nn.CrossEntropyLoss()"


def batches(data, name):
    """A DataLoader, or one full batch [(X, y)] from a pair of tensors, NumPy arrays or lists."""
    if isinstance(data, DataLoader):
        return data
    arrays = (torch.Tensor, np.ndarray, list, tuple)
    if isinstance(data, (tuple, list)) and len(data) == 2 and all(isinstance(t, arrays) for t in data):
        X, y = _as_pair(*data)
        if len(X) != len(y):
            raise ValueError(f"{name}: X has {len(X)} rows but y has {len(y)}; they must have the same number.")
        return [(X, y)]  # full batch: the whole set is one batch
    raise TypeError(
        f"{name} must be a DataLoader or a tuple (X, y) of tensors or arrays, got {shown(data)} "
        f"({type(data).__name__})."
    )


def unpack(batch, name, check=True):
    """X, y of one batch; with check, both must hold finite numbers."""
    if not isinstance(batch, (tuple, list)) or len(batch) != 2:
        raise ValueError(f"{name}: each batch must be a pair (X, y); the DataLoader gave {shown(batch)}.")
    X, y = batch
    if check:
        check_finite(f"{name}: X", X)
        check_finite(f"{name}: y", y)
    return X, y


def forward(model, X, name):
    """model(X), an error in it explained by the input's shape and type where they are the cause."""
    try:
        return model(X)
    except (RuntimeError, TypeError, ValueError, IndexError) as err:
        first = next((m for m in model.modules() if isinstance(m, nn.Linear)), None)
        hint = ""
        if first is not None and X.shape[-1] != first.in_features:
            k = first.in_features
            hint = f" The model's first layer takes {k} inputs, so X must have {k} columns."
        elif first is not None and X.dtype != first.weight.dtype:
            hint = f" X must have the weights' type, {first.weight.dtype}: use X.to({first.weight.dtype})."
        raise ValueError(f"{name}: model(X) failed on X of shape {tuple(X.shape)} ({X.dtype}): {err}.{hint}") from err


def task_of(task, loss_fn, out):
    """The task given, else the one the loss implies, else the outputs' shape (one logit: binary)."""
    if task is not None:
        return task
    for kind, implied in LOSS_TASKS.items():
        if isinstance(loss_fn, kind):
            return implied
    return "binary" if out.ndim == 1 or out.shape[-1] == 1 else "multiclass"


def scores_of(out, y, task, loss_fn, name, check=True):
    """The scores and labels accuracy reads (None for a regression). With check, y is first checked against the
    outputs, before the loss sees them (fit checks in its first epoch, which sees every sample once)."""
    if check:
        _check_targets(out, y, task, loss_fn, name)
    if task == "regression":
        return None, None
    scores = out.detach() - 0.5 if isinstance(loss_fn, nn.BCELoss) else out.detach()  # BCELoss: probabilities
    if not check:
        return scores.to(torch.float32), (y[:, 0] if y.ndim == 2 and y.shape[1] == 1 else y)
    try:
        return read_scores(scores, y, task)[:2]
    except ValueError as err:
        raise ValueError(f"{name}: {err}") from None


def _check_targets(out, y, task, loss_fn, name):
    loss = type(loss_fn).__name__
    if isinstance(loss_fn, ELEMENTWISE) and y.shape != out.shape:
        fix = f": use y.reshape{tuple(out.shape)}" if y.numel() == out.numel() else ""
        raise ValueError(
            f"{name}: y has shape {tuple(y.shape)} but the model's outputs have shape {tuple(out.shape)}; {loss} "
            f"compares them element by element, so they must match{fix}."
        )
    if isinstance(loss_fn, (nn.BCEWithLogitsLoss, nn.BCELoss)) and not y.is_floating_point():
        raise ValueError(f"{name}: y holds {y.dtype} labels, but {loss} needs them as floats: use y.float().")
    if isinstance(loss_fn, (nn.CrossEntropyLoss, nn.NLLLoss)) and y.is_floating_point() and y.ndim == out.ndim - 1:
        raise ValueError(
            f"{name}: y holds {y.dtype} numbers, but {loss} needs class labels as whole numbers of type "
            "torch.int64: use y.long()."
        )


def loss_of(loss_fn, out, y, name):
    try:
        loss = loss_fn(out, y)
    except (RuntimeError, TypeError, ValueError, IndexError) as err:
        raise ValueError(
            f"{name}: loss_fn(outputs, y) failed with outputs of shape {tuple(out.shape)} and y of shape "
            f"{tuple(y.shape)} ({y.dtype}): {err}. The outputs and y must be what the loss expects."
        ) from err
    if not isinstance(loss, torch.Tensor):
        raise TypeError(
            f"loss_fn must return a tensor, computed from the outputs with torch operations so that backward() "
            f"reaches the weights; it returned {shown(loss)} ({type(loss).__name__})."
        )
    if loss.numel() != 1:
        raise ValueError(
            f"loss_fn must return one number per batch (a tensor with one element); it returned {shown(loss)}. "
            "With reduction='none', take the mean: loss_fn(outputs, y).mean()."
        )
    return loss


def check_optimizer(optimizer, model):
    if not isinstance(optimizer, torch.optim.Optimizer):
        raise TypeError(
            "optimizer must be a torch.optim optimizer made from the model, e.g. utils.make_optimizer(model, "
            f"'adam', lr=0.01); got {shown(optimizer)} ({type(optimizer).__name__})."
        )
    mine = {id(p) for p in model.parameters()}
    if mine and not any(id(p) in mine for group in optimizer.param_groups for p in group["params"]):
        raise ValueError(
            "optimizer updates none of the model's parameters: it was made for another model (before the model "
            "was built again?). Make it from this model: utils.make_optimizer(model, ...)."
        )


def penalty_of(penalty, model):
    value = penalty(model)
    if not isinstance(value, (torch.Tensor, numbers.Real)) or (isinstance(value, torch.Tensor) and value.numel() != 1):
        raise ValueError(
            f"penalty(model) must return one number (a tensor with one element), got {shown(value)}: "
            "add it up, e.g. sum(p.abs().sum() for p in model.parameters())."
        )
    return value
