"""Figures for everyone: every stored figure carries alt text, and none tells two things apart by a pair of
colours that a reader with deuteranopia or protanopia sees as one.

The colour check reads each stored PNG, finds its distinct colours and simulates both colour-vision
deficiencies with Machado, Oliveira & Fernandes (2009)'s matrices (severity 1) on linear RGB:

- Pixels are grouped by their *ink*, the direction of (white - colour) in RGB. Anti-aliased edges, alpha fills
  and legend swatches of one colour drawn over white share its ink, so a line and its faint fringe count as one
  colour; each group is represented by the commonest colour among its most inked pixels.
- Ignored: near-white pixels (less than 8 % ink), groups under MIN_PIXELS pixels or MIN_SHARE of the image,
  greys (CIELAB chroma below 12: white, black and grey lines), blends (a colour on the straight line between two
  more common ones: where two lines overlap, or a line crosses a tinted band), and colours on the course's
  continuous colour scales, also under the light grid (viridis, magma, coolwarm: a heatmap's colours encode a
  quantity by their lightness, and two heatmaps side by side must not be compared).
- A pair fails when the two colours are clearly apart in normal vision (CIELAB distance >= DISTINCT) and too
  close for a colour-blind eye (distance < CONFUSED after simulation). A line or a marker a few pixels wide needs
  far more than the just-noticeable difference of about 2: pure 'red' and 'green' lines end 10.4 apart with
  protanopia, matplotlib's old default pairs tab:red/tab:green 7.3 (deuteranopia) and tab:orange/tab:green 4.6
  (protanopia); every pair of the course's Okabe-Ito colours stays 17 or more apart.
"""

import base64
import io
import itertools
import json

import matplotlib
import numpy as np
import pytest
from matplotlib.figure import Figure
from PIL import Image
from scipy.spatial import cKDTree

from tools.coursemap import ROOT, load_map
from utils.alt_text import describe, plain, png_with_alt, register_alt_text
from utils.plots import COURSE_COLOURS, STYLE

_, LECTURES = load_map()
PATHS = [lec.path for lec in LECTURES]

DISTINCT, CONFUSED = 20.0, 13.0  # CIELAB distances: clearly different; too close for a line or marker
MIN_INK, MIN_CHROMA, MIN_PIXELS, MIN_SHARE = 0.08, 12.0, 20, 0.0005
ON_SCALE = 3.0  # CIELAB distance to the nearest colour of a continuous scale that counts as "on" it
MACHADO = {  # linear RGB -> linear RGB as seen with the deficiency
    "deuteranopia": np.array(
        [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]]
    ),
    "protanopia": np.array(
        [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]]
    ),
}
_XYZ = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])  # sRGB, D65


def linear(srgb):
    srgb = np.asarray(srgb, float)
    return np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)


def lab(srgb, deficiency=None):
    """CIELAB (D65) of sRGB colours in [0, 1], shape [..., 3], as seen normally or with `deficiency`."""
    rgb = linear(srgb)
    if deficiency is not None:
        rgb = np.clip(rgb @ MACHADO[deficiency].T, 0, 1)
    t = (rgb @ _XYZ.T) / _XYZ.sum(1)
    f = np.where(t > (6 / 29) ** 3, np.cbrt(t), t / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.stack([116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])], -1)


_SCALE = np.concatenate(
    [matplotlib.colormaps[n](np.linspace(0, 1, 256))[:, :3] for n in ("viridis", "magma", "coolwarm")]
)
_GRID = np.array(matplotlib.colors.to_rgb(matplotlib.rcParamsDefault["grid.color"]))  # drawn at alpha 0.3 (STYLE)
_SCALES = cKDTree(lab(np.concatenate([(1 - a) * _SCALE + a * _GRID for a in (0, 0.1, 0.2, 0.3)])))  # under the grid


