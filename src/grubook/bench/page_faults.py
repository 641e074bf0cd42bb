"""Fresh memory pages per training step, under each allocator (``python -m grubook.bench faults``).

``process`` explains why TensorFlow's default CPU allocator can make a step
slow: a large freed buffer goes back to the operating system, and the next
call touches fresh pages: each first touch is a *minor page fault*, which
the kernel answers by zeroing a page (4 KiB, or 2 MiB where it maps huge
pages, so a count of faults is not a count of bytes). This study counts
those faults instead of inferring them from times. In ``--pairs`` pairs of
fresh processes (one per allocator, the first alternating as in the
allocator study), each process runs the training step of :data:`FAULT_VARIANTS` at every shape of
``headline.SHAPES``: :data:`WARMUP_CALLS` untimed calls, then ``--rounds``
rounds of ``--calls`` calls of each variant in turn, reading the process's
count of minor faults (``getrusage``: every thread's, and mostly first
touches of fresh pages here) and the clock around each round. The study
records what a fault stands for on the machine (:func:`memory_system`).
Both processes of a pair run with oneDNN off, as in the allocator study.
"""

from __future__ import annotations

import os
import resource
import sys
import time
from collections.abc import Callable

from grubook.bench.allocator import allocator_processes
from grubook.bench.budget import (
    Budget,
    load_study,
    parse_study_arguments,
    study_writer,
)
from grubook.bench.headline import SHAPES
from grubook.bench.process import WITHOUT_ONEDNN, process_flags

FAULT_VARIANTS = ("fused + XLA", "fused: + unrolled + XLA", "Keras GRU", "Keras GRU + XLA",
                  "Keras GRU, reset after", "Keras GRU, reset after + XLA",
                  "Keras GRU, unrolled")
"""Every setting that was either family's fastest at some shape in the headline runs."""
WARMUP_CALLS = 3
"""Untimed calls of each variant first (tracing, compiling, the first buffers)."""

load = load_study
"""A stored study: ``(everything but the rows, rows)``; a row is one variant at one shape
in one round of one process."""


def memory_system() -> dict:
    """What a fault stands for on this machine: the page size in bytes, the kernel's
    transparent-huge-page mode (None where it has none) and the C library's version."""
    try:
        with open("/sys/kernel/mm/transparent_hugepage/enabled") as file:
            huge = file.read().strip()
    except OSError:
        huge = None
    return {"page_size": resource.getpagesize(), "transparent_hugepages": huge,
            "libc": os.confstr("CS_GNU_LIBC_VERSION") if "CS_GNU_LIBC_VERSION"
            in os.confstr_names else None}


