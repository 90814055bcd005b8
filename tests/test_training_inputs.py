"""accuracy, fit, evaluate and make_optimizer: wrong calls are refused naming the mistake, right ones give the
right numbers (issue 24: a one-logit model scored 50 % when 100 % right, fit crashed on it, a wrong output size
died in torch, a diverging loss went unreported, lr=inf was accepted)."""

import math
import re
import warnings

import numpy as np
import pytest
import torch
import torch.nn as nn

import utils


@pytest.fixture(autouse=True)
def _seed():
    utils.seed_everything(0)


def one_logit_all_right(n=20):
    """Logits +-3 on the right side for labels 0, 1, 0, 1, ...: every prediction right."""
    y = torch.arange(n) % 2
    return (y.float() * 2 - 1)[:, None] * 3, y


def identity_logit():
    """nn.Linear(1, 1) that passes its input through: fed one_logit_all_right's logits, it is always right."""
    model = nn.Linear(1, 1)
    with torch.no_grad():
        model.weight.fill_(1.0), model.bias.zero_()
    return model


def tiny(outputs=1, inputs=2):
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(inputs, 8), nn.ReLU(), nn.Linear(8, outputs))


def two_clouds(n=20):
    X, y = utils.make_qwerties([[1, 1], [5, 1]], n // 2, generator=torch.Generator().manual_seed(0))
    return X, y


def fit(model, data, **options):
    kw = dict(loss_fn=nn.BCEWithLogitsLoss(), optimizer=torch.optim.SGD(model.parameters(), lr=0.01), epochs=2)
    return utils.fit(model, data, **kw | options)


# a one-logit model --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("shape", ["[N, 1]", "[N]"])
def test_accuracy_reads_a_one_logit_model_as_binary(shape):
    """The default task used to be 'multiclass': argmax over one column is always 0, so 50 %."""
    logits, y = one_logit_all_right()
    assert utils.accuracy(logits if shape == "[N, 1]" else logits[:, 0], y) == 100.0
    assert utils.accuracy(logits, y.float()[:, None]) == 100.0  # BCE-shaped labels too


def test_accuracy_refuses_a_task_that_contradicts_the_outputs():
    logits, y = one_logit_all_right()
    with pytest.raises(ValueError, match=r"task='multiclass' needs one output per class .* shape \(20, 1\).*binary"):
        utils.accuracy(logits, y, "multiclass")
    with pytest.raises(ValueError, match=r"task='binary' needs one logit per sample .* shape \(20, 3\)"):
        utils.accuracy(torch.zeros(20, 3), y, "binary")


def test_fit_and_evaluate_read_a_one_logit_model_as_binary():
    """fit with the default task used to crash: 'a Tensor with 20 elements cannot be converted to Scalar'."""
    logits, y = one_logit_all_right()
    model = identity_logit()
    history = fit(model, (logits, y.float()[:, None]), optimizer=torch.optim.SGD(model.parameters(), lr=1e-9))
    assert history["train_acc"] == [100.0, 100.0]
    assert utils.evaluate(model, (logits, y.float()[:, None]), nn.BCEWithLogitsLoss())[1] == 100.0


def test_fit_refuses_task_multiclass_for_a_one_logit_model_before_any_step():
    X, y = two_clouds()
    model = tiny()
    start = [p.detach().clone() for p in model.parameters()]
    with pytest.raises(ValueError, match=r"train: task='multiclass' needs one output per class.*\(20, 1\)"):
        fit(model, (X, y.float()[:, None]), task="multiclass")
    assert all(torch.equal(a, b) for a, b in zip(start, model.parameters())), "the model changed before the refusal"


def test_fit_measures_a_sigmoid_model_trained_with_bce_loss_at_one_half():
    """nn.BCELoss takes probabilities: read as logits, every probability (> 0) counted as class 1."""
    logits, y = one_logit_all_right()
    model = nn.Sequential(identity_logit(), nn.Sigmoid())
    history = fit(
        model,
        (logits, y.float()[:, None]),
        loss_fn=nn.BCELoss(),
        optimizer=torch.optim.SGD(model.parameters(), lr=1e-9),
        task="binary",
    )
    assert history["train_acc"] == [100.0, 100.0]


@pytest.mark.parametrize("loss_fn, task", [(nn.CrossEntropyLoss(), "multiclass"), (nn.MSELoss(), "regression")])
def test_the_task_read_from_the_loss_gives_the_numbers_of_the_task_named(loss_fn, task):
    X, y = two_clouds()
    data = (X, y) if task == "multiclass" else (X, y.float()[:, None])
    outputs = 2 if task == "multiclass" else 1
    model_a, model_b = tiny(outputs), tiny(outputs)
    told = fit(model_a, data, loss_fn=loss_fn, task=task, optimizer=torch.optim.SGD(model_a.parameters(), lr=0.05))
    read = fit(model_b, data, loss_fn=loss_fn, optimizer=torch.optim.SGD(model_b.parameters(), lr=0.05))
    assert told == read
    assert (read["train_acc"] == [None, None]) == (task == "regression")


# a wrong output size ------------------------------------------------------------------------------------------
def test_labels_beyond_the_outputs_are_named_not_left_to_torch():
    """Used to die eight frames deep in torch: 'IndexError: Target 7 is out of bounds'."""
    X, y = torch.zeros(16, 2), torch.arange(16) % 8
    model = tiny(3)
    start = [p.detach().clone() for p in model.parameters()]
    want = r"y holds labels from 0 to 7, but outputs has 3 columns .*0\.\.2; for 8 classes give the last layer 8 units"
    with pytest.raises(ValueError, match="train: " + want):
        fit(model, (X, y), loss_fn=nn.CrossEntropyLoss())
    assert all(torch.equal(a, b) for a, b in zip(start, model.parameters()))
    with pytest.raises(ValueError, match="data: " + want):
        utils.evaluate(model, (X, y), nn.CrossEntropyLoss())
    with pytest.raises(ValueError, match=want):
        utils.accuracy(torch.zeros(16, 3), y)
    with pytest.raises(ValueError, match=r"y holds labels from 0 to 2, but the model gives one logit per sample"):
        utils.accuracy(torch.zeros(16, 1), torch.arange(16) % 3)


# a loss that stops being a number -----------------------------------------------------------------------------
def test_a_diverging_loss_is_reported_with_its_epoch_and_no_accuracy_is_made_up():
    """fit used to report a nan loss next to 50 % accuracy, without a word."""
    X, y = two_clouds()
    model = tiny()
    with pytest.warns(RuntimeWarning) as record:
        history = fit(
            model, (X * 1e10, y.float()[:, None]), optimizer=torch.optim.SGD(model.parameters(), lr=1e30), epochs=20
        )
    messages = [str(w.message) for w in record if "training loss" in str(w.message)]
    assert len(messages) == 1, messages  # once, not once per epoch
    first = next(i for i, v in enumerate(history["train_loss"]) if not math.isfinite(v))
    assert re.search(
        rf"became (nan|inf) at epoch {first + 1} of 20.*smaller learning rate \(this optimizer's is 1e\+30\)",
        messages[0],
    )
    assert all(math.isnan(a) for a in history["train_acc"][first:]), history["train_acc"]


def test_a_finite_run_warns_nothing():
    X, y = two_clouds()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fit(tiny(), (X, y.float()[:, None]), epochs=3, test=(X, y.float()[:, None]))


def test_accuracy_of_nan_outputs_is_refused_not_counted():
    with pytest.raises(ValueError, match=r"outputs hold 60 nan values.*smaller learning rate"):
        utils.accuracy(torch.full((20, 3), float("nan")), torch.zeros(20))


# make_optimizer -----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "options, match",
    [
        (dict(lr=float("inf")), "lr must be a finite number, got inf"),
        (dict(lr=float("nan")), "lr must be a finite number, got nan"),
        (dict(lr=0), r"lr must lie in \(0, inf\], got 0"),
        (dict(name="adamw"), "name must be one of 'sgd', 'adam', 'rmsprop'; got 'adamw'"),
        (dict(weight_decay=-1), r"weight_decay must lie in \[0, inf\], got -1"),
        (dict(momentum=float("nan")), "momentum must be a finite number, got nan"),
        (dict(moment=0.9), "'moment' is not an option of SGD; the options it accepts: momentum"),
        (dict(name="adam", betas=0.9), r"betas must be two numbers in \[0, 1\).*got 0\.9"),
    ],
)
def test_make_optimizer_refuses_settings_that_cannot_train(options, match):
    with pytest.raises((ValueError, TypeError), match=match):
        utils.make_optimizer(nn.Linear(2, 1), **options)


