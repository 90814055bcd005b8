"""Accuracy of one model: which task its outputs belong to, and the share of right predictions.

One logit per sample ([N] or [N, 1]) is a binary task: a positive logit means class 1. One output
per class ([N, classes]) is a multiclass task: the largest output wins. The rule is the batched
trainer's (utils/losses.py n_correct), so both count alike.
"""

import torch

from ._validate import as_tensor, check_choice, check_finite, check_labels
from .losses import n_correct

TASKS = ("regression", "binary", "multiclass")


def read_scores(outputs, y, task=None):
    """outputs, labels y [N] and the task, checked against each other.

    The task follows the outputs' shape when not given. A task given that contradicts the shape is
    refused: counted under the wrong rule, a one-logit model that is always right would score 50 %.
    """
    if task is not None:
        check_choice("task", task, TASKS[1:])
    outputs = as_tensor("outputs", outputs)
    y = as_tensor("y", y, dtype=None)
    if outputs.ndim not in (1, 2):
        raise ValueError(
            "outputs must be [N] or [N, 1] (one logit per sample) or [N, classes] (one score per class), "
            f"got shape {tuple(outputs.shape)}."
        )
    one_logit = outputs.ndim == 1 or outputs.shape[1] == 1
    if task == "multiclass" and one_logit:
        raise ValueError(
            f"task='multiclass' needs one output per class ([N, classes]), but outputs has shape "
            f"{tuple(outputs.shape)}: one logit per sample. For a one-logit model use task='binary' (or leave "
            "task out: it is read from the outputs' shape)."
        )
    if task == "binary" and not one_logit:
        raise ValueError(
            f"task='binary' needs one logit per sample ([N] or [N, 1]), but outputs has shape "
            f"{tuple(outputs.shape)}: one score per class. Use task='multiclass' (or leave task out)."
        )
    task = "binary" if one_logit else "multiclass"
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1 or len(y) != len(outputs):
        hint = " For one-hot rows pass y.argmax(1)." if y.ndim == 2 else ""
        raise ValueError(
            f"y must hold one label per sample, shape ({len(outputs)},), to match outputs of shape "
            f"{tuple(outputs.shape)}; got shape {tuple(y.shape)}.{hint}"
        )
    check_finite("y", y)
    if task == "binary":
        most = int(y.max()) + 1 if y.numel() else 2
        check_labels(
            "y",
            y,
            2,
            given="the model gives one logit per sample (binary: labels 0 and 1)",
            fix=f"for {most} classes the model needs {most} outputs and nn.CrossEntropyLoss",
        )
    else:
        check_labels("y", y, outputs.shape[1], given=f"outputs has {outputs.shape[1]} columns (one per class)")
    return outputs, y, task


def right(outputs, y, task):
    """Number of correct predictions (a float, exact) of outputs already read by read_scores."""
    if task == "binary":  # the batched trainer's rule, for one model
        return n_correct(outputs.reshape(1, -1, 1), y.reshape(1, -1, 1).float(), "bce").item()
    return n_correct(outputs[None], y.long()[None], "ce").item()


def share(outputs, y, task):
    """Percent correct of outputs already read by read_scores: 100 * count / N, so 27 of 30 is exactly 90.0."""
    return 100.0 * right(outputs, y, task) / len(y) if len(y) else float("nan")


def accuracy(outputs, y, task=None):
    """Share of correct predictions, in percent.

    task None (the default) reads the outputs' shape: one logit per sample ([N] or [N, 1]) is
    'binary' (a positive logit means class 1), one output per class ([N, classes]) 'multiclass'
    (the largest output wins). Pass task to insist on one: a contradiction is refused.
    """
    outputs, y, task = read_scores(outputs, y, task)
    if torch.isnan(outputs).any():
        raise ValueError(
            f"outputs hold {int(torch.isnan(outputs).sum())} nan values: no prediction can be read from them. "
            "A model gives nan once its training diverged (its loss became nan or inf); try a smaller learning rate."
        )
    return share(outputs, y, task)
