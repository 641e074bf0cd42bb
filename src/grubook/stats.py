"""The uncertainty of every accuracy the book reports, in plain Python.

An exact-match accuracy is k sums right out of n. Its 95 % Clopper-Pearson
interval (:func:`clopper_pearson`) contains the true accuracy in at least
95 % of repetitions, whatever that accuracy is; when no sum is wrong,
:func:`zero_errors_bound` gives the largest error rate that is still
plausible (about 3 / n, the "rule of three"). Two recipes that each
succeed on some of their seeds are compared with Fisher's exact test
(:func:`fisher_exact`), which is exact for small counts such as 10 of 10
against 8 of 10.

Everything is computed from binomial and hypergeometric probabilities with
the standard library (no SciPy): tails are sums of exact terms in log space,
and interval ends are found by bisection, to about 1e-12.
"""

from __future__ import annotations

import functools
import math
import statistics
from typing import NamedTuple

from grubook._checks import check_int, check_one_of, check_positive_int, check_real

__all__ = [
    "Interval",
    "binomial_tail",
    "clopper_pearson",
    "zero_errors_bound",
    "fisher_exact",
    "holm_adjusted",
    "mcnemar_exact",
    "paired_difference_interval",
    "clustered_interval",
    "describe_accuracy",
]


class Interval(NamedTuple):
    """A proportion's estimate ``k / n`` and the ends of its confidence interval."""

    estimate: float
    low: float
    high: float


def _check_counts(k, n) -> tuple[int, int]:
    """``(k, n)`` checked: ints with 0 <= k <= n and n >= 1."""
    k, n = check_int(k, "k", minimum=0), check_positive_int(n, "n")
    if k > n:
        raise ValueError(f"k must be <= n = {n}, got {k}")
    return k, n


def _check_level(level) -> float:
    """A confidence level strictly between 0 and 1."""
    return check_real(level, "level", low=0, high=1, low_open=True, high_open=True)


def _log_binomial_term(i: int, n: int, p: float) -> float:
    """log P(X = i) for X ~ Binomial(n, p), with 0 < p < 1."""
    log_choose = math.lgamma(n + 1) - math.lgamma(i + 1) - math.lgamma(n - i + 1)
    return log_choose + i * math.log(p) + (n - i) * math.log1p(-p)


def binomial_tail(k: int, n: int, p: float, upper: bool) -> float:
    """P(X >= k) if ``upper`` else P(X <= k), for X ~ Binomial(n, p).

    ``k`` and ``n`` are ints with 0 <= k <= n, ``p`` a probability in [0, 1].
    The terms fall away on both sides of the largest one in the tail
    (binomial terms are log-concave), so the sum starts there and stops once
    a term is below 1e-20 of the sum: a few hundred terms even at n = 30,000.
    """
    k, n = _check_counts(k, n)
    if not 0 <= p <= 1:
        raise ValueError(f"p must be in [0, 1], got {p}")
    low, high = (k, n) if upper else (0, k)
    if p in (0, 1):
        certain = 0 if p == 0 else n  # X takes this value with probability 1
        return float(low <= certain <= high)
    peak = min(max(int((n + 1) * p), low), high)
    odds = p / (1 - p)
    up = _relative_terms(peak, high, lambda i: (n - i) / (i + 1) * odds)
    down = _relative_terms(peak, low, lambda i: i / ((n - i + 1) * odds))
    total = math.exp(_log_binomial_term(peak, n, p)) * math.fsum([1.0, *up, *down])
    return min(1.0, total)


def _relative_terms(start: int, stop: int, ratio) -> list[float]:
    """Terms from ``start`` towards ``stop``, relative to the term at ``start``.

    ``ratio(i)`` is term(i ± 1) / term(i); the walk stops at ``stop`` or
    once a term is below 1e-20 of those before it (they only fall from there).
    """
    step = 1 if stop >= start else -1
    terms, term, total = [], 1.0, 1.0
    for i in range(start, stop, step):
        term *= ratio(i)
        terms.append(term)
        total += term
        if term < 1e-20 * total:
            break
    return terms


