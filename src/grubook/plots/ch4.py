"""Chapter 4's figures (training): learning curves, how hard each loss pushes
a wrong bit, and accuracies during one run.
"""

from __future__ import annotations

import matplotlib.pyplot as plt

from grubook._checks import check_series
from grubook.plots.style import _curves_over, _label_axes, series_style

__all__ = ["learning_curves", "loss_gradients", "accuracy_curves"]

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
        steps = check_series(run["steps"], f"runs[{label!r}]['steps']")
        for ax, metric in zip(axes[0], metrics, strict=True):
            values = check_series(run[metric], f"runs[{label!r}][{metric!r}]", length=steps.size)
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
    logits = check_series(logits, "logits", min_length=2)
    if not curves:
        raise ValueError("curves must map at least one loss name to gradient sizes")
    fig, ax = plt.subplots(figsize=(6.0, 3.4))
    for i, (label, values) in enumerate(curves.items()):
        values = check_series(values, f"curves[{label!r}]", length=logits.size)
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
