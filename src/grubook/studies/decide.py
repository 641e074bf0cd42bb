"""Decisions read from result rows: the best rates, groups, seeds that disagree.

A row is one finished task (:func:`grubook.studies.run_task`).
"""

from __future__ import annotations

import statistics

from grubook.analysis import all_exact


def _rows_by_rate(rows, cell: str) -> dict[float, list[dict]]:
    """``{learning rate: [row, ...]}`` for ``cell``'s rows, or a ValueError."""
    by_rate: dict[float, list] = {}
    for row in rows:
        if row["cell"] == cell:
            by_rate.setdefault(row["learning_rate"], []).append(row)
    if not by_rate:
        raise ValueError(f"no rows for cell={cell!r} in the study")
    return by_rate


def best_learning_rate(rows, cell: str) -> float:
    """The starting rate that suits ``cell`` best in a ``rates`` study.

    Most seeds reaching 100 % on the validation set wins; among rates that
    tie, the smaller median number of steps to get there (a seed that never
    gets there counts as infinitely many steps).
    """
    by_rate = _rows_by_rate(rows, cell)

    def score(rate):
        steps = [
            float("inf") if r["steps_to_exact"] is None else r["steps_to_exact"]
            for r in by_rate[rate]
        ]
        reached = sum(s != float("inf") for s in steps)
        return (-reached, statistics.median(steps))

    return min(sorted(by_rate), key=score)  # a tie goes to the smaller rate


def best_rate_by_length(rows, cell: str) -> float:
    """The starting rate that suits ``cell`` best in a ``long-rates`` study.

    Most seeds exact everywhere on the validation length test wins; among
    rates that tie, the most random and hard validation pairs right over
    all lengths and seeds; a tie after that goes to the smaller rate.
    """
    by_rate = _rows_by_rate(rows, cell)
    if any(
        not r.get("sweep") or r["sweep"].get("split") != "validation"
        for r in sum(by_rate.values(), [])
    ):
        raise ValueError("best_rate_by_length decides on validation sweeps only")

    def score(rate):
        sweeps = [r["sweep"] for r in by_rate[rate]]
        right = sum(sum(s["random"]) + sum(s["hard"]) for s in sweeps)
        return (-sum(map(all_exact, sweeps)), -right)

    return min(sorted(by_rate), key=score)


def group_rows(rows, *fields) -> dict:
    """``{(row[f] for f in fields): [row, ...]}``, in the order rows come."""
    groups: dict[tuple, list] = {}
    for row in rows:
        groups.setdefault(tuple(row[f] for f in fields), []).append(row)
    return groups


def exact_by_seed(rows) -> dict[int, bool]:
    """``{seed: exact everywhere?}`` for result rows with a length sweep."""
    return {row["seed"]: all_exact(row["sweep"]) for row in rows}


def discordant_seeds(first: dict, second: dict) -> tuple[int, int]:
    """Seeds where only ``first`` succeeds, and where only ``second`` does.

    ``first`` and ``second`` map the same seeds to True or False (as
    :func:`exact_by_seed` does); the two counts are what
    ``grubook.stats.mcnemar_exact`` compares.
    """
    if set(first) != set(second):
        raise ValueError("first and second must cover the same seeds")
    return (
        sum(first[s] and not second[s] for s in first),
        sum(second[s] and not first[s] for s in first),
    )

