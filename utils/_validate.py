"""Argument validation shared by the course's helpers (not the learners' answer checks: those are utils.check).

Every function raises at once with a message that names the argument, shows what was given and says what is
accepted (the scikit-learn way).
"""

import math
import numbers

import numpy as np
import torch
import torch.nn as nn


def shown(value):
    """A short description of a value for a message: its repr (cut), its type, or a tensor's shape."""
    if isinstance(value, (torch.Tensor, np.ndarray)) and value.ndim > 0:
        return f"a {type(value).__name__} of shape {tuple(value.shape)}"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _scalar(value):
    """A one-element tensor or array as the Python number it holds; anything else unchanged."""
    if isinstance(value, (torch.Tensor, np.ndarray)) and value.ndim == 0:
        return value.item()
    return value


def check_int(name, value, minimum=None, maximum=None):
    value = _scalar(value)
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {shown(value)} ({type(value).__name__}).")
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value}.")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be an integer from {minimum} to {maximum}, got {value}.")
    return int(value)


def check_number(name, value, minimum=None, maximum=None, inclusive=(True, True)):
    """A finite real number within [minimum, maximum] (ends open where inclusive says False)."""
    value = _scalar(value)
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {shown(value)} ({type(value).__name__}).")
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value}.")
    lo_ok = minimum is None or (value >= minimum if inclusive[0] else value > minimum)
    hi_ok = maximum is None or (value <= maximum if inclusive[1] else value < maximum)
    if not (lo_ok and hi_ok):
        lo = "-inf" if minimum is None else minimum
        hi = "inf" if maximum is None else maximum
        brackets = ("[" if inclusive[0] else "(") + f"{lo}, {hi}" + ("]" if inclusive[1] else ")")
        raise ValueError(f"{name} must lie in {brackets}, got {value}.")
    return float(value)


def check_bool(name, value):
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {shown(value)} ({type(value).__name__}).")
    return bool(value)


def check_choice(name, value, choices):
    if value not in choices:
        options = ", ".join(repr(c) for c in choices)
        raise ValueError(f"{name} must be one of {options}; got {shown(value)}.")
    return value


def check_generator(value, name="generator"):
    if value is not None and not isinstance(value, torch.Generator):
        raise TypeError(
            f"{name} must be a torch.Generator or None, got {shown(value)} ({type(value).__name__}). "
            f"To draw from a seed, pass torch.Generator().manual_seed({value if isinstance(value, int) else 0}) "
            "or call utils.seed_everything(seed) and leave generator out."
        )
    return value


def check_module(name, value):
    if not isinstance(value, nn.Module):
        hint = " Pass the model itself, not model.parameters()." if hasattr(value, "__next__") else ""
        raise TypeError(
            f"{name} must be a PyTorch model (an nn.Module, e.g. nn.Sequential(...)), got {shown(value)} "
            f"({type(value).__name__}).{hint}"
        )
    return value


def check_function(name, value, example):
    """A callable; a class (nn.MSELoss without brackets) is refused with the fix."""
    if isinstance(value, type):
        raise TypeError(f"{name} must be a function such as {example}; got the class {value.__name__}: add ().")
    if not callable(value):
        raise TypeError(f"{name} must be a function such as {example}; got {shown(value)} ({type(value).__name__}).")
    return value


def check_axes(value, name="ax"):
    """None or a matplotlib Axes (or an array of them, for figures with several panels)."""
    from matplotlib.axes import Axes

    items = np.atleast_1d(np.asarray(value, dtype=object)) if value is not None else []
    if not all(isinstance(a, Axes) for a in items):
        raise TypeError(
            f"{name} must be a matplotlib Axes (e.g. fig, ax = plt.subplots()) or None; got {shown(value)} "
            f"({type(value).__name__})."
        )
    return value


def check_finite(name, t):
    """A tensor with no NaN or infinite value."""
    bad = ~torch.isfinite(t)
    if bad.any():
        first = tuple(int(i) for i in bad.nonzero()[0])
        where = f"row {first[0]}" if len(first) <= 2 else f"index {first}"
        raise ValueError(
            f"{name} must hold finite numbers; it holds {int(bad.sum())} NaN or infinite value(s), the first "
            f"{t[first].item()} in {where}. Drop or fill those values first."
        )
    return t


def as_tensor(name, value, dtype=torch.float32, ndim=None):
    """Convert arrays/lists to a tensor of `dtype`, checking the number of dimensions."""
    if isinstance(value, torch.Tensor):
        t = value if dtype is None else value.to(dtype)
    elif isinstance(value, (np.ndarray, list, tuple)):
        try:
            t = torch.as_tensor(np.asarray(value), dtype=dtype or torch.float32)
        except (TypeError, ValueError):
            raise TypeError(
                f"{name} must hold numbers, got {np.asarray(value, dtype=object).dtype} values such as "
                f"{shown(np.asarray(value, dtype=object).reshape(-1)[0]) if np.size(value) else '[]'}."
            ) from None
    else:
        raise TypeError(
            f"{name} must be a torch.Tensor, NumPy array or list, got {shown(value)} ({type(value).__name__})."
        )
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if t.ndim not in allowed:
            want = " or ".join(f"{d}-D" for d in allowed)
            raise ValueError(f"{name} must be {want}, got shape {tuple(t.shape)} ({t.ndim}-D).")
    return t