def distinct_colours(png):
    """The colours a PNG (bytes) draws with, one per ink: [(sRGB in [0, 1], pixels)], without greys, blends and
    the colours of continuous scales."""
    rgb8 = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).reshape(-1, 3).astype(np.int64)
    enough = max(MIN_PIXELS, MIN_SHARE * len(rgb8))
    palette, pixel = np.unique(rgb8 @ [65536, 256, 1], return_inverse=True)
    palette, pixel = np.stack([palette >> 16, (palette >> 8) & 255, palette & 255], 1) / 255, pixel.ravel()
    ink = 1 - palette
    amount = ink.max(1)
    inked = amount >= MIN_INK
    direction = np.rint(16 * ink[inked] / amount[inked, None]).astype(int)  # one component is 16
    group_of = np.full(len(palette), -1)
    group_of[inked] = np.unique(direction @ [289, 17, 1], return_inverse=True)[1].ravel()
    group, level = group_of[pixel], np.minimum((amount * 32).astype(int), 31)[pixel]
    drawn = group >= 0
    group, level, pixel = group[drawn], level[drawn], pixel[drawn]
    if not len(group):
        return []
    counts = np.bincount(group)
    by_level = np.bincount(group * 32 + level, minlength=32 * len(counts)).reshape(-1, 32)
    from_top = np.cumsum(by_level[:, ::-1], 1)  # [g, k]: pixels of group g at ink level 31 - k or more
    top = 31 - np.argmax(from_top >= np.minimum(10, counts)[:, None], 1)  # the level of its most inked ten pixels
    strong = level >= top[group]
    uses = np.bincount(pixel, minlength=len(palette))  # pixels of each exact colour
    strong_uses = np.bincount(pixel[strong], minlength=len(palette))
    colours = []  # each group's commonest colour among its most inked pixels: a line's own colour, not its fringe
    for g in np.flatnonzero(counts >= enough):
        members = np.flatnonzero(group_of == g)
        mode = members[strong_uses[members].argmax()]
        near = np.abs(palette - palette[mode]).max(1) <= 3 / 255
        if uses[near].sum() >= MIN_PIXELS // 2:  # drawn in that colour somewhere, not only mixed into others
            colours.append((palette[mode], int(counts[g])))
    colours = [c for k, c in enumerate(colours) if not _blend(k, colours)]
    L = lab(np.array([c for c, _ in colours]).reshape(-1, 3))
    keep = (np.hypot(L[:, 1], L[:, 2]) >= MIN_CHROMA) & (_SCALES.query(L)[0] >= ON_SCALE) if len(L) else []
    return [c for c, k in zip(colours, keep) if k]


def _blend(k, colours):
    """True when colour k is where two things overlap or meet: within 4/255 of the straight RGB line between two
    more common colours, or between one and black or the grid's grey (alpha over a coloured background, a grid
    line across a bar, anti-aliasing between two colours)."""
    rgb, n = np.array([c for c, _ in colours]), np.array([n for _, n in colours])
    parents = [rgb[i] for i in np.flatnonzero(n > n[k])] + [np.zeros(3), _GRID]
    for a, b in itertools.combinations(parents, 2):
        t = np.clip(np.dot(rgb[k] - b, a - b) / max(np.dot(a - b, a - b), 1e-12), 0, 1)
        if np.abs(rgb[k] - (b + t * (a - b))).max() < 4 / 255:
            return True
    return False


def confusions(colours):
    """[(colour a, colour b, distance in normal vision, distance with the deficiency, deficiency)] for every pair
    that is clearly apart normally and nearly one for a colour-blind eye."""
    rgb = np.array([c for c, _ in colours]).reshape(-1, 3)
    normal = lab(rgb)
    out = []
    for name in MACHADO:
        seen = lab(rgb, name)
        for i, j in itertools.combinations(range(len(rgb)), 2):
            d_normal, d_seen = np.linalg.norm(normal[i] - normal[j]), np.linalg.norm(seen[i] - seen[j])
            if d_normal >= DISTINCT and d_seen < CONFUSED:
                out.append((rgb[i], rgb[j], d_normal, d_seen, name))
    return out


def hexes(rgb):
    return "#" + "".join(f"{round(255 * v):02x}" for v in rgb)


def figures(rel):
    """(code cell number, output) for every image/png output of a notebook."""
    cells = [c for c in json.loads((ROOT / rel).read_text())["cells"] if c["cell_type"] == "code"]
    return [(k, o) for k, c in enumerate(cells) for o in c.get("outputs", []) if "image/png" in o.get("data", {})]


