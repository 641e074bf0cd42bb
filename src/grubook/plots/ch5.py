"""Chapter 5's figures (inside the GRU): gate heatmaps along one problem,
accuracy against length, one score per unit, and values along the steps.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from grubook._checks import check_series
from grubook.plots.style import (
    PALETTE,
    SEQUENTIAL_CMAP,
    _curves_over,
    _label_axes,
    series_style,
)

__all__ = ["gate_heatmaps", "accuracy_vs_length", "unit_scores", "step_curves"]

_GATE_PANELS = (
    ("z", r"update gate $z_t$", (0.0, 1.0)),
    ("r", r"reset gate $r_t$", (0.0, 1.0)),
    ("h_tilde", r"candidate $\tilde h_t$", (-1.0, 1.0)),
    ("h", r"state $h_t$", (-1.0, 1.0)),
)


def gate_heatmaps(bit_rows: dict, trace, *, units=None, unit_labels=None,
                  title: str | None = None):
    """Gate traces of one problem as heatmaps, aligned with its input and output bits.

    ``bit_rows`` maps a row name (such as ``"a"``, ``"b"``, ``"carry"``,
    ``"sum"``) to 0/1 values ``(T,)``, drawn as a strip of digits on top.
    ``trace`` has attributes ``z``, ``r``, ``h_tilde`` and ``h``, each
    ``(T, H)`` (one problem of a :class:`grubook.reference.GRUTrace`).
    ``units`` picks and orders the units shown (default: all), and
    ``unit_labels`` names them. Gates use the scale [0, 1], states [-1, 1].
    Returns the ``Figure``.
    """
    steps, n_units = check_series(trace.h, "trace.h (T, H) of one problem", ndim=2).shape
    units = np.arange(n_units) if units is None else np.asarray(units)
    labels = [f"unit {u}" for u in units] if unit_labels is None else list(unit_labels)
    if len(labels) != len(units):
        raise ValueError(f"unit_labels must have {len(units)} names, got {len(labels)}")
    if not bit_rows:
        raise ValueError("bit_rows must map at least one row name to bits")
    bits = np.array([check_series(v, f"bit_rows[{k!r}]", length=steps)
                     for k, v in bit_rows.items()])  # (rows, T)
    heights = [0.32 * len(bits) + 0.2] + [0.24 * len(units) + 0.35] * 4
    fig, axes = plt.subplots(5, 1, figsize=(7.6, sum(heights) + 0.9), sharex=True,
                             gridspec_kw={"height_ratios": heights})
    ax = axes[0]
    ax.imshow(bits, cmap="Greys", vmin=-0.4, vmax=1.6, aspect="auto")
    for (row, col), value in np.ndenumerate(bits):
        ax.text(col, row, str(int(value)), ha="center", va="center", fontsize=8,
                color="white" if value else "black")
    ax.set_yticks(range(len(bits)), list(bit_rows))
    ax.grid(False)
    for ax, (name, label, (low, high)) in zip(axes[1:], _GATE_PANELS, strict=True):
        values = np.asarray(getattr(trace, name))[:, units].T  # (units, T)
        image = ax.imshow(values, cmap=SEQUENTIAL_CMAP, vmin=low, vmax=high, aspect="auto",
                          interpolation="nearest")
        ax.set_yticks(range(len(units)), labels, fontsize=8)
        ax.set_title(label, fontsize=10, loc="left")
        ax.grid(False)
        fig.colorbar(image, ax=ax, pad=0.01, aspect=8, ticks=[low, (low + high) / 2, high])
    axes[-1].set_xlabel("step $t$ (bit position, least significant first)")
    tick_every = max(1, steps // 16)
    axes[-1].set_xticks(range(0, steps, tick_every))
    if title:
        fig.suptitle(title)
    return fig


def accuracy_vs_length(lengths, curves: dict, *, train_bits: int | None = None,
                       ylabel: str = "exact-match accuracy", title: str | None = None,
                       bands: dict | None = None):
    """Accuracy against operand length (log scale), one line per model.

    ``lengths`` (K,) are operand lengths in bits; ``curves`` maps a label to
    accuracies (K,) in [0, 1]. ``bands`` (optional) maps some of the labels
    to ``(low (K,), high (K,))``, such as 95 % intervals, shaded around
    their line. ``train_bits`` marks the longest operands seen in training.
    The y-axis zooms on the range the values cover. Returns the ``Figure``.
    """
    lengths, curves = _curves_over(lengths, curves, "lengths")
    bands = {} if bands is None else bands
    unknown = set(bands) - set(curves)
    if unknown:
        raise ValueError(f"bands must name curves, got unknown {sorted(unknown)}")
    fig, ax = plt.subplots(figsize=(7.0, 3.8))
    lowest = 1.0
    for i, (label, values) in enumerate(curves.items()):
        lowest = min(lowest, float(values.min()))
        style = series_style(i)
        ax.plot(lengths, values, label=label, markersize=5, **style)
        if label in bands:
            low, high = (check_series(end, f"bands[{label!r}][{i}]", length=lengths.size)
                         for i, end in enumerate(bands[label]))
            ax.fill_between(lengths, low, high, color=style["color"], alpha=0.18, linewidth=0)
            lowest = min(lowest, float(low.min()))
    if train_bits is not None:
        ax.axvline(train_bits, color="0.4", linewidth=1.0)
    ax.set_xscale("log", base=2)
    labels, last = [], None
    for n in lengths:  # no label for a length too close to the previous one (1000, 1024)
        close = last is not None and n < 1.2 * last
        labels.append("" if close else f"{int(n)}")
        last = last if close else n
    ax.set_xticks(lengths, labels)
    ax.minorticks_off()
    span = max(1.0 - lowest, 0.01)
    ax.set_ylim(lowest - 0.15 * span, 1.0 + 0.1 * span)
    xlabel = "operand length (bits)"
    if train_bits is not None:
        xlabel += f"; the grey line marks the {train_bits} bits seen in training"
    _label_axes(ax, xlabel, ylabel, title)
    ax.legend(fontsize=9, loc="lower left")
    return fig


def unit_scores(scores, *, highlight=(), ylabel: str = "score", chance: float | None = None,
                title: str | None = None):
    """One bar per hidden unit; the units in ``highlight`` are drawn dark and hatched.

    ``scores`` (H,) is a number per unit (such as how well that unit alone
    decodes the carry); ``chance`` draws a reference line. Returns the ``Figure``.
    """
    scores = check_series(scores, "scores")
    fig, ax = plt.subplots(figsize=(7.0, 3.2))
    marked = np.isin(np.arange(scores.size), list(highlight))
    ax.bar(np.arange(scores.size), scores, color=np.where(marked, PALETTE["blue"], "0.75"),
           edgecolor="black", linewidth=0.6)
    for j in np.flatnonzero(marked):
        ax.patches[j].set_hatch("//")
    if chance is not None:
        ax.axhline(chance, color="0.3", linestyle="--", linewidth=1.0)
        ax.annotate("chance", xy=(1.0, chance), xycoords=("axes fraction", "data"),
                    xytext=(3, 0), textcoords="offset points", ha="left", va="center",
                    fontsize=9, color="0.3")
    ax.set_xticks(np.arange(scores.size))
    _label_axes(ax, "hidden unit", ylabel, title)
    ax.grid(axis="x", visible=False)
    return fig


def step_curves(curves: dict, *, threshold: float | None = 0.5, ylabel: str = "probability",
                xlabel: str = "step $t$", shade=None, title: str | None = None):
    """Values along the steps of one input, one line per model (such as a carry read-out).

    ``curves`` maps a label to values ``(T,)``; ``threshold`` draws the
    decision line; ``shade`` is an optional ``(first, last)`` range of steps
    drawn grey behind the lines. Returns the ``Figure``.
    """
    if not curves:
        raise ValueError("curves must map at least one label to values")
    fig, ax = plt.subplots(figsize=(7.0, 3.4))
    if shade is not None:
        ax.axvspan(shade[0] - 0.5, shade[1] + 0.5, color="0.9", zorder=0)
    for i, (label, values) in enumerate(curves.items()):
        values = check_series(values, f"curves[{label!r}]")
        ax.plot(np.arange(values.size), values, label=label, markersize=4,
                markevery=max(1, values.size // 12), **series_style(i))
    if threshold is not None:
        ax.axhline(threshold, color="0.3", linestyle=":", linewidth=1.0)
    _label_axes(ax, xlabel, ylabel, title)
    ax.legend(fontsize=9, loc="best")
    return fig
