"""Train many small MLPs of one layout at once: the training loop and its records.

The pieces live one idea per file: utils/stacked.py holds the models (BatchedMLP) and their
forward pass, utils/losses.py the losses and accuracy, utils/backprop.py the backward pass as
the chain rule, utils/optim.py the SGD and Adam updates. The loss summed over models gives each
model exactly the gradient it would get alone, so the models stay independent.
"""

import contextlib
import os

import torch

from ._validate import (
    check_bool,
    check_choice,
    check_finite,
    check_generator,
    check_int,
    check_number,
    per_model,
    shown,
)
from .backprop import backward
from .losses import LOSSES, loss_and_grad, n_correct, percent_correct, targets
from .optim import Adam, penalized, sgd_
from .stacked import BatchedMLP

__all__ = ["BatchedMLP", "train_batched"]


def _max_threads():
    """Threads for big batched steps: DUDL_THREADS if set, else None (keep torch's setting: one, after
    seed_everything). Two threads speed a big step up only while the other core is idle (1.4-1.6x); with one
    other process spinning they made a sweep 5.5-7.6x slower than one thread, and up to 15x on a busier
    machine (BENCHMARK.md's notes), so two are opt-in."""
    value = os.environ.get("DUDL_THREADS", "").strip()
    if not value:
        return None
    try:
        return check_int("DUDL_THREADS", int(value), minimum=1)
    except ValueError:
        raise ValueError(
            f"DUDL_THREADS must be a whole number of threads (1 or more), e.g. 1; got {value!r}."
        ) from None


@contextlib.contextmanager
def _num_threads(n):
    """torch's intra-op thread count set to n inside the block, restored after."""
    before = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def _progress(iterable, show, desc):
    """A tqdm progress bar (a widget in Jupyter) for long runs; tqdm reads TQDM_DISABLE=1 to stay quiet."""
    if not show or os.environ.get("TQDM_DISABLE", "").lower() in ("1", "true", "yes"):
        return iterable  # (tqdm's notebook bar ignores TQDM_DISABLE, so check it here)
    try:
        from tqdm.auto import tqdm
    except ImportError:  # tqdm is optional
        return iterable
    return tqdm(iterable, desc=desc, leave=False, unit="epoch")