def png_of(draw):
    """PNG of the figure that `draw(fig)` draws, in the course's style and dpi ("C1" is resolved when drawn)."""
    with matplotlib.rc_context(STYLE):
        fig = Figure(figsize=(7, 4))
        draw(fig)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", bbox_inches="tight")
    return buf.getvalue()


def two_lines(colours, styles=("-", "-")):
    def draw(fig):
        ax = fig.subplots()
        x = np.linspace(0, 1, 100)
        for k, (colour, style) in enumerate(zip(colours, styles)):
            ax.plot(x, x * (k + 1), style, color=colour, lw=2, label=f"group {k}")
        ax.legend()

    return png_of(draw)


# --- the stored notebooks ---


@pytest.mark.parametrize("rel", PATHS)
def test_every_figure_has_alt_text(rel):
    missing = [k for k, out in figures(rel) if not out.get("metadata", {}).get("image/png", {}).get("alt", "").strip()]
    assert not missing, (
        f"{rel}: figures without alt text in code cells {missing} (output metadata image/png/alt); run the setup "
        "cell (it calls utils.use_course_style()) and re-execute with `python -m tools.execute`"
    )


@pytest.mark.parametrize("rel", PATHS)
def test_no_figure_relies_on_colours_a_colour_blind_reader_confuses(rel):
    bad = []
    for k, out in figures(rel):
        for a, b, d_normal, d_seen, name in confusions(distinct_colours(base64.b64decode(out["data"]["image/png"]))):
            bad.append(f"code cell {k}: {hexes(a)} vs {hexes(b)}, {d_normal:.0f} apart, {d_seen:.1f} with {name}")
    assert not bad, (
        f"{rel}: colours that look alike to a colour-blind reader (use the course cycle C0-C6 and add a line "
        "style, marker or hatch):\n" + "\n".join(bad[:10])
    )


# --- the colour check itself ---


def test_the_check_catches_red_and_green_lines():
    found = confusions(distinct_colours(two_lines(["red", "green"])))
    assert found, "pure red and green lines passed"


def test_the_check_catches_the_old_default_orange_and_green():
    assert any(
        name == "protanopia" for *_, name in confusions(distinct_colours(two_lines(["tab:orange", "tab:green"])))
    )


def test_the_check_passes_the_same_plot_in_the_course_colours_with_markers():
    colours = distinct_colours(two_lines(["C0", "C1"], styles=("o-", "s--")))
    seen = lab(np.array([c for c, _ in colours]))
    for line in ("C0", "C1"):  # both lines are seen (their fringes and legend swatches count with them)
        assert np.linalg.norm(seen - lab(matplotlib.colors.to_rgb(COURSE_COLOURS[int(line[1])])), axis=1).min() < 2
    assert confusions(colours) == []


def test_every_pair_of_course_colours_stays_apart_for_colour_blind_readers():
    rgb = np.array([matplotlib.colors.to_rgb(c) for c in COURSE_COLOURS])
    for name in MACHADO:
        seen = lab(rgb, name)
        closest = min(np.linalg.norm(seen[i] - seen[j]) for i, j in itertools.combinations(range(len(rgb)), 2))
        assert closest >= CONFUSED + 4, (name, closest)  # 17.0 at the closest


def test_two_heatmaps_side_by_side_are_not_compared():
    def draw(fig):
        for ax, cmap in zip(fig.subplots(1, 2), ("viridis", "coolwarm")):
            ax.imshow(np.linspace(0, 1, 400).reshape(20, 20), cmap=cmap)

    assert confusions(distinct_colours(png_of(draw))) == []


# --- alt text ---


def panel_figure():
    fig = Figure()
    left, right = fig.subplots(1, 2)
    x = np.linspace(0, 1, 20)
    left.plot(x, x**2, label="$f(x)$")
    left.plot([0.5], [0.25], "o", label="start")
    left.axhline(0.1, color="k", ls="--", label="true minimum")
    left.set(xlabel="$x$", ylabel="loss", title="Descent", yscale="log")
    left.legend()
    mesh = right.pcolormesh(np.arange(12).reshape(3, 4))
    fig.colorbar(mesh, ax=right, label="accuracy (%)")
    right.set(xlabel="learning rate", ylabel="epochs", title="Sweep")
    fig.suptitle(r"Gradient descent, $\lambda = 0.1$")
    return fig