def _bisect(tail, target: float, increasing: bool) -> float:
    """The p in [0, 1] where the monotone function ``tail(p)`` equals ``target``."""
    low, high = 0.0, 1.0
    for _ in range(60):  # 2**-60 < 1e-18: far below the precision that matters
        middle = (low + high) / 2
        if (tail(middle) < target) == increasing:
            low = middle
        else:
            high = middle
    return (low + high) / 2


def clopper_pearson(k: int, n: int, level: float = 0.95) -> Interval:
    """The Clopper-Pearson ("exact") interval for a proportion, k successes in n.

    The low end is the p at which P(X >= k) = (1 - level) / 2, the high end
    the p at which P(X <= k) = (1 - level) / 2 (0 when k = 0, 1 when k = n),
    for X ~ Binomial(n, p). Returns ``Interval(k / n, low, high)``.
    """
    k, n = _check_counts(k, n)
    tail = (1 - _check_level(level)) / 2
    at_least_k = functools.partial(binomial_tail, k, n, upper=True)  # P(X >= k) at p
    at_most_k = functools.partial(binomial_tail, k, n, upper=False)  # P(X <= k) at p
    low = 0.0 if k == 0 else _bisect(at_least_k, tail, increasing=True)
    high = 1.0 if k == n else _bisect(at_most_k, tail, increasing=False)
    return Interval(k / n, low, high)


def zero_errors_bound(n: int, level: float = 0.95) -> float:
    """The largest error rate consistent, at ``level``, with no error in n trials.

    One-sided: the e with (1 - e)**n = 1 - level, so e = 1 - (1 - level)**(1/n),
    about 3 / n at 95 %. ``n`` is a positive int.
    """
    n = _check_counts(0, n)[1]
    return -math.expm1(math.log1p(-_check_level(level)) / n)


def _log_hypergeometric(a: int, row: int, column: int, total: int) -> float:
    """log P(A = a) for the top-left cell of a 2 x 2 table with fixed margins."""
    return (
        math.lgamma(row + 1)
        - math.lgamma(a + 1)
        - math.lgamma(row - a + 1)
        + math.lgamma(total - row + 1)
        - math.lgamma(column - a + 1)
        - math.lgamma(total - row - column + a + 1)
        - math.lgamma(total + 1)
        + math.lgamma(column + 1)
        + math.lgamma(total - column + 1)
    )


def fisher_exact(k1: int, n1: int, k2: int, n2: int, alternative: str = "greater") -> float:
    """Fisher's exact test of k1 successes in n1 against k2 in n2; returns the p-value.

    ``alternative="greater"``: the probability, with the margins fixed and
    no difference between the two, of k1 or more successes in the first
    group (one-sided: is the first better?). ``"two-sided"``: the
    probability of every table no more likely than the one observed (the
    rule R's ``fisher.test`` uses, with the same relative tolerance 1e-7).
    """
    k1, n1 = _check_counts(k1, n1)
    k2, n2 = _check_counts(k2, n2)
    check_one_of(alternative, "alternative", ("greater", "two-sided"))
    successes, total = k1 + k2, n1 + n2
    tables = range(max(0, successes - n2), min(n1, successes) + 1)
    logs = {a: _log_hypergeometric(a, n1, successes, total) for a in tables}
    if alternative == "greater":
        chosen = [v for a, v in logs.items() if a >= k1]
    else:
        observed = logs[k1]
        chosen = [v for v in logs.values() if v <= observed + 1e-7 * abs(observed) + 1e-12]
    return min(1.0, math.fsum(math.exp(v) for v in chosen))


