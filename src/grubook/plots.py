"""Every figure of the book, in one visual style.

The palette is Okabe and Ito's, safe for colour-blind readers; every series
also differs by line style or marker so that figures read in grey-scale.
Helpers return the matplotlib ``Figure`` they draw, so that notebooks can
show it and tests can inspect it.
"""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Rectangle

from grubook.data import add_bits, encode_pair

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


# --- Chapter 1: adding numbers as sequences ---------------------------------

HATCHES = ("", "//", "..", "xx", "\\\\", "++")
"""Fill patterns of bar series, so that bars read in grey-scale."""

__all__ += ["HATCHES", "column_addition", "carry_chain_histogram"]

_COLUMN_ROWS = ("carry", "a", "b", "sum")


def column_addition(a: int, b: int, n_bits: int | None = None):
    """Draw the column addition ``a + b`` as a grid, least significant bit first.

    Columns are the time steps ``t = 0 .. n_bits`` (the last holds the
    carry-out), running left to right; rows hold the carry *into* step ``t``,
    the bits of ``a`` and ``b`` and the bits of the sum. Carries of 1 are
    shaded and hatched, with an arrow from the step that produced them.
    ``n_bits`` defaults to the width of the wider operand.

    Returns the ``Figure``. Each bit is a ``Text`` whose gid is
    ``"<row>-<t>"`` (row one of ``carry``, ``a``, ``b``, ``sum``); each
    highlighted carry cell is a ``Rectangle`` with gid ``"carry-box-<t>"``.
    """
    x = encode_pair(a, b, n_bits)  # (T, 2), T = n_bits + 1
    sum_bits, carry_out = add_bits(x)  # (T,), (T,)
    steps = x.shape[0]
    rows = {
        "carry": np.concatenate([[0], carry_out[:-1]]),
        "a": x[:, 0].astype(np.uint8),
        "b": x[:, 1].astype(np.uint8),
        "sum": sum_bits,
    }
    labels = {"carry": "carry in", "a": f"a = {a}", "b": f"b = {b}", "sum": f"a + b = {a + b}"}
    fig, ax = plt.subplots(figsize=(max(5.0, 1.6 + 0.62 * steps), 3.6))
    for r, name in enumerate(_COLUMN_ROWS):
        y = -r - (0.25 if name == "sum" else 0.0)  # a gap above the sum, like a ruled line
        ax.text(-0.25, y + 0.5, labels[name], ha="right", va="center")
        for t, bit in enumerate(rows[name]):
            highlight = name == "carry" and bit == 1
            box = Rectangle(
                (t + 0.05, y + 0.05), 0.9, 0.9,
                facecolor=PALETTE["orange"] if highlight else "white",
                edgecolor=PALETTE["black"] if highlight else "0.6",
                hatch="//" if highlight else None,
                linewidth=1.4 if highlight else 0.8,
                gid=f"carry-box-{t}" if highlight else None,
            )
            ax.add_patch(box)
            weight = "bold" if highlight or name == "sum" else "normal"
            text = ax.text(t + 0.5, y + 0.5, str(int(bit)), ha="center", va="center",
                           fontsize=13, fontweight=weight, gid=f"{name}-{t}")
            if highlight:
                text.set_bbox({"facecolor": "white", "edgecolor": "none", "pad": 1.0})
    for t in range(1, steps):
        if rows["carry"][t] == 1:
            ax.annotate("", xy=(t + 0.35, 0.97), xytext=(t - 0.35, 0.97),
                        arrowprops={"arrowstyle": "-|>", "color": PALETTE["vermillion"],
                                    "linewidth": 1.6, "connectionstyle": "arc3,rad=-0.5"})
    ax.plot([0, steps], [-2.12, -2.12], color=PALETTE["black"], linewidth=1.2)
    for t in range(steps):
        ax.text(t + 0.5, 1.55, f"t={t}", ha="center", va="bottom", fontsize=10)
        ax.text(t + 0.5, 1.2, f"$2^{{{t}}}$", ha="center", va="bottom", fontsize=10, color="0.3")
    ax.set_xlim(-0.1, steps + 0.1)
    ax.set_ylim(-3.4, 2.1)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(f"{a} + {b} = {a + b}\nleast significant bit first, time runs left to right")
    return fig


def carry_chain_histogram(chains: dict, n_bits: int):
    """Bars of how often each longest-carry-chain length occurs, one series per set.

    ``chains`` maps a label to an int array ``(N,)`` of longest carry chains
    (each in ``[0, n_bits]``) of the ``N`` pairs of that set; ``n_bits`` is
    the operands' width. Bars show the fraction of each set's pairs; series
    differ by colour and hatch. Returns the ``Figure``.
    """
    if not chains:
        raise ValueError("chains must map at least one label to an array of chain lengths")
    lengths = np.arange(n_bits + 1)
    width = 0.8 / len(chains)
    fig, ax = plt.subplots()
    for i, (label, values) in enumerate(chains.items()):
        values = np.asarray(values)
        if values.ndim != 1 or values.size == 0:
            raise ValueError(f"chains[{label!r}] must be a non-empty 1-D array, got {values.shape}")
        if values.min() < 0 or values.max() > n_bits:
            raise ValueError(f"chains[{label!r}] must lie in [0, {n_bits}], "
                             f"found {values.min()} .. {values.max()}")
        fraction = np.bincount(values.astype(int), minlength=n_bits + 1) / values.size
        ax.bar(lengths + (i - (len(chains) - 1) / 2) * width, fraction, width,
               color=series_style(i)["color"], hatch=HATCHES[i % len(HATCHES)],
               edgecolor=PALETTE["black"], linewidth=0.6, label=f"{label} (N = {values.size})")
    ax.set_xlabel("longest carry chain (steps in a row with a carry)")
    ax.set_ylabel("fraction of pairs")
    ax.set_title(f"Longest carry chains of {n_bits}-bit additions")
    ax.set_xlim(-0.7, n_bits + 0.7)
    ax.legend()
    return fig
