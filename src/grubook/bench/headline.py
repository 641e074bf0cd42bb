"""The headline ratios from several independent runs (``python -m grubook.bench headline``).

One run of the benchmark gives one estimate of "the book's fastest training
step against Keras's fastest"; stored runs have disagreed. This study runs
the training-step benchmark (``python -m grubook.bench``: both families in
all their settings, :data:`SHAPES`, train mode) ``--runs`` times, each in a
fresh process with its own seed (so its own problems and order of timing),
one after another, and stores every run's rows. The chapter reports each
run's ratio (:func:`run_ratios`) and the spread across runs. ``--shapes``
times some of :data:`SHAPES` only (with more rounds, say, where a target is
close). With
``--xla-multi-thread`` the runs keep XLA's default threading, so that the
single-thread setting can be compared across studies.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from grubook.bench.budget import (
    Budget,
    load_study,
    parse_study_arguments,
    run_within,
    study_writer,
)
from grubook.bench.cli import parse_shape
from grubook.bench.compare import family_ratio
from grubook.bench.process import process_flags
from grubook.bench.rows import rows_from_json
from grubook.bench.variants import FAMILIES

SHAPES = ((64, 9), (64, 1000), (4096, 9))
"""The training shape, long numbers, a large batch (as ``bench.DEFAULT_SHAPES``)."""
HEADLINE_VARIANTS = (*FAMILIES["book"], *FAMILIES["Keras"])
"""Both families in all their settings."""

load = load_study
"""A stored headline study: ``(everything but the rows, rows)``; a row is one run."""


def run_command(seed: int, rounds: int, out: str, multi_thread: bool,
                default_allocator: bool = False, shapes=SHAPES) -> list[str]:
    """The command line of one run: the benchmark in a fresh Python process."""
    command = [sys.executable, "-m", "grubook.bench",
               "--shapes", *(f"{b}x{t}" for b, t in shapes), "--modes", "train",
               "--variants", *HEADLINE_VARIANTS, "--rounds", str(rounds),
               "--seed", str(seed), "--out", out]
    return command + process_flags(multi_thread, default_allocator)


def run_ratios(runs: list[dict], shape) -> list[tuple[str, str, object]]:
    """For each stored run, ``bench.family_ratio`` at ``shape``: (book's, Keras's, Spread)."""
    return [family_ratio(rows_from_json(run["timings"]), tuple(shape)) for run in runs]


def fresh_run(command: list[str], budget: Budget, environment: dict | None = None) -> dict | None:
    """Run ``command`` (the benchmark, ending in ``--out PATH``) in a fresh process.

    ``environment`` is passed to :func:`~grubook.bench.budget.run_within`.
    Returns the run as stored (``"xla_flags"``, ``"pooled_allocator"``,
    ``"onednn"``, ``"wall_seconds"``, ``"timings"``: its rows), or None if the budget
    was spent before or during it (then it is left out).
    """
    if not run_within(command, budget, environment):
        return None
    return run_record(*load_study(command[command.index("--out") + 1]))


def run_record(stored: dict, timings: list) -> dict:
    """One benchmark process as a study stores it: its settings, wall time and rows."""
    return {"xla_flags": stored["xla_flags"], "pooled_allocator": stored["pooled_allocator"],
            "onednn": stored.get("onednn"), "wall_seconds": stored["wall_seconds"],
            "timings": timings}


def main(argv=None) -> None:
    """Run the benchmark several times in fresh processes; write every run's rows as JSON."""
    args = parse_study_arguments(
        "headline", main.__doc__, argv, rounds=10, counts=[("--runs", 3, "independent runs")],
        options=[("--shapes", {"nargs": "+", "type": parse_shape, "default": list(SHAPES),
                               "metavar": "BATCHxSTEPS",
                               "help": "shapes to time, of " + " ".join(
                                   f"{b}x{t}" for b, t in SHAPES) + " (default: all)"})],
        check=lambda a: (f"--shapes must be some of {list(SHAPES)}, got {a.shapes}"
                         if not set(a.shapes) <= set(SHAPES) else None))
    shapes = [s for s in SHAPES if s in set(args.shapes)]
    budget = Budget(args.budget)
    write = study_writer(args, "headline", argv, budget, {"shapes": [list(s) for s in shapes]})
    runs = []
    with tempfile.TemporaryDirectory() as scratch:
        for seed in range(args.runs):
            out = str(Path(scratch) / f"run{seed}.json")
            run = fresh_run(run_command(seed, args.rounds, out, args.xla_multi_thread,
                                        args.default_allocator, shapes), budget)
            if run is None:
                break
            runs.append({"run": seed, "seed": seed, **run})
            rows = rows_from_json(run["timings"])
            write(runs, False)
            for shape in shapes:
                book, keras, spread = family_ratio(rows, shape)
                print(f"run {seed} {shape}: {book} / {keras} = {spread.median:.2f}", flush=True)
    write(runs, len(runs) == args.runs)
