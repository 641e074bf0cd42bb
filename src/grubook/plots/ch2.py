"""Chapter 2's figures (deriving the GRU): gradient norms against distance,
the diagram of one GRU step, and where a unit's output changes sign.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from grubook._checks import check_int, check_positive_int, check_series
from grubook.plots.style import PALETTE, _label_axes, series_style

__all__ = ["gradient_norm_figure", "gru_cell_diagram", "zero_crossings", "zero_crossings_figure"]


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
            norms = check_series(norms, f"curves[{label!r}] of panel {title!r}", low=0,
                                 low_open=True, finite=True)  # the y axis is logarithmic
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


def zero_crossings(inputs, values):
    """Where ``values`` changes sign along ``inputs``, by linear interpolation.

    ``inputs`` and ``values`` have shape ``(S,)``, ``inputs`` increasing.
    Returns the crossing points, shape ``(C,)``; a value of exactly 0 counts
    as a crossing only if the sign on its two sides differs.
    """
    inputs = check_series(inputs, "inputs", min_length=0)
    values = check_series(values, "values", length=inputs.size, min_length=0)
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


__all__ += ["keep_versus_write"]


def keep_versus_write(kept, gradient, point_labels, steps: int):
    """The gradient a GRU keeps against the share of its state it keeps, both log scale.

    For K settings of the update gate: ``kept`` (K,) is the share of the
    starting state still held after ``steps`` steps, ``prod_t (1 - z_t)``
    (what was not rewritten), and ``gradient`` (K,) the norm of
    ``dh_T/dh_0``; both positive. ``point_labels`` (K strings) annotate the
    points. The diagonal ``gradient = kept`` is drawn for reference.
    Returns the ``Figure``.
    """
    steps = check_positive_int(steps, "steps")
    kept = check_series(kept, "kept", low=0, high=1, low_open=True)
    gradient = check_series(gradient, "gradient", length=kept.size, low=0, low_open=True,
                            finite=True)
    point_labels = list(point_labels)
    if len(point_labels) != kept.size:
        raise ValueError(
            f"point_labels must hold one label per setting ({kept.size}), "
            f"got {len(point_labels)}"
        )
    fig, ax = plt.subplots(figsize=(6.2, 4.6))
    ends = [min(kept.min(), gradient.min()) / 3, 10.0]
    ax.plot(ends, ends, color="0.45", linestyle=(0, (4, 2)), linewidth=1.2,
            label="gradient = share kept")
    order = np.argsort(kept)
    ax.plot(kept[order], gradient[order], label=r"$\|\partial h_T / \partial h_0\|_2$",
            markersize=6, **series_style(0))
    for x, y, text in zip(kept, gradient, point_labels, strict=True):
        if text:
            ax.annotate(text, (x, y), textcoords="offset points", xytext=(-5, 7),
                        ha="right", fontsize=8)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(*ends)
    ax.set_ylim(*ends)
    _label_axes(ax, f"share of $h_0$ a unit still holds after {steps} steps, "
                r"largest $\prod_t (1 - z_t)$",
                f"gradient after {steps} steps", "Keeping the gradient means keeping the state")
    ax.legend(fontsize=9, loc="lower right")
    return fig


__all__ += ["unrolled_graph"]


def unrolled_graph(steps: int = 4):
    """The recurrent network unrolled over ``steps`` time steps (1 to 8), with the paths of BPTT.

    One box per step (gid ``"cell-<t>"``, the same weights ``theta`` in each)
    takes the input ``x_t`` (text gid ``"input-<t>"``) and the state
    ``h_{t-1}`` and passes ``h_t`` on; each step has a loss ``L_t`` (circle
    gid ``"loss-<t>"``, drawn as a calligraphic L), and the losses add up to ``L`` (text gid
    ``"total"``). Forward arrows are solid black (gids ``"forward-h-<t>"``,
    ``"forward-loss-<t>"``); the backward arrows of backpropagation through
    time are dashed vermillion: from each loss into its step
    (``"backward-loss-<t>"``) and from each step to the one before
    (``"backward-h-<t>"``, labelled ``J_t^T``; ``t = 1`` ends at ``h_0``).
    Returns the ``Figure``.
    """
    from matplotlib.lines import Line2D
    from matplotlib.patches import Circle, FancyBboxPatch

    steps = check_int(steps, "steps", minimum=1)
    if steps > 8:
        raise ValueError(f"steps must be at most 8 (the figure's width), got {steps}")
    gap, back, loss = 2.6, PALETTE["vermillion"], r"\mathcal{L}"
    fig, ax = plt.subplots(figsize=(1.9 + 1.75 * steps, 4.3))

    def arrow(start, end, gid, backward=False):
        props = {"arrowstyle": "-|>", "linewidth": 1.4, "shrinkA": 0, "shrinkB": 0,
                 "color": back if backward else PALETTE["black"],
                 "linestyle": (0, (4, 2)) if backward else "-"}
        ax.annotate("", xy=end, xytext=start, arrowprops=props, gid=gid, zorder=2)

    ax.text(0.35, 2.0, "$h_0$", ha="center", va="center", fontsize=13, gid="h0")
    for t in range(1, steps + 1):
        x = gap * t
        ax.add_patch(FancyBboxPatch((x - 0.7, 1.55), 1.4, 0.9, boxstyle="round,pad=0.02",
                                    facecolor="#E8F1F8", edgecolor=PALETTE["blue"],
                                    linewidth=1.6, zorder=3, gid=f"cell-{t}"))
        ax.text(x, 2.0, r"$f_\theta$", ha="center", va="center", fontsize=14, zorder=4)
        ax.text(x, 0.05, f"$x_{{{t}}}$", ha="center", va="center", fontsize=13,
                gid=f"input-{t}")
        arrow((x, 0.35), (x, 1.53), f"forward-input-{t}")
        start = 0.7 if t == 1 else x - gap + 0.72
        arrow((start, 2.2), (x - 0.72, 2.2), f"forward-h-{t}")
        arrow((x - 0.72, 1.8), (start, 1.8), f"backward-h-{t}", backward=True)
        ax.text((start + x - 0.72) / 2, 2.3, f"$h_{{{t - 1}}}$" if t > 1 else "",
                ha="center", va="bottom", fontsize=11)
        ax.text((start + x - 0.72) / 2, 1.7, f"$J_{{{t}}}^\\top$", ha="center", va="top",
                fontsize=11, color=back, gid=f"label-J-{t}")
        ax.add_patch(Circle((x, 3.55), 0.33, facecolor="#FBEBD5", edgecolor=PALETTE["vermillion"],
                            linewidth=1.6, zorder=3, gid=f"loss-{t}"))
        ax.text(x, 3.55, f"${loss}_{{{t}}}$", ha="center", va="center", fontsize=12, zorder=4)
        arrow((x - 0.18, 2.47), (x - 0.18, 3.24), f"forward-loss-{t}")
        arrow((x + 0.18, 3.24), (x + 0.18, 2.47), f"backward-loss-{t}", backward=True)
        line = ax.plot([x, x], [3.88, 4.45], color="0.45", linewidth=1.0)[0]
        line.set_gid(f"sum-{t}")
    last = gap * steps
    ax.plot([gap, last], [4.45, 4.45], color="0.45", linewidth=1.0)
    terms = ([f"{loss}_1", r"\cdots", f"{loss}_{{{steps}}}"] if steps > 2
             else [f"{loss}_{{{t}}}" for t in range(1, steps + 1)])
    ax.text((gap + last) / 2, 4.7, f"${loss} = " + " + ".join(terms) + "$",
            ha="center", va="bottom", fontsize=13, gid="total")
    ax.text(last + 1.3, 2.2, f"$h_{{{steps}}}$", ha="left", va="center", fontsize=12)
    arrow((last + 0.72, 2.2), (last + 1.25, 2.2), "forward-h-out")
    handles = [Line2D([], [], color=PALETTE["black"], linewidth=1.4, label="forward: states"),
               Line2D([], [], color=back, linewidth=1.4, linestyle=(0, (4, 2)),
                      label="backward: gradients (BPTT)")]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.01), ncols=2,
              fontsize=9, frameon=False)
    ax.set_xlim(0, last + 1.9)
    ax.set_ylim(-0.3, 5.2)
    ax.set_aspect("equal")
    ax.axis("off")
    return fig
