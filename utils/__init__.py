"""Shared helpers of the Deep Learning foundations course.

Small on purpose: a function lives here only when two lectures or more use it.
"""

from .batched import BatchedMLP, train_batched
from .data import load_iris, make_linear_regression, make_loader, make_qwerties, make_rings, split_data
from .plots import plot_classes, plot_decision_boundary, plot_heatmap, plot_history, smooth, use_course_style
from .reproducibility import get_device, randn, seed_everything
from .training import accuracy, count_parameters, evaluate, fit, make_optimizer

COURSE = "dudl-course"  # the setup cell checks this: a folder called utils elsewhere is not the course's package

__all__ = [
    "BatchedMLP",
    "train_batched",
    "load_iris",
    "make_linear_regression",
    "make_loader",
    "make_qwerties",
    "make_rings",
    "split_data",
    "plot_classes",
    "plot_decision_boundary",
    "plot_heatmap",
    "plot_history",
    "smooth",
    "use_course_style",
    "get_device",
    "randn",
    "seed_everything",
    "accuracy",
    "count_parameters",
    "evaluate",
    "fit",
    "make_optimizer",
]
