"""The command line: ``python -m grubook.verify --seeds 10-19 --out FILE``, and
``python -m grubook.verify export --seed 40 --out FILE``."""

from __future__ import annotations

import argparse
import time

from grubook._cli import seed_range
from grubook._results import git_commit, write_results
from grubook.verify.export import export_main
from grubook.verify.seeds import CERTIFY_RECIPES, HISTORIES, LONG_STEPS, certify_seed


def main(argv=None) -> None:
    """Certify the adders of a recipe on many seeds; write the results as JSON.

    ``export`` as the first argument exports one proved adder instead
    (:func:`grubook.verify.export.export_main`).
    """
    import sys

    from grubook.certified import CERTIFIED_RECIPE
    from grubook.studies import RECIPES

    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["export"]:
        return export_main(arguments[1:])

    parser = argparse.ArgumentParser(
        prog="python -m grubook.verify",
        description="Certify the adders of a recipe on many seeds; write the results as JSON. "
        "(python -m grubook.verify export --help: export one proved adder.)",
    )
    parser.add_argument(
        "--seeds", type=seed_range, default="10-19", help="a seed or a range such as 10-19"
    )
    parser.add_argument(
        "--recipes", nargs="+", default=list(CERTIFY_RECIPES), choices=CERTIFY_RECIPES
    )
    parser.add_argument("--out", required=True, help="the JSON file to write")
    args = parser.parse_args(argv)
    seeds = args.seeds
    start, commit = time.perf_counter(), git_commit()
    rows = []
    for recipe in args.recipes:
        for seed in seeds:
            rows.append(certify_seed(recipe, seed))
            row = rows[-1]
            print(f"{recipe} seed {seed}: proved {row['proved']}, long inputs exact "
                  f"{row['long_exact']}, {row['seconds']:.0f} s", flush=True)
    fields = {
        "recipes": {"robust": RECIPES["robust"], "certified": CERTIFIED_RECIPE},
        "seeds": seeds,
        "histories": list(HISTORIES),
        "long_steps": LONG_STEPS,
    }
    write_results(args.out, "grubook.verify", argv, start, fields, rows, "seeds", commit)
