"""The course's data sets and the ways we split and batch them.

All generators return float32 tensors, so they go straight into a model.
Pass `generator` (a torch.Generator) to draw from a private random stream;
otherwise torch's global stream, seeded by `seed_everything`, is used.
They draw the same numbers on every CPU: normal draws come from utils.randn, and sines and cosines are
taken in float64 (torch's float32 ones differ in the last digit between CPUs with and without AVX2).
"""

import importlib.util
from pathlib import Path

import numpy as np
import torch
from torch.utils.data import DataLoader, TensorDataset

from ._validate import (
    as_numbers,
    as_tensor,
    check_bool,
    check_finite,
    check_generator,
    check_int,
    check_number,
    check_same_length,
    shown,
)
from .reproducibility import randn


def make_qwerties(centers, n_per_cloud=100, spread=1.0, generator=None):
    """k Gaussian clouds ("qwerties") in 2-D.

    centers: k points, e.g. [[1, 1], [5, 1]]; n_per_cloud: points per cloud;
    spread: standard deviation of each cloud (one number, or one per cloud).
    Returns X [k*n, 2] float32 and labels [k*n] int64 (0..k-1, cloud by cloud).
    """
    c = as_tensor("centers", centers)
    if c.ndim != 2 or c.shape[1] != 2 or c.shape[0] < 1:
        raise ValueError(
            f"centers must have shape (k, 2) with k >= 1, one [x, y] per cloud, e.g. [[1, 1], [5, 1]]; "
            f"got shape {tuple(c.shape)}."
        )
    check_finite("centers", c)
    n = check_int("n_per_cloud", n_per_cloud, minimum=1)
    check_generator(generator)
    k = c.shape[0]
    s = as_numbers("spread", spread, minimum=0)
    if s.numel() not in (1, k):
        raise ValueError(f"spread must be one number or one per cloud ({k}); got {s.numel()} values.")
    s = s.expand(k)
    noise = randn(k, n, 2, generator=generator)
    X = (c[:, None, :] + s[:, None, None] * noise).reshape(k * n, 2)
    y = torch.arange(k).repeat_interleave(n)
    return X, y


def make_linear_regression(n=50, slope=1.0, noise=1.0, intercept=0.0, generator=None):
    """Noisy line: x ~ N(0, 1), y = slope*x + intercept + noise*N(0, 1). Returns x, y as [n, 1]."""
    n = check_int("n", n, minimum=2)
    check_number("slope", slope)
    check_number("noise", noise, minimum=0)
    check_number("intercept", intercept)
    check_generator(generator)
    x = randn(n, 1, generator=generator)
    y = slope * x + intercept + noise * randn(n, 1, generator=generator)
    return x, y


def make_rings(n_per_class=200, radii=(1.0, 3.0), noise=0.5, generator=None):
    """Two concentric rings, one per class: no straight line separates them.

    Returns X [2n, 2] float32 and labels [2n] float32 (0 inner ring, 1 outer ring).
    """
    n = check_int("n_per_class", n_per_class, minimum=1)
    if not isinstance(radii, (list, tuple, np.ndarray, torch.Tensor)) or len(radii) != 2:
        raise ValueError(f"radii must hold two radii (inner, outer), e.g. (1.0, 3.0); got {shown(radii)}.")
    for i, r in enumerate(radii):
        check_number(f"radii[{i}]", r, minimum=0)
    check_number("noise", noise, minimum=0)
    check_generator(generator)
    parts = []
    for r in radii:
        angle = 2 * np.pi * torch.rand(n, generator=generator)
        rr = (r + noise * randn(n, generator=generator)).double()
        parts.append(torch.stack([rr * torch.cos(angle.double()), rr * torch.sin(angle.double())], dim=1).float())
    X = torch.cat(parts)
    y = torch.cat([torch.zeros(n), torch.ones(n)])
    return X, y


IRIS_FEATURES = ["sepal length (cm)", "sepal width (cm)", "petal length (cm)", "petal width (cm)"]