def minor_faults() -> int:
    """Minor page faults of this process so far (pages the kernel mapped in on first touch)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt


def count_faults(function: Callable[[], object], calls: int,
                 clock: Callable[[], float] = time.perf_counter) -> tuple[float, float]:
    """Minor page faults and seconds per call of ``function``, over ``calls`` calls."""
    faults, start = minor_faults(), clock()
    for _ in range(calls):
        function()
    return (minor_faults() - faults) / calls, (clock() - start) / calls


def process_command(pair: int, rounds: int, calls: int, out: str, pooled: bool,
                    multi_thread: bool = False) -> list[str]:
    """The command line of one process of the study: it counts in itself (``--in-process``)."""
    command = [sys.executable, "-m", "grubook.bench", "faults", "--in-process",
               "--seed", str(pair), "--rounds", str(rounds), "--calls", str(calls),
               "--out", out]
    return command + process_flags(multi_thread, default_allocator=not pooled)


def count_in_process(rounds: int, calls: int, seed: int, on_row=None, shapes=SHAPES,
                     variants=FAULT_VARIANTS) -> list[dict]:
    """Count faults and time for ``variants`` at ``shapes`` in this process; return the rows.

    A row is ``{"batch", "steps", "variant", "round", "calls", "faults_per_call",
    "seconds_per_call"}``; ``on_row(rows)`` (if given) is called after each.
    """
    import tensorflow as tf

    from grubook.bench.runners import make_runner, problems, quiet_retracing
    from grubook.bench.variants import build_variant_models, timed_at

    models = build_variant_models(16, seed, variants)
    rows = []
    for batch, steps in shapes:
        x, y = (tf.constant(a) for a in problems(batch, steps, seed))
        runners = {v: make_runner(v, "train", models)
                   for v in timed_at(variants, steps, eager_max_steps=0)}
        with quiet_retracing():
            for run in runners.values():
                for _ in range(WARMUP_CALLS):
                    run(x, y)
            for round_ in range(rounds):
                for variant, run in runners.items():
                    faults, seconds = count_faults(lambda run=run, x=x, y=y: run(x, y), calls)
                    rows.append({"batch": batch, "steps": steps, "variant": variant,
                                 "round": round_, "calls": calls,
                                 "faults_per_call": faults, "seconds_per_call": seconds})
                    if on_row is not None:
                        on_row(rows)
    return rows


def main(argv=None) -> None:
    """Count minor page faults per training step under each allocator, in fresh processes."""
    args = parse_study_arguments(
        "faults", main.__doc__, argv, rounds=3,
        counts=[("--pairs", 2, "pairs of processes"),
                ("--calls", 5, "calls counted together in a round")],
        options=[("--in-process", {"action": "store_true",
                                   "help": "count in this process only (one process of a pair)"}),
                 ("--seed", {"type": int, "default": 0, "help": "problems and weights"})],
        check=lambda a: ("--default-allocator does not apply: every pair counts both "
                         "allocators" if a.default_allocator and not a.in_process else None))
    budget = Budget(args.budget)
    if args.in_process:
        from grubook.bench.process import prepare_process

        process = prepare_process(args)
        write = study_writer(args, "faults", argv, budget, {**process, **memory_system()})
        rows = count_in_process(args.rounds, args.calls, args.seed,
                                on_row=lambda rows: write(rows, False))
        write(rows, True)
        return
    write = study_writer(args, "faults", argv, budget,
                         {"shapes": [list(s) for s in SHAPES], **memory_system(),
                          "process_environment": WITHOUT_ONEDNN})
    rows = []
    processes = allocator_processes(args.pairs, lambda pair, pooled, out: process_command(
        pair, args.rounds, args.calls, out, pooled, args.xla_multi_thread), budget)
    for pair, pooled, stored, counted in processes:
        rows += [{"pair": pair, "pooled_allocator": pooled, "onednn": stored["onednn"],
                  "xla_flags": stored["xla_flags"], **row} for row in counted]
        write(rows, False)
        print(f"pair {pair}, pooled {pooled}: {len(counted)} rows", flush=True)
    write(rows, len({(r["pair"], r["pooled_allocator"]) for r in rows}) == 2 * args.pairs)



def _matching(rows: list[dict], shape, variants=None, pooled=None, rounds=None) -> list[dict]:
    """The rows at ``shape``, of ``variants``, with the pool ``pooled`` and in ``rounds`` (each
    None: any); KeyError if there are none."""
    found = [r for r in rows if (r["batch"], r["steps"]) == tuple(shape)
             and (variants is None or r["variant"] in variants)
             and (pooled is None or r["pooled_allocator"] is pooled)
             and (rounds is None or r["round"] in rounds)]
    if not found:
        raise KeyError(f"no count of {'any variant' if variants is None else list(variants)} "
                       f"at {tuple(shape)} with pooled={pooled}, rounds={rounds}")
    return found


def fault_counts(rows: list[dict], shape, variants=None, pooled=None, rounds=None) -> list[float]:
    """Faults per call of every row at ``shape`` of ``variants``, with the pool ``pooled``, in
    ``rounds`` (each None: any), in the rows' order; KeyError if there are none."""
    return [r["faults_per_call"] for r in _matching(rows, shape, variants, pooled, rounds)]


def last_round_faults(rows: list[dict], shape, variants, pooled: bool) -> list[float]:
    """Per pair: the most faults per call among ``variants`` at ``shape`` in its last round.

    ``rows`` are a stored study's; ``shape`` is ``(batch, steps)``. Returns
    one value per pair that counted ``variants`` with this allocator.
    """
    found = _matching(rows, shape, variants, pooled)
    last = max(r["round"] for r in found)
    pairs = sorted({r["pair"] for r in found})
    return [max(r["faults_per_call"] for r in found if r["pair"] == p and r["round"] == last)
            for p in pairs]
