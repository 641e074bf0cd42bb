"""oneDNN's kernels on and off, in pairs of fresh processes (``python -m grubook.bench onednn``).

On x86 CPUs TensorFlow can run its oneDNN kernels, and does by default on
some (``process.onednn_enabled``); ``TF_ENABLE_ONEDNN_OPTS``, read when
TensorFlow starts, turns them on (``1``) or off (``0``), and oneDNN's
allocator with them. The setting holds for a whole process, so this study
runs the training step at :data:`SHAPE` for :data:`ONEDNN_VARIANTS` in
``--pairs`` pairs of fresh processes, one with oneDNN off and one with it
on, which of the two runs first alternating (``pairs.pair_processes``).
Every process pools memory and runs XLA on one thread, as the headline
does, and first records a digest of each XLA step's optimised HLO
(:func:`program_digests`): equal digests on both sides mean oneDNN did not
change the optimised program (up to :func:`normalised_program`'s
renumbering), so any effect of it lies below that program.

A row is one process: ``{"pair", "xla_flags", "pooled_allocator",
"onednn", "wall_seconds", "timings", "programs"}`` (``timings`` as the
benchmark stores them, ``programs`` maps each XLA variant to its digest).
"""

from __future__ import annotations

import hashlib
import re
import sys

from grubook.bench.budget import Budget, load_study, parse_study_arguments, study_writer
from grubook.bench.headline import run_record
from grubook.bench.pairs import pair_processes
from grubook.bench.process import WITHOUT_ONEDNN, process_flags

SHAPE = (64, 9)
"""The training shape, where the book's step misses its target against Keras's by a little."""
ONEDNN_VARIANTS = ("fused + XLA", "Keras GRU + XLA", "Keras GRU, reset after + XLA",
                   "Keras GRU")
"""The book's fastest at this shape, Keras's XLA steps in both conventions and its plain step."""
SIDES = {False: WITHOUT_ONEDNN, True: {"TF_ENABLE_ONEDNN_OPTS": "1"}}
"""oneDNN off and on: the variables set for each side's process."""

load = load_study
"""A stored study: ``(everything but the rows, rows)``; a row is one process."""


def normalised_program(hlo: str) -> str:
    """An XLA program's text without what differs between processes that compiled the same
    program: each instruction's ``metadata`` (TensorFlow's op names and source files), and
    every number after an underscore, written as N (``while_body_1382`` becomes
    ``while_body_N``). Two programs that differ only in such numbers (``%param_0`` for
    ``%param_1``) come out the same."""
    return re.sub(r"_\d+", "_N", re.sub(r", metadata=\{[^}]*\}", "", hlo))


def program_digests(variants=ONEDNN_VARIANTS, shape=SHAPE, seed: int = 0) -> dict[str, str]:
    """``{variant: sha256}`` of each XLA variant's training step at ``shape`` as XLA optimised
    it (:func:`normalised_program`); variants not compiled with XLA are left out."""
    import tensorflow as tf

    from grubook.bench.runners import make_runner, problems, quiet_retracing
    from grubook.bench.variants import VARIANT_SPECS, build_variant_models

    compiled = [v for v in variants if VARIANT_SPECS[v].runtime == "xla"]
    models = build_variant_models(16, seed, compiled)
    x, y = (tf.constant(a) for a in problems(*shape, seed))
    digests = {}
    with quiet_retracing():
        for variant in compiled:
            step = make_runner(variant, "train", models)
            hlo = step.experimental_get_compiler_ir(x, y)(stage="optimized_hlo")
            digests[variant] = hashlib.sha256(normalised_program(hlo).encode()).hexdigest()
    return digests


def process_command(pair: int, rounds: int, out: str, multi_thread: bool = False) -> list[str]:
    """The command line of one process of the study (``--in-process``), the pool on."""
    return [sys.executable, "-m", "grubook.bench", "onednn", "--in-process",
            "--seed", str(pair), "--rounds", str(rounds), "--out", out,
            *process_flags(multi_thread, default_allocator=False)]


def check_recorded_onednn(label: str, on: bool, recorded: dict) -> None:
    """Raise RuntimeError if a process asked to run oneDNN ``on`` (or off) recorded otherwise."""
    if recorded["onednn"] is not on:
        raise RuntimeError(f"{label}: asked for oneDNN {'on' if on else 'off'}, the process "
                           f"recorded {recorded['onednn']} (TensorFlow without oneDNN on this "
                           "CPU records False whatever is asked)")


def time_in_process(rounds: int, seed: int) -> list[dict]:
    """The benchmark's rows (as JSON) for :data:`ONEDNN_VARIANTS` at :data:`SHAPE`, here."""
    from grubook.bench.rows import rows_to_json
    from grubook.bench.timing import benchmark

    return rows_to_json(benchmark([SHAPE], ONEDNN_VARIANTS, ["train"], rounds=rounds,
                                  seed=seed))


def main(argv=None) -> None:
    """Time the training step at 64 x 9 with oneDNN off and on, in fresh processes, pair by pair."""
    args = parse_study_arguments(
        "onednn", main.__doc__, argv, rounds=10,
        counts=[("--pairs", 6, "pairs of processes")],
        options=[("--in-process", {"action": "store_true",
                                   "help": "time in this process only (one process of a pair)"}),
                 ("--seed", {"type": int, "default": 0, "help": "problems, weights and order"})],
        check=lambda a: ("--default-allocator does not apply: every process pools, as the "
                         "headline's do" if a.default_allocator else None))
    budget = Budget(args.budget)
    if args.in_process:
        from grubook.bench.process import prepare_process

        process = prepare_process(args)
        write = study_writer(args, "onednn", argv, budget,
                             {**process, "programs": program_digests(seed=args.seed)})
        write(time_in_process(args.rounds, args.seed), True)
        return
    write = study_writer(args, "onednn", argv, budget,
                         {"shape": list(SHAPE), "process_environment": {
                             "off": SIDES[False], "on": SIDES[True]}})
    rows = []
    processes = pair_processes(
        args.pairs, lambda pair, on, out: process_command(pair, args.rounds, out,
                                                          args.xla_multi_thread),
        budget, environment=SIDES.__getitem__, check=check_recorded_onednn)
    for pair, on, stored, timings in processes:
        rows.append({"pair": pair, **run_record(stored, timings), "programs": stored["programs"]})
        write(rows, False)
        print(f"pair {pair}, oneDNN {'on' if on else 'off'}: {stored['wall_seconds']:.0f} s",
              flush=True)
    write(rows, len(rows) == 2 * args.pairs)
