"""Parametric experiments: run a function over a grid of settings, with repetitions."""

import itertools

import numpy as np

from ._checks import check_int


def sweep(fn, grid, repeats=1):
    """Call fn(**setting) for every combination of `grid` values, `repeats` times each.

    grid: dict name -> list of values, e.g. {"lr": [.01, .1], "epochs": [10, 100]}.
    fn returns a number or a fixed-length tuple/array of numbers.
    Returns an array of shape [len(v1), len(v2), ..., repeats, *result_shape], in grid order.
    (For many small torch models, use BatchedMLP instead: it trains them all at once.)
    """
    if not callable(fn):
        raise TypeError(f"fn must be callable, got {type(fn).__name__}.")
    if not isinstance(grid, dict) or not grid:
        raise TypeError("grid must be a non-empty dict of name -> list of values, e.g. {'lr': [0.01, 0.1]}.")
    for name, values in grid.items():
        if isinstance(values, (str, bytes)) or not hasattr(values, "__len__") or len(values) == 0:
            raise ValueError(f"grid[{name!r}] must be a non-empty list of values, got {values!r}.")
    repeats = check_int("repeats", repeats, minimum=1)
    names = list(grid)
    results = []
    for combo in itertools.product(*(grid[k] for k in names)):
        setting = dict(zip(names, combo))
        results.append([np.asarray(fn(**setting), dtype=float) for _ in range(repeats)])
    out = np.asarray(results)
    return out.reshape(*(len(grid[k]) for k in names), repeats, *out.shape[2:])


def smooth(values, width=3):
    """Moving average along the last axis (same length; edges average what is there)."""
    width = check_int("width", width, minimum=1)
    v = np.asarray(values, dtype=float)
    kernel = np.ones(width)
    pad = width // 2
    num = np.apply_along_axis(lambda r: np.convolve(np.pad(r, (pad, width - 1 - pad)), kernel, "valid"), -1, v)
    den = np.convolve(np.pad(np.ones(v.shape[-1]), (pad, width - 1 - pad)), kernel, "valid")
    return num / den
