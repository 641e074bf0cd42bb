"""Studies over many trained adders: recipes, baselines, sizes, rates.

A study is a list of *tasks*, one per trained network. A task is a plain
dict (cell, units, recipe, seed, learning rate, lengths to test); running
it trains one adder and measures it. :func:`run_tasks` hands the tasks to
any ``concurrent.futures.Executor``, so the same code runs in worker
processes on a laptop (``--jobs N``) or on a cluster through an existing
engine (for example ``dask.distributed.Client().get_executor()``). Every
worker runs TensorFlow with one thread, so a study gives the same numbers
whatever ``--jobs`` is.

Seeds 0 to 9 (:data:`DESIGN_SEEDS`) were used to design the recipes and
to choose learning rates; the studies that judge them use the fresh seeds
10 to 39 (:data:`TEST_SEEDS`). Decisions read the validation set only;
the length test reads the test set only.

Run ``python -m grubook.studies STUDY --jobs 2 --out FILE`` with STUDY one
of :data:`STUDIES` (``--help`` for the options). Each writes one JSON
file with its command, seeds, versions, wall time and one row per task.

- ``recipes``: the training recipes, one adder trained by a recipe, its bits read fast.
- ``noisy``: cells that jitter their state in training, and adders built with them.
- ``plans``: the studies as a table, and the tasks of a study (``plan``).
- ``run``: one task trained and measured; tasks run on any executor.
- ``decide``: decisions from result rows: best rates, groups, discordant seeds.
- ``cli``: the command line (``main``), run by ``__main__``.
"""

from grubook._results import write_results
from grubook.studies.cli import main
from grubook.studies.decide import (
    best_learning_rate,
    best_rate_by_length,
    discordant_seeds,
    exact_by_seed,
    group_rows,
)
from grubook.studies.noisy import (
    NOISY_CELLS,
    NoisyStateGRUCell,
    NoisyStateLSTMCell,
    NoisyStateSimpleRNNCell,
    StateNoiseMixin,
    build_noisy_adder,
)
from grubook.studies.plans import (
    DESIGN_SEEDS,
    LEARNING_RATES,
    NOISY_BASELINES,
    PAUSES,
    STUDIES,
    STUDY_LENGTHS,
    STUDY_PLANS,
    TEST_SEEDS,
    plan,
)
from grubook.studies.recipes import RECIPES, compiled_bits, train_with_recipe
from grubook.studies.run import run_task, run_tasks

__all__ = [
    "RECIPES",
    "DESIGN_SEEDS",
    "TEST_SEEDS",
    "STUDY_LENGTHS",
    "LEARNING_RATES",
    "PAUSES",
    "NOISY_BASELINES",
    "STUDIES",
    "STUDY_PLANS",
    "StateNoiseMixin",
    "NoisyStateGRUCell",
    "NoisyStateSimpleRNNCell",
    "NoisyStateLSTMCell",
    "NOISY_CELLS",
    "build_noisy_adder",
    "train_with_recipe",
    "compiled_bits",
    "run_task",
    "run_tasks",
    "best_learning_rate",
    "best_rate_by_length",
    "group_rows",
    "exact_by_seed",
    "discordant_seeds",
    "plan",
    "write_results",
    "main",
]