def as_numbers(name, value, minimum=None, positive=False, dtype=torch.float32):
    """One number or a sequence of numbers -> tensor [K] of dtype, all finite (and >= minimum / > 0)."""
    try:
        t = torch.as_tensor(
            np.asarray(value, dtype=float) if not isinstance(value, torch.Tensor) else value, dtype=dtype
        ).reshape(-1)
    except (TypeError, ValueError):
        raise TypeError(
            f"{name} must be a number or a list of numbers, got {value!r} ({type(value).__name__})."
        ) from None
    if not torch.isfinite(t).all():
        raise ValueError(f"{name} must be finite, got {t.tolist() if t.numel() <= 8 else 'a NaN or inf value'}.")
    if positive and (t <= 0).any():
        raise ValueError(f"{name} must be > 0, got {t.min().item():g}.")
    if minimum is not None and (t < minimum).any():
        raise ValueError(f"{name} must be >= {minimum}, got {t.min().item():g}.")
    return t


def check_labels(name, y, n_classes, given=None, fix=None):
    """Class labels: whole numbers from 0 to n_classes - 1; `given` says where n_classes comes from."""
    if y.numel() and not torch.equal(y, y.round()):
        odd = y[y != y.round()][0].item()
        raise ValueError(
            f"{name} must hold class labels (whole numbers 0..{n_classes - 1}), got values such as {odd:g}."
        )
    lo, hi = (int(y.min()), int(y.max())) if y.numel() else (0, 0)
    if lo < 0 or hi >= n_classes:
        given = given or f"the network has {n_classes} outputs"
        fix = fix or f"for {hi + 1} classes give the last layer {hi + 1} units"
        raise ValueError(
            f"{name} holds labels from {lo} to {hi}, but {given}, so labels must lie in 0..{n_classes - 1}; {fix}."
        )


def check_same_length(names, *arrays):
    lengths = [len(a) for a in arrays]
    if len(set(lengths)) > 1:
        pairs = ", ".join(f"{n} has {l}" for n, l in zip(names, lengths))
        raise ValueError(f"{' and '.join(names)} must have the same number of rows; {pairs}.")
    return lengths[0]


def per_model(name, value, m, minimum=None, positive=False, dtype=torch.float32):
    """One number or one per model -> tensor [m] of dtype (finite; checked against minimum / positive)."""
    t = as_numbers(name, value, minimum=minimum, positive=positive, dtype=dtype)
    if t.numel() == 1:
        t = t.expand(m).clone()
    if t.numel() != m:
        raise ValueError(f"{name} must be one number or one per model ({m}); got {t.numel()} values.")
    return t


# plots ----------------------------------------------------------------------------------------------------------
def numpy_of(x):
    return x.detach().cpu().numpy() if isinstance(x, torch.Tensor) else np.asarray(x)


def check_points(X, y):
    """X as NumPy points [N, 2] and y as one class label (a whole number) per point."""
    if not isinstance(X, (torch.Tensor, np.ndarray, list, tuple)):
        raise TypeError(
            f"X must be points [N, 2] (a tensor, NumPy array or list), got {shown(X)} ({type(X).__name__})."
        )
    X, y = numpy_of(X), numpy_of(y).reshape(-1)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"X must have shape (N, 2) to plot in 2-D, got {X.shape}.")
    if len(y) != len(X):
        raise ValueError(f"y must hold one label per point: X has {len(X)} points, y has {len(y)} labels.")
    try:
        odd = y[y.astype(float) != np.round(y.astype(float))]
    except (TypeError, ValueError):
        raise TypeError(f"y must hold class labels (whole numbers 0, 1, ...), got {shown(y)}.") from None
    if len(odd):
        raise ValueError(f"y must hold class labels (whole numbers 0, 1, ...), got values such as {odd[0]:g}.")
    return X, y


def predicted_labels(predict, grid):
    """predict(grid) as NumPy class labels, one per grid point; refused with the fix when it is not that."""
    try:
        with torch.no_grad():
            z = numpy_of(predict(grid))
    except Exception as err:
        raise ValueError(
            f"predict failed on the grid, a float32 tensor [{len(grid)}, 2] of points: {err}. predict must take "
            "such a tensor and return class labels, e.g. lambda grid: model(grid).argmax(1)."
        ) from err
    if z.shape not in ((len(grid),), (len(grid), 1)):
        raise ValueError(
            f"predict must return one class label per grid point, shape ({len(grid)},); it returned shape {z.shape}. "
            "For a model's scores use lambda grid: model(grid).argmax(1), for one logit (model(grid) > 0).long()."
        )
    zf = z.astype(float)
    if not np.array_equal(zf, np.round(zf)):
        raise ValueError(
            f"predict must return class labels (whole numbers 0, 1, ...); it returned values such as "
            f"{zf[zf != np.round(zf)][0]:g}. Turn probabilities into labels with (p > 0.5).long()."
        )
    return z
