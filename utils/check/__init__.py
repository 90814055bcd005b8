"""Checks for the code challenges: call one on your own answer and get a verdict.

    from utils import check
    check.derivative(df)           # runs your function on cases of its own and says what is right or wrong
    check.derivative(df, hint=1)   # the same, with a nudge; hint=2 shows the step's answer

A check judges what your code computes (values, shapes, end points, the steps a training loop takes), never
how it is spelled. An answer you have not written yet (the workspace's `...`) gets "not attempted yet"; an
error inside your code is reported with your line, not as a traceback from inside the course package.

One module per code challenge, all on the shared plumbing of `_core` (verdicts, hints, placeholders, the
learner's errors, seeding); `_values` reads numbers, `_nets` looks inside networks.
"""

from ._core import CORRECT, NOT_ATTEMPTED, UNCHECKED, WRONG, Verdict
from .ascent_2d import ascent, same_maximum
from .learning_rate import descend, rate_by_derivative, rate_by_epoch, rate_by_loss
from .minibatch import minibatch_results, minibatch_setup
from .qwerties import model_243, probabilities, three_clouds, trained
from .regression import build_and_train, correlation, slope_data, slope_grid
from .seq2class import lr_per_model, qwerty_class, same_outputs
from .start_value import derivative, descent_1d, zero_start

__all__ = [
    "CORRECT",
    "NOT_ATTEMPTED",
    "UNCHECKED",
    "WRONG",
    "Verdict",
    "derivative",
    "descent_1d",
    "zero_start",
    "ascent",
    "same_maximum",
    "descend",
    "rate_by_epoch",
    "rate_by_derivative",
    "rate_by_loss",
    "build_and_train",
    "slope_data",
    "slope_grid",
    "correlation",
    "three_clouds",
    "model_243",
    "trained",
    "probabilities",
    "qwerty_class",
    "same_outputs",
    "lr_per_model",
    "minibatch_setup",
    "minibatch_results",
]
