"""Checks of the code challenge 'many qwerties' (ANN/DUDL_ANN_codeChallengeQwerties): three clouds, a 2-4-3 ReLU
network, its training, and the softmax probabilities.

`trained` judges the model against what its own start can reach: a model far below the best is refused only if
it is still early in training (a loss above 0.7 that 100 more epochs of the task's SGD still lower by 0.03).
In a simulation of 600 starts, none of the runs of the task's recipe (SGD, lr 0.05, 1,000 epochs) met that,
and 557 of the 600 runs stopped after 20 epochs did; tests/test_checks_qwerties.py reruns the recipe from 100
starts. A run stuck below the best (dead ReLU units, a plateau) is accepted with a note saying so."""

import numpy as np
import torch
import torch.nn.functional as F

from ._core import ARRAY, LABELS, MODULE, Wrong, call, learner_check
from ._nets import expect_relu, layers_in_order, sizes, trained_further
from ._values import as_array, expect_shape, match

_CENTRES = np.array([[1.0, 1.0], [5.0, 1.0], [4.0, 4.0]])


@learner_check("the data", X=ARRAY, y=LABELS)
def three_clouds(X, y):
    """Step 1: X [300, 2] points and y [300] integer labels 0, 1, 2: clouds of 100 around
    (1, 1), (5, 1) and (4, 4) with standard deviation 1."""
    Xa, ya = as_array(X, "X"), as_array(y, "y")
    expect_shape("X", Xa, (300, 2))
    expect_shape("y", ya, (300,), " (one label per point, no extra axis)")
    if isinstance(y, torch.Tensor) and y.dtype != torch.long:
        raise Wrong(f"y is {y.dtype}; nn.CrossEntropyLoss wants integer class indices")
    if sorted(np.unique(ya).tolist()) != [0, 1, 2] or (np.bincount(ya.astype(int)) != 100).any():
        raise Wrong(f"y should hold the labels 0, 1, 2, 100 each; it has {np.unique(ya, return_counts=True)}")
    problems = []
    for k, c in enumerate(_CENTRES):
        mean, std = Xa[ya == k].mean(0), Xa[ya == k].std(0).mean()
        if np.abs(mean - c).max() > 0.35:
            problems.append(
                f"the points of group {k} are centred at ({mean[0]:.2f}, {mean[1]:.2f}), expected {tuple(c)}"
            )
        elif abs(std - 1) > 0.2:
            problems.append(f"group {k} has a spread of {std:.2f}, expected a standard deviation of 1")
    if problems:
        raise Wrong(*problems)
    return "three clouds of 100 points at (1, 1), (5, 1), (4, 4), spread 1, integer labels 0-2"


@learner_check("model", model=MODULE)
def model_243(model):
    """Step 2: a 2-4-3 network: Linear(2, 4), ReLU, Linear(4, 3), with no softmax at the end (a class of your
    own, its layers made in any order, with or without biases, computes the same)."""
    probe = 3 * torch.randn(200, 2, generator=torch.Generator().manual_seed(5))
    layers, out = layers_in_order(model, probe, "model")
    out = as_array(out, "the model's output")
    expect_shape("the output for 200 points", out, (200, 3), ": 2 inputs, one score per group")
    if sizes(layers) != [(2, 4), (4, 3)]:
        raise Wrong(
            f"the Linear layers, in the order forward uses them, are {sizes(layers)}; expected [(2, 4), (4, 3)]"
        )
    if np.allclose(out.sum(1), 1, atol=1e-5) and (out >= 0).all():
        raise Wrong("the outputs are probabilities (rows sum to 1): nn.CrossEntropyLoss wants raw scores")
    expect_relu(model, probe, "the model")
    return "a 2-4-3 network with a ReLU hidden layer and raw scores (logits) out"


@learner_check("the training", model=MODULE, X=ARRAY, y=LABELS)
def trained(model, X, y):
    """Step 3: the model is trained: close to the best these clouds allow, or as far as its start can go."""
    dtype = next(model.parameters(), torch.zeros(())).dtype
    Xt, ya = torch.as_tensor(as_array(X, "X"), dtype=dtype), as_array(y, "y").ravel()
    with torch.no_grad():
        out = call(model, Xt, who="model")
    scores = as_array(out, "the model's output")
    expect_shape("the model's output", scores, (len(ya), 3))
    acc = 100 * float(np.mean(scores.argmax(1) == ya))
    best = 100 * float(np.mean(np.linalg.norm(Xt.double().numpy()[:, None] - _CENTRES, axis=2).argmin(1) == ya))
    if acc >= best - 5:
        return f"accuracy {acc:.1f} % on the {len(ya)} points (how good that is, is step 5's question)"
    yt = torch.as_tensor(ya, dtype=torch.long)
    with torch.no_grad():
        loss = float(F.cross_entropy(out, yt))
    more = trained_further(model, Xt, yt, F.cross_entropy, 0.05, 100)
    with torch.no_grad():
        drop = loss - float(F.cross_entropy(more(Xt), yt))
    if loss > 0.7 and drop > 0.03:
        chance = " (near chance: is the model trained at all?)" if acc < 45 else ""
        raise Wrong(
            f"accuracy {acc:.1f} %{chance}, and the loss ({loss:.3f}) still falls by {drop:.3f} in 100 more "
            "epochs: the model is not trained enough yet"
        )
    layers, _ = layers_in_order(model, Xt, "model")
    with torch.no_grad():
        dead = int((layers[0](Xt) <= 0).all(0).sum()) if layers else 0
    why = f"{dead} of its hidden units are zero for every point (dead ReLUs)" if dead else "it sits on a plateau"
    return (
        f"accuracy {acc:.1f} %, well below the nearest-centre rule's {best:.1f} %, but 100 more epochs would change "
        f"little: this start is stuck ({why}); another start (seed) may get further"
    )


@learner_check("probs", probs=ARRAY, model=MODULE, X=ARRAY)
def probabilities(probs, model, X):
    """Step 4: probs [300, 3] are the softmax probabilities of the three groups for every sample."""
    p = as_array(probs, "probs")
    with torch.no_grad():
        logits = call(model, torch.as_tensor(as_array(X, "X"), dtype=torch.float32), who="model")
    want = torch.softmax(logits, dim=1).double().numpy()
    expect_shape("probs", p, want.shape)
    if np.allclose(p, want, atol=1e-5):
        return "probs are the softmax of the model's scores: each row sums to 1"
    known = match(
        p,
        {
            "the softmax ran over the samples (each column sums to 1), not over the three groups": torch.softmax(
                logits, dim=0
            )
            .double()
            .numpy(),
            "these are the raw scores (logits), not yet probabilities": logits.double().numpy(),
            "these are sigmoids of the scores: they do not sum to 1 over the groups": torch.sigmoid(logits)
            .double()
            .numpy(),
        },
    )
    raise Wrong(known or "probs are not the softmax of the model's outputs on X")
