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
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import multiprocessing
import platform
import statistics
import sys
import time

import keras

from grubook._checks import check_int, check_positive_int
from grubook.analysis import all_exact, length_sweep
from grubook.cell import GRUCell

__all__ = [
    "RECIPES",
    "DESIGN_SEEDS",
    "TEST_SEEDS",
    "STUDY_LENGTHS",
    "LEARNING_RATES",
    "PAUSES",
    "NOISY_BASELINES",
    "STUDIES",
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

RECIPES = {
    "first-exact": {"steps": 3000, "stop_at_exact": True},
    "constant": {"steps": 2000},
    "decay-only": {"steps": 2000, "final_learning_rate": 1e-4},
    "noise-only": {"steps": 2000, "state_noise": 0.1},
    "robust": {"steps": 2000, "final_learning_rate": 1e-4, "state_noise": 0.1},
}
"""Training recipes: keyword arguments of ``grubook.train.train_adder``,
plus ``state_noise`` for :func:`build_noisy_adder`.

``first-exact``: chapter 4's recipe, stopped at the first 100 % exact-match
on the validation set (at most 3,000 steps). The others train a fixed
2,000 steps: ``constant`` at the starting rate, ``decay-only`` with the rate
decaying along a cosine to 1e-4, ``noise-only`` with Gaussian noise of
standard deviation 0.1 added to the state at every training step, and
``robust`` with both. All train on operands of 8 bits, batches of 64, with
Adam starting at 1e-2 unless a task says otherwise.
"""

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


def _checked_noise(state_noise) -> float:
    """``state_noise`` as a float, or a ValueError unless it is a number >= 0."""
    if (
        isinstance(state_noise, bool)
        or not isinstance(state_noise, int | float)
        or not (state_noise >= 0)
    ):
        raise ValueError(
            f"state_noise must be a number >= 0, got {state_noise!r}"
        )
    return float(state_noise)


def _jitter(h, state_noise: float, seed_generator, training):
    """``h + state_noise * N(0, 1)`` in training, else ``h``: (B, H) -> (B, H)."""
    if training and state_noise > 0:
        noise = keras.random.normal(keras.ops.shape(h), seed=seed_generator)
        return h + state_noise * noise
    return h


class StateNoiseMixin:
    """What a noisy cell adds to its parent: ``state_noise``, a seeded noise
    source (``noise_seed``, an int or None) and :meth:`jittered_states`."""

    def __init__(
        self,
        units: int,
        state_noise: float = 0.1,
        noise_seed: int | None = None,
        **kwargs,
    ):
        super().__init__(units, **kwargs)
        self.state_noise = _checked_noise(state_noise)
        self.noise_seed = noise_seed
        self.seed_generator = keras.random.SeedGenerator(noise_seed)

    def jittered_states(self, states, training) -> list:
        """The states to read, each ``(B, H)``: jittered in training, else as
        they are; each state gets its own fresh noise, in order."""
        states = list(states) if isinstance(states, (list, tuple)) else [states]
        return [
            _jitter(state, self.state_noise, self.seed_generator, training)
            for state in states
        ]

    def get_config(self):
        return {
            **super().get_config(),
            "state_noise": self.state_noise,
            "noise_seed": self.noise_seed,
        }


class NoisyStateGRUCell(StateNoiseMixin, GRUCell):
    """The book's ``GRUCell`` that jitters the state it reads, in training only.

    At every step it computes the GRU from ``h_{t-1} + state_noise * N(0, 1)``
    instead of ``h_{t-1}`` (``(B, H)`` Gaussian noise, fresh at each step);
    outside training it is exactly ``GRUCell``. A state that must survive
    the noise has to be pulled back to where it belongs at every step.
    ``noise_seed`` (an int or None) seeds Keras's seed generator, so that a
    seeded run draws the same noise every time.
    """

    def call(self, inputs, states, training=None):
        """``inputs`` (B, D), ``states`` [(B, H)] -> output, new states.

        The output is (B, H), the new states [(B, H)].
        """
        h = self.gates(inputs, self.jittered_states(states, training)[0]).h
        return h, [h]


class NoisyStateSimpleRNNCell(StateNoiseMixin, keras.layers.SimpleRNNCell):
    """Keras's plain RNN cell, jittering the state it reads in training only.

    The same noise as :class:`NoisyStateGRUCell`, for the baseline:
    ``h_t = tanh(W x_t + U (h_{t-1} + state_noise * N(0, 1)) + b)`` in
    training, the plain ``SimpleRNNCell`` otherwise. States are (B, H).
    """

    def call(self, sequence, states, training=False):
        """``sequence`` (B, D), ``states`` [(B, H)] -> (B, H), [(B, H)]."""
        return super().call(
            sequence, self.jittered_states(states, training), training=training
        )


class NoisyStateLSTMCell(StateNoiseMixin, keras.layers.LSTMCell):
    """Keras's LSTM cell, jittering both of its states in training only.

    An LSTM's state is two vectors, ``h`` (what the readout and the gates
    read) and the cell ``c`` (its direct path,
    ``c_t = f_t * c_{t-1} + i_t * c~_t``). Each gets its own fresh
    ``state_noise * N(0, 1)`` before the step, so the whole state is
    jittered, as the GRU's is; outside training it is the plain
    ``LSTMCell``. States are [(B, H), (B, H)].
    """

    def call(self, inputs, states, training=False):
        """``inputs`` (B, D), ``states`` [h, c] (B, H) -> (B, H), [h, c]."""
        return super().call(
            inputs, self.jittered_states(states, training), training=training
        )


NOISY_CELLS = {
    "custom": NoisyStateGRUCell,
    "simple_rnn": NoisyStateSimpleRNNCell,
    "lstm": NoisyStateLSTMCell,
}
"""The cells the recipes with state noise can train, by ``build_adder`` name."""


def build_noisy_adder(
    units: int = 16,
    state_noise: float = 0.1,
    seed: int | None = None,
    cell: str = "custom",
    n_inputs: int = 2,
):
    """``build_adder(units, cell=cell, seed=seed)`` with a noisy cell.

    The cell is ``NOISY_CELLS[cell]``: same layers, names and initial
    weights as the plain adder; only training differs. Inputs
    ``(B, T, n_inputs)``, outputs ``(B, T, 1)``.
    """
    from grubook.model import build_adder

    if cell not in NOISY_CELLS:
        raise ValueError(
            f"state noise needs cell in {tuple(NOISY_CELLS)}, got cell={cell!r}"
        )
    plain = build_adder(units, cell=cell, seed=seed, n_inputs=n_inputs)
    inputs = keras.Input(shape=(None, n_inputs), name="bit_pairs")
    noisy = NOISY_CELLS[cell](units, state_noise, noise_seed=seed)
    name = "gru" if cell == "custom" else cell
    states = keras.layers.RNN(noisy, return_sequences=True, name=name)(inputs)
    outputs = keras.layers.Dense(1, activation="sigmoid", name="readout")(
        states
    )
    model = keras.Model(inputs, outputs, name=f"noisy_adder_{cell}_{units}")
    model.set_weights(plain.get_weights())
    return model


def train_with_recipe(
    recipe: str,
    seed: int,
    units: int = 16,
    cell: str = "custom",
    pause: int = 0,
    **overrides,
):
    """Train a new adder with ``RECIPES[recipe]``; returns ``(model, history)``.

    ``cell`` is any of ``grubook.model.CELLS`` (the recipes with state noise
    need one of :data:`NOISY_CELLS`). ``overrides`` replace entries of
    the recipe (such as ``steps`` or ``learning_rate``). ``pause`` > 0
    trains on the paused task (``grubook.data.with_pauses``). Seeds Keras
    (``keras.utils.set_random_seed(seed)``) first, so that a recipe and a
    seed always give the same network.
    """
    import keras

    from grubook.model import build_adder
    from grubook.train import train_adder

    if recipe not in RECIPES:
        raise ValueError(
            f"recipe must be one of {tuple(RECIPES)}, got {recipe!r}"
        )
    seed = check_int(seed, "seed", minimum=0)
    keras.utils.set_random_seed(seed)
    options = {**RECIPES[recipe], **overrides}
    state_noise = options.pop("state_noise", 0.0)
    if state_noise and cell not in NOISY_CELLS:
        raise ValueError(
            f"recipe {recipe!r} adds state noise and needs cell in "
            f"{tuple(NOISY_CELLS)}, got cell={cell!r}"
        )
    n_inputs = 3 if pause else 2
    if state_noise:
        model = build_noisy_adder(
            units, state_noise, seed=seed, cell=cell, n_inputs=n_inputs
        )
    else:
        model = build_adder(units, cell=cell, seed=seed, n_inputs=n_inputs)
    history = train_adder(model, seed=seed, pause=pause, **options)
    return model, history


def compiled_bits(model, pause: int = 0):
    """``x`` float32 ``(B, T, 2)`` -> the model's sum bits ``uint8`` ``(B, T)``.

    (With ``pause=0``, any ``(B, T, D)`` the model reads.) The model runs
    inside one ``tf.function`` (traced again only when the shape of ``x``
    changes), which is much faster on long sequences than
    calling it eagerly step by step. With ``pause`` > 0 the model reads
    ``with_pauses(x, pause)`` and its column steps are returned.
    """
    import numpy as np
    import tensorflow as tf

    from grubook.data import answer_steps, with_pauses

    pause = check_int(pause, "pause", minimum=0)
    predict = tf.function(
        lambda x: answer_steps(model(x, training=False), pause),
        reduce_retracing=True,
    )

    def bits(x):
        if pause:
            x = with_pauses(x, pause)
        probabilities = predict(tf.constant(x, dtype=tf.float32)).numpy()
        return (probabilities[..., 0] > 0.5).astype(np.uint8)

    return bits


def _one_thread_tensorflow() -> None:
    """Run TensorFlow with one thread in this process, once, if still possible.

    A worker's numbers then do not depend on how many workers share the
    machine. In a process whose TensorFlow has already started (such as a
    notebook) the setting cannot change and is left as it is.
    """
    import tensorflow as tf

    try:
        tf.config.threading.set_intra_op_parallelism_threads(1)
        tf.config.threading.set_inter_op_parallelism_threads(1)
    except RuntimeError:
        pass
    tf.config.experimental.enable_op_determinism()


def run_task(task: dict) -> dict:
    """Train the adder that ``task`` describes and measure it; one result row.

    ``task`` holds ``cell``, ``units``, ``recipe``, ``seed``,
    ``learning_rate``, ``steps`` (None: the recipe's), ``pause`` (0: the
    book's task), ``lengths`` (a list, possibly empty) and ``split`` (the
    set the length test reads: "test", or "validation" for a study that
    decides). The row
    repeats them and adds ``steps_trained``, ``steps_to_exact`` (first
    100 % on the validation set, or None), ``validation_exact`` (the last
    validation measurement), ``sweep`` (:func:`grubook.analysis.length_sweep`
    on the test set, or None without lengths) and ``seconds``.
    """
    _one_thread_tensorflow()
    start = time.perf_counter()
    steps = {} if task["steps"] is None else {"steps": task["steps"]}
    model, history = train_with_recipe(
        task["recipe"],
        task["seed"],
        units=task["units"],
        cell=task["cell"],
        pause=task["pause"],
        learning_rate=task["learning_rate"],
        **steps,
    )
    sweep = (
        length_sweep(
            compiled_bits(model, task["pause"]),
            task["lengths"],
            split=task["split"],
        )
        if task["lengths"]
        else None
    )
    return {
        **task,
        "steps_trained": len(history.loss),
        "steps_to_exact": history.steps_to_exact,
        "validation_exact": history.eval_exact[-1],
        "sweep": sweep,
        "seconds": round(time.perf_counter() - start, 1),
    }


def _describe(row: dict) -> str:
    """One line about a finished task, for the log."""
    text = (
        f"{row['cell']:>10} {row['units']:>2} units {row['recipe']:>11} "
        f"pause {row['pause']:>2} "
        f"lr {row['learning_rate']:g} seed {row['seed']:>2}: "
        f"{row['steps_trained']:>4} steps, validation 100 % at "
        f"{row['steps_to_exact']}"
    )
    if row["sweep"] is not None:
        sweep = row["sweep"]
        text += (
            f"; {sweep['split']} at {sweep['lengths'][-1]} bits: random "
            f"{sweep['random'][-1]}/{sweep['n_random']}, hard "
            f"{sweep['hard'][-1]}/{sweep['n_hard']}"
        )
    return text + f" ({row['seconds']} s)"


def run_tasks(tasks, executor=None, log=print) -> list[dict]:
    """Run every task; the result rows in the order of ``tasks``.

    ``executor`` is any ``concurrent.futures.Executor`` (a process pool, a
    cluster's executor); None runs the tasks one after the other here.
    ``log`` receives one line per finished task.
    """
    tasks = list(tasks)
    if executor is None:
        rows = []
        for task in tasks:
            rows.append(run_task(task))
            log(_describe(rows[-1]))
        return rows
    futures = [executor.submit(run_task, task) for task in tasks]
    for future in concurrent.futures.as_completed(futures):
        log(_describe(future.result()))
    return [future.result() for future in futures]


def _rows_by_rate(rows, cell: str) -> dict[float, list[dict]]:
    """``{learning rate: [row, ...]}`` for ``cell``'s rows, or a ValueError."""
    by_rate: dict[float, list] = {}
    for row in rows:
        if row["cell"] == cell:
            by_rate.setdefault(row["learning_rate"], []).append(row)
    if not by_rate:
        raise ValueError(f"no rows for cell={cell!r} in the study")
    return by_rate


def best_learning_rate(rows, cell: str) -> float:
    """The starting rate that suits ``cell`` best in a ``rates`` study.

    Most seeds reaching 100 % on the validation set wins; among rates that
    tie, the smaller median number of steps to get there (a seed that never
    gets there counts as infinitely many steps).
    """
    by_rate = _rows_by_rate(rows, cell)

    def score(rate):
        steps = [
            float("inf") if r["steps_to_exact"] is None else r["steps_to_exact"]
            for r in by_rate[rate]
        ]
        reached = sum(s != float("inf") for s in steps)
        return (-reached, statistics.median(steps))

    return min(sorted(by_rate), key=score)  # a tie goes to the smaller rate


def best_rate_by_length(rows, cell: str) -> float:
    """The starting rate that suits ``cell`` best in a ``long-rates`` study.

    Most seeds exact everywhere on the validation length test wins; among
    rates that tie, the most random and hard validation pairs right over
    all lengths and seeds; a tie after that goes to the smaller rate.
    """
    by_rate = _rows_by_rate(rows, cell)
    if any(
        not r.get("sweep") or r["sweep"].get("split") != "validation"
        for r in sum(by_rate.values(), [])
    ):
        raise ValueError("best_rate_by_length decides on validation sweeps only")

    def score(rate):
        sweeps = [r["sweep"] for r in by_rate[rate]]
        right = sum(sum(s["random"]) + sum(s["hard"]) for s in sweeps)
        return (-sum(map(all_exact, sweeps)), -right)

    return min(sorted(by_rate), key=score)


def group_rows(rows, *fields) -> dict:
    """``{(row[f] for f in fields): [row, ...]}``, in the order rows come."""
    groups: dict[tuple, list] = {}
    for row in rows:
        groups.setdefault(tuple(row[f] for f in fields), []).append(row)
    return groups


def exact_by_seed(rows) -> dict[int, bool]:
    """``{seed: exact everywhere?}`` for result rows with a length sweep."""
    return {row["seed"]: all_exact(row["sweep"]) for row in rows}


def discordant_seeds(first: dict, second: dict) -> tuple[int, int]:
    """Seeds where only ``first`` succeeds, and where only ``second`` does.

    ``first`` and ``second`` map the same seeds to True or False (as
    :func:`exact_by_seed` does); the two counts are what
    ``grubook.stats.mcnemar_exact`` compares.
    """
    if set(first) != set(second):
        raise ValueError("first and second must cover the same seeds")
    return (
        sum(first[s] and not second[s] for s in first),
        sum(second[s] and not first[s] for s in first),
    )


def plan(
    study: str,
    seeds,
    rates=None,
    steps=None,
    lengths=STUDY_LENGTHS,
    pause=None,
) -> list[dict]:
    """The tasks of a study, for ``seeds``.

    ``rates``: every cell trained at 16 units with each rate of
    :data:`LEARNING_RATES`, chapter 4's recipe, validation only.
    ``recipes``: the book's GRU with every recipe of :data:`RECIPES`,
    tested at :data:`STUDY_LENGTHS`. ``baselines``: the GRU, the plain RNN
    and the LSTM with the recipes ``first-exact`` and ``decay-only``, each
    at its own best rate in ``rates`` (``{cell: rate}``). ``long-baselines``:
    the three cells with ``decay-only`` at the rates ``long-rates`` chose
    (``rates``), tested at ``lengths``. ``noisy-rnn`` and
    ``noisy-lstm``: the plain RNN or the LSTM at its rate with the recipes
    ``noise-only`` and ``robust``.
    ``long-rates``: every cell with the recipe ``decay-only`` at each rate
    of :data:`LEARNING_RATES`, judged by a length test on the *validation*
    split (``length_sweep(split="validation")``), for
    :func:`best_rate_by_length`.
    ``pause-rates``: the three cells at the rates 3e-3, 1e-2 and 3e-2 on the
    paused task with ``pause`` blank steps (None: the longest of
    :data:`PAUSES`), validation only.
    ``pauses``: the three cells on the paused task with each of
    :data:`PAUSES`, each at its own rate from ``pause-rates``; give it short
    ``lengths`` (the book uses 8, 32 and 128 bits: at 4,096 bits and 32
    blank steps one pair is a sequence of 135,201 steps, and a batch of
    1,000 of them does not fit in memory).
    ``sizes``: the
    GRU with 1 to 8 units, chapter 4's recipe. ``steps`` (None: each
    recipe's own) and ``lengths`` shorten a study, for example to try it.
    """
    lengths = [check_int(n, "lengths[i]", minimum=4) for n in lengths]
    if pause is not None and study != "pause-rates":
        raise ValueError(f"pause is an option of pause-rates only, got study={study!r}")
    rate_pause = max(PAUSES) if pause is None else check_int(pause, "pause", minimum=1)

    def _task(
        cell, units, recipe, seed, learning_rate, lengths, pause=0, split="test"
    ):
        return {
            "cell": cell,
            "units": units,
            "recipe": recipe,
            "seed": seed,
            "learning_rate": learning_rate,
            "steps": steps,
            "pause": pause,
            "lengths": list(lengths),
            "split": split,
        }

    if study == "rates":
        return [
            _task(cell, 16, "first-exact", seed, rate, [])
            for cell in ("custom", "simple_rnn", "lstm")
            for rate in LEARNING_RATES
            for seed in seeds
        ]
    if study == "recipes":
        return [
            _task("custom", 16, recipe, seed, 1e-2, lengths)
            for recipe in RECIPES
            for seed in seeds
        ]
    if study == "baselines":
        if rates is None:
            raise ValueError("the baselines study needs rates={cell: rate}")
        return [
            _task(cell, 16, recipe, seed, rates[cell], lengths)
            for cell in ("custom", "simple_rnn", "lstm")
            for recipe in ("first-exact", "decay-only")
            for seed in seeds
        ]
    if study == "long-baselines":
        if rates is None:
            raise ValueError("the long-baselines study needs rates={cell: rate}")
        return [
            _task(cell, 16, "decay-only", seed, rates[cell], lengths)
            for cell in ("custom", "simple_rnn", "lstm")
            for seed in seeds
        ]
    if study in NOISY_BASELINES:
        if rates is None:
            raise ValueError(f"the {study} study needs rates={{cell: rate}}")
        cell = NOISY_BASELINES[study]
        return [
            _task(cell, 16, recipe, seed, rates[cell], lengths)
            for recipe in ("noise-only", "robust")
            for seed in seeds
        ]
    if study == "long-rates":
        return [
            _task(cell, 16, "decay-only", seed, rate, lengths, split="validation")
            for cell in ("custom", "simple_rnn", "lstm")
            for rate in LEARNING_RATES
            for seed in seeds
        ]
    if study == "pause-rates":
        return [
            _task(cell, 16, "first-exact", seed, rate, [], rate_pause)
            for cell in ("custom", "simple_rnn", "lstm")
            for rate in LEARNING_RATES[:3]
            for seed in seeds
        ]
    if study == "pauses":
        if rates is None:
            raise ValueError("the pauses study needs rates={cell: rate}")
        return [
            _task(cell, 16, "first-exact", seed, rates[cell], lengths, pause)
            for cell in ("custom", "simple_rnn", "lstm")
            for pause in PAUSES
            for seed in seeds
        ]
    if study == "sizes":
        return [
            _task("custom", units, "first-exact", seed, 1e-2, lengths)
            for units in range(1, 9)
            for seed in seeds
        ]
    raise ValueError(f"study must be one of {STUDIES}, got {study!r}")


def _versions() -> dict:
    """The versions that produced a study's numbers."""
    import keras
    import numpy
    import tensorflow

    return {
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "tensorflow": tensorflow.__version__,
        "keras": keras.__version__,
        "machine": platform.machine(),
    }


def write_results(path: str, program: str, argv, start: float, fields: dict, rows: list,
                  noun: str = "rows") -> None:
    """Write a study's JSON: its command, ``fields``, versions, wall time and ``rows``.

    ``program`` is the module run with ``python -m``; ``argv`` its arguments
    (None: ``sys.argv[1:]``); ``start`` the ``time.perf_counter()`` at which
    the study began; ``noun`` names the rows in the line printed at the end.
    """
    arguments = argv if argv is not None else sys.argv[1:]
    result = {
        "command": f"python -m {program} " + " ".join(arguments),
        **fields,
        "versions": _versions(),
        "wall_seconds": round(time.perf_counter() - start, 1),
        "rows": rows,
    }
    with open(path, "w") as file:
        json.dump(result, file, indent=1)
    print(f"wrote {path}: {len(rows)} {noun} in {result['wall_seconds']:.0f} s")


def _seed_range(text: str) -> list[int]:
    """``"10-39"`` -> [10, ..., 39]; ``"3"`` -> [3]."""
    first, _, last = text.partition("-")
    first = check_int(int(first), "--seeds", minimum=0)
    last = check_int(int(last or first), "--seeds", minimum=first)
    return list(range(first, last + 1))


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
        "--seeds", default="10-39", help="a seed or a range such as 10-39"
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
    seeds = _seed_range(args.seeds)
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


if __name__ == "__main__":
    main()
