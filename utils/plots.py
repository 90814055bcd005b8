"""One figure style for the course, and the plots several lectures share."""

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import torch

from ._checks import check_int

STYLE = {
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
    """Apply the course's matplotlib style (PNG at 80 dpi, light grid, no top/right spines)."""
    mpl.rcParams.update(STYLE)
    try:  # inline backend in Jupyter: PNG, not SVG
        from matplotlib_inline.backend_inline import set_matplotlib_formats

        set_matplotlib_formats("png")
    except Exception:  # pragma: no cover - outside IPython
        pass


def _np(x):
    return x.detach().cpu().numpy() if isinstance(x, torch.Tensor) else np.asarray(x)


def plot_history(history, ax=None, title=None):
    """Loss (left) and accuracy (right) per epoch from a `fit`-style history dict."""
    if not isinstance(history, dict) or "train_loss" not in history:
        raise ValueError("history must be a dict with at least 'train_loss' (as returned by utils.fit).")
    has_acc = any(v is not None for v in history.get("train_acc", [None]))
    if ax is None:
        _, ax = plt.subplots(1, 2 if has_acc else 1, figsize=(11 if has_acc else 6, 3.8))
    axes = np.atleast_1d(ax)
    axes[0].plot(history["train_loss"], label="train")
    if "test_loss" in history:
        axes[0].plot(history["test_loss"], label="test")
    axes[0].set(xlabel="Epoch", ylabel="Loss", title="Loss")
    axes[0].legend()
    if has_acc and len(axes) > 1:
        axes[1].plot(history["train_acc"], label="train")
        if "test_acc" in history:
            axes[1].plot(history["test_acc"], label="test")
        axes[1].set(xlabel="Epoch", ylabel="Accuracy (%)", title="Accuracy", ylim=(0, 102))
        axes[1].legend()
    if title:
        axes[0].figure.suptitle(title)
    return axes


def plot_classes(X, y, ax=None, title=None, labels=None):
    """Scatter 2-D points coloured and marked by class."""
    X, y = _np(X), _np(y).reshape(-1)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"X must have shape (N, 2) to plot in 2-D, got {X.shape}.")
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
    Xn = _np(X)
    (x0, y0), (x1, y1) = Xn.min(0) - pad, Xn.max(0) + pad
    gx, gy = np.meshgrid(np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution))
    grid = torch.tensor(np.c_[gx.ravel(), gy.ravel()], dtype=torch.float32)
    with torch.no_grad():
        z = _np(predict(grid)).reshape(gx.shape)
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
    v = np.asarray(values, dtype=float)
    kernel = np.ones(width)
    pad = width // 2
    num = np.apply_along_axis(lambda r: np.convolve(np.pad(r, (pad, width - 1 - pad)), kernel, "valid"), -1, v)
    den = np.convolve(np.pad(np.ones(v.shape[-1]), (pad, width - 1 - pad)), kernel, "valid")
    return num / den
