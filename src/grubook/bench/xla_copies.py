"""The copies XLA plans in a differentiated loop, counted at several lengths
(``python -m grubook.bench copies``).

Chapter 6 counts, at 100 steps, the instructions of each XLA while loop's
body that copy a whole ``(T, ...)`` buffer (``bench.xla_loop_buffers``).
If the count per iteration stays the same as ``T`` grows, a loop of ``T``
steps copies ``T`` rows ``T`` times: ``O(T**2)`` planned work. This study
compiles the training step of each of :data:`COPY_VARIANTS` at every length
of :data:`COPY_LENGTHS` (batch 64) and stores the counts; nothing is timed.
Rows: ``{"steps", "variant", "loops": [{"writes", "copies"}, ...]}``.
"""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from grubook.bench.budget import Budget, load_study, parse_study_arguments, study_writer
from grubook.bench.process import prepare_process
from grubook.bench.runners import make_runner, problems, quiet_retracing
from grubook.bench.variants import build_variant_models
from grubook.bench.xla import xla_loop_buffers

COPY_LENGTHS = (100, 250, 500, 1000, 2000)
"""The lengths of the stored timing sweep (``book/data/lengths.json``)."""
COPY_VARIANTS = ("Keras GRU + XLA", "fused + XLA")
"""Keras's XLA training step and the fused layer's."""

load = load_study
"""A stored copies study: ``(everything but the rows, rows)``."""


def count(variant: str, steps: int, models: dict, batch: int = 64) -> list[dict]:
    """``xla_loop_buffers`` of ``variant``'s training step at ``(batch, steps)``."""
    x, y = (tf.constant(a) for a in problems(batch, steps))
    return xla_loop_buffers(make_runner(variant, "train", models), x, y, steps)


def copies_per_iteration(row: dict) -> int:
    """Whole-buffer copies per iteration, summed over a row's loops."""
    return sum(loop["copies"] for loop in row["loops"])


def fitted_exponents(rows, variant: str, lengths) -> np.ndarray:
    """The exponent ``k`` of ``log t = c + k log T`` fitted to each round's times: ``(rounds,)``.

    ``rows`` are timings (``bench.load_rows``) of ``variant``'s training step
    at every length of ``lengths`` (at least two), timed in the same rounds.
    ``k`` is 1 for a cost per step and 2 for one that grows as ``T**2``.
    """
    lengths = sorted(lengths)
    if len(lengths) < 2:
        raise ValueError(f"lengths must hold at least two lengths, got {lengths}")
    per_length = []
    for steps in lengths:
        found = [r.seconds for r in rows if (r.variant, r.steps) == (variant, steps)]
        if not found:
            raise KeyError(f"no timing of {variant!r} at {steps} steps")
        per_length.append(found[0])
    return np.polyfit(np.log(lengths), np.log(np.array(per_length)), 1)[0]


def main(argv=None) -> None:
    """Count the planned copies at every length; with ``--out``, write them as JSON."""
    args = parse_study_arguments("copies", main.__doc__, argv, rounds=None)
    process = prepare_process(args)
    budget = Budget(args.budget)
    write = study_writer(args, "copies", argv, budget, {**process, "batch": 64})
    models = build_variant_models(16, 0, COPY_VARIANTS)
    rows = []
    for steps in COPY_LENGTHS:
        for variant in COPY_VARIANTS:
            if budget.spent():
                break
            with quiet_retracing():
                rows.append({"steps": steps, "variant": variant,
                             "loops": count(variant, steps, models)})
            print(f"{steps:5} steps {variant:16} copies per iteration "
                  f"{copies_per_iteration(rows[-1])}", flush=True)
            write(rows, False)
    write(rows, len(rows) == len(COPY_LENGTHS) * len(COPY_VARIANTS))