def test_alt_text_names_titles_axes_legend_and_what_is_drawn():
    text = describe(panel_figure())
    for part in (
        "Gradient descent, λ = 0.1",  # suptitle, mathtext made plain
        "2 panels",  # the colour bar is not a panel
        "Left, “Descent”: loss (log scale) against x",
        "a line (f(x))",
        "a set of points (start)",
        "a horizontal reference line (true minimum)",
        "right, “Sweep”: epochs against learning rate, with a heatmap, coloured by accuracy (%)",
    ):
        assert part in text, (part, text)
    assert text.count(". ") == 1 and text.endswith(".")  # two sentences


def test_alt_text_counts_bars_and_names_their_categories():
    fig = Figure()
    ax = fig.subplots()
    ax.bar(["ReLU", "linear"], [98, 51], yerr=[1, 5], capsize=3, label="accuracy")
    ax.set(ylabel="accuracy (%)", title="Models")
    fig.canvas.draw()  # tick labels exist once drawn (IPython draws before it asks for alt text)
    assert describe(fig) == (
        "Plot “Models”: accuracy (%) on the vertical axis, for ReLU and linear, with 2 bars (accuracy) "
        "and a set of error bars."  # the error bars' caps and lines are not counted as points and lines
    )


def test_alt_text_says_a_grid_of_alike_panels_once():
    fig = Figure()
    for k, ax in enumerate(fig.subplots(2, 3).ravel()):
        mesh = ax.pcolormesh(np.arange(4).reshape(2, 2) * k)
        ax.set(xlabel="x1", ylabel="x2", title=f"unit {k + 1}")
    fig.colorbar(mesh, ax=fig.axes, label="activation")  # one colour bar for all: drawn beside the last panel
    assert describe(fig) == (
        "A figure in 6 panels, each x2 against x1, with a heatmap, coloured by activation. "
        "Their titles: “unit 1”, “unit 2”, “unit 3”, “unit 4”, “unit 5”, “unit 6”."
    )


def test_alt_text_keeps_names_with_commas_apart_and_says_log_scale_once():
    fig = Figure()
    ax = fig.subplots()
    ax.semilogy([1, 2], [1, 10], label="ReLU, small weights")
    ax.semilogy([1, 2], [2, 20], "--", label="ReLU, large weights")
    ax.set(xlabel="layer", ylabel="gradient size (log scale)")
    assert describe(fig) == (
        "Plot: gradient size (log scale) against layer, with 2 lines (ReLU, small weights; ReLU, large weights)."
    )


def test_plain_reads_mathtext_and_leaves_other_text_alone():
    assert plain(r"$\lambda\,\mathrm{sign}(w_1)$") == "λ sign(w1)"
    assert plain(r"$\sigma_1/\sqrt{B}$") == "σ1/sqrt(B)"
    assert plain("train_loss costs $5") == "train_loss costs $5"


def test_describe_refuses_what_is_not_a_figure():
    with pytest.raises(TypeError, match="fig must be a matplotlib Figure, got list"):
        describe([1, 2])


def test_ipython_stores_the_alt_text_in_the_png_output_metadata():
    from types import SimpleNamespace

    from IPython.core.formatters import DisplayFormatter
    from IPython.core.pylabtools import print_figure

    shell = SimpleNamespace(display_formatter=DisplayFormatter())
    assert register_alt_text(shell) is True
    fig = panel_figure()
    data, metadata = shell.display_formatter.format(fig)
    assert metadata["image/png"]["alt"] == describe(fig)
    # the same PNG IPython's own formatter draws (the figure's dpi, bbox_inches="tight")
    assert base64.b64decode(data["image/png"]) == print_figure(fig, "png", bbox_inches="tight")


def test_an_empty_figure_shows_nothing_as_in_ipython():
    assert png_with_alt(Figure()) is None


def test_outside_ipython_nothing_is_registered():
    assert register_alt_text() is False
