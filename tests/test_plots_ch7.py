"""Tests of chapter 7's figure helper: the phase portrait draws the data given."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from grubook.plots import phase_portrait  # noqa: E402


def _panel(title, shift=0.0):
    points = np.array([[0.0, 0.0], [1.0, 0.5], [2.0, -1.0], [3.0, 1.0]]) + shift
    return {"title": title, "points": points, "carries": np.array([0, 0, 1, 1]),
            "arrows": [(points[0], points[2], 3), (points[2], points[0], 0)],
            "fixed": points[[1, 3]], "path": points[:3], "path_label": "a path"}


def test_phase_portrait_draws_states_arrows_fixed_points_and_path():
    fig = phase_portrait([_panel("one"), _panel("two", shift=5.0)])
    assert [ax.get_title() for ax in fig.axes] == ["one", "two"]
    ax = fig.axes[1]
    scatters = ax.collections
    carry0, carry1, fixed = (np.asarray(c.get_offsets()) for c in scatters)
    np.testing.assert_allclose(carry0, _panel("", 5.0)["points"][:2])
    np.testing.assert_allclose(carry1, _panel("", 5.0)["points"][2:])
    np.testing.assert_allclose(fixed, _panel("", 5.0)["fixed"])
    arrows = [t for t in ax.texts]
    assert len(arrows) == 2
    np.testing.assert_allclose(arrows[0].xy, _panel("", 5.0)["points"][2])
    path = [line for line in ax.get_lines() if line.get_label() == "a path"][0]
    np.testing.assert_allclose(path.get_xydata(), _panel("", 5.0)["points"][:3])
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "input (1, 1)" in labels and "fixed point of one input" in labels


def test_phase_portrait_needs_a_panel():
    with pytest.raises(ValueError, match="panels"):
        phase_portrait([])
