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
