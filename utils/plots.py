"""One figure style for the course, and the plots several lectures share."""

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import torch

from ._validate import check_axes, check_int, check_number, check_points, predicted_labels, shown
from .alt_text import register_alt_text

# The course's colour cycle (C0, C1, ... in a lecture): Okabe & Ito's palette for colour-blind readers
# (Okabe and Ito 2002, "Color Universal Design"), black left out because the course draws reference lines in
# black and grey. Its first five keep the hues of matplotlib's default cycle in the same places (C0 blue,
# C1 orange, C2 green, C3 red, C4 purple), so a lecture that means "green" by C2 still says green; unlike
# the default's, every pair stays apart for a reader with deuteranopia or protanopia. tests/test_figures.py
# simulates both on every stored figure. Where colour tells categories apart, a lecture adds a line style
# or a marker too: colour is never the only cue.
COURSE_COLOURS = (
    "#0072B2",  # C0 blue
    "#E69F00",  # C1 orange
    "#009E73",  # C2 bluish green
    "#D55E00",  # C3 vermillion
    "#CC79A7",  # C4 reddish purple
    "#56B4E9",  # C5 sky blue
    "#F0E442",  # C6 yellow (pale on white: last)
)

STYLE = {
    "axes.prop_cycle": mpl.cycler(color=COURSE_COLOURS),
    "figure.figsize": (7, 4),
    "figure.dpi": 80,
    "savefig.dpi": 80,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "legend.frameon": False,
    "image.cmap": "viridis",
}


def use_course_style():
    """Apply the course's matplotlib style (colour-blind-safe colours, PNG at 80 dpi, light grid, no top/right
    spines); in IPython, every figure's PNG also carries alt text saying what the figure shows."""
    mpl.rcParams.update(STYLE)
    try:  # inline backend in Jupyter: PNG, not SVG
        from matplotlib_inline.backend_inline import set_matplotlib_formats

        set_matplotlib_formats("png")
    except Exception:  # pragma: no cover - outside IPython
        pass
    register_alt_text()


def _np(x):
    return x.detach().cpu().numpy() if isinstance(x, torch.Tensor) else np.asarray(x)


def plot_history(history, ax=None, title=None):
    """Loss (left) and accuracy (right) per epoch from a `fit`-style history dict."""
    if not isinstance(history, dict) or "train_loss" not in history:
        got = f"keys {list(history)}" if isinstance(history, dict) else f"{shown(history)} ({type(history).__name__})"
        raise ValueError(f"history must be a dict with at least 'train_loss' (as returned by utils.fit); got {got}.")
    check_axes(ax)
    has_acc = any(v is not None for v in history.get("train_acc", [None]))
    if ax is None:
        _, ax = plt.subplots(1, 2 if has_acc else 1, figsize=(11 if has_acc else 6, 3.8))
    axes = np.atleast_1d(ax)
    axes[0].plot(history["train_loss"], label="train")
    if "test_loss" in history:
        axes[0].plot(history["test_loss"], "--", label="test")  # dashed: not told apart by colour alone
    axes[0].set(xlabel="Epoch", ylabel="Loss", title="Loss")
    axes[0].legend()
    if has_acc and len(axes) > 1:
        axes[1].plot(history["train_acc"], label="train")
        if "test_acc" in history:
            axes[1].plot(history["test_acc"], "--", label="test")
        axes[1].set(xlabel="Epoch", ylabel="Accuracy (%)", title="Accuracy", ylim=(0, 102))
        axes[1].legend()
    if title:
        axes[0].figure.suptitle(title)
    return axes


def plot_classes(X, y, ax=None, title=None, labels=None):
    """Scatter 2-D points coloured and marked by class."""
    X, y = check_points(X, y)
    check_axes(ax)
    if labels is not None and (not isinstance(labels, (list, tuple)) or len(labels) <= int(max(y, default=0))):
        raise ValueError(f"labels must be a list of class names, one per class, e.g. ['a', 'b']; got {shown(labels)}.")
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 5))
    markers = "osD^v<>"
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for c in np.unique(y):
        k = int(c)  # class k always gets colour k, so regions and points match
        name = labels[k] if labels else f"class {k}"
        ax.scatter(
            *X[y == c].T,
            s=18,
            marker=markers[k % len(markers)],
            color=colours[k % len(colours)],
            label=name,
            alpha=0.8,
            edgecolors="none",
        )
    ax.set(xlabel="$x_1$", ylabel="$x_2$", title=title)
    ax.legend()
    return ax


