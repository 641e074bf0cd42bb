"""The rows of timings: built from seconds per round, as JSON, as a table.

A :class:`Timing` is one version at one shape and mode: every round's
seconds, their median, and ratios to each of :data:`BASELINES`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from grubook.bench.variants import BASELINES


@dataclass
class Timing:
    """One row of the table: the median seconds per call and ratios to the baselines."""

    batch: int
    steps: int
    mode: str
    variant: str
    median_seconds: float
    seconds: list[float]
    ratio: dict[str, float]


def timings_to_rows(batch: int, steps: int, mode: str, timed: dict) -> list[Timing]:
    """The rows of one shape and mode from :func:`time_interleaved`'s seconds per round."""
    return rows_from_json([{"batch": batch, "steps": steps, "mode": mode, "variant": v,
                            "seconds": seconds} for v, seconds in timed.items()])


def rows_to_json(rows: list[Timing]) -> list[dict]:
    """The rows as JSON-ready dicts (every round's seconds kept)."""
    return [{"batch": r.batch, "steps": r.steps, "mode": r.mode, "variant": r.variant,
             "seconds": r.seconds} for r in rows]


def rows_from_json(records: list[dict]) -> list[Timing]:
    """Rows back from :func:`rows_to_json`, medians and ratios recomputed.

    Ratios are to each of :data:`BASELINES` timed at the same shape and mode.
    """
    medians = {(r["batch"], r["steps"], r["mode"], r["variant"]): float(np.median(r["seconds"]))
               for r in records}
    rows = []
    for r in records:
        key = (r["batch"], r["steps"], r["mode"])
        ratio = {b: medians[(*key, r["variant"])] / medians[(*key, b)]
                 for b in BASELINES if (*key, b) in medians}
        rows.append(Timing(*key, r["variant"], medians[(*key, r["variant"])],
                           list(r["seconds"]), ratio))
    return rows


def load_rows(path) -> tuple[dict, list[Timing]]:
    """A stored benchmark (``python -m grubook.bench --out``): its fields and its rows."""
    import json

    with open(path) as file:
        stored = json.load(file)
    return stored, rows_from_json(stored["rows"])


def format_table(rows: list[Timing]) -> str:
    """The rows as a text table: shape, mode, variant, median ms, ratios to the baselines."""
    width = max([len("variant"), *(len(r.variant) for r in rows)])
    header = f"{'batch x steps':>14}  {'mode':<7}  {'variant':<{width}}  {'median ms':>10}"
    header += "".join(f"  {'/ ' + b:>18}" for b in BASELINES)
    lines = [header, "-" * len(header)]
    for row in rows:
        line = (
            f"{f'{row.batch} x {row.steps}':>14}  {row.mode:<7}  {row.variant:<{width}}  "
            f"{1e3 * row.median_seconds:>10.2f}"
        )
        line += "".join(
            f"  {row.ratio[b]:>18.2f}" if b in row.ratio else f"  {'-':>18}"
            for b in BASELINES
        )
        lines.append(line)
    return "\n".join(lines)
