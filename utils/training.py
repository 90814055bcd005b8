"""Training loops for one model: full batch or mini-batches, regression or classification.

The loop in `fit` is the one the course writes out by hand in its first lectures
(forward, loss, zero_grad, backward, step); later lectures call it from here.
"""

import inspect
import math
import warnings

import torch

from . import _inputs as inputs
from ._validate import check_choice, check_function, check_int, check_module, check_number, shown
from .scores import TASKS, accuracy, right

OPTIMIZERS = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam, "rmsprop": torch.optim.RMSprop}
__all__ = ["accuracy", "count_parameters", "evaluate", "fit", "make_optimizer"]


def make_optimizer(model, name="sgd", lr=0.01, **options):
    """An optimizer by name ('sgd', 'adam', 'rmsprop'); options such as weight_decay (L2) pass through."""
    check_module("model", model)
    name = name.lower() if isinstance(name, str) else name
    check_choice("name", name, tuple(OPTIMIZERS))
    check_number("lr", lr, minimum=0, inclusive=(False, True))
    cls = OPTIMIZERS[name]
    known = [p for p in inspect.signature(cls).parameters if p not in ("self", "params", "lr")]
    for key, value in options.items():
        if key not in known:
            raise TypeError(f"{key!r} is not an option of {cls.__name__}; the options it accepts: {', '.join(known)}.")
        if key in ("weight_decay", "momentum", "dampening", "alpha", "eps"):
            check_number(key, value, minimum=0)
    if "betas" in options:
        betas = options["betas"]
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise TypeError(f"betas must be two numbers in [0, 1), e.g. (0.9, 0.999); got {shown(betas)}.")
        for i, b in enumerate(betas):
            check_number(f"betas[{i}]", b, minimum=0, maximum=1, inclusive=(True, False))
    return cls(model.parameters(), lr=lr, **options)


def _measured(scores, y, task, loss_value):
    """Number correct, or nan when the loss is not a number (a diverged model's outputs predict nothing)."""
    return right(scores, y, task) if math.isfinite(loss_value) and not torch.isnan(scores).any() else math.nan


@torch.no_grad()
def evaluate(model, data, loss_fn, task=None):
    """Loss and accuracy over `data` in eval mode without gradients. Returns (loss, accuracy or None).

    task: 'regression', 'binary' or 'multiclass'; None reads it from the loss (nn.MSELoss: regression,
    nn.BCEWithLogitsLoss: binary, nn.CrossEntropyLoss: multiclass) or else from the outputs' shape.
    """
    check_module("model", model)
    check_function("loss_fn", loss_fn, inputs.LOSS_EXAMPLE)
    if task is not None:
        check_choice("task", task, TASKS)
    return _evaluate(model, inputs.batches(data, "data"), loss_fn, task, "data")


def _evaluate(model, batches, loss_fn, task, name, check=True):
    was_training = model.training
    model.eval()
    total_loss, correct, count = 0.0, 0.0, 0
    try:
        for batch in batches:
            X, y = inputs.unpack(batch, name, check)
            out = inputs.forward(model, X, name)
            task = inputs.task_of(task, loss_fn, out)
            scores, labels = inputs.scores_of(out, y, task, loss_fn, name, check)
            loss = inputs.loss_of(loss_fn, out, y, name).item()
            total_loss += loss * len(X)
            if task != "regression":
                correct += _measured(scores, labels, task, loss)
            count += len(X)
    finally:
        model.train(was_training)
    if count == 0:
        raise ValueError(f"{name} holds no batches (an empty DataLoader?); it must hold at least one sample.")
    return total_loss / count, (None if task == "regression" else 100.0 * correct / count)


def fit(model, train, *, loss_fn, optimizer, epochs, task=None, test=None, penalty=None):
    """Train `model` and return its history.

    train/test: a DataLoader (mini-batches) or a tuple (X, y) (one full batch).
    task: 'regression', 'binary' or 'multiclass'; None reads it from the loss, as `evaluate` does.
    penalty: optional function model -> scalar tensor added to each batch's loss (e.g. L1).
    Returns a dict of per-epoch lists: train_loss, train_acc (mean over the epoch's
    batches, measured on the outputs the step was computed from), and test_loss,
    test_acc when `test` is given (evaluated in eval mode under no_grad).
    A loss that stops being a number is reported in a warning (the epoch, and what to try);
    the history then holds nan for the accuracy of every batch whose loss is not finite.
    """
    check_int("epochs", epochs, minimum=1)
    if task is not None:
        check_choice("task", task, TASKS)
    if penalty is not None and not callable(penalty):
        raise TypeError(f"penalty must be a function model -> tensor, got {shown(penalty)} ({type(penalty).__name__}).")
    batches = inputs.batches(train, "train")
    history = {"train_loss": [], "train_acc": []}
    if test is not None:
        test = inputs.batches(test, "test")
        history.update(test_loss=[], test_acc=[])
    check_module("model", model)
    check_function("loss_fn", loss_fn, inputs.LOSS_EXAMPLE)
    inputs.check_optimizer(optimizer, model)
    warned = False
    for epoch in range(epochs):
        model.train()
        losses, rights, sizes = [], [], []
        check = epoch == 0  # the first epoch sees every sample: the data are checked then
        for batch in batches:
            X, y = inputs.unpack(batch, "train", check)
            out = inputs.forward(model, X, "train")
            task = inputs.task_of(task, loss_fn, out)
            scores, labels = inputs.scores_of(out, y, task, loss_fn, "train", check)
            loss = inputs.loss_of(loss_fn, out, y, "train")
            fit_loss = loss.item() if penalty is not None else None
            if penalty is not None:
                loss = loss + inputs.penalty_of(penalty, model)
            if not loss.requires_grad:
                raise ValueError(
                    "loss_fn's result does not depend on the model's weights through autograd (requires_grad is "
                    "False): it must be computed from the outputs with torch operations, without .detach(), "
                    ".item() or torch.no_grad()."
                )
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
            sizes.append(len(X))
            if not math.isfinite(losses[-1]) and not warned:
                warned = True
                last = history["train_loss"][-1] if history["train_loss"] else None
                warnings.warn(_diverged(losses[-1], epoch + 1, epochs, len(sizes), last, optimizer), RuntimeWarning, 2)
            if task != "regression":
                rights.append(_measured(scores, labels, task, losses[-1] if fit_loss is None else fit_loss))
        n = sum(sizes)
        history["train_loss"].append(sum(l * s for l, s in zip(losses, sizes)) / n)
        history["train_acc"].append(100.0 * sum(rights) / n if rights else None)  # 27 of 30: exactly 90.0
        if test is not None:
            tl, ta = _evaluate(model, test, loss_fn, task, "test", check)
            history["test_loss"].append(tl)
            history["test_acc"].append(ta)
    model.eval()
    return history


def _diverged(value, epoch, epochs, batch, last, optimizer):
    before = f" (the epoch before, it was {last:.3g})" if last is not None else ""
    lr = optimizer.param_groups[0].get("lr")
    return (
        f"fit: the training loss became {value} at epoch {epoch} of {epochs}, batch {batch}{before}. Training "
        "rarely recovers from there: the history holds nan for the accuracy of every batch whose loss is not "
        f"finite. Try a smaller learning rate (this optimizer's is {lr:g}), or inputs on a smaller scale."
    )


def count_parameters(model, trainable_only=True):
    """Number of (trainable) parameters of a model."""
    check_module("model", model)
    if not isinstance(trainable_only, bool):
        raise TypeError(f"trainable_only must be True or False, got {shown(trainable_only)}.")
    return sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only)
