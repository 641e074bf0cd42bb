"""TensorFlow's pooling CPU allocator against its default (``python -m grubook.bench allocator``).

The allocator is a setting of the whole process (``process.pooled_allocator``),
so two allocators cannot be timed in the same rounds of one process. This
study runs the benchmark at 64 × 1,000 (training step; the fused XLA step
and Keras's GRU in both conventions) in fresh processes, in ``--pairs``
pairs: one process with TensorFlow's default allocator and one with its
pool, which of the two runs first alternating from pair to pair. The
chapter compares each pair's medians (:func:`pair_ratios`). Both processes
run with oneDNN off (``process.WITHOUT_ONEDNN``): with it on, TensorFlow's
default allocator pools too, and there would be nothing to compare.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from grubook.bench.budget import Budget, load_study, parse_study_arguments, run_within, study_writer
from grubook.bench.headline import run_record
from grubook.bench.process import WITHOUT_ONEDNN, check_recorded_allocator, process_flags
from grubook.bench.rows import rows_from_json

SHAPE = (64, 1000)
"""Long numbers: the shape whose step builds buffers of megabytes at every call."""
ALLOCATOR_VARIANTS = ("fused + XLA", "Keras GRU", "Keras GRU, reset after")
"""The book's fastest at this shape and Keras's fastest in either convention."""

load = load_study
"""A stored allocator study: ``(everything but the rows, rows)``; a row is one process."""


def run_command(seed: int, rounds: int, out: str, pooled: bool,
                multi_thread: bool = False) -> list[str]:
    """The command line of one process: the benchmark at :data:`SHAPE`."""
    command = [sys.executable, "-m", "grubook.bench", "--shapes", f"{SHAPE[0]}x{SHAPE[1]}",
               "--modes", "train", "--variants", *ALLOCATOR_VARIANTS,
               "--rounds", str(rounds), "--seed", str(seed), "--out", out]
    return command + process_flags(multi_thread, default_allocator=not pooled)


def pair_order(pair: int) -> tuple[bool, bool]:
    """Which side runs first in pair ``pair``: ``(False, True)``, then the reverse, alternating."""
    return (False, True) if pair % 2 == 0 else (True, False)


def pair_processes(pairs: int, command, budget: Budget, environment=lambda side: WITHOUT_ONEDNN,
                   check=check_recorded_allocator):
    """Run ``pairs`` pairs of fresh processes, one per side of a setting, the first alternating.

    The sides are False and True (here, the pool off and on).
    ``command(pair, side, out)`` is one process's command line, writing its
    study to ``out``; ``environment(side)`` the variables set for it (here
    oneDNN off, :data:`WITHOUT_ONEDNN`, for both); ``check(label, side,
    stored)`` refuses a process that did not run as asked (here
    ``process.check_recorded_allocator``). Yields ``(pair, side, stored,
    rows)`` per process, the study split by ``load_study``; stops early when
    the budget is spent. Shared by the allocator, page-fault and oneDNN studies.
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
    """One process of the study (a stored row): each variant's median seconds per call."""
    return {r.variant: r.median_seconds for r in rows_from_json(row["timings"])}


def pair_ratios(rows: list[dict], variant: str, side: str = "pooled_allocator") -> list[float]:
    """For each finished pair, ``variant``'s median time in the process whose ``row[side]`` is
    True over that in the one where it is False (here, pooled over default)."""
    medians = {(row["pair"], row[side]): process_medians(row)[variant] for row in rows}
    pairs = sorted({pair for pair, _ in medians})
    return [float(medians[p, True] / medians[p, False]) for p in pairs
            if (p, True) in medians and (p, False) in medians]


def main(argv=None) -> None:
    """Time the long training step under each allocator in fresh processes, pair by pair."""
    args = parse_study_arguments(
        "allocator", main.__doc__, argv, rounds=5,
        counts=[("--pairs", 6, "pairs of processes")],
        check=lambda a: ("--default-allocator does not apply: every pair times both allocators"
                         if a.default_allocator else None))
    budget = Budget(args.budget)
    write = study_writer(args, "allocator", argv, budget,
                         {"shape": list(SHAPE), "process_environment": WITHOUT_ONEDNN})
    rows = []
    processes = pair_processes(args.pairs, lambda pair, pooled, out: run_command(
        pair, args.rounds, out, pooled, args.xla_multi_thread), budget)
    for pair, _, stored, timings in processes:
        rows.append({"pair": pair, **run_record(stored, timings)})
        write(rows, False)
        if sum(row["pair"] == pair for row in rows) == 2:
            ratios = pair_ratios(rows, ALLOCATOR_VARIANTS[0])
            print(f"pair {pair}: {ALLOCATOR_VARIANTS[0]}, pooled / default = {ratios[-1]:.2f}",
                  flush=True)
    write(rows, len(rows) == 2 * args.pairs)
