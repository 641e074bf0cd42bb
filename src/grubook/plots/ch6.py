"""Chapter 6's figures (making it fast): the median time per call of each
variant, one panel per shape (:func:`plot_speed`); the fixed cost of a call
and what many steps per call leave of it (:func:`per_call_floor`); the
rate a training step reaches against its hidden size (:func:`roofline`).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

from grubook.plots.style import LINESTYLES, PALETTE, _label_axes, series_style, use_style

__all__ = ["plot_speed", "per_call_floor", "roofline"]


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


def _length_panel(ax, lines: dict, empty: dict) -> None:
    """Time per step against the length up to the fitted range, each line drawn from 0.

    Colour is the version; the calls that compute nothing are one grey band.
    """
    for i, (label, line) in enumerate(lines.items()):
        colour = series_style(i)["color"]
        steps = np.asarray(line["steps"])
        shown = steps <= line["fitted_to"]
        ms = np.asarray(line["ms"], dtype=float)[shown]
        q1 = np.asarray(line["q1"], dtype=float)[shown]
        q3 = np.asarray(line["q3"], dtype=float)[shown]
        ax.errorbar(steps[shown], ms, yerr=[ms - q1, q3 - ms], linestyle="none", marker="o",
                    color=colour, markeredgecolor="black", capsize=2, label=label)
        reach = np.array([0.0, line["fitted_to"]])
        ax.plot(reach, line["intercept"] + line["slope"] * reach, color=colour,
                linewidth=1.2)
    if empty:
        ax.axhspan(min(empty.values()), max(empty.values()), color=PALETTE["black"],
                   alpha=0.25, label="a call that computes nothing")
    ax.set_xlim(left=0)
    ax.set_ylim(bottom=0)
    _label_axes(ax, "time steps T", "median ms per training step",
                "One step per call, against the length")


_METHOD_STYLES = {"call": ("none", "o", "one call per step"),
                  "fit": ("--", "s", "model.fit, steps_per_execution=k"),
                  "in-graph": ("-", "^", "in-graph loop of k steps")}


def _per_call_panel(ax, per_call: dict, order: list) -> None:
    """Time per training step against the steps taken in one call (log-log).

    Colour is the version (its place in ``order``, as in the upper panel),
    line style and marker the method.
    """
    variants = list(dict.fromkeys([*order, *(variant for _, variant in per_call)]))
    for (method, variant), (steps_per_call, ms) in per_call.items():
        linestyle, marker, _ = _METHOD_STYLES[method]
        ax.plot(steps_per_call, ms, linestyle=linestyle, marker=marker, markersize=7,
                color=series_style(variants.index(variant))["color"],
                markeredgecolor="black")
    handles = [plt.Line2D([], [], color=series_style(i)["color"], linewidth=6, label=v)
               for i, v in enumerate(variants) if any(v == w for _, w in per_call)]
    handles += [plt.Line2D([], [], color="black", linestyle=linestyle, marker=marker, label=label)
                for method, (linestyle, marker, label) in _METHOD_STYLES.items()
                if any(m == method for m, _ in per_call)]
    ax.legend(handles=handles, fontsize=9, loc="upper center", bbox_to_anchor=(0.5, -0.16),
              ncols=2)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xticks(sorted({k for ks, _ in per_call.values() for k in ks}))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax.yaxis.set_minor_formatter(NullFormatter())
    ax.set_yticks([0.5, 1, 2, 3])
    _label_axes(ax, "training steps per call k (log)", "median ms per training step (log)",
                "Many steps per call, 64 × 9")


def per_call_floor(lines: dict, empty: dict, per_call: dict):
    """The fixed cost of a call, and what taking many steps per call leaves of it.

    Upper panel: ``lines`` maps a version to ``steps`` (K,), median ``ms``
    (K,), quartiles ``q1`` and ``q3`` (K,) of its training step at each
    length, and the line (``intercept`` ms, ``slope`` ms per step) fitted up
    to ``fitted_to`` steps, drawn from 0 (points past ``fitted_to`` are left
    out); ``empty`` maps a call that does next to nothing to its median ms
    (together, one band from the least to the most). Lower panel: ``per_call``
    maps ``(method, version)`` (method ``"call"``, ``"fit"`` or
    ``"in-graph"``) to ``(k (M,), ms per training step (M,))``. Returns the
    ``Figure``.
    """
    if not lines or not per_call:
        raise ValueError("lines and per_call must each hold at least one series")
    use_style()
    fig, (upper, lower) = plt.subplots(2, 1, figsize=(6.4, 9.0), layout="constrained")
    _length_panel(upper, lines, empty)
    _per_call_panel(lower, per_call, list(lines))
    upper.legend(fontsize=9, loc="upper left")
    return fig


def roofline(sizes, rates: dict, reference: dict):
    """Achieved multiply-adds per second against the hidden size (log-log).

    ``sizes`` (K,) hidden sizes; ``rates`` maps a version to its rate at
    each size (K,), in billions per second, drawn as solid lines with
    markers; ``reference`` maps the matrix products alone (the machine's
    rate on the same work) to theirs, drawn dashed. Returns the ``Figure``.
    """
    if not rates:
        raise ValueError("rates must hold at least one version")
    use_style()
    fig, ax = plt.subplots(figsize=(6.4, 5.0), layout="constrained")
    for i, (label, values) in enumerate(rates.items()):
        style = series_style(i)
        ax.plot(sizes, values, color=style["color"], marker=style["marker"],
                markeredgecolor="black", label=label)
    for j, (label, values) in enumerate(reference.items()):
        ax.plot(sizes, values, color="black", linestyle=LINESTYLES[j + 1], linewidth=1.5,
                label=label)
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xticks(list(sizes))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.yaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax.yaxis.set_minor_formatter(NullFormatter())
    ax.legend(fontsize=9, loc="lower right")
    _label_axes(ax, "hidden units H (log)", "billion multiply-adds per second (log)",
                "Training step, batch 64 × 100 steps")
    return fig
