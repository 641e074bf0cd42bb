"""Every figure of the book, in one visual style.

The palette is Okabe and Ito's, safe for colour-blind readers; every series
also differs by line style or marker so that figures read in grey-scale.
Helpers return the matplotlib ``Figure`` they draw, so that notebooks can
show it and tests can inspect it.

Submodules, one per chapter with figures:

- ``style``: the palette, line styles, markers and hatches; ``use_style``,
  ``series_style`` and the helpers the chapters' figures share.
- ``ch1``: chapter 1, adding numbers: ``column_addition``, ``carry_chain_histogram``.
- ``ch2``: chapter 2, deriving the GRU: ``unrolled_graph``, ``gradient_norm_figure``,
  ``gru_cell_diagram``, ``keep_versus_write``, ``zero_crossings``, ``zero_crossings_figure``.
- ``ch3``: chapter 3, building the cell: ``repeated_product_norms``.
- ``ch4``: chapter 4, training: ``learning_curves``, ``loss_gradients``,
  ``accuracy_curves``.
- ``ch5``: chapter 5, inside the GRU: ``gate_heatmaps``, ``accuracy_vs_length``,
  ``unit_scores``, ``step_curves``.
- ``ch6``: chapter 6, making it fast: ``plot_speed``, ``per_call_floor``, ``roofline``.
- ``ch7``: chapter 7, proved for every length: ``phase_portrait``.
"""

from grubook.plots.ch1 import carry_chain_histogram, column_addition
from grubook.plots.ch2 import (
    gradient_norm_figure,
    gru_cell_diagram,
    keep_versus_write,
    unrolled_graph,
    zero_crossings,
    zero_crossings_figure,
)
from grubook.plots.ch3 import repeated_product_norms
from grubook.plots.ch4 import accuracy_curves, learning_curves, loss_gradients
from grubook.plots.ch5 import accuracy_vs_length, gate_heatmaps, step_curves, unit_scores
from grubook.plots.ch6 import per_call_floor, plot_speed, roofline
from grubook.plots.ch7 import phase_portrait
from grubook.plots.style import (
    HATCHES,
    LINESTYLES,
    MARKERS,
    PALETTE,
    SEQUENTIAL_CMAP,
    series_style,
    use_style,
)

__all__ = [
    "PALETTE",
    "LINESTYLES",
    "MARKERS",
    "SEQUENTIAL_CMAP",
    "use_style",
    "series_style",
    "HATCHES",
    "column_addition",
    "carry_chain_histogram",
    "gradient_norm_figure",
    "gru_cell_diagram",
    "repeated_product_norms",
    "learning_curves",
    "loss_gradients",
    "accuracy_curves",
    "gate_heatmaps",
    "accuracy_vs_length",
    "unit_scores",
    "step_curves",
    "plot_speed",
    "per_call_floor",
    "roofline",
    "zero_crossings",
    "zero_crossings_figure",
    "keep_versus_write",
    "unrolled_graph",
    "phase_portrait",
]
