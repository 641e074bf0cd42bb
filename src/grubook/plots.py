"""Every figure of the book, in one visual style.

The palette is Okabe and Ito's, safe for colour-blind readers; every series
also differs by line style or marker so that figures read in grey-scale.
Helpers return the matplotlib ``Figure`` they draw, so that notebooks can
show it and tests can inspect it.
"""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt

__all__ = ["PALETTE", "LINESTYLES", "MARKERS", "use_style", "series_style"]

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
