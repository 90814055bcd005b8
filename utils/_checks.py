"""Input checks shared by the course's helpers.

Every check raises at once with a message that names the argument, shows what
was given and says what is accepted (the scikit-learn way).
"""

import numbers

import numpy as np
import torch


def check_int(name, value, minimum=None):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {value!r} ({type(value).__name__}).")
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value}.")
    return int(value)


def check_number(name, value, minimum=None, maximum=None, inclusive=(True, True)):
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {value!r} ({type(value).__name__}).")
    lo_ok = minimum is None or (value >= minimum if inclusive[0] else value > minimum)
    hi_ok = maximum is None or (value <= maximum if inclusive[1] else value < maximum)
    if not (lo_ok and hi_ok):
        lo = "-inf" if minimum is None else minimum
        hi = "inf" if maximum is None else maximum
        brackets = ("[" if inclusive[0] else "(") + f"{lo}, {hi}" + ("]" if inclusive[1] else ")")
        raise ValueError(f"{name} must lie in {brackets}, got {value}.")
    return float(value)


def check_choice(name, value, choices):
    if value not in choices:
        options = ", ".join(repr(c) for c in choices)
        raise ValueError(f"{name} must be one of {options}; got {value!r}.")
    return value


def as_tensor(name, value, dtype=torch.float32, ndim=None):
    """Convert arrays/lists to a tensor of `dtype`, checking the number of dimensions."""
    if isinstance(value, torch.Tensor):
        t = value if dtype is None else value.to(dtype)
    elif isinstance(value, (np.ndarray, list, tuple)):
        try:
            t = torch.as_tensor(np.asarray(value), dtype=dtype or torch.float32)
        except (TypeError, ValueError):
            raise TypeError(f"{name} must hold numbers, got {np.asarray(value).dtype} values.") from None
    else:
        raise TypeError(f"{name} must be a torch.Tensor, NumPy array or list, got {type(value).__name__}.")
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


def check_labels(name, y, n_classes):
    """Class labels: whole numbers from 0 to n_classes - 1."""
    if y.numel() and not torch.equal(y, y.round()):
        raise ValueError(
            f"{name} must hold class labels (whole numbers 0..{n_classes - 1}), got values such as "
            f"{y[y != y.round()][0].item():g}."
        )
    lo, hi = (int(y.min()), int(y.max())) if y.numel() else (0, 0)
    if lo < 0 or hi >= n_classes:
        raise ValueError(
            f"{name} holds labels from {lo} to {hi}, but the network has {n_classes} outputs, so labels "
            f"must lie in 0..{n_classes - 1}; for {hi + 1} classes give the last layer {hi + 1} units."
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
