"""Chapter 3's figure (building the cell): norms of a vector multiplied again
and again by the same matrix.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from grubook._checks import check_series
from grubook.plots.style import series_style

__all__ = ["repeated_product_norms"]


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
        norms = check_series(norms, f"curves[{label!r}]", low=0, low_open=True,
                             finite=True)  # a log scale shows no others
        steps = np.arange(1, norms.size + 1)
        ax.plot(steps, norms, label=label, markevery=max(1, norms.size // 8), markersize=5,
                **series_style(i))
    ax.set_yscale("log")
    ax.set_xlabel("number of products $t$")
    ax.set_ylabel(r"$\|v M^t\|_2$ for a unit vector $v$")
    ax.set_title(title)
    ax.legend(fontsize=9, loc="lower left")
    return fig
