"""utils.check on the challenge 'fixed vs. dynamic learning rate': descend(x0, epochs, rule) and the three rules
rule(t, x, slope, loss), written with NumPy or for one number at a time (math.fabs, math.sqrt, float)."""

import math

import numpy as np
import pytest
from checks_support import not_attempted, ok, seeded, wrong  # noqa: F401  (seeded: autouse fixture)

from utils import check


def f(x):
    return 3 * x**2 - 3 * x + 4


def make_descend(first_t=0, epochs_short=0, slope_is_loss=False, sign=-1):
    def descend(x0, epochs, rule):  # the solution's way: arrays of starts, returns (path, rates)
        x = np.atleast_1d(np.asarray(x0, float))
        xs, rates = [x.copy()], []
        for t in range(first_t, first_t + epochs - epochs_short):
            slope = 6 * x - 3
            lr = rule(t, x, f(x) if slope_is_loss else slope, f(x))
            x = x + sign * lr * slope
            xs.append(x.copy())
            rates.append(lr)
        return np.array(xs), np.array(rates)

    return descend


def descend_scalar(x0, epochs, rule):  # one number at a time, the path only
    path = [x0]
    for t in range(epochs):
        slope = 6 * path[-1] - 3
        path.append(path[-1] - rule(t, path[-1], slope, f(path[-1])) * slope)
    return path


@pytest.mark.parametrize("answer", [make_descend(), descend_scalar])
def test_descend_accepts_the_loop_written_any_way(answer):
    ok(check.descend(answer))


@pytest.mark.parametrize(
    "answer, pointer",
    [
        (make_descend(first_t=1), "the first epoch is t = 0"),
        (make_descend(epochs_short=1), "the range stops one short"),
        (make_descend(slope_is_loss=True), "slope argument got f(x), the loss"),
        (make_descend(sign=+1), "goes uphill"),
    ],
)
def test_descend_names_the_mistake(answer, pointer):
    wrong(check.descend(answer), pointer)


BY_EPOCH = [
    lambda t, x, slope, loss: 0.05 * 0.95**t,
    lambda t, x, slope, loss: float(0.05 * 0.95**t),  # issue 25: float() of a 1-element array failed
    lambda t, x, slope, loss: 0.05 / (1 + t),
    lambda t, x, slope, loss: 0.05 * math.exp(-0.1 * t),
]
BY_DERIVATIVE = [
    lambda t, x, slope, loss: 0.01 * np.abs(slope),
    lambda t, x, slope, loss: 0.01 * math.fabs(slope),  # issue 25: math.fabs failed on the check's arrays
    lambda t, x, slope, loss: 0.05 * math.sqrt(abs(slope)),  # issue 25: math.sqrt likewise
    lambda t, x, slope, loss: 0.01 * abs(6 * x - 3),  # the slope recomputed from x
    lambda t, x, slope, loss: 0.002 * slope**2,
]
BY_LOSS = [
    lambda t, x, slope, loss: 0.01 * loss,
    lambda t, x, slope, loss: 0.01 * (3 * x**2 - 3 * x + 4),  # issue 25: the loss recomputed from x, same rates
    lambda t, x, slope, loss: 0.03 * math.sqrt(loss),
    lambda t, x, slope, loss: float(0.01 * loss),
]


@pytest.mark.parametrize("rule", BY_EPOCH)
def test_rate_by_epoch_accepts_decays(rule):
    ok(check.rate_by_epoch(rule))


@pytest.mark.parametrize("rule", BY_DERIVATIVE)
def test_rate_by_derivative_accepts_rules_of_the_slope(rule):
    ok(check.rate_by_derivative(rule))


@pytest.mark.parametrize("rule", BY_LOSS)
def test_rate_by_loss_accepts_rules_of_the_loss(rule):
    ok(check.rate_by_loss(rule))


@pytest.mark.parametrize(
    "check_, rule, pointer",
    [
        (check.rate_by_epoch, lambda t, x, slope, loss: 0.05 - 0.002 * t, "must stay positive over the 50 epochs"),
        (check.rate_by_epoch, lambda t, x, slope, loss: 0.05 * 1.05**t, "grows with the epoch"),
        (check.rate_by_epoch, lambda t, x, slope, loss: 0.05, "does not change with the epoch"),
        (check.rate_by_epoch, lambda t, x, slope, loss: 0.01 * loss * 0.95**t, "changes with the loss argument"),
        (check.rate_by_epoch, lambda t, x, slope, loss: 0.05 * 0.95**t * (1 + abs(x)), "changes with x"),
        (check.rate_by_derivative, lambda t, x, slope, loss: 0.01 * slope, "for a negative slope too"),
        (check.rate_by_derivative, lambda t, x, slope, loss: 0.01 / np.abs(slope), "not larger where the slope"),
        (check.rate_by_derivative, lambda t, x, slope, loss: 0.01 * abs(slope) * 0.9**t, "changes with the epoch"),
        (check.rate_by_derivative, lambda t, x, slope, loss: 0.01 * loss, "changes with the loss argument"),
        (check.rate_by_derivative, lambda t, x, slope, loss: 0.05 * (1 + abs(x)), "slopes of the same size"),
        (check.rate_by_loss, lambda t, x, slope, loss: 0.01 / loss, "not larger where the loss is higher"),
        (check.rate_by_loss, lambda t, x, slope, loss: 0.01 * loss * 0.95**t, "changes with the epoch"),
        (check.rate_by_loss, lambda t, x, slope, loss: 0.01 * abs(slope), "changes with the slope argument"),
        (check.rate_by_loss, lambda t, x, slope, loss: 0.05 * (1 + abs(x)), "have the same loss"),
    ],
)
def test_rules_name_the_mistake(check_, rule, pointer):
    wrong(check_(rule), pointer)


def test_a_rate_that_turns_negative_is_refused_where_it_does():
    """Issue 25: 0.05 - 0.002 t passed, its message printing the rate -0.048 of epoch 49."""
    wrong(check.rate_by_epoch(lambda t, x, slope, loss: 0.05 - 0.001 * t - 0.001 * t), "at t = 25")


def test_placeholders():
    not_attempted(check.descend(lambda x0, epochs, rule: ...))
    not_attempted(check.rate_by_loss(...))