def mcnemar_exact(wins: int, losses: int, alternative: str = "greater") -> float:
    """The exact McNemar test of two methods run on the same units (seeds).

    ``wins``: units where only the first succeeds; ``losses``: units where
    only the second does (units where both or neither succeed say nothing
    about which is better). ``alternative="greater"`` returns the one-sided
    p-value that the first is better: P(X >= wins) for X ~ Binomial(wins +
    losses, 1/2), the chance of so lopsided a split if the two were equally
    good. ``"two-sided"`` doubles the tail of the larger count (at most 1):
    a difference in either direction. With no discordant unit it is 1.
    """
    wins = check_int(wins, "wins", minimum=0)
    losses = check_int(losses, "losses", minimum=0)
    check_one_of(alternative, "alternative", ("greater", "two-sided"))
    if wins + losses == 0:
        return 1.0
    if alternative == "two-sided":
        tail = binomial_tail(max(wins, losses), wins + losses, 0.5, upper=True)
        return min(1.0, 2 * tail)
    return binomial_tail(wins, wins + losses, 0.5, upper=True)


def _wilson(k: int, n: int, z: float) -> tuple[float, float]:
    """The ends of the Wilson score interval of k successes in n."""
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def paired_difference_interval(
    both: int, only_first: int, only_second: int, neither: int,
    level: float = 0.95,
) -> Interval:
    """The difference of two success rates measured on the same units, with
    Newcombe's interval (his method 10, the hybrid score interval for
    paired data, 1998).

    The counts are the four cells of the paired table: units (seeds) where
    both methods succeed, only the first, only the second, neither. The
    estimate is ``(only_first - only_second) / n``, the first method's
    success rate minus the second's. Each rate gets its Wilson score
    interval, and the two are combined with the correlation ``phi`` of the
    table (continuity-corrected as Newcombe does: ``ad - bc`` moves
    ``n / 2`` towards 0, and is taken as 0 when it is between 0 and
    ``n / 2``). Returns :class:`Interval` (estimate, low, high), in [-1, 1].
    """
    a = check_int(both, "both", minimum=0)
    b = check_int(only_first, "only_first", minimum=0)
    c = check_int(only_second, "only_second", minimum=0)
    d = check_int(neither, "neither", minimum=0)
    n = a + b + c + d
    if n == 0:
        raise ValueError("the four counts must not all be 0")
    z = statistics.NormalDist().inv_cdf((1 + _check_level(level)) / 2)
    p1, p2 = (a + b) / n, (a + c) / n
    (l1, u1), (l2, u2) = _wilson(a + b, n, z), _wilson(a + c, n, z)
    margins = (a + b) * (c + d) * (a + c) * (b + d)
    cross = a * d - b * c
    corrected = cross - n / 2 if cross > n / 2 else (cross if cross < 0 else 0)
    phi = corrected / math.sqrt(margins) if margins else 0.0
    below = math.sqrt(max(0.0, (p1 - l1) ** 2 - 2 * phi * (p1 - l1) * (u2 - p2)
                          + (u2 - p2) ** 2))
    above = math.sqrt(max(0.0, (u1 - p1) ** 2 - 2 * phi * (u1 - p1) * (p2 - l2)
                          + (p2 - l2) ** 2))
    estimate = p1 - p2
    return Interval(estimate, max(-1.0, estimate - below), min(1.0, estimate + above))


def holm_adjusted(p_values) -> list[float]:
    """Holm's step-down adjustment of several tests' p-values, in their order.

    With m tests, the i-th smallest p-value (i = 1..m) is multiplied by
    m - i + 1, then made no smaller than the adjusted value before it (and
    at most 1). Rejecting every test whose adjusted p-value is below 0.05
    keeps the chance of *any* false rejection among the m tests below 5 %,
    whichever of them are true.
    """
    values = [float(p) for p in p_values]
    if not values or any(not 0 <= p <= 1 for p in values):
        raise ValueError(f"p_values must be a non-empty list of numbers in [0, 1], got {values}")
    m = len(values)
    adjusted = [0.0] * m
    running = 0.0
    for rank, i in enumerate(sorted(range(m), key=values.__getitem__)):
        running = max(running, min(1.0, (m - rank) * values[i]))
        adjusted[i] = running
    return adjusted


