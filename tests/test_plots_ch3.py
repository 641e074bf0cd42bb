"""Tests of chapter 3's figure helper: the curves drawn are the norms given."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from grubook.plots import repeated_product_norms  # noqa: E402


def test_repeated_product_norms_draws_each_curve_against_1_to_k_on_a_log_scale():
    curves = {"flat": np.ones(5), "halving": 0.5 ** np.arange(1, 6)}
    fig = repeated_product_norms(curves)
    ax = fig.axes[0]
    assert ax.get_yscale() == "log"
    lines = ax.get_lines()
    assert [line.get_label() for line in lines] == list(curves)
    for line, norms in zip(lines, curves.values(), strict=True):
        np.testing.assert_array_equal(line.get_xdata(), np.arange(1, 6))
        np.testing.assert_array_equal(line.get_ydata(), norms)
    # Series differ by more than colour, so that they read in grey-scale.
    assert lines[0].get_linestyle() != lines[1].get_linestyle()
    assert lines[0].get_marker() != lines[1].get_marker()
    plt.close(fig)


@pytest.mark.parametrize(
    "curves",
    [{}, {"empty": np.array([])}, {"matrix": np.ones((2, 2))}, {"zero": np.array([1.0, 0.0])},
     {"nan": np.array([1.0, np.nan])}],
)
def test_repeated_product_norms_refuses_what_a_log_plot_cannot_show(curves):
    with pytest.raises(ValueError, match="curves"):
        repeated_product_norms(curves)
    plt.close("all")