def train_batched(
    net,
    X,
    y,
    *,
    loss,
    lr,
    epochs,
    optimizer="sgd",
    weight_decay=0.0,
    l1=0.0,
    batch_size=None,
    test=None,
    generator=None,
    betas=(0.9, 0.999),
    eps=1e-8,
    progress=True,
    threads=None,
):
    """Train all models of `net` together; returns per-epoch, per-model records.

    X: [N, in] shared, or [M, N, in] one data set per model; y: [N] / [M, N] (or with a
    trailing 1 for 'mse'/'bce'). loss: 'mse', 'bce' (logits, labels 0/1) or 'ce' (logits,
    class indices). lr, weight_decay (L2, as in torch's optimizers, on every parameter)
    and l1 (lambda * sum|weights| / number of weights, biases excluded) take one number
    or one per model. optimizer: 'sgd' or 'adam' (the same update rule as torch.optim).
    batch_size: None for full batch; otherwise each epoch shuffles the rows once (the
    same order for every model) with `generator`. test: optional (X_test, y_test).
    progress: show a progress bar over epochs in Jupyter (quiet when TQDM_DISABLE=1, as in tests).
    threads: CPU threads while training. None: torch's current setting (one, after seed_everything), or
    the environment variable DUDL_THREADS when a step's tensors are big (models x rows x widest layer >=
    100,000 numbers). threads=2 can halve a big sweep on an idle 2-core machine, but makes it several times
    slower while another program keeps a core busy (BENCHMARK.md), so it is never the default.
    Results are bit-for-bit the same on one or two threads (tests check).

    Returns a dict of tensors [epochs, M]: train_loss, and for classification train_acc
    (percent, from the outputs each step was computed on); with `test`, test_loss and
    test_acc (eval mode: no dropout, no gradients).
    """
    if not isinstance(net, BatchedMLP):
        raise TypeError(f"net must be a BatchedMLP, got {type(net).__name__}.")
    check_choice("loss", loss, LOSSES)
    check_choice("optimizer", optimizer, ("sgd", "adam"))
    epochs = check_int("epochs", epochs, minimum=1)
    m = net.m
    # rates in the models' dtype: a float32 0.01 is 0.0099999998, a float64 model must see 0.01
    lr_m = per_model("lr", lr, m, positive=True, dtype=net.dtype)[:, None, None]
    wd_m = per_model("weight_decay", weight_decay, m, minimum=0, dtype=net.dtype)[:, None, None]
    l1_m = per_model("l1", l1, m, minimum=0, dtype=net.dtype)[:, None, None]
    X = check_finite("X", net._check_input(X))
    n = X.shape[-2]
    y = targets("y", X, y, loss, m, net.sizes[-1])
    if test is not None:
        if not isinstance(test, (tuple, list)) or len(test) != 2:
            raise TypeError(f"test must be a pair (X_test, y_test), got {type(test).__name__}.")
        X_test = check_finite("test[0]", net._check_input(test[0], "test[0]"))
        test = (X_test, targets("test[1]", X_test, test[1], loss, m, net.sizes[-1]))
    bs = n if batch_size is None else check_int("batch_size", batch_size, minimum=1)
    if bs > n:
        raise ValueError(f"batch_size ({bs}) is larger than the data ({n} rows); pass at most {n}, or None.")
    check_generator(generator)
    check_bool("progress", progress)
    if not isinstance(betas, (tuple, list)) or len(betas) != 2:
        raise TypeError(f"betas must be two numbers in [0, 1), e.g. (0.9, 0.999); got {shown(betas)}.")
    for i, b in enumerate(betas):
        check_number(f"betas[{i}]", b, minimum=0, maximum=1, inclusive=(True, False))
    check_number("eps", eps, minimum=0, inclusive=(False, True))
    w_all = torch.cat([torch.full((m, 1), net.sizes[0]), net.widths, torch.full((m, 1), net.sizes[-1])], 1)
    l1_scale = l1_m / (w_all[:, :-1] * w_all[:, 1:]).sum(1).float()[:, None, None]  # lambda / N_w per model
    l1_scale = l1_scale if bool((l1_m > 0).any()) else None
    wd_m = wd_m if bool((wd_m > 0).any()) else None
    adam = Adam(net.params, betas, eps) if optimizer == "adam" else None
    classify = loss != "mse"
    rec = {"train_loss": torch.zeros(epochs, m)}
    if classify:
        rec["train_acc"] = torch.zeros(epochs, m)
    if test is not None:
        rec["test_loss"] = torch.zeros(epochs, m)
        if classify:
            rec["test_acc"] = torch.zeros(epochs, m)
    if threads is None:
        big = m * bs * max(net.sizes[1:]) >= 100_000
        threads = (_max_threads() if big else None) or torch.get_num_threads()
    threads = check_int("threads", threads, minimum=1)
    with _num_threads(threads), torch.no_grad():
        for e in _progress(range(epochs), progress and epochs * m >= 20_000, f"training {m} models"):
            order = torch.randperm(n, generator=generator) if bs < n else None
            right = torch.zeros(m, dtype=torch.float64)  # correct predictions in this epoch, per model
            for start in range(0, n, bs):
                if order is None:
                    xb, yb = X, y
                else:
                    idx = order[start : start + bs]
                    xb, yb = X[..., idx, :], y[:, idx]
                # forward, loss and its gradient, backward (utils.backprop), update (utils.optim)
                out, inputs, hidden = net._forward(xb, train=True, generator=generator)
                per, dout = loss_and_grad(out, yb, loss)
                grads = backward(net, dout, inputs, hidden)
                share = xb.shape[-2] / n  # this batch's weight in the epoch's average
                rec["train_loss"][e] += share * per
                if classify:
                    right += n_correct(out, yb, loss)
                if adam is not None:
                    adam.tick()
                for j, (p, g) in enumerate(zip(net.params, grads)):
                    g = penalized(g, p, wd_m, l1_scale, is_weight=j % 2 == 0)
                    if adam is None:
                        sgd_(p, g, lr_m)
                    else:
                        adam.update_(j, p, g, lr_m)
                    if net.needs_mask and j // 2 < len(net.masks):  # keep padded units exactly zero
                        p.mul_(net.masks[j // 2])
            if classify:
                rec["train_acc"][e] = 100.0 * right / n  # count first: 27 of 30 is exactly 90.0
            if test is not None:
                out = net.forward(test[0], train=False)
                rec["test_loss"][e] = loss_and_grad(out, test[1], loss, grad=False)[0]
                if classify:
                    rec["test_acc"][e] = percent_correct(out, test[1], loss)
    return rec
