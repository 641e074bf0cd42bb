"""grubook.stats against values computed independently, and against its definitions."""

from __future__ import annotations

import math
import random
from fractions import Fraction

import numpy as np
import pytest

from grubook.stats import (
    binomial_tail,
    clopper_pearson,
    clustered_interval,
    describe_accuracy,
    fisher_exact,
    holm_adjusted,
    mcnemar_exact,
    zero_errors_bound,
)


def exact_binomial_pmf(i: int, n: int, p: Fraction) -> Fraction:
    return math.comb(n, i) * p**i * (1 - p) ** (n - i)


@pytest.mark.parametrize(
    "k, n, p", [(3, 10, Fraction(1, 4)), (0, 7, Fraction(2, 3)), (12, 12, Fraction(9, 10))]
)
def test_binomial_tails_match_exact_fractions(k, n, p):
    upper = sum(exact_binomial_pmf(i, n, p) for i in range(k, n + 1))
    lower = sum(exact_binomial_pmf(i, n, p) for i in range(0, k + 1))
    assert binomial_tail(k, n, float(p), upper=True) == pytest.approx(float(upper), rel=1e-12)
    assert binomial_tail(k, n, float(p), upper=False) == pytest.approx(float(lower), rel=1e-12)


@pytest.mark.parametrize(
    "k, n, low, high",
    [
        (5, 10, 0.1870860, 0.8129140),  # R: binom.test(5, 10)$conf.int
        (0, 10, 0.0, 0.3084971),
        (10, 10, 0.6915029, 1.0),
        (1, 3, 0.008403759, 0.9057007),
    ],
)
def test_clopper_pearson_matches_published_values(k, n, low, high):
    interval = clopper_pearson(k, n)
    assert interval.estimate == k / n
    assert interval.low == pytest.approx(low, abs=1e-7)
    assert interval.high == pytest.approx(high, abs=1e-7)


@pytest.mark.parametrize("k, n", [(1, 256), (200, 256), (255, 256), (4990, 5000)])
def test_interval_ends_solve_their_tail_equations(k, n):
    low, high = clopper_pearson(k, n)[1:]
    assert binomial_tail(k, n, low, upper=True) == pytest.approx(0.025, rel=1e-9)
    assert binomial_tail(k, n, high, upper=False) == pytest.approx(0.025, rel=1e-9)


def test_all_right_has_the_closed_form_low_end():
    assert clopper_pearson(256, 256).low == pytest.approx(0.025 ** (1 / 256), rel=1e-12)


@pytest.mark.parametrize("p", [0.05, 0.3, 0.5, 0.77, 0.99])
def test_interval_covers_the_truth_at_least_95_percent_of_the_time(p):
    n = 25
    coverage = sum(
        math.comb(n, k) * p**k * (1 - p) ** (n - k)
        for k in range(n + 1)
        if clopper_pearson(k, n).low <= p <= clopper_pearson(k, n).high
    )
    assert coverage >= 0.95


def test_a_higher_level_gives_a_wider_interval():
    narrow, wide = clopper_pearson(30, 40, 0.9), clopper_pearson(30, 40, 0.99)
    assert wide.low < narrow.low < narrow.high < wide.high


def test_zero_errors_bound_is_near_the_rule_of_three():
    assert zero_errors_bound(100) == pytest.approx(1 - 0.05 ** (1 / 100), rel=1e-12)
    assert zero_errors_bound(10_000) == pytest.approx(3 / 10_000, rel=0.01)


@pytest.mark.parametrize(
    "counts, alternative, expected",
    [
        ((10, 10, 8, 10), "greater", Fraction(45, 190)),  # only the table observed
        ((10, 10, 8, 10), "two-sided", Fraction(90, 190)),
        ((3, 4, 1, 4), "greater", Fraction(17, 70)),  # Fisher's tea-tasting table
        ((3, 4, 1, 4), "two-sided", Fraction(34, 70)),
        ((5, 5, 5, 5), "greater", Fraction(1)),
    ],
)
def test_fisher_exact_matches_hypergeometric_sums_by_hand(counts, alternative, expected):
    assert fisher_exact(*counts, alternative=alternative) == pytest.approx(
        float(expected), rel=1e-12
    )


def test_fisher_exact_decides_a_large_difference():
    assert fisher_exact(10, 10, 0, 10) < 1e-5


