"""Tests of chapter 2's figure helpers: the curves drawn are the norms given, the
zero crossings are where the values change sign, and the cell diagram carries
the symbols of the equations."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from grubook.plots import (  # noqa: E402
    gradient_norm_figure,
    gru_cell_diagram,
    zero_crossings,
    zero_crossings_figure,
)


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
        ([("p", {"zero": [1.0, 0.0]})], r"panel 'p' must hold finite values > 0, got 0.0"),
        ([("p", {"nan": [1.0, np.nan]})], r"finite values > 0, got nan at index 1"),
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


def test_zero_crossings_of_a_cubic_are_its_roots():
    x = np.linspace(-3, 3, 601)
    roots = zero_crossings(x, (x + 2.0) * (x - 0.5) * (x - 1.7))
    np.testing.assert_allclose(roots, [-2.0, 0.5, 1.7], atol=1e-3)


def test_zero_crossings_ignore_touching_zero_without_a_sign_change():
    x = np.linspace(-1, 1, 201)  # includes 0 exactly
    assert zero_crossings(x, x**2).size == 0
    np.testing.assert_allclose(zero_crossings(x, x**3), [0.0], atol=1e-12)
    assert zero_crossings(x, np.ones_like(x)).size == 0


@pytest.mark.parametrize(
    ("inputs", "values", "message"),
    [
        (np.arange(3.0), np.arange(4.0), r"values must have shape \(3,\)"),
        (np.ones((2, 2)), np.ones((2, 2)), "1-D"),
        (np.array([0.0, 2.0, 1.0]), np.array([1.0, -1.0, 1.0]), "increasing"),
    ],
)
def test_zero_crossings_refuse_bad_input(inputs, values, message):
    with pytest.raises(ValueError, match=message):
        zero_crossings(inputs, values)


def test_zero_crossings_figure_marks_each_crossing_and_counts_them():
    x = np.linspace(-3, 3, 301)
    fig = zero_crossings_figure(x, {"cubic": x**3 - x, "line": x - 1.0},
                                xlabel="x", ylabel="y")
    ax = fig.axes[0]
    markers = {line.get_gid(): line for line in ax.get_lines() if line.get_gid()}
    np.testing.assert_allclose(np.sort(markers["crossings-0"].get_xdata()), [-1, 0, 1],
                               atol=1e-3)
    np.testing.assert_allclose(markers["crossings-1"].get_xdata(), [1.0], atol=1e-3)
    assert np.all(markers["crossings-0"].get_ydata() == 0)
    labels = [text.get_text() for text in fig.legends[0].get_texts()]
    assert labels == ["cubic: 3 sign changes", "line: 1 sign change"]
    # later markers are smaller, so a shared crossing shows both
    assert markers["crossings-1"].get_markersize() < markers["crossings-0"].get_markersize()
    assert ax.get_xlabel() == "x" and ax.get_ylabel() == "y"
    plt.close(fig)
    with pytest.raises(ValueError, match="at least one"):
        zero_crossings_figure(x, {}, xlabel="x", ylabel="y")


def test_keep_versus_write_draws_gradient_against_kept_and_the_diagonal():
    import pytest

    from grubook.plots import keep_versus_write

    fig = keep_versus_write([0.9, 1e-6, 0.1, 0.95], [0.95, 3e-6, 0.2, 0.99],
                            ["b=-6", "b=0", "b=-3", ""], steps=150)
    (ax,) = fig.axes
    lines = {line.get_label(): line.get_xydata() for line in ax.get_lines()}
    np.testing.assert_allclose(lines[r"$\|\partial h_T / \partial h_0\|_2$"],
                               [[1e-6, 3e-6], [0.1, 0.2], [0.9, 0.95], [0.95, 0.99]])
    diagonal = lines["gradient = share kept"]
    np.testing.assert_allclose(diagonal[:, 0], diagonal[:, 1])
    assert diagonal[0, 0] < 1e-6 and diagonal[1, 0] >= 1
    assert sorted(t.get_text() for t in ax.texts) == ["b=-3", "b=-6", "b=0"]
    assert ax.get_xscale() == ax.get_yscale() == "log" and "150 steps" in ax.get_ylabel()
    with pytest.raises(ValueError, match="point_labels must hold one label per setting"):
        keep_versus_write([0.1, 0.2], [1, 1], ["only one"], steps=10)
    with pytest.raises(ValueError, match="kept"):
        keep_versus_write([0.1, 0.0], [1, 1], ["a", "b"], steps=10)
    with pytest.raises(ValueError, match="gradient"):
        keep_versus_write([0.1, 0.2], [1, 1, 1], ["a", "b"], steps=10)


def test_unrolled_graph_draws_every_step_its_loss_and_the_backward_paths():
    from matplotlib.colors import to_rgba

    from grubook.plots import PALETTE, unrolled_graph

    fig = unrolled_graph(steps=4)
    (ax,) = fig.axes
    patches = {p.get_gid() for p in ax.patches if p.get_gid()}
    assert {f"cell-{t}" for t in range(1, 5)} | {f"loss-{t}" for t in range(1, 5)} == patches
    texts = {t.get_gid(): t for t in ax.texts if t.get_gid()}
    assert [texts[f"input-{t}"].get_text() for t in range(1, 5)] == [
        "$x_{1}$", "$x_{2}$", "$x_{3}$", "$x_{4}$"]
    assert texts["total"].get_text() == r"$\mathcal{L} = \mathcal{L}_1 + \cdots + \mathcal{L}_{4}$"
    assert texts["label-J-3"].get_text() == r"$J_{3}^\top$"
    backward = {g: t for g, t in texts.items() if g.startswith("backward-")}
    forward = {g: t for g, t in texts.items() if g.startswith("forward-")}
    # one backward path from each loss into its step, one from each step to the one before
    assert sorted(backward) == sorted([f"backward-loss-{t}" for t in range(1, 5)]
                                      + [f"backward-h-{t}" for t in range(1, 5)])
    for arrow in backward.values():
        assert arrow.arrow_patch.get_edgecolor() == to_rgba(PALETTE["vermillion"])
        assert arrow.arrow_patch.get_linestyle() != "-"
    for arrow in forward.values():
        assert arrow.arrow_patch.get_edgecolor() == to_rgba(PALETTE["black"])
    # the state runs left to right, the gradient right to left
    (fx0, _), (fx1, _) = forward["forward-h-2"].xyann, forward["forward-h-2"].xy
    (bx0, _), (bx1, _) = backward["backward-h-2"].xyann, backward["backward-h-2"].xy
    assert fx0 < fx1 and bx0 > bx1
    # the loss arrow goes up, its gradient comes down
    assert forward["forward-loss-1"].xy[1] > forward["forward-loss-1"].xyann[1]
    assert backward["backward-loss-1"].xy[1] < backward["backward-loss-1"].xyann[1]
    plt.close(fig)
    small = unrolled_graph(steps=2)
    total = {t.get_gid(): t.get_text() for t in small.axes[0].texts}["total"]
    assert total == r"$\mathcal{L} = \mathcal{L}_{1} + \mathcal{L}_{2}$"
    plt.close(small)
    for bad in (0, 9, 2.5):
        with pytest.raises((ValueError, TypeError), match="steps"):
            unrolled_graph(steps=bad)
