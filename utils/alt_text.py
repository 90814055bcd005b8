"""Alt text for the course's figures: what a matplotlib figure shows, in plain words, read from the figure itself.

`describe(fig)` builds one or two sentences from the titles, axis labels, legend entries and what each panel
draws (lines, points, bars, a heatmap ...). `register_alt_text()` makes IPython store it with every figure's PNG
(`output["metadata"]["image/png"]["alt"]`), for a screen reader and for the course's website.
"""

import base64
import re

from matplotlib.collections import LineCollection, PathCollection, PolyCollection, QuadMesh
from matplotlib.container import ErrorbarContainer
from matplotlib.contour import ContourSet
from matplotlib.figure import Figure
from matplotlib.image import AxesImage
from matplotlib.patches import Polygon, Rectangle
from matplotlib.quiver import Quiver

_ROWS = {1: [""], 2: ["top", "bottom"], 3: ["top", "middle", "bottom"]}
_COLUMNS = {1: [""], 2: ["left", "right"], 3: ["left", "middle", "right"]}
_GREEK = {"lambda": "λ", "sigma": "σ", "alpha": "α", "beta": "β", "eta": "η", "mu": "μ", "pi": "π", "theta": "θ"}
_NAMED = {"cdot": "·", "times": "×", "dots": "…", "ldots": "…", "infty": "∞", "to": "→", "partial": "∂", "nabla": "∇"}
_MAX_NAMES = 6  # legend names listed per kind of mark; more are counted


def _math(text):
    text = re.sub(r"\\(?:mathrm|mathbf|mathit|mathdefault|text|operatorname)\{([^{}]*)\}", r"\1", text)
    text = re.sub(r"\\frac\{([^{}]*)\}\{([^{}]*)\}", r"(\1)/(\2)", text)
    text = re.sub(r"\\sqrt\{([^{}]*)\}", r"sqrt(\1)", text)
    text = re.sub(r"_\{([^{}]*)\}|_(\w)", r"\1\2", text)  # subscripts: x_1, x_{12} -> x1, x12
    text = re.sub(r"\\[,;:! ]", " ", text)
    text = re.sub(r"\\([A-Za-z]+)", lambda m: _GREEK.get(m.group(1), _NAMED.get(m.group(1), m.group(1))), text)
    return text.replace("{", "").replace("}", "").replace("\\", "")


def plain(text):
    """A label as a screen reader can say it: its mathtext ($...$) in plain symbols,
    '$\\lambda\\,\\mathrm{sign}(w_1)$' -> 'λ sign(w1)'."""
    pieces = str(text).split("$")
    if len(pieces) % 2 == 0:  # an odd number of $: not mathtext
        pieces = [str(text)]
    text = "".join(_math(p) if k % 2 else p for k, p in enumerate(pieces))
    return re.sub(r"\s+", " ", text).strip()


def _names(labels, unlabelled=True):
    """The legend names among labels (matplotlib's '_child3' ones are none), at most _MAX_NAMES; with
    `unlabelled`, how many have no name when some have one."""
    names = [plain(x) for x in labels if x and not x.startswith("_")]
    rest = len(labels) - len(names)
    if len(names) > _MAX_NAMES:
        names = names[:_MAX_NAMES] + [f"{len(names) - _MAX_NAMES} more"]
    if unlabelled and names and rest:
        names.append(f"{rest} unlabelled")
    return names


def _counted(n, one, many):
    return one if n == 1 else f"{n} {many}"


def _reference_line(line, ax):
    """'horizontal' or 'vertical' for axhline/axvline-style lines (drawn across the axes), else None."""
    if line.get_transform() is ax.transData or len(line.get_xdata()) != 2:
        return None
    x, y = line.get_xdata(), line.get_ydata()
    if x[0] == x[1]:
        return "vertical"
    if y[0] == y[1]:
        return "horizontal"
    return None


# kind of mark: (one, several)
_KINDS = {
    "line": ("a line", "lines"),
    "points": ("a set of points", "sets of points"),
    "horizontal": ("a horizontal reference line", "horizontal reference lines"),
    "vertical": ("a vertical reference line", "vertical reference lines"),
    "filled contours": ("a filled contour map", "filled contour maps"),
    "contours": ("a set of contour lines", "sets of contour lines"),
    "heatmap": ("a heatmap", "heatmaps"),
    "image": ("an image", "images"),
    "arrows": ("a field of arrows", "fields of arrows"),
    "area": ("a shaded area", "shaded areas"),
    "lines": ("a set of lines", "sets of lines"),
    "band": ("a shaded band", "shaded bands"),
    "shape": ("a shape", "shapes"),
    "outline": ("an outline (step histogram)", "outlines (step histograms)"),
    "error bars": ("a set of error bars", "sets of error bars"),
}


