"""The book's one visual style, shared by every chapter's figures.

The palette is Okabe and Ito's, safe for colour-blind readers; every series
also differs by line style or marker (bars by hatch) so that figures read in
grey-scale. ``use_style`` sets matplotlib's defaults; ``series_style`` gives
the ``i``-th series its look; ``_label_axes`` and ``_curves_over`` are the
small helpers several chapters' figures share.
"""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt

from grubook._checks import check_series

__all__ = [
    "PALETTE",
    "LINESTYLES",
    "MARKERS",
    "HATCHES",
    "SEQUENTIAL_CMAP",
    "use_style",
    "series_style",
]

PALETTE = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "sky": "#56B4E9",
    "purple": "#CC79A7",
    "yellow": "#F0E442",
    "black": "#000000",
}
"""Okabe-Ito colours, in the order series use them."""

LINESTYLES = ("-", "--", ":", "-.", (0, (5, 1, 1, 1, 1, 1)), (0, (1, 3)))
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")

SEQUENTIAL_CMAP = "cividis"
"""Colour map for heatmaps: perceptually uniform and colour-blind safe."""


def series_style(i: int) -> dict:
    """Colour, line style and marker of the ``i``-th series of a figure."""
    colours = list(PALETTE.values())
    return {
        "color": colours[i % len(colours)],
        "linestyle": LINESTYLES[i % len(LINESTYLES)],
        "marker": MARKERS[i % len(MARKERS)],
    }


def use_style() -> None:
    """Set the book's matplotlib defaults (call once at the top of a notebook)."""
    mpl.rcParams.update(
        {
            "figure.figsize": (7.0, 3.6),
            "figure.dpi": 110,
            "savefig.dpi": 110,
            "figure.constrained_layout.use": True,
            "font.size": 11,
            "axes.titlesize": 12,
            "axes.labelsize": 11,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.grid": True,
            "grid.alpha": 0.3,
            "axes.prop_cycle": mpl.cycler(color=list(PALETTE.values())),
            "image.cmap": SEQUENTIAL_CMAP,
            "legend.frameon": False,
        }
    )
    plt.rcParams["lines.linewidth"] = 1.8


HATCHES = ("", "//", "..", "xx", "\\\\", "++")
"""Fill patterns of bar series, so that bars read in grey-scale."""


def _label_axes(ax, xlabel: str, ylabel: str, title: str | None) -> None:
    """Name the axes of ``ax`` and, when given, give it a title."""
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)


def _curves_over(x, curves: dict, x_name: str):
    """``x`` (K,) and ``curves`` (label -> (K,)) as float arrays, checked.

    Raises ``ValueError`` naming ``x_name`` or the curve whose shape is off,
    ``TypeError`` naming the one that holds no numbers (see ``check_series``).
    """
    x = check_series(x, x_name)
    if not curves:
        raise ValueError("curves must map at least one label to accuracies")
    checked = {}
    for label, values in curves.items():
        checked[label] = check_series(values, f"curves[{label!r}]", length=x.size)
    return x, checked
