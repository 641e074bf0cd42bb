"""Chapter 6's figure (making it fast): the median time per call of each
variant, one panel per shape.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from grubook.plots.style import series_style, use_style

__all__ = ["plot_speed"]


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
