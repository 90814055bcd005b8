"""utils.check on the challenge 'many qwerties': three clouds, a 2-4-3 ReLU network, its training, and the
softmax probabilities. `trained` judges a model against what its own start can reach, so the task's recipe
passes from every start, the stuck ones included (issue 25: 10 of 100 were refused)."""

import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F
from checks_support import not_attempted, ok, seeded, wrong  # noqa: F401  (seeded: autouse fixture)

import utils
from utils import check

CENTRES = [[1.0, 1.0], [5.0, 1.0], [4.0, 4.0]]
X3, Y3 = utils.make_qwerties(CENTRES, n_per_cloud=100, spread=1.0, generator=torch.Generator().manual_seed(0))


def net_243(hidden=4, act=nn.ReLU, end=()):
    return nn.Sequential(nn.Linear(2, hidden), act(), nn.Linear(hidden, 3), *end)


class OutputFirst(nn.Module):  # the 2-4-3 network as a class, its layers made in another order
    def __init__(self, bias=True):
        super().__init__()
        self.out, self.hidden = nn.Linear(4, 3, bias=bias), nn.Linear(2, 4, bias=bias)

    def forward(self, x):
        return self.out(F.relu(self.hidden(x)))


def train(model, epochs=1000, lr=0.05, optimizer=torch.optim.SGD):
    opt = optimizer(model.parameters(), lr=lr)
    for _ in range(epochs):
        loss = F.cross_entropy(model(X3), Y3)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return model


def test_three_clouds():
    ok(check.three_clouds(X3, Y3))
    ok(check.three_clouds(X3.numpy(), Y3.tolist()))  # NumPy points, a list of labels
    wrong(check.three_clouds(X3, Y3.float()), "wants integer class indices")
    wrong(check.three_clouds(X3.T, Y3), "X has shape (2, 300) (transposed), expected (300, 2)")
    wrong(check.three_clouds(X3, Y3[:, None]), "y has shape (300, 1), expected (300,) (one label per point")
    X_off, _ = utils.make_qwerties([[1, 1], [5, 1], [4, 1]], generator=torch.Generator().manual_seed(0))
    wrong(check.three_clouds(X_off, Y3), "group 2 are centred at (4.")


@pytest.mark.parametrize("model", [net_243(), OutputFirst(), OutputFirst(bias=False)])
def test_model_243_accepts_the_network_written_other_ways(model):
    """Issue 25: layers made in another order were refused, bias=False crashed the check."""
    ok(check.model_243(model))


@pytest.mark.parametrize(
    "model, pointer",
    [
        (net_243(act=nn.Identity), "the model is linear: the ReLU between its layers is missing"),
        (net_243(end=(nn.Softmax(dim=1),)), "nn.CrossEntropyLoss wants raw scores"),
        (net_243(hidden=3), "expected [(2, 4), (4, 3)]"),
        (net_243(act=nn.Sigmoid), "not a ReLU"),
    ],
)
def test_model_243_names_the_mistake(model, pointer):
    wrong(check.model_243(model), pointer)


@pytest.mark.parametrize("chunk", range(2))
def test_trained_accepts_the_recipe_from_100_starts(chunk):
    """The hint's recipe (SGD, lr 0.05, 1,000 epochs) from 100 starts, trained at once (BatchedMLP trains each
    model exactly as alone), each judged as an nn.Sequential: none refused, the stuck ones told why."""
    torch.manual_seed(100 + chunk)
    nets = utils.BatchedMLP(50, [2, 4, 3])
    utils.train_batched(nets, X3, Y3, loss="ce", lr=0.05, epochs=1000, progress=False, threads=1)
    verdicts = [check.trained(nets.to_module(k), X3, Y3) for k in range(50)]
    for v in verdicts:
        ok(v)
    assert any("this start is stuck" in repr(v) for v in verdicts), "no stuck start: the test misses that case"


@pytest.mark.parametrize(
    "model",
    [train(OutputFirst()), train(net_243(), optimizer=torch.optim.Adam, lr=0.01, epochs=300)],
    ids=["layers made in another order", "Adam"],
)
def test_trained_accepts_other_ways(model):
    ok(check.trained(model, X3, Y3))


def test_trained_refuses_a_model_early_in_training():
    wrong(check.trained(net_243(), X3, Y3), "near chance: is the model trained at all?")
    wrong(check.trained(train(net_243(), epochs=20), X3, Y3), "not trained enough yet")


def test_probabilities():
    model = net_243()
    with torch.no_grad():
        logits = model(X3)
    ok(check.probabilities(torch.softmax(logits, dim=1), model, X3))
    ok(check.probabilities(F.softmax(logits, dim=-1).numpy(), model, X3))
    wrong(check.probabilities(torch.softmax(logits, dim=0), model, X3), "each column sums to 1")
    wrong(check.probabilities(logits, model, X3), "raw scores (logits)")
    wrong(check.probabilities(torch.sigmoid(logits), model, X3), "sigmoids")


class Placeholder(nn.Module):
    def forward(self, x): ...


def test_placeholders():
    not_attempted(check.three_clouds(..., ...))
    not_attempted(check.model_243(Placeholder()))
    not_attempted(check.trained(..., X3, Y3))
    not_attempted(check.probabilities(..., net_243(), X3))
