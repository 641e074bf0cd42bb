"""The command line: ``python -m grubook.studies STUDY --jobs 2 --out FILE``.

It plans the study, runs its tasks in worker processes and writes one JSON
file with its command, seeds, versions, wall time and one row per task.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import multiprocessing
import time

from grubook._checks import check_positive_int
from grubook._cli import seed_range
from grubook._results import write_results
from grubook.studies.decide import best_learning_rate, best_rate_by_length
from grubook.studies.plans import STUDIES, STUDY_LENGTHS, plan
from grubook.studies.recipes import RECIPES
from grubook.studies.run import run_tasks


def _rates_from(path: str) -> dict:
    """Each cell's best rate in the rate study stored at ``path``.

    A ``long-rates`` study decides by :func:`best_rate_by_length`, the
    others (``rates``, ``pause-rates``) by :func:`best_learning_rate`.
    """
    with open(path) as file:
        study = json.load(file)
    rows = study["rows"]
    best = best_rate_by_length if study["study"] == "long-rates" else best_learning_rate
    return {cell: best(rows, cell) for cell in sorted({row["cell"] for row in rows})}


def main(argv=None) -> None:
    """Run a study in worker processes and write its results as JSON."""
    parser = argparse.ArgumentParser(
        prog="python -m grubook.studies", description=main.__doc__
    )
    parser.add_argument(
        "study",
        choices=STUDIES,
    )
    parser.add_argument(
        "--seeds",
        type=seed_range,
        default="10-39",
        help="a seed or a range such as 10-39",
    )
    parser.add_argument(
        "--jobs", type=int, default=1, help="worker processes to run at once"
    )
    parser.add_argument(
        "--rates-from",
        help="a rates, long-rates or pause-rates study's JSON: each cell's best rate",
    )
    parser.add_argument(
        "--steps", type=int, help="train every network this many steps"
    )
    parser.add_argument(
        "--lengths",
        type=int,
        nargs="+",
        default=list(STUDY_LENGTHS),
        help="operand lengths of the length test",
    )
    parser.add_argument(
        "--pause",
        type=int,
        help="pause-rates: blank steps before every column (default: the"
        " longest of PAUSES)",
    )
    parser.add_argument("--out", required=True, help="the JSON file to write")
    args = parser.parse_args(argv)
    jobs = check_positive_int(args.jobs, "--jobs")
    seeds = args.seeds
    rates = _rates_from(args.rates_from) if args.rates_from else None
    steps = None if args.steps is None else check_positive_int(args.steps, "--steps")
    tasks = plan(args.study, seeds, rates, steps, args.lengths, args.pause)
    start = time.perf_counter()
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(jobs, mp_context=context) as pool:
        rows = run_tasks(tasks, pool)
    fields = {"study": args.study, "seeds": seeds, "rates": rates, "recipes": RECIPES,
              "jobs": jobs}
    write_results(args.out, "grubook.studies", argv, start, fields, rows, "tasks")

