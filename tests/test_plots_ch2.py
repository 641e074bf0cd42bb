"""Tests of chapter 2's figure helpers: the curves drawn are the norms given, and
the cell diagram carries the symbols of the equations."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from grubook.plots import gradient_norm_figure, gru_cell_diagram  # noqa: E402


def test_gradient_norm_figure_draws_each_curve_against_its_distance():
    decay = 0.5 ** np.arange(1, 21)
    growth = 3.0 ** np.arange(1, 11)
    fig = gradient_norm_figure([("RNN", {"decay": decay}), ("GRU", {"growth": growth})])
    left, right = fig.axes
    assert left.get_yscale() == right.get_yscale() == "log"
    (line,) = left.get_lines()
    np.testing.assert_array_equal(line.get_xdata(), np.arange(1, 21))
    np.testing.assert_array_equal(line.get_ydata(), decay)
    assert line.get_label() == "decay"
    np.testing.assert_array_equal(right.get_lines()[0].get_xdata(), np.arange(1, 11))
    assert left.get_title() == "RNN" and right.get_title() == "GRU"
    # shared y axis: both panels show the same range
    assert left.get_ylim() == right.get_ylim()
    plt.close(fig)


def test_reference_curves_are_grey_dashed_and_lose_their_prefix():
    norms = np.linspace(1.0, 0.1, 5)
    fig = gradient_norm_figure([("p", {"a": norms, "b": norms, "reference: RNN": norms})])
    lines = fig.axes[0].get_lines()
    labels = [line.get_label() for line in lines]
    assert labels == ["a", "b", "RNN"]
    reference = lines[2]
    assert reference.get_marker() in ("None", None, "")
    assert reference.get_linestyle() == "--"
    # the other series differ by colour, line style and marker (grey-scale readable)
    assert lines[0].get_color() != lines[1].get_color()
    assert lines[0].get_linestyle() != lines[1].get_linestyle()
    assert lines[0].get_marker() != lines[1].get_marker()
    plt.close(fig)


def test_unshared_panels_each_get_a_y_label():
    fig = gradient_norm_figure([("a", {"x": [1.0, 0.5]}), ("b", {"y": [1e-9, 1e-12]})],
                               sharey=False)
    assert all(ax.get_ylabel() for ax in fig.axes)
    assert fig.axes[0].get_ylim() != fig.axes[1].get_ylim()
    plt.close(fig)


@pytest.mark.parametrize(
    ("panels", "message"),
    [
        ([], "at least one"),
        ([("empty", {})], "at least one curve"),
        ([("p", {"zero": [1.0, 0.0]})], "positive"),
        ([("p", {"nan": [1.0, np.nan]})], "positive"),
        ([("p", {"2d": np.ones((2, 2))})], "1-D"),
        ([("p", {"none": []})], "1-D"),
    ],
)
def test_gradient_norm_figure_refuses_what_a_log_axis_cannot_show(panels, message):
    with pytest.raises(ValueError, match=message):
        gradient_norm_figure(panels)
    plt.close("all")


def test_cell_diagram_has_the_equations_symbols():
    fig = gru_cell_diagram()
    ax = fig.axes[0]
    boxes = {p.get_gid() for p in ax.patches if (p.get_gid() or "").startswith("box-")}
    nodes = {p.get_gid() for p in ax.patches if (p.get_gid() or "").startswith("node-")}
    assert boxes == {"box-r", "box-z", "box-h"}
    assert nodes == {"node-reset", "node-one_minus", "node-keep", "node-write", "node-add"}
    labels = {t.get_gid(): t.get_text() for t in ax.texts if t.get_gid()}
    expected = {
        "label-h_prev": r"$h_{t-1}$",
        "label-h": r"$h_t$",
        "label-x": r"$x_t$",
        "label-r": r"$r_t$",
        "label-z": r"$z_t$",
        "label-h_tilde": r"$\tilde h_t$",
        "label-one_minus_z": r"$1 - z_t$",
        "label-reset_h": r"$r_t \odot h_{t-1}$",
    }
    for gid, text in expected.items():
        assert labels[gid] == text
    box_texts = {t.get_text() for t in ax.texts}
    assert {r"$\sigma$", r"$\tanh$", "reset gate", "update gate", "candidate"} <= box_texts
    plt.close(fig)
