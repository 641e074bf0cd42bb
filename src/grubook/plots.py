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


# --- Chapter 2: deriving the GRU ---------------------------------------------

__all__ += ["gradient_norm_figure", "gru_cell_diagram"]


def gradient_norm_figure(panels, *, sharey: bool = True,
                         xlabel: str = "distance $T - t$ (steps back in time)",
                         ylabel: str = r"$\|\partial h_T / \partial h_t\|_2$"):
    """Norms of backpropagated Jacobians against distance, log-scale y, one panel per group.

    ``panels`` is a list of ``(title, curves)`` pairs; ``curves`` maps a
    label to a 1-D array ``(K,)`` of positive norms, entry ``k - 1`` being
    the norm at distance ``k`` (so the x axis runs ``1 .. K``). A label
    starting with ``"reference: "`` is drawn as a thin grey dashed line
    without markers (a curve repeated from another panel for comparison).
    Panels share the y axis unless ``sharey`` is False. Returns the ``Figure``.
    """
    panels = list(panels)
    if not panels:
        raise ValueError("panels must hold at least one (title, curves) pair")
    fig, axes = plt.subplots(1, len(panels), sharey=sharey, squeeze=False,
                             figsize=(4.4 * len(panels) + 1.0, 3.9))
    for ax, (title, curves) in zip(axes[0], panels, strict=True):
        if not curves:
            raise ValueError(f"panel {title!r} must hold at least one curve")
        series = 0
        for label, norms in curves.items():
            norms = np.asarray(norms, dtype=float)
            if norms.ndim != 1 or norms.size == 0:
                raise ValueError(f"curve {label!r} must be a non-empty 1-D array, "
                                 f"got shape {norms.shape}")
            if not np.all(np.isfinite(norms) & (norms > 0)):
                raise ValueError(f"curve {label!r} must hold finite positive norms "
                                 "(the y axis is logarithmic)")
            distance = np.arange(1, norms.size + 1)
            if label.startswith("reference: "):
                ax.plot(distance, norms, color="0.45", linestyle=(0, (4, 2)), linewidth=1.3,
                        label=label.removeprefix("reference: "))
                continue
            style = series_style(series)
            series += 1
            ax.plot(distance, norms, label=label, markevery=max(1, norms.size // 6),
                    markersize=5, **style)
        ax.set_yscale("log")
        ax.set_title(title)
        ax.set_xlabel(xlabel)
        ax.legend(fontsize=9, loc="best")
    for ax in axes[0] if not sharey else axes[0, :1]:
        ax.set_ylabel(ylabel)
    return fig


# Boxes (x, y, text, caption) and nodes (x, y, symbol) of the cell diagram.
_CELL_BOXES = {
    "r": (2.0, 2.5, r"$\sigma$", "reset gate"),
    "z": (3.6, 2.5, r"$\sigma$", "update gate"),
    "h": (6.4, 2.5, r"$\tanh$", "candidate"),
}
_CELL_NODES = {
    "reset": (2.0, 3.8, r"$\times$"),
    "one_minus": (5.2, 5.35, r"$1-$"),
    "keep": (5.2, 6.2, r"$\times$"),
    "write": (8.2, 4.6, r"$\times$"),
    "add": (8.2, 6.2, r"$+$"),
}


def gru_cell_diagram():
    """Draw one step of the book's GRU cell: gates, candidate and state update.

    Boxes are the three layers (``sigma`` for the gates, ``tanh`` for the
    candidate), circles the elementwise operations; wires carry the symbols
    of the equations (``x_t``, ``h_{t-1}``, ``r_t``, ``z_t``, ``1 - z_t``,
    ``r_t * h_{t-1}``, ``h~_t``, ``h_t``). Where two wires cross without
    joining, one of them has a gap; joins are dots. Each box is a patch
    with gid ``"box-<r|z|h>"``, each circle ``"node-<name>"``, and each wire
    label a ``Text`` with gid ``"label-<name>"``. Returns the ``Figure``.
    """
    from matplotlib.patches import Circle, FancyBboxPatch

    fig, ax = plt.subplots(figsize=(7.6, 5.0))
    wire = {"color": PALETTE["black"], "linewidth": 1.5, "solid_capstyle": "round"}

    def line(xs, ys):
        ax.plot(xs, ys, zorder=1, **wire)

    def arrow(start, end):
        ax.annotate("", xy=end, xytext=start, zorder=1,
                    arrowprops={"arrowstyle": "-|>", "color": PALETTE["black"],
                                "linewidth": 1.5, "shrinkA": 0, "shrinkB": 0})

    def dot(x, y):
        ax.add_patch(Circle((x, y), 0.07, color=PALETTE["black"], zorder=3))

    def label(name, x, y, text, **kwargs):
        ax.text(x, y, text, **{"fontsize": 13, **kwargs}, gid=f"label-{name}", zorder=4)

    # The state line along the top, and h_{t-1} down to the gates.
    line([0.7, 4.95], [6.2, 6.2])
    line([5.45, 7.95], [6.2, 6.2])
    arrow((8.45, 6.2), (9.5, 6.2))
    label("h_prev", 0.1, 6.45, r"$h_{t-1}$")
    label("h", 9.15, 6.45, r"$h_t$")
    dot(1.0, 6.2)
    line([1.0, 1.0], [6.2, 1.3])
    dot(1.0, 3.8)
    arrow((1.0, 3.8), (1.75, 3.8))
    # x_t from below: into the gates' bus, and on to the candidate.
    line([1.5, 1.5], [0.0, 1.3])
    label("x", 1.62, 0.0, r"$x_t$")
    dot(1.5, 1.3)
    dot(1.5, 0.6)
    line([1.0, 3.6], [1.3, 1.3])
    line([1.5, 6.4], [0.6, 0.6])
    for name, (x, y, _, _) in _CELL_BOXES.items():
        arrow((x, 0.6 if name == "h" else 1.3), (x, y - 0.42))
    label("bus", 2.2, 0.85, r"$x_t,\ h_{t-1}$", fontsize=11, color="0.25")
    # Reset gate: r_t times h_{t-1}, into the candidate.
    arrow((2.0, 2.92), (2.0, 3.55))
    label("r", 2.12, 3.12, r"$r_t$")
    line([2.25, 3.45], [3.8, 3.8])  # a gap where the z_t wire crosses
    line([3.75, 6.4], [3.8, 3.8])
    arrow((6.4, 3.8), (6.4, 2.92))
    label("reset_h", 4.0, 3.95, r"$r_t \odot h_{t-1}$")
    # Update gate: 1 - z_t keeps the old state, z_t writes the candidate.
    line([3.6, 3.6], [2.92, 4.6])
    line([3.6, 7.95], [4.6, 4.6])
    label("z", 3.72, 4.2, r"$z_t$")
    dot(5.2, 4.6)
    arrow((5.2, 4.6), (5.2, 5.1))
    arrow((5.2, 5.6), (5.2, 5.95))
    label("one_minus_z", 5.4, 5.62, r"$1 - z_t$", fontsize=11)
    line([6.82, 8.2], [2.5, 2.5])
    arrow((8.2, 2.5), (8.2, 4.35))
    label("h_tilde", 7.2, 2.7, r"$\tilde h_t$")
    arrow((8.2, 4.85), (8.2, 5.95))
    for name, (x, y, text, caption) in _CELL_BOXES.items():
        ax.add_patch(FancyBboxPatch((x - 0.6, y - 0.42), 1.2, 0.84,
                                    boxstyle="round,pad=0.02", facecolor="#E8F1F8",
                                    edgecolor=PALETTE["blue"], linewidth=1.6, zorder=3,
                                    gid=f"box-{name}"))
        ax.text(x, y + 0.12, text, ha="center", va="center", fontsize=14, zorder=4)
        ax.text(x, y - 0.24, caption, ha="center", va="center", fontsize=8.5, color="0.2",
                zorder=4)
    for name, (x, y, text) in _CELL_NODES.items():
        ax.add_patch(Circle((x, y), 0.25, facecolor="#FBEBD5", edgecolor=PALETTE["vermillion"],
                            linewidth=1.6, zorder=3, gid=f"node-{name}"))
        ax.text(x, y, text, ha="center", va="center", fontsize=12 if name != "one_minus" else 10,
                zorder=4)
    ax.set_xlim(0, 10)
    ax.set_ylim(-0.2, 6.8)
    ax.set_aspect("equal")
    ax.axis("off")
    return fig


# --- Chapter 3: building the cell ---------------------------------------------

__all__ += ["repeated_product_norms"]


def repeated_product_norms(curves: dict, *, title: str = "Multiplying by the same matrix again"):
    """Norms ``||v M^t||`` of a unit vector multiplied ``t`` times by a matrix, log-scale y.

    ``curves`` maps a label (which matrix ``M``) to a 1-D array ``(K,)`` of
    positive norms, entry ``t - 1`` being the norm after ``t`` products, so
    the x axis runs ``1 .. K``. Series differ by colour, line style and
    marker. Returns the ``Figure``.
    """
    if not curves:
        raise ValueError("curves must map at least one label to an array of norms")
    fig, ax = plt.subplots()
    for i, (label, norms) in enumerate(curves.items()):
        norms = np.asarray(norms, dtype=float)
        if norms.ndim != 1 or norms.size == 0:
            raise ValueError(f"curves[{label!r}] must be a non-empty 1-D array, got {norms.shape}")
        if not np.all(np.isfinite(norms) & (norms > 0)):
            raise ValueError(f"curves[{label!r}] must hold finite positive norms (log scale)")
        steps = np.arange(1, norms.size + 1)
        ax.plot(steps, norms, label=label, markevery=max(1, norms.size // 8), markersize=5,
                **series_style(i))
    ax.set_yscale("log")
    ax.set_xlabel("number of products $t$")
    ax.set_ylabel(r"$\|v M^t\|_2$ for a unit vector $v$")
    ax.set_title(title)
    ax.legend(fontsize=9, loc="lower left")
    return fig


# --- Chapter 4: teaching the GRU to add ----------------------------------------

__all__ += ["learning_curves", "loss_gradients", "accuracy_curves"]

_CURVE_LABELS = {
    "loss": "held-out loss",
    "bit_accuracy": "per-bit accuracy",
    "exact_match": "exact-match accuracy",
}


def _mark_step(ax, step: int, style: dict, text: str | None, height: float = 0.5) -> None:
    """A vertical line at ``step`` in a run's colour and line style, with an optional label.

    The label is written upright beside the line, centred at ``height`` (a
    fraction of the axes' height), so that labels of several runs can be
    stacked without overlapping.
    """
    ax.axvline(step, color=style["color"], linestyle=style["linestyle"], linewidth=1.2)
    if text:
        ax.annotate(text, xy=(step, height), xycoords=("data", "axes fraction"),
                    xytext=(4, 0), textcoords="offset points", fontsize=9,
                    color=style["color"], rotation=90, va="center")


def learning_curves(runs: dict, *, metrics=("loss", "bit_accuracy", "exact_match"),
                    mark: dict | None = None, title: str | None = None):
    """Held-out learning curves, one panel per metric, one line per run.

    ``runs`` maps a label to a dict holding ``"steps"`` (K,) and, for each
    name in ``metrics`` (``"loss"``, ``"bit_accuracy"``, ``"exact_match"``),
    an array (K,) of held-out values measured at those steps. ``mark`` maps
    a label to a step (such as the first with 100 % exact-match), drawn as a
    vertical line in that run's style in every panel. Loss uses a log scale.
    Returns the ``Figure``.
    """
    if not runs:
        raise ValueError("runs must map at least one label to a dict of curves")
    unknown = [m for m in metrics if m not in _CURVE_LABELS]
    if unknown or not metrics:
        raise ValueError(f"metrics must be names from {tuple(_CURVE_LABELS)}, got {metrics!r}")
    mark = mark or {}
    fig, axes = plt.subplots(1, len(metrics), figsize=(3.3 * len(metrics) + 0.6, 3.4),
                             squeeze=False)
    for i, (label, run) in enumerate(runs.items()):
        style = series_style(i)
        steps = np.asarray(run["steps"], dtype=float)
        for ax, metric in zip(axes[0], metrics, strict=True):
            values = np.asarray(run[metric], dtype=float)
            if values.shape != steps.shape:
                raise ValueError(f"runs[{label!r}][{metric!r}] must have shape {steps.shape}, "
                                 f"got {values.shape}")
            ax.plot(steps, values, label=label, markevery=max(1, steps.size // 8),
                    markersize=5, **style)
            if label in mark and mark[label] is not None:
                text = f"step {mark[label]}" if metric == metrics[-1] else None
                _mark_step(ax, mark[label], style, text, height=0.65 - 0.3 * (i % 2))
    for ax, metric in zip(axes[0], metrics, strict=True):
        ax.set_xlabel("training step")
        ax.set_title(_CURVE_LABELS[metric])
        if metric == "loss":
            ax.set_yscale("log")
        else:
            ax.set_ylim(-0.03, 1.03)
    if len(runs) > 1:
        axes[0][0].legend(fontsize=9)
    if title:
        fig.suptitle(title)
    return fig


def loss_gradients(logits, curves: dict, *, title: str = "How hard each loss pushes a wrong bit"):
    """The size of the gradient of a loss with respect to the logit, for a target bit of 1.

    ``logits`` (K,) are the readout's pre-sigmoid values; ``curves`` maps a
    loss name to ``|d loss / d logit|`` (K,) at those logits. Returns the
    ``Figure``.
    """
    logits = np.asarray(logits, dtype=float)
    if logits.ndim != 1 or logits.size < 2:
        raise ValueError(f"logits must be a 1-D array of at least 2 values, got {logits.shape}")
    if not curves:
        raise ValueError("curves must map at least one loss name to gradient sizes")
    fig, ax = plt.subplots(figsize=(6.0, 3.4))
    for i, (label, values) in enumerate(curves.items()):
        values = np.asarray(values, dtype=float)
        if values.shape != logits.shape:
            raise ValueError(f"curves[{label!r}] must have shape {logits.shape}, "
                             f"got {values.shape}")
        ax.plot(logits, values, label=label, markevery=max(1, logits.size // 10),
                markersize=5, **series_style(i))
    ax.axvspan(logits.min(), 0.0, color="0.85", zorder=0)
    ax.text(0.03, 0.55, "wrong side:\nthe bit reads as 0", transform=ax.transAxes,
            va="top", fontsize=9)
    ax.set_xlabel(r"logit $a$ (the prediction is $\sigma(a)$, the target is 1)")
    ax.set_ylabel(r"$|\partial \ell / \partial a|$")
    ax.set_title(title)
    ax.legend(fontsize=9, loc="upper right")
    return fig


def _label_axes(ax, xlabel: str, ylabel: str, title: str | None) -> None:
    """Name the axes of ``ax`` and, when given, give it a title."""
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)


def _curves_over(x, curves: dict, x_name: str):
    """``x`` (K,) and ``curves`` (label -> (K,)) as float arrays, checked.

    Raises ``ValueError`` naming ``x_name`` or the curve whose shape is off.
    """
    x = np.asarray(x, dtype=float)
    if x.ndim != 1 or x.size == 0:
        raise ValueError(f"{x_name} must be a non-empty 1-D array, got {x.shape}")
    if not curves:
        raise ValueError("curves must map at least one label to accuracies")
    checked = {}
    for label, values in curves.items():
        checked[label] = np.asarray(values, dtype=float)
        if checked[label].shape != x.shape:
            raise ValueError(f"curves[{label!r}] must have shape {x.shape}, "
                             f"got {checked[label].shape}")
    return x, checked


def accuracy_curves(steps, curves: dict, *, ylabel: str = "exact-match accuracy",
                    title: str | None = None):
    """Accuracies measured during one training run on several sets of problems.

    ``steps`` (K,) are the training steps of the measurements; ``curves``
    maps a set's name to its accuracies (K,), each in [0, 1]. Returns the
    ``Figure``.
    """
    steps, curves = _curves_over(steps, curves, "steps")
    fig, ax = plt.subplots(figsize=(7.0, 3.6))
    for i, (label, values) in enumerate(curves.items()):
        ax.plot(steps, values, label=label, markevery=max(1, steps.size // 8), markersize=5,
                **series_style(i))
    ax.set_ylim(-0.03, 1.03)
    _label_axes(ax, "training step", ylabel, title)
    ax.legend(fontsize=9, loc="lower right")
    return fig


# --- Chapter 5: inside the trained GRU -------------------------------------------

__all__ += ["gate_heatmaps", "accuracy_vs_length", "unit_scores", "step_curves"]

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
    h = np.asarray(trace.h)
    if h.ndim != 2:
        raise ValueError(f"trace.h must have shape (T, H) for one problem, got {h.shape}")
    steps, n_units = h.shape
    units = np.arange(n_units) if units is None else np.asarray(units)
    labels = [f"unit {u}" for u in units] if unit_labels is None else list(unit_labels)
    if len(labels) != len(units):
        raise ValueError(f"unit_labels must have {len(units)} names, got {len(labels)}")
    bits = np.array([np.asarray(v, dtype=float) for v in bit_rows.values()])
    if bits.ndim != 2 or bits.shape[1] != steps:
        raise ValueError(f"bit_rows must hold rows of {steps} bits, got shape {bits.shape}")
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
            low, high = (np.asarray(end, dtype=float) for end in bands[label])
            if low.shape != lengths.shape or high.shape != lengths.shape:
                raise ValueError(f"bands[{label!r}] must hold two arrays of shape {lengths.shape}")
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
    scores = np.asarray(scores, dtype=float)
    if scores.ndim != 1 or scores.size == 0:
        raise ValueError(f"scores must be a non-empty 1-D array, got {scores.shape}")
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
        values = np.asarray(values, dtype=float)
        if values.ndim != 1:
            raise ValueError(f"curves[{label!r}] must be 1-D, got shape {values.shape}")
        ax.plot(np.arange(values.size), values, label=label, markersize=4,
                markevery=max(1, values.size // 12), **series_style(i))
    if threshold is not None:
        ax.axhline(threshold, color="0.3", linestyle=":", linewidth=1.0)
    _label_axes(ax, xlabel, ylabel, title)
    ax.legend(fontsize=9, loc="best")
    return fig


# Chapter 6: making it fast


def plot_speed(rows, baseline: str = "Keras GRU"):
    """Median time per call of each variant, one panel per shape (log scale).

    ``rows`` are ``grubook.bench.Timing`` records (``batch``, ``steps``,
    ``mode``, ``variant``, ``median_seconds``, ``seconds`` per round). A dot
    plot: training steps as circles, forward passes as squares (so that it
    reads in grey-scale), a bar from the first to the third quartile of the
    rounds behind each, and ``baseline``'s training time as a dashed line.
    """
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    use_style()
    shapes = list(dict.fromkeys((r.batch, r.steps) for r in rows))
    variants = list(dict.fromkeys(r.variant for r in rows))
    size = (3.2 * len(shapes) + 1.5, 0.4 * len(variants) + 1.7)
    fig, axes = plt.subplots(1, len(shapes), figsize=size, sharey=True, squeeze=False)
    labels = {"train": "training step", "forward": "forward pass"}
    for ax, (batch, steps) in zip(axes[0], shapes, strict=True):
        for j, mode in enumerate(("train", "forward")):
            timed = [r for r in rows if (r.batch, r.steps, r.mode) == (batch, steps, mode)]
            points = [(1e3 * r.median_seconds, variants.index(r.variant)) for r in timed]
            if points:
                style = series_style(j)
                quartiles = 1e3 * np.percentile([r.seconds for r in timed], [25, 75], axis=1)
                ax.hlines([y for _, y in points], *quartiles, color="black", linewidth=1.5,
                          label="quartiles over rounds" if j == 0 else None)
                ax.plot(*zip(*points, strict=True), linestyle="none", marker=style["marker"],
                        color=style["color"], markersize=8, markeredgecolor="black",
                        label=labels[mode])
        base = [1e3 * r.median_seconds for r in rows if r.mode == "train"
                and (r.batch, r.steps, r.variant) == (batch, steps, baseline)]
        if base:
            ax.axvline(base[0], color="black", linestyle="--", linewidth=1.0,
                       label=f"{baseline}, training")
        ax.set_xscale("log")
        lo, hi = ax.get_xlim()
        ax.set_xlim(lo / 1.3, hi * 1.3)
        ax.xaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set_title(f"batch {batch} × {steps} steps")
        ax.set_xlabel("median ms per call (log)")
    axes[0, 0].set_yticks(range(len(variants)), variants)
    axes[0, 0].set_ylim(len(variants) - 0.5, -0.5)
    handles = {}
    for ax in axes[0]:
        for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
            handles.setdefault(label, handle)
    fig.legend(handles.values(), handles.keys(), loc="outside lower center",
               ncols=len(handles), fontsize=10)
    return fig


# --- Chapter 2 (continued): where a unit's output changes sign ----------------

__all__ += ["zero_crossings", "zero_crossings_figure"]


def zero_crossings(inputs, values):
    """Where ``values`` changes sign along ``inputs``, by linear interpolation.

    ``inputs`` and ``values`` have shape ``(S,)``, ``inputs`` increasing.
    Returns the crossing points, shape ``(C,)``; a value of exactly 0 counts
    as a crossing only if the sign on its two sides differs.
    """
    inputs = np.asarray(inputs, dtype=float)
    values = np.asarray(values, dtype=float)
    if inputs.ndim != 1 or values.shape != inputs.shape:
        raise ValueError(f"inputs and values must be 1-D of the same shape, "
                         f"got {inputs.shape} and {values.shape}")
    if np.any(np.diff(inputs) <= 0):
        raise ValueError("inputs must be strictly increasing")
    nonzero = values != 0
    x, v = inputs[nonzero], values[nonzero]
    change = np.flatnonzero(np.sign(v[1:]) != np.sign(v[:-1]))
    return x[change] - v[change] * (x[change + 1] - x[change]) / (v[change + 1] - v[change])


def zero_crossings_figure(inputs, curves: dict, *, xlabel: str, ylabel: str,
                          title: str | None = None):
    """Curves of an output against a scalar input, each zero crossing marked.

    ``inputs`` ``(S,)`` increasing; ``curves`` maps a label to values
    ``(S,)``. A grey line marks zero; each crossing (see
    :func:`zero_crossings`) is an open marker on it in the curve's style,
    later curves' markers smaller so that shared crossings stay visible,
    and the legend (below the axes) gives each curve's number of crossings.
    Returns the ``Figure``.
    """
    if not curves:
        raise ValueError("curves must map at least one label to values")
    fig, ax = plt.subplots(figsize=(7.0, 3.4))
    ax.axhline(0.0, color="0.45", linewidth=1.0)
    for i, (label, values) in enumerate(curves.items()):
        crossings = zero_crossings(inputs, values)
        style = series_style(i)
        ax.plot(inputs, values, color=style["color"], linestyle=style["linestyle"],
                label=f"{label}: {crossings.size} sign change{'s' if crossings.size != 1 else ''}")
        ax.plot(crossings, np.zeros_like(crossings), linestyle="none", marker=style["marker"],
                markersize=11 - 3 * (i % 3), markerfacecolor="white",
                markeredgecolor=style["color"],
                markeredgewidth=1.8, gid=f"crossings-{i}")
    _label_axes(ax, xlabel, ylabel, title)
    fig.legend(fontsize=9, loc="outside lower center", ncols=min(len(curves), 2))
    return fig


# --- Chapter 7: proved for every length --------------------------------------------

__all__ += ["phase_portrait"]

_PAIR_NAMES = ("(0, 0)", "(0, 1)", "(1, 0)", "(1, 1)")


def _phase_panel(ax, panel: dict) -> None:
    points = np.asarray(panel["points"], dtype=float)[:: panel.get("every", 1)]
    carries = np.asarray(panel["carries"])[:: panel.get("every", 1)]
    for carry, marker in ((0, "o"), (1, "s")):
        chosen = points[carries == carry]
        ax.scatter(chosen[:, 0], chosen[:, 1], s=6, marker=marker, alpha=0.25,
                   color=PALETTE["sky"] if carry == 0 else PALETTE["orange"],
                   label=f"states with carry {carry}", rasterized=True)
    for start, end, index in panel.get("arrows", ()):
        style = series_style(index)
        ax.annotate("", xy=end, xytext=start, arrowprops={
            "arrowstyle": "->", "color": style["color"], "linestyle": style["linestyle"],
            "linewidth": 1.2, "shrinkA": 3, "shrinkB": 3})
    for index, name in enumerate(_PAIR_NAMES):  # legend entries of the arrows
        style = series_style(index)
        ax.plot([], [], color=style["color"], linestyle=style["linestyle"], label=f"input {name}")
    fixed = np.asarray(panel.get("fixed", np.zeros((0, 2))), dtype=float).reshape(-1, 2)
    ax.scatter(fixed[:, 0], fixed[:, 1], marker="X", s=40, color=PALETTE["black"],
               label="fixed point of one input", zorder=5)
    if "path" in panel:
        path = np.asarray(panel["path"], dtype=float)
        ax.plot(path[:, 0], path[:, 1], color=PALETTE["black"], linewidth=1.0,
                marker=".", markersize=3, label=panel.get("path_label", "path"))
    ax.set_title(panel["title"])
    ax.set_xlabel("along the carry direction")
    ax.set_ylabel("across it (largest spread)")


def phase_portrait(panels):
    """The states of adders in the plane of their carry, side by side.

    ``panels`` is a list of dicts, each with ``title``, ``points`` (N, 2) and
    ``carries`` (N,) of the reached states (``every``: draw every k-th), and optionally ``arrows``
    [(start (2,), end (2,), input index 0-3)], ``fixed`` (F, 2) fixed
    points, ``path`` (M, 2) one input's trajectory with ``path_label``.
    Returns the ``Figure``.
    """
    if not panels:
        raise ValueError("panels must hold at least one panel")
    fig, axes = plt.subplots(1, len(panels), figsize=(5.2 * len(panels), 4.6), squeeze=False)
    for ax, panel in zip(axes[0], panels, strict=True):
        _phase_panel(ax, panel)
    handles, labels = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=4, fontsize=9,
               markerscale=2)
    return fig
