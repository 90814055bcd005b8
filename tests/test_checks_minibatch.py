"""utils.check on the challenge 'effects of mini-batch size'. The results are numbers only; the tests train
the experiment for many seeds at once (one BatchedMLP per batch size, one data split per model) and feed each
seed's results to the check: right answers from every seed pass (issue 25: one in 20 was refused when a batch
size stayed at chance), and issue 25's wrong answers (the batch size ignored, one network reused across the
sizes, test accuracy measured on the training set, train and test swapped) are refused."""

import numpy as np
import pytest
import torch
from checks_support import not_attempted, ok, seeded, wrong  # noqa: F401  (seeded: autouse fixture)

import utils
from utils import check

SIZES = [2**n for n in range(1, 7)]
X, Y, _ = utils.load_iris()


def experiment(seeds, nets=3, epochs=30, fresh=False, batch=None, reuse=False, test_on_train=False, records_only=False):
    """results of `seeds` learners, each averaging `nets` networks (the solution's three shared starts, or a new
    network per size with fresh=True); batch: one size for all (the batch size ignored); reuse: each size goes
    on training the previous size's networks."""
    m = len(seeds) * nets
    parts = [utils.split_data(X, Y, (0.8, 0.2), generator=torch.Generator().manual_seed(s)) for s in seeds]
    rows = lambda i, j: torch.stack([p[i][j] for p in parts for _ in range(nets)])  # noqa: E731
    train, test = (rows(0, 0), rows(0, 1)), (rows(1, 0), rows(1, 1))
    torch.manual_seed(seeds[0])
    start, net, records = utils.BatchedMLP(m, [4, 64, 64, 3]), None, {}
    for B in SIZES:
        if fresh:
            net = utils.BatchedMLP(m, [4, 64, 64, 3])
        elif net is None or not reuse:
            net = utils.BatchedMLP.from_modules([start.to_module(k) for k in range(m)])
        records[B] = utils.train_batched(net, *train, loss="ce", lr=0.001, epochs=epochs, batch_size=batch or B,
                                         test=train if test_on_train else test, progress=False, threads=1,
                                         generator=torch.Generator().manual_seed(B))  # fmt: skip
    return records if records_only else learners(records, nets)


def learners(records, nets):
    """One results dict per learner: the mean over each learner's `nets` networks (nets=1: every network)."""
    per = {B: {k: r[k].reshape(len(r[k]), -1, nets).mean(2).T.numpy() for k in ("train_acc", "test_acc")}
           for B, r in records.items()}  # fmt: skip
    return [{B: {k: v[i] for k, v in r.items()} for B, r in per.items()} for i in range(len(per[2]["train_acc"]))]


@pytest.fixture(scope="module")
def solution_runs():
    """The solution's experiment for 20 seeds, 3 networks each: 20 learners who average their three networks,
    and 60 who each trained one of them."""
    records = experiment(list(range(20)), records_only=True)
    return learners(records, 3), learners(records, 1)


def test_minibatch_setup():
    ok(check.minibatch_setup(0.001, [2**n for n in range(1, 7)]))
    ok(check.minibatch_setup(1e-3, np.array([2, 4, 8, 16, 32, 64])))
    wrong(check.minibatch_setup(0.001, [2**n for n in range(1, 6)]), "the range stops one short")
    wrong(check.minibatch_setup(0.001, [2**n for n in range(6)]), "it starts at 2**0 = 1")
    wrong(check.minibatch_setup(0.01, [2**n for n in range(1, 7)]), "the learning rate is 0.01, expected 0.001")


def test_minibatch_results_accepts_the_solution_from_20_seeds(solution_runs):
    for results in solution_runs[0]:
        ok(check.minibatch_results(results))


def test_minibatch_results_accepts_single_networks(solution_runs):
    """60 learners who trained one network per size, every size from the same start, for 30 epochs and (the
    same runs cut short) for 10; and 20 who drew a new network for every size."""
    for results in solution_runs[1]:
        ok(check.minibatch_results(results))
        ok(check.minibatch_results({B: {k: v[:10] for k, v in r.items()} for B, r in results.items()}))
    for results in experiment(list(range(20)), nets=1, fresh=True):
        ok(check.minibatch_results(results))


def test_a_size_that_stays_at_chance_is_accepted(solution_runs):
    """Issue 25: a right answer was refused ("evaluate the test set") when one size stayed at chance, where a
    split of 40 flowers of each kind for training and 10 for testing gives 1/3 on both sets at every epoch."""
    results = {**solution_runs[1][0], 64: {k: np.full(30, 100 / 3) for k in ("train_acc", "test_acc")}}
    ok(check.minibatch_results(results))


def test_minibatch_results_accepts_other_forms(solution_runs):
    results = solution_runs[0][0]
    ok(check.minibatch_results({B: {k: list(v / 100) for k, v in r.items()} for B, r in results.items()}))  # shares
    ok(check.minibatch_results({B: results[B] for B in reversed(SIZES)}))  # trained from the largest size down


@pytest.mark.parametrize(
    "settings, pointer",
    [
        (dict(batch=120), "identical curves: is B passed"),
        (dict(batch=16), "learns no faster than B = 64"),
        (dict(reuse=True), "went on training the network the one before it trained"),
        (dict(test_on_train=True), "is test_acc measured on the training set"),
    ],
    ids=["B ignored (full batch)", "B ignored (16)", "one network reused", "test accuracy on the training set"],
)
def test_minibatch_results_refuses_issue_25s_wrong_answers(settings, pointer):
    for results in experiment([0, 1, 2], **settings):
        wrong(check.minibatch_results(results), pointer)


def test_minibatch_results_names_other_mistakes(solution_runs):
    results = solution_runs[0][0]
    swapped = {B: {"train_acc": r["test_acc"], "test_acc": r["train_acc"]} for B, r in results.items()}
    wrong(check.minibatch_results(swapped), "are the training and the test set swapped?")
    short = {**results, 64: {k: v[:10] for k, v in results[64].items()}}
    wrong(check.minibatch_results(short), "the same number of epochs")
    wrong(check.minibatch_results({B: r for B, r in results.items() if B < 64}), "expected [2, 4, 8")
    wrong(check.minibatch_results({**results, 8: {"train_acc": results[8]["train_acc"]}}), "has no 'test_acc'")


def test_placeholders():
    not_attempted(check.minibatch_setup(..., ...))
    not_attempted(check.minibatch_results(...))
