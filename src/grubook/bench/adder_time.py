"""Time to a trained adder, end to end (``python -m grubook.bench time_to_adder``).

Each path trains a 16-unit GRU adder on fresh 8-bit problems, from
building the model (tracing and compiling included) until exact-match
accuracy on the validation set (chapter 4's criterion, checked every
:data:`EVAL_EVERY` steps) first reaches 100 %, or :data:`MAX_STEPS` steps
pass. The paths (:data:`PATHS`, a :class:`Path` each) are the book's ways
of training, ``train_adder`` with each of the book's cells and an in-graph
loop of :data:`EVAL_EVERY` steps that draws its own problems
(``floor.make_in_graph_trainer``), with and without XLA, all at the book's
recipe (batch 64, Adam at ``1e-2``); and ``model.fit`` with
``keras.layers.GRU`` at its defaults (batch 32, Adam at ``1e-3``, one step
per call) and at other batch sizes, learning rates and XLA.

``model.fit`` is given every problem it may need as arrays made before its
clock starts; the other paths make their problems inside the timing.
Rows: ``{"path", "seed", "seconds", "reached", "steps", "first_call_seconds",
"first_call_steps"}``: the last two are the time from the start until the
first training call returned (building, tracing and compiling included) and
the steps that call took (1, or ``steps_per_execution``, or
:data:`EVAL_EVERY` for the in-graph loop). The chapter
picks each side's fastest path on seeds of their own
(:data:`SELECTION_SEEDS`, :func:`fastest_path`) and reports on others.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import keras
import numpy as np
import tensorflow as tf

from grubook._checks import check_int, check_positive_int
from grubook._cli import seed_range
from grubook.bench.budget import Budget, load_study, parse_study_arguments, study_writer
from grubook.bench.floor import make_in_graph_trainer
from grubook.bench.process import prepare_process
from grubook.heldout import held_out_set
from grubook.model import build_adder
from grubook.train import DEFAULT_LEARNING_RATE, exact_match, fresh_batches, train_adder

EVAL_EVERY = 25
"""Training steps between checks of validation exact-match (as ``train_adder``)."""
MAX_STEPS = 6000
"""A path that has not reached 100 % after this many steps stops, ``reached`` False."""
UNITS, N_BITS, BATCH = 16, 8, 64
"""The adder's hidden units, the training problems' bits and the book's batch size."""
SELECTION_SEEDS = (100, 101)
"""Seeds on which each side's fastest path is chosen (reported on other seeds)."""


@dataclass(frozen=True)
class Path:
    """One way of training the adder.

    ``kind`` is ``"train_adder"`` (``cell`` one of ``build_adder``'s),
    ``"in-graph"`` (the fused cell) or ``"fit"`` (``keras.layers.GRU`` at
    its defaults); ``learning_rate`` None is ``compile("adam")``'s default;
    ``steps_per_call`` is ``model.fit``'s ``steps_per_execution``.
    """

    kind: str
    cell: str = "fused"
    xla: bool = False
    batch: int = BATCH
    learning_rate: float | None = DEFAULT_LEARNING_RATE
    steps_per_call: int = 1


PATHS = {
    "train_adder": Path("train_adder", cell="custom"),
    "train_adder, fused": Path("train_adder"),
    "train_adder, fused + XLA": Path("train_adder", xla=True),
    "in-graph, fused": Path("in-graph"),
    "in-graph, fused + XLA": Path("in-graph", xla=True),
    "model.fit defaults": Path("fit", batch=32, learning_rate=None),
    "model.fit, batch 32, rate 1e-2": Path("fit", batch=32, steps_per_call=EVAL_EVERY),
    "model.fit, batch 64, rate 1e-2": Path("fit", steps_per_call=EVAL_EVERY),
    "model.fit, batch 128, rate 1e-2": Path("fit", batch=128, steps_per_call=EVAL_EVERY),
    "model.fit, batch 64, rate 1e-2 + XLA": Path("fit", xla=True, steps_per_call=EVAL_EVERY),
}
"""Every path timed, by the name the chapter uses."""
BOOK_PATHS = tuple(name for name, path in PATHS.items() if path.kind != "fit")
FIT_PATHS = tuple(name for name, path in PATHS.items() if path.kind == "fit")


