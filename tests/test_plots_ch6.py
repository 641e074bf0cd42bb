"""Tests of chapter 6's figure helper: the speed plot draws the timings given."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402

from grubook.bench import Timing  # noqa: E402
from grubook.plots import plot_speed  # noqa: E402


def _row(variant, seconds, steps=9, mode="train"):
    return Timing(64, steps, mode, variant, float(np.median(seconds)), seconds, {})


def test_plot_speed_draws_medians_quartiles_and_the_baseline():
    rows = [_row("fused", [0.001, 0.002, 0.003, 0.004, 0.005]),
            _row("Keras GRU", [0.004, 0.004, 0.004, 0.004, 0.004]),
            _row("fused", [0.010, 0.020, 0.030], steps=100)]
    fig = plot_speed(rows)
    short, long = fig.axes
    assert short.get_title() == "batch 64 × 9 steps" and long.get_title() == "batch 64 × 100 steps"
    medians = [line for line in short.get_lines() if line.get_label() == "training step"][0]
    np.testing.assert_allclose(medians.get_xydata(), [[3.0, 0], [4.0, 1]])
    bars = short.collections[0].get_segments()  # first to third quartile, in ms
    np.testing.assert_allclose(bars[0], [[2.0, 0], [4.0, 0]])
    np.testing.assert_allclose(bars[1], [[4.0, 1], [4.0, 1]])
    baseline = [line for line in short.get_lines() if "Keras GRU" in line.get_label()][0]
    np.testing.assert_allclose(baseline.get_xdata(), [4.0, 4.0])
    assert [t.get_text() for t in short.get_yticklabels()] == ["fused", "Keras GRU"]
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert labels == ["quartiles over rounds", "training step", "Keras GRU, training"]

def test_per_call_floor_draws_the_points_lines_and_empty_calls_given():
    import pytest

    from grubook.plots import per_call_floor

    lines = {"fused": {"steps": [1, 2, 4, 8], "ms": [1.0, 1.5, 2.5, 9.0],
                       "q1": [0.9, 1.4, 2.0, 8.0], "q3": [1.2, 1.5, 3.0, 9.5],
                       "intercept": 0.5, "slope": 0.5, "fitted_to": 4}}
    fig = per_call_floor(lines, {"empty call": 0.3, "other": 0.4},
                         {("in-graph", "fused"): ([1, 16], [2.0, 0.5]),
                          ("call", "fused"): ([1], [3.0])})
    upper, lower = fig.axes
    markers = upper.containers[0].lines[0]  # the points past fitted_to are left out
    np.testing.assert_allclose(markers.get_xydata(), [[1, 1.0], [2, 1.5], [4, 2.5]])
    bars = upper.containers[0].lines[2][0].get_segments()
    np.testing.assert_allclose(bars[2], [[4, 2.0], [4, 3.0]])
    fitted = [line.get_xydata() for line in upper.get_lines() if line.get_label().startswith("_")]
    assert any(xy.shape == (2, 2) and np.allclose(xy, [[0, 0.5], [4, 2.5]]) for xy in fitted)
    band = upper.patches[0]  # one band from the least to the most empty call
    bottom, top = band.get_window_extent().transformed(upper.transData.inverted()).intervaly
    np.testing.assert_allclose([bottom, top], [0.3, 0.4])
    in_graph, call = lower.get_lines()
    np.testing.assert_allclose(in_graph.get_xydata(), [[1, 2.0], [16, 0.5]])
    np.testing.assert_allclose(call.get_xydata(), [[1, 3.0]])
    assert in_graph.get_color() == call.get_color()  # one version, one colour
    assert markers.get_color() == in_graph.get_color()  # in both panels
    assert (in_graph.get_linestyle(), call.get_linestyle()) == ("-", "None")
    legend = [t.get_text() for t in lower.get_legend().get_texts()]
    assert legend == ["fused", "one call per step", "in-graph loop of k steps"]
    assert lower.get_xscale() == "log" and lower.get_yscale() == "log"
    with pytest.raises(ValueError, match="lines and per_call"):
        per_call_floor({}, {}, {("in-graph", "fused"): ([1], [1.0])})
