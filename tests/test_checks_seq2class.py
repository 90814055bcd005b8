"""utils.check on the challenge 'convert nn.Sequential to a class': the class (its layers made in any order),
two copies trained from one start (two untrained copies refused, issue 25), and the design of the sweep."""

import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F
from checks_support import not_attempted, ok, seeded, wrong  # noqa: F401  (seeded: autouse fixture)

import utils
from utils import check

X, LABELS = utils.make_qwerties(
    [[1, 1], [5, 1]], n_per_cloud=100, spread=1.0, generator=torch.Generator().manual_seed(0)
)
Y = LABELS.float()[:, None]


def make_class(relu2=True, out=lambda z: z, hidden=16, order="first", bias=True):
    class QwertyNet(nn.Module):
        def __init__(self):
            super().__init__()
            if order == "first":
                self.first, self.second = nn.Linear(2, hidden, bias=bias), nn.Linear(hidden, 1, bias=bias)
                self.out = nn.Linear(1, 1, bias=bias)
            else:  # issue 25: layers made in another order were refused
                self.out, self.second = nn.Linear(1, 1, bias=bias), nn.Linear(hidden, 1, bias=bias)
                self.first = nn.Linear(2, hidden, bias=bias)

        def forward(self, x):
            x = self.second(F.relu(self.first(x)))
            return out(self.out(F.relu(x) if relu2 else x))

    return QwertyNet


class InALoop(nn.Module):  # the layers in an nn.ModuleList, applied in a loop, with nn.ReLU modules
    def __init__(self):
        super().__init__()
        self.layers, self.act = nn.ModuleList([nn.Linear(2, 16), nn.Linear(16, 1), nn.Linear(1, 1)]), nn.ReLU()

    def forward(self, x):
        for layer in self.layers[:-1]:
            x = self.act(layer(x))
        return self.layers[-1](x)


def sequential_model():
    return nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 1), nn.ReLU(), nn.Linear(1, 1))


@pytest.mark.parametrize("cls", [make_class(), make_class(order="out first"), InALoop])
def test_qwerty_class_accepts_the_class_written_other_ways(cls):
    ok(check.qwerty_class(cls))


@pytest.mark.parametrize(
    "cls, pointer",
    [
        (make_class(relu2=False), "the ReLU after the second layer is missing"),
        (make_class(out=torch.sigmoid), "the output goes through a sigmoid"),
        (make_class(hidden=8), "expected [(2, 16), (16, 1), (1, 1)]"),
        (make_class(bias=False), "has no bias (bias=False)"),  # issue 25: crashed with an AttributeError
    ],
)
def test_qwerty_class_names_the_mistake(cls, pointer):
    wrong(check.qwerty_class(cls), pointer)


def twins(seed):
    torch.manual_seed(seed)
    seq, cls = sequential_model(), make_class()()
    cls.load_state_dict(dict(zip(cls.state_dict().keys(), seq.state_dict().values())))
    return seq, cls


def train(model):
    opt = torch.optim.SGD(model.parameters(), lr=0.05)
    return utils.fit(model, (X, Y), loss_fn=nn.BCEWithLogitsLoss(), optimizer=opt, epochs=1000, task="binary")


def test_same_outputs_accepts_two_trained_twins():
    seq, cls = twins(2)
    train(seq)  # training cls alike ends at the same weights (the solution shows it); copied here to save time
    cls.load_state_dict(dict(zip(cls.state_dict().keys(), seq.state_dict().values())))
    ok(check.same_outputs(seq, cls), "compute the same outputs")


def test_same_outputs_refuses_two_untrained_twins():
    """Issue 25: two untrained copies passed (their outputs agree before any training)."""
    wrong(check.same_outputs(*twins(2)), "still at their starting weights")


def test_same_outputs_names_the_mistake():
    seq, cls = twins(3)
    wrong(check.same_outputs(seq, make_class()()), "outputs differ")
    wrong(check.same_outputs(seq, seq), "the same object")
    alias = make_class()()
    alias.first.weight = seq[0].weight
    wrong(check.same_outputs(seq, alias), "share their weight tensors")


def test_lr_per_model():
    ok(check.lr_per_model(torch.linspace(0.001, 0.1, 40).repeat(15)))
    ok(check.lr_per_model([0.001 + k * 0.099 / 39 for k in range(40)] * 15))  # a list, built in a loop
    wrong(check.lr_per_model(torch.linspace(0.001, 0.1, 40)), "repeat them for the 15 repetitions")
    wrong(check.lr_per_model(0.05), "is a single learning rate")
    wrong(check.lr_per_model(torch.arange(0.001, 0.1, 0.0025).repeat(15)), "to 0.0985, expected 40 evenly spaced")


class Placeholder(nn.Module):
    def __init__(self):
        super().__init__()
        ...

    def forward(self, x): ...


def test_placeholders():
    not_attempted(check.qwerty_class(Placeholder))
    not_attempted(check.same_outputs(sequential_model(), ...))
    not_attempted(check.lr_per_model(...))