def test_accuracy_is_described_with_its_interval():
    assert describe_accuracy(5, 10) == "5/10 = 50.0 % (95 % interval 18.7-81.3 %)"
    # An accuracy short of 100 % never prints as 100 %, nor one above 0 as 0.
    assert describe_accuracy(9996, 10_000).startswith("9996/10000 = 99.96 % (95 % interval 99.")
    assert describe_accuracy(1, 100_000).startswith("1/100000 = 0.001 % ")
    assert describe_accuracy(10, 10).startswith("10/10 = 100.0 % ")
    assert describe_accuracy(30_000, 30_000, compact=True) == "30000/30000 (99.99-100.00 %)"
    assert describe_accuracy(0, 30_000, compact=True) == "0/30000 (0.00-0.01 %)"
    assert describe_accuracy(np.int64(3), np.int64(3)) == describe_accuracy(3, 3)
    assert describe_accuracy(5, 10, compact=True) == "5/10 (18.7-81.3 %)"


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: clopper_pearson(11, 10), ValueError, "k must be <= n = 10"),
        (lambda: clopper_pearson(-1, 10), ValueError, "k must be an int >= 0"),
        (lambda: clopper_pearson(0, 0), ValueError, "n must be an int >= 1"),
        (lambda: clopper_pearson(2.0, 10), TypeError, "k must be an int"),
        (lambda: clopper_pearson(True, 10), TypeError, "k must be an int"),
        (lambda: clopper_pearson(2, 10, 95), ValueError,
         r"level must be a finite real number in \(0, 1\)"),
        (lambda: zero_errors_bound(0), ValueError, "n must be an int >= 1"),
        (lambda: binomial_tail(2, 10, 1.5, True), ValueError, r"p must be in \[0, 1\]"),
        (lambda: fisher_exact(1, 2, 1, 2, "less"), ValueError, "alternative must be"),
    ],
)
def test_bad_input_is_refused_with_the_argument_named(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_holm_multiplies_the_smallest_p_by_m_and_never_decreases():
    # Checked by hand:
    # sorted 0.01, 0.02, 0.03, 0.5 -> 0.04, max(0.04, 0.06), max(0.06, 0.06), 0.5
    assert holm_adjusted([0.03, 0.01, 0.5, 0.02]) == pytest.approx([0.06, 0.04, 0.5, 0.06])
    assert holm_adjusted([0.9, 0.8]) == [1.0, 1.0]
    assert holm_adjusted([0.2]) == [0.2]
    with pytest.raises(ValueError, match="p_values"):
        holm_adjusted([])
    with pytest.raises(ValueError, match="p_values"):
        holm_adjusted([1.5])


def test_mcnemar_counts_only_the_discordant_units():
    # 7 to 0: every split as lopsided has probability 2**-7.
    assert mcnemar_exact(7, 0) == pytest.approx(2**-7)
    # 10 to 1: P(X >= 10) for Binomial(11, 1/2) = (11 + 1) / 2**11.
    assert mcnemar_exact(10, 1) == pytest.approx(12 / 2**11)
    assert mcnemar_exact(0, 5) == pytest.approx(1.0)
    assert mcnemar_exact(0, 0) == 1.0
    # Two-sided: either direction counts, so the split and its mirror agree.
    assert mcnemar_exact(4, 0, "two-sided") == pytest.approx(2 * 2**-4)
    assert mcnemar_exact(0, 4, "two-sided") == mcnemar_exact(4, 0, "two-sided")
    assert mcnemar_exact(3, 3, "two-sided") == 1.0  # 2 * P(X >= 3) > 1, capped
    with pytest.raises(ValueError, match="alternative"):
        mcnemar_exact(1, 2, "less")
    with pytest.raises(ValueError, match="wins"):
        mcnemar_exact(-1, 2)


def test_clustered_interval_is_wider_than_the_naive_one_when_problems_differ():
    # Ten problems of 20 steps: half of them all right, half all wrong. The
    # steps inside a problem agree, so there are 10 observations, not 200.
    right, total = [20, 0] * 5, [20] * 10
    clustered = clustered_interval(right, total)
    assert clustered.estimate == 0.5
    naive = clopper_pearson(100, 200)
    assert clustered.high - clustered.low > 2 * (naive.high - naive.low)
    # By hand: p = 1/2, sum of squares 10 * 10**2, m / (m - 1) = 10 / 9.
    half_width = 1.959963984540054 * math.sqrt(10 / 9 * 1000) / 200
    assert math.isclose(clustered.high, 0.5 + half_width, rel_tol=1e-12)


def test_clustered_interval_of_independent_steps_is_near_the_binomial_one():
    rng = random.Random(0)
    right = [sum(rng.random() < 0.8 for _ in range(10)) for _ in range(2000)]
    clustered = clustered_interval(right, [10] * 2000)
    exact = clopper_pearson(sum(right), 20000)
    assert abs((clustered.high - clustered.low) / (exact.high - exact.low) - 1) < 0.1


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: clustered_interval([3, 4], [4]), "one entry per problem"),
        (lambda: clustered_interval([3], [4]), "at least 2 problems"),
        (lambda: clustered_interval([4, 4], [4, 4]), "clopper_pearson"),
        (lambda: clustered_interval([1, 5], [4, 4]), r"right\[1\] must be <= total\[1\] = 4"),
        (lambda: clustered_interval([1, 2], [4, 0]), r"total\[1\] must be an int >= 1"),
        (lambda: clustered_interval([1, -2], [4, 4]), r"right\[1\] must be an int >= 0"),
    ],
)
def test_clustered_interval_refuses_what_it_cannot_measure(call, message):
    with pytest.raises(ValueError, match=message):
        call()
    with pytest.raises(TypeError, match="right must be a sequence of ints"):
        clustered_interval(3, [4])