def _errorbar_parts(ax):
    """ids of the artists that draw error bars (their caps and bar lines), and how many sets of error bars."""
    parts, seen = set(), set()
    for container in ax.containers:  # bar(yerr=...) lists its error bars twice: in the bars and on their own
        errorbar = container if isinstance(container, ErrorbarContainer) else getattr(container, "errorbar", None)
        if errorbar is not None and id(errorbar) not in seen:
            seen.add(id(errorbar))
            _, caps, bar_lines = errorbar.lines
            parts.update(map(id, [*caps, *bar_lines]))
    return parts, len(seen)


def _marks(ax):
    """({kind: [labels]}, [(number of bars, label)]) for what ax draws; a kind's labels name its legend entries."""
    kinds, bars = {}, []
    errorbar_parts, errorbar_sets = _errorbar_parts(ax)

    def add(kind, label):
        kinds.setdefault(kind, []).append(label)

    for line in ax.lines:
        if not line.get_visible() or id(line) in errorbar_parts:
            continue
        drawn = line.get_linestyle() not in ("None", "", " ") and len(line.get_xdata()) > 1
        marked = line.get_marker() not in ("None", "", " ", None)
        ref = _reference_line(line, ax)
        if ref or drawn or marked:
            add(ref or ("line" if drawn else "points"), line.get_label())
    for coll in ax.collections:
        if not coll.get_visible() or id(coll) in errorbar_parts:
            continue
        if isinstance(coll, ContourSet):
            add("filled contours" if coll.filled else "contours", coll.get_label())
        elif isinstance(coll, QuadMesh):
            add("heatmap", coll.get_label())
        elif isinstance(coll, Quiver):
            add("arrows", coll.get_label())
        elif isinstance(coll, PathCollection):
            add("points", coll.get_label())
        elif isinstance(coll, PolyCollection):
            add("area", coll.get_label())
        elif isinstance(coll, LineCollection):
            add("lines", coll.get_label())
    for image in ax.images:
        if isinstance(image, AxesImage) and image.get_visible():
            add("heatmap" if image.get_array() is not None and image.get_array().ndim == 2 else "image", "")
    in_bars = set()
    for container in ax.containers:
        patches = [p for p in getattr(container, "patches", []) if p is not None]
        if patches and all(isinstance(p, Rectangle) for p in patches):
            bars.append((len(patches), container.get_label()))
            in_bars.update(map(id, patches))
    for patch in ax.patches:
        if id(patch) in in_bars or not patch.get_visible():
            continue
        if isinstance(patch, Rectangle) and patch.get_transform() is not ax.transData:
            add("band", patch.get_label())
        else:  # a step histogram is a Polygon outline; a drawing's boxes and arrows are shapes
            add("outline" if isinstance(patch, Polygon) and not patch.get_fill() else "shape", patch.get_label())
    for _ in range(errorbar_sets):
        add("error bars", "")
    return kinds, bars


def _colour_scales(ax):
    labels = []
    for artist in [*ax.images, *ax.collections]:
        bar = getattr(artist, "colorbar", None)
        if bar is not None:
            labels.append(plain(bar.ax.get_ylabel() or bar.ax.get_xlabel()) or "unlabelled")
    return labels


def _legend_only(ax, named):
    """Legend entries of ax that no drawn artist of ax names (e.g. proxies drawn with no data)."""
    legend = ax.get_legend()
    if legend is None:
        return []
    return [t for t in (plain(t.get_text()) for t in legend.get_texts()) if t and t not in named]


def _list(names):
    """Names in a list, with "; " between them when one has a comma of its own."""
    return ("; " if any("," in n for n in names) else ", ").join(names)


def _and(items):
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _categories(ax):
    """The x tick labels when they name categories (bars of named models ...), else []."""
    texts = [plain(t.get_text()) for t in ax.get_xticklabels()]
    if texts and any(re.search(r"[A-Za-z]", t) for t in texts):
        return _names(texts, unlabelled=False)
    return []


