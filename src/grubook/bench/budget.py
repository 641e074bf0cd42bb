"""A time budget for a study run from the command line, and its results written as they come.

Every ``python -m grubook.bench ITEM`` study takes ``--budget SECONDS``
(default :data:`DEFAULT_BUDGET`): it starts no new round or run once the
budget is spent, writes what it has after every round, and records in the
JSON whether it finished (``"complete"``) and how many rounds it took.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import time

from grubook._results import write_results
from grubook.bench.process import add_process_arguments

DEFAULT_BUDGET = 900.0
"""Seconds a study may run before it stops starting rounds (15 minutes)."""


def add_study_arguments(parser: argparse.ArgumentParser, rounds: int | None) -> None:
    """Add ``--rounds`` (default ``rounds``; None: no such option), ``--budget``, ``--out``
    and the process's settings (``process.add_process_arguments``)."""
    if rounds is not None:
        parser.add_argument("--rounds", type=int, default=rounds,
                            help=f"interleaved rounds (default {rounds})")
    parser.add_argument("--budget", type=float, default=DEFAULT_BUDGET, metavar="SECONDS",
                        help="start no new round after this many seconds "
                        f"(default {DEFAULT_BUDGET:g})")
    parser.add_argument("--out", metavar="PATH",
                        help="write the settings, versions and every round as JSON, "
                        "after each round")
    add_process_arguments(parser)


def add_count_argument(parser: argparse.ArgumentParser, flag: str, default: int,
                       help: str) -> None:
    """Add an int option ``flag`` (such as ``--runs``) that must be at least 1.

    :func:`check_study_arguments` refuses a smaller value, naming the option.
    """
    parser.add_argument(flag, type=int, default=default, help=f"{help} (default {default})")
    parser.set_defaults(_counts=(*(parser.get_default("_counts") or ()), flag))


def check_study_arguments(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Refuse ``--rounds`` or any option of :func:`add_count_argument` below 1, and a
    ``--budget`` that is not positive."""
    for flag in ("--rounds", *getattr(args, "_counts", ())):
        value = getattr(args, flag.lstrip("-").replace("-", "_"), 1)
        if value < 1:
            parser.error(f"{flag} must be an int >= 1, got {value}")
    if not args.budget > 0:
        parser.error(f"--budget must be a number of seconds > 0, got {args.budget}")


def parse_study_arguments(item: str, description: str, argv, rounds: int | None,
                          counts=(), options=(), check=None) -> argparse.Namespace:
    """The checked arguments of the study ``python -m grubook.bench ITEM``.

    Besides the shared options (:func:`add_study_arguments`), ``counts``
    holds ``(flag, default, help)`` for :func:`add_count_argument` and
    ``options`` holds ``(flag, keywords)`` for ``parser.add_argument``;
    ``check(args)`` (optional) returns an error message naming the option,
    or None when the arguments are acceptable.
    """
    parser = argparse.ArgumentParser(prog=f"python -m grubook.bench {item}",
                                     description=description)
    add_study_arguments(parser, rounds=rounds)
    for flag, default, help in counts:
        add_count_argument(parser, flag, default, help)
    for flag, keywords in options:
        parser.add_argument(flag, **keywords)
    args = parser.parse_args(argv)
    check_study_arguments(parser, args)
    problem = check(args) if check is not None else None
    if problem:
        parser.error(problem)
    return args


def run_within(command: list[str], budget: Budget, environment: dict | None = None) -> bool:
    """Run ``command`` in a fresh process unless the budget runs out first; whether it ended.

    ``environment`` (if given) holds variables set for that process on top
    of this one's. A process still running when the budget ends is stopped
    (and its partial output is the caller's to leave out). A failing
    process raises ``subprocess.CalledProcessError``.
    """
    left = budget.deadline - budget.clock()
    if left <= 0:
        return False
    env = None if environment is None else {**os.environ, **environment}
    try:
        subprocess.run(command, check=True, timeout=left, env=env)
    except subprocess.TimeoutExpired:
        print("a process stopped at the budget; it is left out", flush=True)
        return False
    return True


class Budget:
    """The clock of one study: ``deadline`` is ``time.perf_counter()`` at which it stops."""

    def __init__(self, seconds: float, clock=time.perf_counter):
        if not (isinstance(seconds, int | float) and seconds > 0):
            raise ValueError(f"seconds must be a number > 0, got {seconds!r}")
        self.clock = clock
        self.start = clock()
        self.seconds = float(seconds)
        self.deadline = self.start + self.seconds

    def spent(self) -> bool:
        """Whether the budget has run out."""
        return self.clock() > self.deadline


def study_writer(args: argparse.Namespace, item: str, argv, budget: Budget, fields: dict):
    """A function ``write(rows, complete)`` that writes the study's JSON to ``args.out``.

    The file holds the command (``python -m grubook.bench ITEM ...``),
    ``fields`` (a study that runs TensorFlow puts ``process.prepare_process``'s
    settings there), the settings, the XLA flags, the number of CPUs, ``complete``
    (False while rounds remain or when the budget stopped the study) and the
    rows. Without ``--out`` the writer does nothing.
    """
    arguments = [item, *(argv if argv is not None else [])]
    settings = {k: v for k, v in vars(args).items() if k not in ("out", "handler", "_counts")}

    def write(rows: list, complete: bool) -> None:
        if not args.out:
            return
        everything = {"settings": settings, "xla_flags": os.environ.get("XLA_FLAGS", ""),
                      "cpus": os.cpu_count(), "budget_seconds": budget.seconds,
                      "complete": bool(complete), **fields}
        write_results(args.out, "grubook.bench", arguments, budget.start, everything, rows)

    return write


def load_study(path) -> tuple[dict, list]:
    """A study's stored JSON, split: ``(everything but the rows, the rows)``."""
    with open(path) as file:
        stored = json.load(file)
    if "rows" not in stored:
        raise ValueError(f"{path} holds no rows: not a study written by grubook.bench")
    return stored, stored.pop("rows")
