"""The studies as a table: what each trains, and :func:`plan`, its tasks.

A study is a list of *tasks*, one per trained network. A task is a plain
dict (cell, units, recipe, seed, learning rate, steps, pause, lengths to
test, split); :data:`STUDY_PLANS` says, for every study, which cells,
sizes, recipes, rates and pauses it combines, and :func:`plan` spells out
those combinations for the seeds it is given.

Seeds 0 to 9 (:data:`DESIGN_SEEDS`) were used to design the recipes and
to choose learning rates; the studies that judge them use the fresh seeds
10 to 39 (:data:`TEST_SEEDS`).
"""

from __future__ import annotations

from typing import NamedTuple

from grubook._checks import check_int
from grubook.studies.recipes import RECIPES

DESIGN_SEEDS = tuple(range(10))
"""The seeds on which the recipes were designed and the rates chosen."""

TEST_SEEDS = tuple(range(10, 40))
"""Fresh seeds, never used to design anything, on which studies judge."""

STUDY_LENGTHS = (8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096)
"""Operand lengths (bits) of the length test."""

LEARNING_RATES = (3e-3, 1e-2, 3e-2, 1e-1)
"""The starting learning rates the ``rates`` study tries for every cell."""

PAUSES = (4, 16, 32)
"""Blank steps before every column in the task that needs long memory."""

NOISY_BASELINES = {"noisy-rnn": "simple_rnn", "noisy-lstm": "lstm"}
"""The studies that give a baseline the recipes with state noise."""

STUDIES = (
    "rates",
    "long-rates",
    "recipes",
    "baselines",
    "long-baselines",
    *NOISY_BASELINES,
    "sizes",
    "pause-rates",
    "pauses",
)
"""The studies :func:`plan` knows, by name."""

CELLS = ("custom", "simple_rnn", "lstm")
"""The cells the studies compare: the book's GRU, the plain RNN, the LSTM."""


class StudyPlan(NamedTuple):
    """What one study trains: every combination of its fields, for every seed.

    The tasks come in the order cell, units, recipe, rate, pause, seed (the
    seed varies fastest). ``rates`` None: each cell at the rate an earlier
    study chose for it (``plan``'s ``rates``, ``{cell: rate}``).
    ``pauses`` None: the blank steps of ``plan``'s ``pause``. ``tested``:
    whether a length test at ``plan``'s ``lengths`` follows training (on
    ``split``), or no length test (validation only).
    """

    about: str
    cells: tuple[str, ...] = CELLS
    units: tuple[int, ...] = (16,)
    recipes: tuple[str, ...] = ("first-exact",)
    rates: tuple[float, ...] | None = None
    pauses: tuple[int, ...] | None = (0,)
    tested: bool = True
    split: str = "test"


STUDY_PLANS = {
    "rates": StudyPlan(
        "every cell at each rate of LEARNING_RATES, chapter 4's recipe, "
        "validation only",
        rates=LEARNING_RATES,
        tested=False,
    ),
    "long-rates": StudyPlan(
        "every cell with the recipe decay-only at each rate of "
        "LEARNING_RATES, judged by a length test on the validation split, "
        "for best_rate_by_length",
        recipes=("decay-only",),
        rates=LEARNING_RATES,
        split="validation",
    ),
    "recipes": StudyPlan(
        "the book's GRU with every recipe of RECIPES",
        cells=("custom",),
        recipes=tuple(RECIPES),
        rates=(1e-2,),
    ),
    "baselines": StudyPlan(
        "every cell with the recipes first-exact and decay-only, each at "
        "its own best rate in rates",
        recipes=("first-exact", "decay-only"),
    ),
    "long-baselines": StudyPlan(
        "every cell with decay-only at the rates long-rates chose",
        recipes=("decay-only",),
    ),
    **{
        study: StudyPlan(
            f"the {cell} cell at its rate with the recipes noise-only and "
            "robust",
            cells=(cell,),
            recipes=("noise-only", "robust"),
        )
        for study, cell in NOISY_BASELINES.items()
    },
    "sizes": StudyPlan(
        "the book's GRU with 1 to 8 units, chapter 4's recipe",
        cells=("custom",),
        units=tuple(range(1, 9)),
        rates=(1e-2,),
    ),
    "pause-rates": StudyPlan(
        "every cell at the rates 3e-3, 1e-2 and 3e-2 on the paused task "
        "with pause blank steps, validation only",
        rates=LEARNING_RATES[:3],
        pauses=None,
        tested=False,
    ),
    "pauses": StudyPlan(
        "every cell on the paused task with each of PAUSES, each at its own "
        "rate from pause-rates",
        pauses=PAUSES,
    ),
}
"""Every study :func:`plan` knows, by name, in the order of :data:`STUDIES`."""


def plan(
    study: str,
    seeds,
    rates=None,
    steps=None,
    lengths=STUDY_LENGTHS,
    pause=None,
) -> list[dict]:
    """The tasks of ``study`` (a key of :data:`STUDY_PLANS`) for ``seeds``.

    ``rates`` (``{cell: rate}``) gives each cell its rate in the studies
    that read one from an earlier study: ``baselines`` and the noisy ones
    from ``rates``, ``long-baselines`` from ``long-rates``, ``pauses`` from
    ``pause-rates``. ``pause`` (only for ``pause-rates``) is its number of
    blank steps (None: the longest of :data:`PAUSES`). ``steps`` (None:
    each recipe's own) and ``lengths`` (each >= 4) shorten a study, for
    example to try it. Give ``pauses`` short ``lengths`` (the book uses 8,
    32 and 128 bits: at 4,096 bits and 32 blank steps one pair is a
    sequence of 135,201 steps, and a batch of 1,000 of them does not fit
    in memory).
    """
    lengths = [check_int(n, "lengths[i]", minimum=4) for n in lengths]
    if pause is not None and study != "pause-rates":
        raise ValueError(f"pause is an option of pause-rates only, got study={study!r}")
    rate_pause = max(PAUSES) if pause is None else check_int(pause, "pause", minimum=1)
    if study not in STUDY_PLANS:
        raise ValueError(f"study must be one of {STUDIES}, got {study!r}")
    spec = STUDY_PLANS[study]
    if spec.rates is None and rates is None:
        raise ValueError(f"the {study} study needs rates={{cell: rate}}")
    return [
        {
            "cell": cell,
            "units": units,
            "recipe": recipe,
            "seed": seed,
            "learning_rate": rates[cell] if rate is None else rate,
            "steps": steps,
            "pause": blank,
            "lengths": list(lengths) if spec.tested else [],
            "split": spec.split,
        }
        for cell in spec.cells
        for units in spec.units
        for recipe in spec.recipes
        for rate in spec.rates or (None,)
        for blank in spec.pauses or (rate_pause,)
        for seed in seeds
    ]