def plot_decision_boundary(predict, X, y, ax=None, title=None, resolution=200, labels=None, pad=0.5):
    """Shade the class a model predicts over the plane, with the data on top.

    predict: function taking a float tensor [K, 2] and returning class labels [K] (0..k-1).
    Regions take the same colours as the classes' points; labels name the classes in the legend.
    """
    if not callable(predict):
        raise TypeError(f"predict must be a function tensor [K, 2] -> labels [K], got {type(predict).__name__}.")
    Xn, _ = check_points(X, y)
    resolution = check_int("resolution", resolution, minimum=2)
    check_number("pad", pad)
    check_axes(ax)
    (x0, y0), (x1, y1) = Xn.min(0) - pad, Xn.max(0) + pad
    gx, gy = np.meshgrid(np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution))
    grid = torch.tensor(np.c_[gx.ravel(), gy.ravel()], dtype=torch.float32)
    z = predicted_labels(predict, grid).reshape(gx.shape)
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 5))
    n_classes = int(max(z.max(), _np(y).max())) + 1
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    cmap = mpl.colors.ListedColormap([colours[k % len(colours)] for k in range(n_classes)])
    ax.contourf(gx, gy, z, alpha=0.2, levels=np.arange(n_classes + 1) - 0.5, cmap=cmap)
    plot_classes(X, y, ax=ax, title=title, labels=labels)
    return ax


def plot_heatmap(values, x_values, y_values, ax=None, xlabel="", ylabel="", title=None, cbar_label=""):
    """Heatmap of a two-parameter sweep: values[i, j] at (x_values[j], y_values[i])."""
    if not isinstance(values, (torch.Tensor, np.ndarray, list, tuple)):
        raise TypeError(
            f"values must be a 2-D array of numbers (tensor, NumPy array or list), got {shown(values)} "
            f"({type(values).__name__})."
        )
    for name, given, along in (("x_values", x_values, "column"), ("y_values", y_values, "row")):
        try:
            np.asarray(given, dtype=float)[0]
        except (TypeError, ValueError, IndexError):
            raise TypeError(
                f"{name} must be a list of numbers, one per {along} of values; got {shown(given)}."
            ) from None
    check_axes(ax)
    v = _np(values)
    if v.shape != (len(y_values), len(x_values)):
        raise ValueError(
            f"values must have shape (len(y_values), len(x_values)) = "
            f"({len(y_values)}, {len(x_values)}), got {v.shape}."
        )
    if ax is None:
        _, ax = plt.subplots(figsize=(6.5, 4.5))
    xv, yv = np.asarray(x_values, float), np.asarray(y_values, float)
    mesh = ax.pcolormesh(xv, yv, v, shading="nearest")
    cb = ax.figure.colorbar(mesh, ax=ax)
    cb.set_label(cbar_label)
    ax.set(xlabel=xlabel, ylabel=ylabel, title=title)
    ax.grid(False)
    return ax


def smooth(values, width=3):
    """Moving average along the last axis (same length; edges average what is there)."""
    width = check_int("width", width, minimum=1)
    try:
        v = np.asarray(_np(values), dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"values must be numbers (a list, NumPy array or tensor), got {shown(values)}.") from None
    if v.ndim == 0 or v.shape[-1] == 0:
        raise ValueError(f"values must hold at least one number along the last axis, got shape {v.shape}.")
    kernel = np.ones(width)
    pad = width // 2
    num = np.apply_along_axis(lambda r: np.convolve(np.pad(r, (pad, width - 1 - pad)), kernel, "valid"), -1, v)
    den = np.convolve(np.pad(np.ones(v.shape[-1]), (pad, width - 1 - pad)), kernel, "valid")
    return num / den
