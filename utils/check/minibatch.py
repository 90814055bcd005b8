"""Checks of the code challenge 'effects of mini-batch size' (regularization/..._codeChallenge_minibatch):
LR 0.001, batch sizes 2, 4, ..., 64, and per size the train and test accuracy of every epoch.

The results are numbers only, so the checks read what the numbers can show: how many flowers each accuracy
counts (a share of 30 test flowers moves in steps of 1/30, of 120 training flowers in steps of 1/120), where
each size's curve starts, and which size learns faster per epoch (B = 2 makes 60 updates per epoch, B = 64
two). The thresholds come from simulated answers, right and wrong, over 100 seeds (tests/test_checks_minibatch.py)."""

import numbers

import numpy as np

from ._core import Kind, Wrong, learner_check
from ._values import as_array

SIZES = [2, 4, 8, 16, 32, 64]


@learner_check(
    "LR and BATCH_SIZES",
    LR=Kind(lambda v: isinstance(v, numbers.Real) and not isinstance(v, bool), "a number"),
    BATCH_SIZES=Kind(
        lambda v: isinstance(v, (list, tuple, range, np.ndarray)) or hasattr(v, "tolist"), "a list of batch sizes"
    ),
)
def minibatch_setup(LR, BATCH_SIZES):
    """Steps 1 and 2: the learning rate 0.001 and the batch sizes 2**N for N = 1, ..., 6."""
    problems = [] if np.isclose(LR, 0.001) else [f"the learning rate is {LR:g}, expected 0.001"]
    sizes = as_array(list(BATCH_SIZES), "BATCH_SIZES").ravel().tolist()
    if sizes != SIZES:
        why = ""
        if sizes == SIZES[:-1]:
            why = ": the range stops one short"
        elif sizes[:1] == [1]:
            why = ": it starts at 2**0 = 1"
        problems.append(f"the batch sizes are {[int(s) for s in sizes]}, expected {SIZES}{why}")
    if problems:
        raise Wrong(*problems)
    return "learning rate 0.001 and batch sizes 2, 4, 8, 16, 32, 64"


def _curves(results):
    if sorted(results) != SIZES:
        raise Wrong(f"results has the batch sizes {sorted(results)}, expected {SIZES}")
    curves = {}
    for B in results:  # in the order they were trained
        rec = results[B]
        missing = [k for k in ("train_acc", "test_acc") if not isinstance(rec, dict) or k not in rec]
        if missing:
            raise Wrong(f"results[{B}] has no {missing[0]!r}: store both accuracies of every epoch")
        curves[B] = [as_array(rec[k], f"results[{B}][{k!r}]").ravel() for k in ("train_acc", "test_acc")]
    lengths = {len(c) for pair in curves.values() for c in pair}
    if len(lengths) != 1 or lengths == {1}:
        raise Wrong(
            f"the records have lengths {sorted(lengths)}: train every batch size for the same number of epochs "
            "and store one accuracy per epoch"
        )
    if max(float(np.max(np.abs(c))) for pair in curves.values() for c in pair) <= 1:
        curves = {B: [100 * c for c in pair] for B, pair in curves.items()}  # shares, not percent: same check
    return curves


def _flowers(values):
    """The smallest count D such that every accuracy is a whole number of 1/D steps (None if there is none)."""
    v = np.concatenate(values)
    for D in range(1, 1001):
        c = v * D / 100
        if np.all(np.abs(c - np.round(c)) < 1e-3):
            return D
    return None


def _which_set(curves):
    """test_acc counts its flowers in steps at least as fine as train_acc's: measured on the training set."""
    train = [c[0] for c in curves.values()]
    d_train, d_test = _flowers(train), _flowers([c[1] for c in curves.values()])
    if d_train is None or d_test is None or d_test < d_train or len(np.unique(np.round(train, 4))) < 8:
        return
    if d_test > d_train:
        raise Wrong(
            f"train_acc moves in steps of 1/{d_train} and test_acc in finer steps of 1/{d_test}: test_acc counts "
            "more flowers than train_acc; are the training and the test set swapped?"
        )
    raise Wrong(
        f"test_acc moves in steps of 1/{d_test}, as train_acc does: it counts as many flowers as the training "
        "set has; is test_acc measured on the training set rather than the test set?"
    )


def _reused(curves):
    """A size trained after another starting (epoch 1) where the one before it ended: one network reused.
    A new network cannot be at 85 % after one epoch of B >= 16 (8 updates of lr 0.001 at most)."""
    order = list(curves)
    first, last = {B: curves[B][0][0] for B in order}, {B: curves[B][0][-1] for B in order}
    goes_on = [(P, N) for P, N in zip(order, order[1:]) if first[N] >= last[P] - 3 and last[P] >= 50]
    early = [B for B in order[1:] if B >= 16 and first[B] >= 85]
    if early or (len(goes_on) == len(order) - 1 and first[order[-1]] >= 80):
        N = early[0] if early else order[-1]
        P = order[order.index(N) - 1]
        raise Wrong(
            f"results[{N}] starts (epoch 1) at {first[N]:.1f} % train accuracy, where results[{P}] ended "
            f"({last[P]:.1f} %): each batch size went on training the network the one before it trained; "
            "start every size from a new network (or from the same saved start)"
        )


def _same_pace(curves):
    """B = 2 makes 60 updates per epoch and B = 64 two: over 20 epochs or more their curves must differ."""
    epochs, means = len(curves[2][0]), {B: float(np.mean(c[0])) for B, c in curves.items()}
    if epochs < 20:
        return
    spread, rise2 = max(means.values()) - min(means.values()), float(np.max(curves[2][0]) - curves[2][0][0])
    if spread < 2.5 or rise2 < 10 or means[64] > means[2] + 8:
        raise Wrong(
            f"over {epochs} epochs B = 2 (60 updates per epoch) learns no faster than B = 64 (2 updates): mean "
            f"train accuracy {means[2]:.1f} % against {means[64]:.1f} % (all six within {spread:.1f} points); "
            "is B passed to the training as its batch size?"
        )


@learner_check(
    "results", results=Kind(lambda v: isinstance(v, dict), "a dict {batch size: {'train_acc': ..., 'test_acc': ...}}")
)
def minibatch_results(results):
    """Steps 3 and 4: results[B] = {"train_acc": per epoch, "test_acc": per epoch} for every batch size B."""
    curves = _curves(results)
    if all(np.array_equal(c[0], curves[2][0]) and np.array_equal(c[1], curves[2][1]) for c in curves.values()):
        raise Wrong("all six batch sizes have identical curves: is B passed to the training as its batch size?")
    _which_set(curves)
    _reused(curves)
    _same_pace(curves)
    epochs = len(curves[2][0])
    what = "what they show is steps 4 and 5"
    return f"{epochs} epochs of train and test accuracy for each of the six batch sizes ({what})"
