"""Tests of chapter 1's figure helpers: the grids and bars show the right numbers."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from grubook.plots import carry_chain_histogram, column_addition  # noqa: E402


def _row(fig, name, steps):
    """The bits shown in one row of a column_addition figure, read back from its texts."""
    by_gid = {text.get_gid(): text.get_text() for text in fig.axes[0].texts}
    return [int(by_gid[f"{name}-{t}"]) for t in range(steps)]


def _carry_in(a, b, t):
    """The carry into bit t of a + b, from Python's integer arithmetic alone."""
    return ((a % 2**t) + (b % 2**t)) >> t


@pytest.mark.parametrize(("a", "b", "n_bits"), [(3, 1, 3), (107, 174, 8), (255, 255, 8), (0, 0, 1)])
def test_column_addition_shows_the_bits_and_carries_of_the_sum(a, b, n_bits):
    fig = column_addition(a, b, n_bits)
    steps = n_bits + 1
    assert _row(fig, "a", steps) == [(a >> t) & 1 for t in range(steps)]
    assert _row(fig, "b", steps) == [(b >> t) & 1 for t in range(steps)]
    assert _row(fig, "sum", steps) == [((a + b) >> t) & 1 for t in range(steps)]
    carries = [_carry_in(a, b, t) for t in range(steps)]
    assert _row(fig, "carry", steps) == carries
    boxes = {p.get_gid() for p in fig.axes[0].patches if p.get_gid()}
    assert boxes == {f"carry-box-{t}" for t, c in enumerate(carries) if c}
    plt.close(fig)


def test_column_addition_of_the_tutorial_example():
    # 3 + 1 = 4: [1,1,0] + [1,0,0] = [0,0,1], carries into steps 1 and 2.
    fig = column_addition(3, 1, 3)
    assert _row(fig, "carry", 4) == [0, 1, 1, 0]
    assert _row(fig, "sum", 4) == [0, 0, 1, 0]
    plt.close(fig)


def test_column_addition_defaults_to_the_wider_operand():
    fig = column_addition(5, 1)  # 5 needs 3 bits: 3 steps plus the carry-out step
    assert _row(fig, "sum", 4) == [0, 1, 1, 0]
    assert "sum-4" not in {text.get_gid() for text in fig.axes[0].texts}
    plt.close(fig)


def test_column_addition_refuses_operands_wider_than_n_bits():
    with pytest.raises(ValueError, match="width"):
        column_addition(300, 1, 8)
    with pytest.raises(ValueError, match="a must be"):
        column_addition(-1, 1, 8)


def test_carry_chain_histogram_bars_are_the_fractions_of_each_set():
    random = np.array([0, 1, 1, 2, 2, 2, 4, 4])
    fig = carry_chain_histogram({"random": random, "adversarial": np.array([4, 4])}, 4)
    bars = fig.axes[0].patches
    assert len(bars) == 2 * 5
    heights = np.array([bar.get_height() for bar in bars]).reshape(2, 5)
    np.testing.assert_allclose(heights[0], [1 / 8, 2 / 8, 3 / 8, 0, 2 / 8])
    np.testing.assert_allclose(heights[1], [0, 0, 0, 0, 1])
    plt.close(fig)


@pytest.mark.parametrize(
    ("chains", "message"),
    [({}, "at least one"), ({"x": np.array([0, 9])}, r"\[0, 4\]"),
     ({"x": np.array([], dtype=int)}, "non-empty"), ({"x": np.array([-1])}, r"\[0, 4\]")],
)
def test_carry_chain_histogram_refuses_bad_input(chains, message):
    with pytest.raises(ValueError, match=message):
        carry_chain_histogram(chains, 4)