def _as_list(values, name: str) -> list:
    """``values`` as a list of its entries, or a TypeError naming ``name``."""
    try:
        return list(values)
    except TypeError:
        raise TypeError(
            f"{name} must be a sequence of ints, one per problem, got "
            f"{type(values).__name__}"
        ) from None


def clustered_interval(right, total, level: float = 0.95) -> Interval:
    """An interval for an accuracy over steps that come in independent groups.

    ``right[i]`` of the ``total[i]`` steps of problem ``i`` are right (two
    sequences of ints, one entry per problem). Steps of one problem share a
    hidden state and are not independent; problems are. The estimate is
    ``sum(right) / sum(total)``; the interval is the normal one around it
    with the standard error of a ratio over independent clusters,
    ``sqrt(m / (m - 1) * sum((right[i] - p * total[i]) ** 2)) / sum(total)``
    for ``m`` problems. The quantile is the normal one, which suits many
    problems (the book uses hundreds); with a few dozen or fewer the
    interval is too narrow. It needs at least two problems whose accuracies
    differ: when every problem scores the same the standard error is 0 and
    says nothing, so count problems with :func:`clopper_pearson` instead.
    """
    right, total = _as_list(right, "right"), _as_list(total, "total")
    if len(right) != len(total):
        raise ValueError(
            f"right and total must have one entry per problem, got "
            f"{len(right)} and {len(total)}"
        )
    if len(right) < 2:
        raise ValueError(f"right needs at least 2 problems, got {len(right)}")
    pairs = []
    for i, (k, n) in enumerate(zip(right, total, strict=True)):
        k = check_int(k, f"right[{i}]", minimum=0)
        n = check_positive_int(n, f"total[{i}]")
        if k > n:
            raise ValueError(f"right[{i}] must be <= total[{i}] = {n}, got {k}")
        pairs.append((k, n))
    if len({k / n for k, n in pairs}) == 1:
        raise ValueError(
            "every problem has the same accuracy, so the clustered standard "
            "error is 0; count whole problems with clopper_pearson instead"
        )
    level = _check_level(level)
    m, steps = len(pairs), sum(n for _, n in pairs)
    estimate = sum(k for k, _ in pairs) / steps
    spread = sum((k - estimate * n) ** 2 for k, n in pairs)
    error = math.sqrt(m / (m - 1) * spread) / steps
    z = statistics.NormalDist().inv_cdf((1 + level) / 2)
    return Interval(
        estimate, max(0.0, estimate - z * error), min(1.0, estimate + z * error)
    )


def describe_accuracy(
    k: int, n: int, level: float = 0.95, compact: bool = False
) -> str:
    """'k/n = p % (95 % interval lo-hi %)', the way the book prints an accuracy.

    ``compact=True`` gives 'k/n (lo-hi %)', for tables. Percentages get one
    decimal, or as many more as it takes for the estimate, and the open end
    of the interval when k is 0 or n, not to print as 0 or 100 % when they
    are not (9996/10000 is 99.96 %, not 100.0 %; the interval of 30000/30000
    starts at 99.99 %, not 100.0 %).
    """
    k, n = _check_counts(k, n)
    estimate, low, high = clopper_pearson(k, n, level)
    shown = [estimate] + [low] * (k == n) + [high] * (k == 0)
    digits = 1
    while any(0 < v < 1 and round(100 * v, digits) in (0, 100) for v in shown):
        digits += 1
    interval = f"{100 * low:.{digits}f}-{100 * high:.{digits}f} %"
    if compact:
        return f"{k}/{n} ({interval})"
    return (
        f"{k}/{n} = {100 * estimate:.{digits}f} % "
        f"({100 * level:.0f} % interval {interval})"
    )
