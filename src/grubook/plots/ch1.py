"""Chapter 1's figures (adding numbers as sequences): a column addition drawn
as a grid of bits and carries, and the lengths of carry chains.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Rectangle

from grubook._checks import check_series
from grubook.data import add_bits, encode_pair
from grubook.plots.style import HATCHES, PALETTE, series_style

__all__ = ["column_addition", "carry_chain_histogram"]

_COLUMN_ROWS = ("carry", "a", "b", "sum")


def column_addition(a: int, b: int, n_bits: int | None = None):
    """Draw the column addition ``a + b`` as a grid, least significant bit first.

    Columns are the time steps ``t = 1 .. n_bits + 1`` (the last holds the
    carry-out; bit weights ``2**(t - 1)``), running left to right, as in the
    book's notation; rows hold the carry *into* step ``t``,
    the bits of ``a`` and ``b`` and the bits of the sum. Carries of 1 are
    shaded and hatched, with an arrow from the step that produced them.
    ``n_bits`` defaults to the width of the wider operand.

    Returns the ``Figure``. Each bit is a ``Text`` whose gid is
    ``"<row>-<i>"`` (row one of ``carry``, ``a``, ``b``, ``sum``; ``i = t - 1``
    the index in the code's arrays); each highlighted carry cell is a
    ``Rectangle`` with gid ``"carry-box-<i>"``.
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
        ax.text(t + 0.5, 1.55, f"t={t + 1}", ha="center", va="bottom", fontsize=10)
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
        values = check_series(values, f"chains[{label!r}]", low=0, high=n_bits)
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