def load_iris():
    """Iris from scikit-learn's bundled copy (no download).

    Returns X [150, 4] float32 (sepal length/width, petal length/width, cm),
    labels [150] int64 (0 setosa, 1 versicolor, 2 virginica, in file order) and
    the feature names.
    """
    # Read the CSV that ships inside scikit-learn without importing scikit-learn itself
    # (its import takes about a second); fall back to its loader if the file has moved.
    spec = importlib.util.find_spec("sklearn")
    path = Path(spec.submodule_search_locations[0]) / "datasets" / "data" / "iris.csv" if spec else None
    if path is not None and path.is_file():
        table = np.loadtxt(path, delimiter=",", skiprows=1)
        data, target = table[:, :4], table[:, 4]
    else:
        from sklearn.datasets import load_iris as _load

        bunch = _load()
        data, target = bunch.data, bunch.target
    return torch.tensor(data, dtype=torch.float32), torch.tensor(target, dtype=torch.int64), list(IRIS_FEATURES)


def _as_pair(X, y):
    """X as float32, y as a tensor (int64 for integer arrays, else float32): accepts NumPy arrays and lists."""
    X = X if isinstance(X, torch.Tensor) else as_tensor("X", X)
    if not isinstance(y, torch.Tensor):
        whole = isinstance(y, (np.ndarray, list, tuple)) and np.issubdtype(np.asarray(y).dtype, np.integer)
        y = as_tensor("y", y, dtype=torch.int64 if whole else torch.float32)
    return X, y


def split_data(X, y, proportions=(0.8, 0.2), shuffle=True, stratify=False, generator=None):
    """Split (X, y) into 2 or 3 parts (train/test or train/dev/test) by proportions.

    proportions must add up to 1. stratify=True keeps each class's share the same
    in every part (y must hold class labels). Returns a list of (X_part, y_part).
    """
    X, y = _as_pair(X, y)
    n = check_same_length(("X", "y"), X, y)
    if not isinstance(proportions, (list, tuple, np.ndarray)):
        raise TypeError(
            f"proportions must be 2 or 3 shares that add up to 1, e.g. (0.8, 0.2); got {shown(proportions)}."
        )
    props = [check_number(f"proportions[{i}]", p) for i, p in enumerate(proportions)]
    check_bool("shuffle", shuffle)
    check_bool("stratify", stratify)
    check_generator(generator)
    if stratify and y.numel() and not torch.equal(y, y.round()):
        raise ValueError(
            f"stratify=True keeps each class's share, so y must hold class labels (whole numbers); y holds values "
            f"such as {y[y != y.round()][0].item():g}. Split measurements with stratify=False."
        )
    if len(props) not in (2, 3):
        raise ValueError(f"proportions must have 2 (train, test) or 3 (train, dev, test) values, got {len(props)}.")
    if any(p <= 0 for p in props):
        raise ValueError(f"proportions must all be > 0, got {props}.")
    if abs(sum(props) - 1) > 1e-6:
        raise ValueError(f"proportions must add up to 1, got {props} (sum {sum(props):.4g}).")

    def cut(idx):
        # sizes by rounding the cumulative share, so parts always cover every row once
        bounds = np.round(np.cumsum([0] + props) * len(idx)).astype(int)
        return [idx[a:b] for a, b in zip(bounds[:-1], bounds[1:])]

    order = torch.randperm(n, generator=generator) if shuffle else torch.arange(n)
    if stratify:
        labels = torch.as_tensor(y)[order]
        parts = [[] for _ in props]
        for cls in torch.unique(labels):
            members = order[labels == cls]
            for i, piece in enumerate(cut(members)):
                parts[i].append(piece)
        index_parts = [torch.cat(p) for p in parts]
        if shuffle:  # classes were taken one after another: mix them again
            index_parts = [p[torch.randperm(len(p), generator=generator)] for p in index_parts]
    else:
        index_parts = cut(order)
    for name, p in zip(("train", "dev", "test") if len(props) == 3 else ("train", "test"), index_parts):
        if len(p) == 0:
            raise ValueError(f"the {name} part would be empty: {n} rows with proportions {props}; use more data.")
    return [(X[p], y[p]) for p in index_parts]


def make_loader(X, y, batch_size=None, shuffle=True, drop_last=False):
    """A DataLoader over (X, y); batch_size=None puts every row in one batch."""
    X, y = _as_pair(X, y)
    n = check_same_length(("X", "y"), X, y)
    bs = n if batch_size is None else check_int("batch_size", batch_size, minimum=1)
    if bs > n:
        raise ValueError(f"batch_size ({bs}) is larger than the data ({n} rows); pass at most {n}.")
    check_bool("shuffle", shuffle)
    check_bool("drop_last", drop_last)
    return DataLoader(TensorDataset(X, y), batch_size=bs, shuffle=shuffle, drop_last=drop_last)
