"""Training loops for one model: full batch or mini-batches, regression or classification.

The loop in `fit` is the one the course writes out by hand in its first lectures
(forward, loss, zero_grad, backward, step); later lectures call it from here.
"""

import torch
from torch.utils.data import DataLoader

from ._checks import as_tensor, check_choice, check_int, check_number
from .losses import share_correct

TASKS = ("regression", "binary", "multiclass")
OPTIMIZERS = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam, "rmsprop": torch.optim.RMSprop}


def make_optimizer(model, name="sgd", lr=0.01, **options):
    """An optimizer by name ('sgd', 'adam', 'rmsprop'); options such as weight_decay (L2) pass through."""
    check_choice("name", name, tuple(OPTIMIZERS))
    check_number("lr", lr, minimum=0, inclusive=(False, True))
    return OPTIMIZERS[name](model.parameters(), lr=lr, **options)


def accuracy(outputs, y, task="multiclass"):
    """Share of correct predictions, in percent.

    binary: outputs are logits (one column), a positive logit means class 1;
    multiclass: the largest output wins.
    """
    check_choice("task", task, TASKS[1:])
    outputs, y = as_tensor("outputs", outputs), as_tensor("y", y, dtype=torch.int64 if task == "multiclass" else None)
    if task == "multiclass" and (outputs.ndim != 2 or len(y) != len(outputs)):
        raise ValueError(
            f"outputs must be [N, classes] and y [N] for task='multiclass'; got {tuple(outputs.shape)} "
            f"and {tuple(y.shape)}. For one logit per sample use task='binary'."
        )
    if task == "binary":  # the batched trainer's rule (utils/losses.py), for one model
        return 100.0 * share_correct(outputs.reshape(1, -1, 1), y.reshape(1, -1, 1).float(), "bce").item()
    return 100.0 * share_correct(outputs[None], y[None], "ce").item()


def _batches(data, name):
    if isinstance(data, DataLoader):
        return data
    if isinstance(data, (tuple, list)) and len(data) == 2 and all(isinstance(t, torch.Tensor) for t in data):
        if len(data[0]) != len(data[1]):
            raise ValueError(f"{name}: X has {len(data[0])} rows but y has {len(data[1])}.")
        return [tuple(data)]  # full batch: the whole set is one batch
    raise TypeError(f"{name} must be a DataLoader or a tuple (X, y) of tensors, got {type(data).__name__}.")


@torch.no_grad()
def evaluate(model, data, loss_fn, task="multiclass"):
    """Loss and accuracy over `data` in eval mode without gradients. Returns (loss, accuracy or None)."""
    was_training = model.training
    model.eval()
    total_loss, correct, count = 0.0, 0.0, 0
    for X, y in _batches(data, "data"):
        out = model(X)
        total_loss += loss_fn(out, y).item() * len(X)
        if task != "regression":
            correct += accuracy(out, y, task) * len(X)
        count += len(X)
    model.train(was_training)
    return total_loss / count, (None if task == "regression" else correct / count)


def fit(model, train, *, loss_fn, optimizer, epochs, task="multiclass", test=None, penalty=None):
    """Train `model` and return its history.

    train/test: a DataLoader (mini-batches) or a tuple (X, y) (one full batch).
    penalty: optional function model -> scalar tensor added to each batch's loss (e.g. L1).
    Returns a dict of per-epoch lists: train_loss, train_acc (mean over the epoch's
    batches, measured on the outputs the step was computed from), and test_loss,
    test_acc when `test` is given (evaluated in eval mode under no_grad).
    """
    check_int("epochs", epochs, minimum=1)
    check_choice("task", task, TASKS)
    if penalty is not None and not callable(penalty):
        raise TypeError(f"penalty must be a function model -> tensor, got {type(penalty).__name__}.")
    batches = _batches(train, "train")
    history = {"train_loss": [], "train_acc": []}
    if test is not None:
        _batches(test, "test")
        history.update(test_loss=[], test_acc=[])
    for _ in range(epochs):
        model.train()
        losses, accs, sizes = [], [], []
        for X, y in batches:
            out = model(X)
            loss = loss_fn(out, y)
            if penalty is not None:
                loss = loss + penalty(model)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
            sizes.append(len(X))
            if task != "regression":
                accs.append(accuracy(out.detach(), y, task))
        n = sum(sizes)
        history["train_loss"].append(sum(l * s for l, s in zip(losses, sizes)) / n)
        history["train_acc"].append(sum(a * s for a, s in zip(accs, sizes)) / n if accs else None)
        if test is not None:
            tl, ta = evaluate(model, test, loss_fn, task)
            history["test_loss"].append(tl)
            history["test_acc"].append(ta)
    model.eval()
    return history


def count_parameters(model, trainable_only=True):
    """Number of (trainable) parameters of a model."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only)
