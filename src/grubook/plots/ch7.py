"""Chapter 7's figure (proved for every length): the states of adders in the
plane of their carry, a phase portrait.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from grubook.plots.style import PALETTE, series_style

__all__ = ["phase_portrait"]

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
