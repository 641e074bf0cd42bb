"""Pairs of fresh processes that differ in one process-wide setting.

Some settings hold for a whole process (the CPU allocator, oneDNN's
kernels), so they cannot be timed in the same rounds of one process. A
study then runs pairs of fresh processes, one per side of the setting
(False and True), which side runs first alternating from pair to pair
(:func:`pair_order`), and compares each pair's medians
(:func:`pair_ratios`). Used by the allocator, page-fault and oneDNN studies.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from grubook.bench.budget import Budget, load_study, run_within
from grubook.bench.rows import rows_from_json


def pair_order(pair: int) -> tuple[bool, bool]:
    """Which side runs first in pair ``pair``: ``(False, True)``, then the reverse, alternating."""
    return (False, True) if pair % 2 == 0 else (True, False)


def pair_processes(pairs: int, command: Callable, budget: Budget,
                   environment: Callable[[bool], dict], check: Callable):
    """Run ``pairs`` pairs of fresh processes, one per side, the first alternating.

    ``command(pair, side, out)`` is one process's command line, writing its
    study to ``out``; ``environment(side)`` the variables set for it;
    ``check(label, side, stored)`` raises if the process did not run as
    asked. Yields ``(pair, side, stored, rows)`` per process, the study split
    by ``load_study``; stops early when the budget is spent.
    """
    with tempfile.TemporaryDirectory() as scratch:
        for pair in range(pairs):
            for side in pair_order(pair):
                out = str(Path(scratch) / f"pair{pair}_{int(side)}.json")
                if not run_within(command(pair, side, out), budget, environment(side)):
                    return
                stored, rows = load_study(out)
                check(f"pair {pair}", side, stored)
                yield pair, side, stored, rows


def process_medians(row: dict) -> dict[str, float]:
    """One process of a study (a stored row with ``"timings"``): each variant's median
    seconds per call."""
    return {r.variant: r.median_seconds for r in rows_from_json(row["timings"])}


def pair_ratios(rows: list[dict], variant: str, side: str) -> list[float]:
    """For each finished pair, ``variant``'s median time in the process whose ``row[side]`` is
    True over that in the one where it is False."""
    medians = {(row["pair"], row[side]): process_medians(row)[variant] for row in rows}
    pairs = sorted({pair for pair, _ in medians})
    return [float(medians[p, True] / medians[p, False]) for p in pairs
            if (p, True) in medians and (p, False) in medians]


def over_fastest(row: dict, variant: str, others) -> float:
    """One process: ``variant``'s median time over the fastest median among ``others``."""
    medians = process_medians(row)
    return medians[variant] / min(medians[v] for v in others)