def _axes_parts(ax):
    """A panel's (title, what it shows, the labels of its colour scales)."""
    parts = []
    if ax.axison:
        xl, yl = plain(ax.get_xlabel()), plain(ax.get_ylabel())
        xl += " (log scale)" if xl and ax.get_xscale() == "log" and "log" not in xl else ""
        yl += " (log scale)" if yl and ax.get_yscale() == "log" and "log" not in yl else ""
        if xl and yl:
            parts.append(f"{yl} against {xl}")
        elif yl:
            parts.append(f"{yl} on the vertical axis")
        elif xl:
            parts.append(f"{xl} on the horizontal axis")
        categories = _categories(ax)
        if categories:
            parts.append("for " + _and(categories))
    kinds, bars = _marks(ax)
    marks, named = [], set()
    if bars:
        names = _names([label for _, label in bars])
        named.update(plain(label) for _, label in bars)
        what = _counted(sum(k for k, _ in bars), "a bar", "bars")
        marks.append(f"{what} ({_list(names)})" if names else what)
    for kind, labels in kinds.items():
        names = _names(labels)
        named.update(plain(label) for label in labels)
        one, several = _KINDS[kind]
        what = one if len(labels) == 1 else f"{len(labels)} {several}"
        marks.append(f"{what} ({_list(names)})" if names else what)
    if marks:
        parts.append("with " + _and(marks))
    extra = _legend_only(ax, named)
    if extra:
        parts.append("legend: " + _list(extra[:_MAX_NAMES]))
    title = plain(ax.get_title() or ax.get_title("left") or ax.get_title("right"))
    return title, ", ".join(parts) if parts else "nothing drawn", _colour_scales(ax)


def describe_axes(ax):
    """One panel in words: its title, what is plotted against what, what it draws with which names."""
    title, body, scales = _axes_parts(ax)
    body += f", coloured by {_and(scales)}" if scales else ""
    return f"“{title}”: {body}" if title else body


def _panels(fig):
    """The figure's panels in reading order, without colour bars and hidden axes."""
    return [ax for ax in fig.axes if ax.get_visible() and not hasattr(ax, "_colorbar")]


def _position(ax, k):
    """Where a panel sits: 'top right' in a grid up to 3 x 3, 'row 2, column 5' beyond, else 'panel k + 1'."""
    spec = ax.get_subplotspec() if hasattr(ax, "get_subplotspec") else None
    if spec is None:
        return f"panel {k + 1}"
    spec = spec.get_topmost_subplotspec()  # a colour bar splits a panel's cell; the panel keeps its place
    rows, cols = spec.get_gridspec().get_geometry()
    r, c = spec.rowspan.start, spec.colspan.start
    if rows in _ROWS and cols in _COLUMNS:
        return f"{_ROWS[rows][r]} {_COLUMNS[cols][c]}".strip() or f"panel {k + 1}"
    if rows == 1:
        return f"panel {c + 1} from the left"
    return f"row {r + 1}, column {c + 1}"


def describe(fig):
    """Alt text for a matplotlib Figure: one sentence for a one-panel figure, two for more panels."""
    if not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib Figure, got {type(fig).__name__}.")
    suptitle = plain(fig._suptitle.get_text()) if fig._suptitle is not None else ""
    panels = _panels(fig)
    if len(panels) == 1:
        text = describe_axes(panels[0])
        head = f"Figure “{suptitle}”, plot" if suptitle else "Plot"
        return f"{head} {text}." if text.startswith(("“", "with")) else f"{head}: {text}."
    if not panels:
        return f"Figure “{suptitle}”, nothing drawn." if suptitle else "An empty figure."
    head = f"Figure “{suptitle}” in {len(panels)} panels" if suptitle else f"A figure in {len(panels)} panels"
    parts = [_axes_parts(ax) for ax in panels]
    if len(panels) > 2 and len({body for _, body, _ in parts}) == 1:  # a grid of one kind of plot: say it once
        scales = list(dict.fromkeys(scale for *_, panel_scales in parts for scale in panel_scales))
        titles = [f"“{title}”" for title, *_ in parts if title]
        each = parts[0][1] + (f", coloured by {_and(scales)}" if scales else "")
        return f"{head}, each {each}." + (f" Their titles: {_list(titles)}." if titles else "")
    body = "; ".join(f"{_position(ax, k)}, {describe_axes(ax)}" for k, ax in enumerate(panels))
    return f"{head}. {body[0].upper()}{body[1:]}."


def png_with_alt(fig):
    """IPython's PNG formatter for a Figure: (base64 PNG, {"alt": text}), as IPython's own PNG formatter
    draws it (the figure's dpi, bbox_inches="tight"); None for a figure with nothing drawn (as IPython)."""
    from IPython.core.pylabtools import print_figure

    data = print_figure(fig, "png", bbox_inches="tight")  # bytes on IPython 7 to 9
    if data is None:
        return None
    return base64.b64encode(data).decode("ascii"), {"alt": describe(fig)}


def register_alt_text(shell=None):
    """Show every Figure as a PNG with alt text in its output metadata, in `shell` (default: the running
    IPython). Returns True when registered, False outside IPython."""
    from IPython import get_ipython  # IPython is in every course environment

    shell = shell if shell is not None else get_ipython()
    if shell is None:
        return False
    shell.display_formatter.formatters["image/png"].for_type(Figure, png_with_alt)
    return True