def _validation():
    """The validation set chapter 4 stops on: 256 problems of 32 bits."""
    return held_out_set(32, 256, "validation")


def _exact(predict: Callable, x_held, y_held) -> bool:
    """Whether every validation problem comes out exact."""
    return bool(exact_match(y_held, predict(x_held)).all())


def keras_default_adder(seed: int) -> keras.Model:
    """``keras.layers.GRU(16, return_sequences=True)`` at its defaults, a sigmoid readout."""
    keras.utils.set_random_seed(check_int(seed, "seed", minimum=0))
    return keras.Sequential([keras.Input((None, 2)),
                             keras.layers.GRU(UNITS, return_sequences=True),
                             keras.layers.Dense(1, activation="sigmoid")])


class Timed(NamedTuple):
    """What a timer measured: the seconds to 100 % (or to the last step), the step that
    reached it (None if none did), and the seconds and steps of the first training call."""

    seconds: float
    steps: int | None
    first_call_seconds: float
    first_call_steps: int


class StopAtExact(keras.callbacks.Callback):
    """Stops ``model.fit`` once validation exact-match is 100 %, checked every ``every`` steps.

    Counts steps with the optimizer's ``iterations``; ``reached`` holds the
    step at which 100 % was first seen (None until then), ``first_call_end``
    the ``time.perf_counter()`` at which the first training call returned.
    """

    def __init__(self, every: int, x_held, y_held):
        super().__init__()
        self.every = check_positive_int(every, "every")
        self.x_held, self.y_held = x_held, y_held
        self.reached = None
        self.first_call_end = None
        self._predict = None

    def on_train_batch_end(self, batch, logs=None):
        if self.first_call_end is None:
            self.first_call_end = time.perf_counter()
        step = int(self.model.optimizer.iterations)
        if step % self.every:
            return
        if self._predict is None:
            self._predict = tf.function(lambda x: self.model(x, training=False))
        if _exact(self._predict, self.x_held, self.y_held):
            self.reached = step
            self.model.stop_training = True


def _fit_problems(batch: int, max_steps: int, seed: int):
    """Every problem ``model.fit`` may train on: ``max_steps`` batches, as arrays."""
    batches = fresh_batches(batch, N_BITS, seed)
    pairs = [next(batches) for _ in range(max_steps)]
    return np.concatenate([x for x, _ in pairs]), np.concatenate([y for _, y in pairs])


def _time_fit(path: Path, seed: int, max_steps: int) -> Timed:
    """``model.fit`` until 100 % (steps None if it never got there)."""
    x, y = _fit_problems(path.batch, max_steps, seed)
    x_held, y_held = _validation()
    optimizer = "adam" if path.learning_rate is None else None
    start = time.perf_counter()
    model = keras_default_adder(seed)
    if optimizer is None:
        optimizer = keras.optimizers.Adam(path.learning_rate)
    options = {"jit_compile": True} if path.xla else {}
    if path.steps_per_call > 1:
        options["steps_per_execution"] = path.steps_per_call
    model.compile(optimizer=optimizer, loss="binary_crossentropy", **options)
    stop = StopAtExact(EVAL_EVERY, x_held, y_held)
    model.fit(x, y, batch_size=path.batch, epochs=1, shuffle=False, verbose=0,
              callbacks=[stop])
    return Timed(time.perf_counter() - start, stop.reached, stop.first_call_end - start,
                 path.steps_per_call)


def _time_train_adder(path: Path, seed: int, max_steps: int) -> Timed:
    """``train_adder`` until 100 %, one step per call."""
    start = time.perf_counter()
    model = build_adder(UNITS, cell=path.cell, seed=seed, jit_compile=path.xla)
    history = train_adder(model, max_steps, batch_size=path.batch, n_bits=N_BITS, seed=seed,
                          learning_rate=path.learning_rate, eval_every=EVAL_EVERY,
                          stop_at_exact=True)
    seconds = time.perf_counter() - start
    after_first = history.seconds - history.first_step_seconds
    return Timed(seconds, history.steps_to_exact, seconds - after_first, 1)


