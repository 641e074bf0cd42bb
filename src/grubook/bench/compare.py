"""Comparing two versions' times round by round, with a sign test.

:func:`ratio_spread` takes the ratio of two versions' times in each round
(a :class:`Spread`: median, quartiles and a sign test); :func:`fastest`
and :func:`family_ratio` pick each family's fastest setting on some rounds
and compare them on the others.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from grubook.bench.rows import Timing
from grubook.bench.variants import FAMILIES, LADDER
from grubook.stats import mcnemar_exact


class Spread(NamedTuple):
    """A ratio of two versions' times over the rounds that timed both.

    ``median``, ``q1`` and ``q3`` are the median and quartiles of the
    round-by-round ratios; ``faster`` and ``slower`` count the rounds with a
    ratio below and above 1, of ``rounds`` in all.
    """

    median: float
    q1: float
    q3: float
    faster: int
    slower: int
    rounds: int

    @property
    def p_value(self) -> float:
        """The exact two-sided sign test of "neither is faster" over the rounds."""
        return mcnemar_exact(self.faster, self.slower, "two-sided")


def _row(rows: list[Timing], shape, mode: str, variant: str) -> Timing:
    found = [r for r in rows if ((r.batch, r.steps), r.mode, r.variant) == (tuple(shape), mode,
                                                                           variant)]
    if not found:
        raise KeyError(f"no row for {variant!r} {mode} at {shape}")
    return found[0]


def median_ms(rows: list[Timing], shape, variant: str, mode: str = "train") -> float:
    """``variant``'s median time per call at ``shape`` ``(batch, steps)`` in ``mode``, in ms."""
    return 1e3 * _row(rows, shape, mode, variant).median_seconds


def ratio_spread(rows: list[Timing], shape, variant: str, baseline: str, mode: str = "train",
                 rounds=slice(None)) -> Spread:
    """``variant``'s time over ``baseline``'s, round by round, at ``shape`` (batch, steps).

    The two were timed in the same interleaved rounds, so each round gives
    one ratio; ``rounds`` (a slice) picks the rounds used. Returns their
    :class:`Spread`.
    """
    a = np.asarray(_row(rows, shape, mode, variant).seconds)[rounds]
    b = np.asarray(_row(rows, shape, mode, baseline).seconds)[rounds]
    return spread_of(a / b)


def spread_of(ratios) -> Spread:
    """The :class:`Spread` of round-by-round ``ratios`` ``(rounds,)``, at least one."""
    ratios = np.asarray(ratios, dtype=float)
    if ratios.ndim != 1 or ratios.size == 0:
        raise ValueError(f"ratios must be one value per round, at least one, got shape "
                         f"{ratios.shape}")
    q1, median, q3 = (float(q) for q in np.percentile(ratios, [25, 50, 75]))
    return Spread(median, q1, q3, int(np.sum(ratios < 1)), int(np.sum(ratios > 1)), len(ratios))


SELECTION_ROUNDS = slice(0, None, 2)
"""The rounds that choose each family's fastest setting (even-numbered)."""
REPORT_ROUNDS = slice(1, None, 2)
"""The rounds that measure the chosen settings against each other (odd-numbered)."""


def fastest(rows: list[Timing], family: str, shape, mode: str = "train") -> str:
    """The fastest of a :data:`FAMILIES` family at ``shape``, by the selection rounds.

    Chosen on :data:`SELECTION_ROUNDS` only, so that the rounds that then
    compare the chosen settings (:func:`family_ratio`) did not pick them.
    """
    timed = [r for r in rows if r.variant in FAMILIES[family]
             and ((r.batch, r.steps), r.mode) == (tuple(shape), mode)]
    if not timed:
        raise KeyError(f"no {family} variant timed in {mode} at {shape}")
    return min(timed, key=lambda r: np.median(np.asarray(r.seconds)[SELECTION_ROUNDS])).variant


def sign(spread: Spread, level: float = 0.05) -> int:
    """-1 if the first version is faster (two-sided sign test p < ``level``), +1 if slower.

    0 when the rounds do not tell the two apart.
    """
    if spread.p_value >= level:
        return 0
    return -1 if spread.faster > spread.slower else 1


def ratio_verdict(spread: Spread, level: float = 0.05) -> str:
    """How a ratio of times compares with 1, in words, with its sign test.

    ``"faster in 10 of 10 rounds, p = 0.002"``, ``"slower in ..."``, or
    ``"not told apart (6 of 10 faster, p = 0.75)"`` when :func:`sign` is 0;
    p is the two-sided sign test's.
    """
    p = spread.p_value
    verdict = sign(spread, level)
    if verdict:
        word, count = ("faster", spread.faster) if verdict < 0 else ("slower", spread.slower)
        return f"{word} in {count} of {spread.rounds} rounds, p = {p:.2g}"
    return f"not told apart ({spread.faster} of {spread.rounds} faster, p = {p:.2g})"


def family_ratio(rows: list[Timing], shape, family: str = "book", baseline: str = "Keras",
                 mode: str = "train") -> tuple[str, str, Spread]:
    """The fastest of ``family`` against the fastest of ``baseline`` at ``shape``.

    Returns both variants' names and the ratio's :class:`Spread` over
    :data:`REPORT_ROUNDS`.
    """
    a, b = fastest(rows, family, shape, mode), fastest(rows, baseline, shape, mode)
    return a, b, ratio_spread(rows, shape, a, b, mode, REPORT_ROUNDS)


def ladder(rows: list[Timing], shape, xla: bool, mode: str = "train") -> dict[str, Spread]:
    """Each rung of :data:`LADDER` timed at ``shape`` against the rung below it.

    The rungs with ``" + XLA"`` if ``xla``; a rung not timed at ``shape``
    (the unrolled one on long sequences) is left out, and the next rung is
    compared with the one below that. Returns ``{rung: Spread}`` in ladder
    order, over every round.
    """
    suffix = " + XLA" if xla else ""
    present = {r.variant for r in rows if (r.batch, r.steps, r.mode) == (*shape, mode)}
    rungs = [rung + suffix for rung in LADDER if rung + suffix in present]
    if len(rungs) < 2:
        raise KeyError(f"fewer than two rungs of the ladder{suffix} timed at {shape}")
    return {rung: ratio_spread(rows, shape, rung, below, mode)
            for below, rung in zip(rungs[:-1], rungs[1:], strict=True)}
