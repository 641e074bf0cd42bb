"""TensorFlow's pooling CPU allocator against its default (``python -m grubook.bench allocator``).

The allocator is a setting of the whole process (``process.pooled_allocator``),
so two allocators cannot be timed in the same rounds of one process. This
study runs the benchmark at 64 × 1,000 (training step; the fused XLA step
and Keras's GRU in both conventions) in fresh processes, in ``--pairs``
pairs: one process with TensorFlow's default allocator and one with its
pool, which of the two runs first alternating from pair to pair. The
chapter compares each pair's medians (``pairs.pair_ratios``). Both processes
run with oneDNN off (``process.WITHOUT_ONEDNN``): with it on, TensorFlow's
default allocator pools too, and there would be nothing to compare.
"""

from __future__ import annotations

import sys

from grubook.bench.budget import Budget, load_study, parse_study_arguments, study_writer
from grubook.bench.headline import run_record
from grubook.bench.pairs import pair_processes, pair_ratios
from grubook.bench.process import WITHOUT_ONEDNN, check_recorded_allocator, process_flags

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


def allocator_processes(pairs: int, command, budget: Budget):
    """``pairs.pair_processes`` with the pool off (False) and on (True): every process runs
    with oneDNN off (:data:`WITHOUT_ONEDNN`) and must record the allocator it was asked for
    (``process.check_recorded_allocator``). Shared with the page-fault study."""
    return pair_processes(pairs, command, budget, environment=lambda pooled: WITHOUT_ONEDNN,
                          check=check_recorded_allocator)


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
    processes = allocator_processes(args.pairs, lambda pair, pooled, out: run_command(
        pair, args.rounds, out, pooled, args.xla_multi_thread), budget)
    for pair, _, stored, timings in processes:
        rows.append({"pair": pair, **run_record(stored, timings)})
        write(rows, False)
        if sum(row["pair"] == pair for row in rows) == 2:
            ratios = pair_ratios(rows, ALLOCATOR_VARIANTS[0], "pooled_allocator")
            print(f"pair {pair}: {ALLOCATOR_VARIANTS[0]}, pooled / default = {ratios[-1]:.2f}",
                  flush=True)
    write(rows, len(rows) == 2 * args.pairs)