# --- paired_difference_interval (Newcombe's method 10) ---------------------


def _paired_table(rng, n, p_first, p_second, rho_draw):
    """n units; each succeeds with the first method and the second, correlated."""
    shared = rng.random(n)
    own_1, own_2 = rng.random(n), rng.random(n)
    first = np.where(rng.random(n) < rho_draw, shared, own_1) < p_first
    second = np.where(rng.random(n) < rho_draw, shared, own_2) < p_second
    return (int(np.sum(first & second)), int(np.sum(first & ~second)),
            int(np.sum(~first & second)), int(np.sum(~first & ~second)))


def test_paired_interval_with_independent_margins_is_square_and_add():
    # a d = b c makes phi 0: the interval is the difference of two Wilson
    # intervals combined by squares (Newcombe's method 10 for unpaired data).
    from grubook.stats import paired_difference_interval

    a, b, c, d = 4, 4, 6, 6  # a * d == b * c
    n, z = 20, 1.959963984540054
    interval = paired_difference_interval(a, b, c, d)

    def wilson(k):
        p = k / n
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
        return centre - half, centre + half

    p1, p2 = (a + b) / n, (a + c) / n
    (l1, u1), (l2, u2) = wilson(a + b), wilson(a + c)
    assert interval.estimate == pytest.approx(p1 - p2)
    assert interval.low == pytest.approx(p1 - p2 - math.hypot(p1 - l1, u2 - p2))
    assert interval.high == pytest.approx(p1 - p2 + math.hypot(u1 - p1, p2 - l2))


def test_paired_interval_is_antisymmetric_and_narrower_when_units_agree():
    from grubook.stats import paired_difference_interval

    forward = paired_difference_interval(8, 10, 1, 11)
    backward = paired_difference_interval(8, 1, 10, 11)
    assert forward.estimate == pytest.approx(0.3)
    assert (backward.low, backward.high) == pytest.approx((-forward.high, -forward.low))
    assert forward.low < 0.3 < forward.high
    # The same margins with more agreement between the methods (a, d up,
    # b, c down, same difference) give a narrower interval.
    agreeing = paired_difference_interval(14, 9, 0, 7)
    assert agreeing.estimate == pytest.approx(0.3)
    assert agreeing.high - agreeing.low < forward.high - forward.low


@pytest.mark.parametrize("p_first, p_second", [(0.6, 0.3), (0.5, 0.5), (0.9, 0.7)])
def test_paired_interval_covers_the_true_difference_about_95_percent(p_first, p_second):
    from grubook.stats import paired_difference_interval

    rng = np.random.default_rng(7)
    hits = 0
    for _ in range(2000):
        a, b, c, d = _paired_table(rng, 30, p_first, p_second, 0.5)
        interval = paired_difference_interval(a, b, c, d)
        hits += interval.low <= p_first - p_second <= interval.high
    assert 0.92 < hits / 2000 < 0.99


def test_paired_interval_refuses_bad_counts():
    from grubook.stats import paired_difference_interval

    with pytest.raises(ValueError, match="only_first"):
        paired_difference_interval(1, -1, 0, 0)
    with pytest.raises(ValueError, match="all be 0"):
        paired_difference_interval(0, 0, 0, 0)
    with pytest.raises(TypeError, match="both"):
        paired_difference_interval(1.5, 0, 0, 0)