def test_make_optimizer_takes_the_model_and_any_case_of_its_name():
    model = nn.Linear(2, 1)
    assert isinstance(utils.make_optimizer(model, "Adam"), torch.optim.Adam)
    with pytest.raises(
        TypeError, match=r"model must be a PyTorch model .*Pass the model itself, not model\.parameters"
    ):
        utils.make_optimizer(model.parameters())


# fit's other mistakes -----------------------------------------------------------------------------------------
X20, Y20 = two_clouds()
YB = Y20.float()[:, None]


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda m: fit(m, (X20, YB), optimizer="adam"), r"optimizer must be a torch\.optim optimizer.*got 'adam'"),
        (
            lambda m: fit(m, (X20, YB), optimizer=torch.optim.SGD(tiny().parameters(), lr=0.1)),
            "optimizer updates none of the model's parameters",
        ),
        (
            lambda m: fit(m, (X20, YB), loss_fn=nn.BCEWithLogitsLoss),
            r"loss_fn must be .*got the class BCEWithLogitsLoss: add \(\)",
        ),
        (
            lambda m: fit(m, (X20, Y20.float())),
            r"train: y has shape \(20,\) but the model's outputs have shape \(20, 1\).*y\.reshape\(20, 1\)",
        ),
        (
            lambda m: fit(m, (X20, Y20.float()), loss_fn=nn.MSELoss()),
            r"y has shape \(20,\).*MSELoss compares them element by element",
        ),
        (
            lambda m: fit(m, (X20, YB), loss_fn=nn.BCEWithLogitsLoss(reduction="none")),
            r"loss_fn must return one number per batch.*\(20, 1\)",
        ),
        (
            lambda m: fit(m, (X20, YB), loss_fn=lambda o, y: nn.functional.mse_loss(o.detach(), y)),
            r"loss_fn's result does not depend on the model's weights.*\.detach\(\)",
        ),
        (
            lambda m: fit(m, (X20, YB), penalty=lambda mod: mod[0].weight.abs().sum(1)),
            r"penalty\(model\) must return one number.*\(8,\)",
        ),
        (
            lambda m: fit(m, (torch.zeros(20, 3), YB)),
            r"train: model\(X\) failed on X of shape \(20, 3\).*first layer takes 2 inputs",
        ),
        (
            lambda m: fit(m, (torch.where(X20 > 4, float("nan"), X20), YB)),
            r"train: X must hold finite numbers; it holds 8 NaN",
        ),
        (
            lambda m: fit(m, (X20, YB), test=X20),
            r"test must be a DataLoader or a tuple \(X, y\).*got a Tensor of shape \(20, 2\)",
        ),
        (lambda m: fit(m, (X20, YB), epochs=10.0), r"epochs must be an integer, got 10\.0"),
    ],
)
def test_fit_names_the_mistake(call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call(tiny())


def test_fit_with_bce_and_integer_labels_says_float():
    with pytest.raises(
        ValueError, match=r"train: y holds torch\.int64 labels, but BCEWithLogitsLoss needs them as floats"
    ):
        fit(tiny(), (X20, Y20[:, None]))


def test_fit_refuses_a_loss_that_is_a_python_number():
    with pytest.raises(TypeError, match=r"loss_fn must return a tensor.*it returned 0\.5 \(float\)"):
        fit(tiny(), (X20, YB), loss_fn=lambda out, y: 0.5)


def test_fit_with_cross_entropy_and_float_labels_says_long():
    with pytest.raises(ValueError, match=r"y holds torch\.float32 numbers, but CrossEntropyLoss needs .*y\.long\(\)"):
        fit(tiny(2), (X20, Y20.float()), loss_fn=nn.CrossEntropyLoss())


def test_fit_and_evaluate_take_numpy_arrays_as_tensors():
    model_a, model_b = tiny(), tiny()
    a = fit(model_a, (X20, YB))
    b = fit(model_b, (X20.numpy(), YB.numpy()))
    assert a == b
    assert utils.evaluate(model_a, (X20, YB), nn.BCEWithLogitsLoss()) == utils.evaluate(
        model_b, (X20.numpy(), YB.numpy()), nn.BCEWithLogitsLoss()
    )
    assert utils.accuracy(np.eye(3), np.array([[0], [1], [1]])) == pytest.approx(200 / 3)