def _time_in_graph(path: Path, seed: int, max_steps: int) -> Timed:
    """The in-graph loop until 100 %, :data:`EVAL_EVERY` steps per call."""
    x_held, y_held = _validation()
    start = time.perf_counter()
    model = build_adder(UNITS, cell="fused", seed=seed)
    train = make_in_graph_trainer(model, EVAL_EVERY, path.batch, N_BITS, jit_compile=path.xla,
                                  seed=seed, learning_rate=path.learning_rate)
    predict = tf.function(lambda x: model(x, training=False), jit_compile=path.xla)
    first_call = None
    for step in range(EVAL_EVERY, max_steps + 1, EVAL_EVERY):
        train()
        if first_call is None:
            first_call = time.perf_counter() - start
        if _exact(predict, x_held, y_held):
            return Timed(time.perf_counter() - start, step, first_call, EVAL_EVERY)
    return Timed(time.perf_counter() - start, None, first_call, EVAL_EVERY)


_TIMERS = {"train_adder": _time_train_adder, "in-graph": _time_in_graph, "fit": _time_fit}


def time_path(name: str, seed: int, max_steps: int = MAX_STEPS) -> dict:
    """Train one adder along the path ``name`` of :data:`PATHS` from ``seed``; its row."""
    if name not in PATHS:
        raise ValueError(f"name must be one of {tuple(PATHS)}, got {name!r}")
    seed = check_int(seed, "seed", minimum=0)
    max_steps = check_positive_int(max_steps, "max_steps")
    path = PATHS[name]
    timed = _TIMERS[path.kind](path, seed, max_steps)
    return {"path": name, "seed": seed, "seconds": round(timed.seconds, 3),
            "reached": timed.steps is not None, "steps": timed.steps,
            "first_call_seconds": round(timed.first_call_seconds, 3),
            "first_call_steps": timed.first_call_steps}


def load(path) -> tuple[dict, list[dict]]:
    """A stored study (its JSON) and its rows: ``(everything but the rows, rows)``."""
    stored, rows = load_study(path)
    unknown = {r["path"] for r in rows} - set(PATHS)
    if unknown:
        raise ValueError(f"{path} holds paths this library does not know: {sorted(unknown)}")
    return stored, rows


def median_seconds(rows: list[dict], path: str) -> float:
    """The median over seeds of ``path``'s seconds (a run that never reached counts its time)."""
    seconds = [r["seconds"] for r in rows if r["path"] == path]
    if not seconds:
        raise KeyError(f"no rows for path {path!r}")
    return float(np.median(seconds))


def fastest_path(rows: list[dict], candidates) -> str:
    """The candidate with the least median seconds in ``rows`` (the first on a tie)."""
    candidates = list(candidates)
    if not candidates:
        raise ValueError("candidates must name at least one path")
    return min(candidates, key=lambda name: median_seconds(rows, name))


def main(argv=None) -> None:
    """Time every path on each seed; print the rows; with ``--out``, write them as JSON."""
    args = parse_study_arguments(
        "time_to_adder", main.__doc__, argv, rounds=None,
        counts=[("--max-steps", MAX_STEPS, "steps after which a path stops")],
        options=[("--seeds", {"type": seed_range, "default": seed_range("1-3"),
                              "help": "a seed or a range such as 1-3 (the default)"}),
                 ("--paths", {"nargs": "+", "choices": list(PATHS), "default": list(PATHS),
                              "metavar": "PATH"})])
    process = prepare_process(args)
    budget = Budget(args.budget)
    write = study_writer(args, "time_to_adder", argv, budget,
                         {**process, "max_steps": args.max_steps, "eval_every": EVAL_EVERY})
    rows = []
    for i, seed in enumerate(args.seeds):
        shift = i % len(args.paths)  # the order rotates from seed to seed
        for name in args.paths[shift:] + args.paths[:shift]:
            if budget.spent():
                break
            rows.append(time_path(name, seed, args.max_steps))
            print(rows[-1], flush=True)
            write(rows, False)
    write(rows, len(rows) == len(args.seeds) * len(args.paths))
