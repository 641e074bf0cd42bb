"""The per-call floor of a training step, measured and removed (``python -m grubook.bench floor``).

A training step at the adder's shape (64 problems, 9 steps) does about
1.5 million multiply-adds (three times the forward pass's 0.5 million), some
tens of microseconds of arithmetic; it takes about a millisecond. This study
measures where the rest goes and how much of it can be removed, in one
interleaved run (:func:`~grubook.bench.time_interleaved`) of three parts:

``train`` (the length sweep)
    one training step per call at ``(64, T)`` for ``T`` in :data:`LENGTHS`,
    beside calls that do next to nothing (:data:`EMPTY_CALLS`): a line
    ``a + b T`` fitted to each round's times over :data:`FIT_LENGTHS`
    (:func:`line_spread`) gives the fixed cost of one call (its intercept
    ``a``) and the cost per time step (its slope ``b``).
``per_call``
    :data:`STEPS_PER_BLOCK` training steps taken three ways (:data:`METHODS`):
    one ``tf.function`` call per step on fixed tensors, ``model.fit`` with
    ``steps_per_execution=k``, and an in-graph loop of ``k`` steps whose
    batches are drawn inside the graph (:func:`in_graph_problems`).
``eager``
    one eager step of the book's cell through Keras's ``Layer.__call__``,
    the same step through ``cell.call`` (the TensorFlow operations alone),
    and one eager TensorFlow operation (:data:`DISPATCH`).

Rows are :class:`~grubook.bench.Timing`; ``per_call`` rows hold seconds per
training step and are named by :func:`row_name`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import keras
import numpy as np
import tensorflow as tf

from grubook._checks import check_int, check_positive_int
from grubook.bench.budget import Budget, parse_study_arguments, study_writer
from grubook.bench.compare import _row
from grubook.bench.process import prepare_process
from grubook.bench.rows import Timing, rows_from_json, rows_to_json
from grubook.bench.runners import make_runner, problems, quiet_retracing, training_step
from grubook.bench.timing import MIN_BLOCK_SECONDS, time_interleaved
from grubook.bench.variants import MODELS, VARIANT_SPECS, build_variant_models
from grubook.model import build_adder

LENGTHS = (1, 2, 4, 8, 16, 32, 64)
"""Time steps of the length sweep, at batch 64."""
FIT_LENGTHS = (1, 2, 4, 8, 16)
"""The lengths the line is fitted to: past 32 steps the fused layer stops unrolling."""
FLOOR_VARIANTS = ("fused + XLA", "fused", "Keras GRU + XLA", "Keras GRU")
"""The versions whose fixed cost per call is measured (the book's and Keras's fastest)."""
EMPTY_CALLS = ("sum, tf.function", "sum + XLA", "Adam update + XLA")
"""Calls that do next to nothing: the floor of a ``tf.function`` call itself."""
METHODS = ("call", "fit", "in-graph")
"""One call per step; ``model.fit(steps_per_execution=k)``; an in-graph loop of k steps."""
STEPS_PER_CALL = (1, 8, 64)
"""The k of ``steps_per_execution`` and of the in-graph loop."""
STEPS_PER_BLOCK = 256
"""Training steps in each timed call of the ``per_call`` part."""
PER_CALL_VARIANTS = ("fused + XLA", "Keras GRU + XLA", "Keras GRU")
"""The versions trained many steps per call (the book's and Keras's fastest, and fit's own)."""
DISPATCH = ("cell layer call", "cell.call", "one tf.add")
"""The eager timings: a Keras layer call, the same TensorFlow ops alone, one op."""
MAX_IN_GRAPH_BITS = 62
"""Longest operands :func:`in_graph_problems` draws (the sums are added as int64)."""


def in_graph_problems(batch: int, n_bits: int, seed) -> tuple[tf.Tensor, tf.Tensor]:
    """Random addition problems drawn with TensorFlow ops, so that a graph makes its own.

    As ``grubook.data.addition_batch``: operand bits uniform, least
    significant first, and a last ``(0, 0)`` step. ``seed`` is a ``(2,)``
    integer tensor (stateless: the same seed gives the same problems).
    Returns ``x`` float32 ``(batch, n_bits + 1, 2)`` and ``y`` float32
    ``(batch, n_bits + 1, 1)``, the bits of ``a + b``.
    """
    batch = check_positive_int(batch, "batch")
    n_bits = check_int(n_bits, "n_bits", minimum=1)
    if n_bits > MAX_IN_GRAPH_BITS:
        raise ValueError(
            f"n_bits must be at most {MAX_IN_GRAPH_BITS} (sums are added as int64), "
            f"got {n_bits}")
    bits = tf.random.stateless_uniform((batch, n_bits, 2), seed, maxval=2, dtype=tf.int64)
    place = tf.bitwise.left_shift(tf.constant(1, tf.int64), tf.range(n_bits, dtype=tf.int64))
    total = tf.reduce_sum(bits * place[:, None], axis=[1, 2])
    shifts = tf.range(n_bits + 1, dtype=tf.int64)
    sum_bits = tf.bitwise.bitwise_and(tf.bitwise.right_shift(total[:, None], shifts), 1)
    x = tf.pad(tf.cast(bits, tf.float32), [[0, 0], [0, 1], [0, 0]])
    return x, tf.cast(sum_bits, tf.float32)[:, :, None]


def make_in_graph_trainer(model: keras.Model, steps_per_call: int, batch: int = 64,
                          n_bits: int = 8, jit_compile: bool = True, seed: int = 0,
                          learning_rate: float = 1e-3) -> Callable[[], tf.Tensor]:
    """A call that takes ``steps_per_call`` Adam steps on ``model``, all inside one graph.

    Each step draws its own ``(batch, n_bits + 1)`` problems with
    :func:`in_graph_problems` from the seed ``(seed, n)`` for the run's
    n-th step, so no data crosses from Python. Returns a function of no
    arguments returning the last step's loss (a scalar tensor).
    """
    steps_per_call = check_positive_int(steps_per_call, "steps_per_call")
    step = training_step(lambda x: model(x, training=True), model.trainable_variables,
                         keras.optimizers.Adam(learning_rate))
    taken = tf.Variable(0, dtype=tf.int64, trainable=False)

    @tf.function(jit_compile=jit_compile)
    def train():
        loss = tf.constant(0.0)
        for _ in tf.range(steps_per_call):
            seed_pair = tf.stack([tf.constant(seed, tf.int64), taken])
            loss = step(*in_graph_problems(batch, n_bits, seed_pair))
            taken.assign_add(1)
        return loss

    return train


def make_fit_runner(model: keras.Model, steps_per_execution: int, x, y, batch: int = 64,
                    jit_compile: bool = False,
                    learning_rate: float = 1e-3) -> Callable[[], keras.callbacks.History]:
    """A call that trains ``model`` one epoch on ``x`` ``(N, T, 2)``, ``y`` with ``model.fit``.

    ``model.compile`` gets Adam, the binary cross-entropy, ``jit_compile``
    and ``steps_per_execution``; each call is ``model.fit(x, y, batch)``
    over the ``N // batch`` batches in order (``N`` must be a multiple of
    ``batch``), without progress output.
    """
    if len(x) % batch:
        raise ValueError(f"len(x) must be a multiple of batch={batch}, got {len(x)}")
    steps_per_execution = check_positive_int(steps_per_execution, "steps_per_execution")
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="binary_crossentropy",
                  jit_compile=jit_compile, steps_per_execution=steps_per_execution)
    return functools.partial(model.fit, x, y, batch_size=batch, epochs=1, shuffle=False,
                             verbose=0)


def row_name(method: str, variant: str, k: int | None = None) -> str:
    """How rows are named: ``"fit: Keras GRU + XLA, k=8"``, ``"call: fused + XLA, k=1"``."""
    return f"{method}: {variant}" + ("" if k is None else f", k={k}")


def _length_functions(models: dict, batch: int, seed: int) -> dict[tuple, Callable]:
    """``(variant, T)`` -> one training step at ``(batch, T)``; and the empty calls."""
    functions = {}
    for steps in LENGTHS:
        xy = [tf.constant(a) for a in problems(batch, steps, seed)]
        for variant in FLOOR_VARIANTS:
            runner = make_runner(variant, "train", models)
            functions[(variant, steps)] = functools.partial(runner, *xy)
    x = tf.constant(problems(batch, 9, seed)[0])
    functions[("sum, tf.function", 9)] = functools.partial(tf.function(tf.reduce_sum), x)
    functions[("sum + XLA", 9)] = functools.partial(
        tf.function(tf.reduce_sum, jit_compile=True), x)
    variables = models["fused"].trainable_variables
    zeros = [tf.zeros_like(v) for v in variables]
    adam = keras.optimizers.Adam(1e-3)
    functions[("Adam update + XLA", 9)] = tf.function(
        lambda: adam.apply_gradients(zip(zeros, variables, strict=True)), jit_compile=True)
    return functions


def _fresh_model(variant: str, units: int, seed: int) -> keras.Model:
    """A new adder for ``variant``, with its own weights and optimizer."""
    cell, reset_after, options = MODELS[VARIANT_SPECS[variant].model]
    return build_adder(units, cell=cell, reset_after=reset_after, seed=seed,
                       layer_options=options)


def _repeat(function: Callable, times: int) -> None:
    """Call ``function`` ``times`` times, then wait for the last result."""
    for _ in range(times):
        result = function()
    np.asarray(result)


def _per_call_functions(units: int, batch: int, seed: int) -> dict[tuple, Callable]:
    """``(row name, 9)`` -> :data:`STEPS_PER_BLOCK` training steps at ``(batch, 9)``."""
    x, y = problems(batch * STEPS_PER_BLOCK, 9, seed)
    xy = [tf.constant(a) for a in problems(batch, 9, seed)]
    functions = {}
    for variant in PER_CALL_VARIANTS:
        xla = VARIANT_SPECS[variant].runtime == "xla"
        models = {VARIANT_SPECS[variant].model: _fresh_model(variant, units, seed)}
        one_step = functools.partial(make_runner(variant, "train", models), *xy)
        functions[(row_name("call", variant, 1), 9)] = functools.partial(
            _repeat, one_step, STEPS_PER_BLOCK)
        for k in STEPS_PER_CALL:
            fit = make_fit_runner(_fresh_model(variant, units, seed), k, x, y, batch,
                                  jit_compile=xla)
            functions[(row_name("fit", variant, k), 9)] = fit
            trainer = make_in_graph_trainer(_fresh_model(variant, units, seed), k, batch,
                                            jit_compile=xla, seed=seed)
            functions[(row_name("in-graph", variant, k), 9)] = functools.partial(
                _repeat, trainer, STEPS_PER_BLOCK // k)
    return functions


def _dispatch_functions(models: dict, batch: int) -> dict[tuple, Callable]:
    """The eager timings of :data:`DISPATCH`: one cell step at ``(batch, H)``."""
    cell = models["book"].get_layer("gru").cell
    x = tf.zeros((batch, 2))
    h = tf.zeros((batch, cell.units))
    return {("cell layer call", 1): lambda: cell(x, [h]),
            ("cell.call", 1): lambda: cell.call(x, [h]),
            ("one tf.add", 1): lambda: tf.add(h, h)}


def _to_rows(seconds: dict, batch: int) -> list[Timing]:
    """Timings keyed ``(mode, variant, steps)`` -> rows (``per_call`` per training step)."""
    records = []
    for (mode, variant, steps), times in seconds.items():
        per = STEPS_PER_BLOCK if mode == "per_call" else 1
        records.append({"batch": batch, "steps": steps, "mode": mode, "variant": variant,
                        "seconds": [s / per for s in times]})
    return rows_from_json(records)


def study(rounds: int = 10, units: int = 16, batch: int = 64, seed: int = 0,
          min_block_seconds: float = MIN_BLOCK_SECONDS, deadline: float | None = None,
          on_round: Callable[[list[Timing]], None] | None = None) -> list[Timing]:
    """Time the three parts (see the module's docstring) in the same interleaved rounds.

    Returns rows: mode ``"train"`` for the length sweep and the empty calls
    (``steps`` = T), ``"per_call"`` (seconds per training step, named by
    :func:`row_name`), ``"eager"`` (the dispatch timings, ``steps`` = 1).
    ``deadline`` and ``on_round`` (called with the rows so far) are passed
    on to ``time_interleaved``.
    """
    rounds = check_positive_int(rounds, "rounds")
    models = build_variant_models(units, seed, FLOOR_VARIANTS)
    parts = {"train": _length_functions(models, batch, seed),
             "per_call": _per_call_functions(units, batch, seed),
             "eager": _dispatch_functions(models, batch)}
    functions = {(mode, *key): f for mode, part in parts.items() for key, f in part.items()}
    report = None if on_round is None else (lambda seconds: on_round(_to_rows(seconds, batch)))
    with quiet_retracing():
        timed = time_interleaved(functions, rounds=rounds, repetitions=1, order_seed=seed,
                                 min_block_seconds=min_block_seconds, deadline=deadline,
                                 on_round=report)
    return _to_rows(timed, batch)


def fit_line(steps, seconds) -> tuple[float, float]:
    """The least-squares line ``seconds = intercept + slope * steps``: ``(intercept, slope)``."""
    slope, intercept = np.polyfit(np.asarray(steps, float), np.asarray(seconds, float), 1)
    return float(intercept), float(slope)


def line_spread(rows: list[Timing], variant: str, lengths=FIT_LENGTHS) -> dict[str, np.ndarray]:
    """``variant``'s line fitted round by round over ``lengths``.

    Returns ``{"intercept": (rounds,), "slope": (rounds,)}`` in seconds and
    seconds per time step: one fit per round, from that round's times.
    """
    by_length = {r.steps: np.asarray(r.seconds) for r in rows
                 if r.mode == "train" and r.variant == variant}
    lengths = sorted(lengths)
    if not set(lengths) <= set(by_length):
        raise KeyError(f"{variant!r} was not timed at every length of {tuple(lengths)}")
    fits = [fit_line(lengths, [by_length[t][i] for t in lengths])
            for i in range(len(by_length[lengths[0]]))]
    return {"intercept": np.array([a for a, _ in fits]),
            "slope": np.array([b for _, b in fits])}


def steps_per_second(rows: list[Timing], name: str) -> float:
    """Training steps per second of a ``per_call`` row (from its median over rounds)."""
    return 1.0 / _row(rows, (rows[0].batch, 9), "per_call", name).median_seconds


def main(argv=None) -> None:
    """Time the floor study; print the medians; with ``--out``, write every round as JSON."""
    args = parse_study_arguments(
        "floor", main.__doc__, argv, rounds=10,
        options=[("--min-block-ms", {"type": float, "default": 1e3 * MIN_BLOCK_SECONDS,
                                     "help": "least milliseconds of one timed block"})],
        check=lambda a: (f"--min-block-ms must be >= 0, got {a.min_block_ms}"
                         if a.min_block_ms < 0 else None))
    process = prepare_process(args)
    budget = Budget(args.budget)
    write = study_writer(args, "floor", argv, budget, {**process, "units": 16, "batch": 64})
    rows = study(args.rounds, min_block_seconds=args.min_block_ms / 1e3,
                 deadline=budget.deadline, on_round=lambda rows: write(rows_to_json(rows), False))
    write(rows_to_json(rows), len(rows[0].seconds) == args.rounds)
    for row in rows:
        print(f"{row.mode:9} {row.steps:3} {row.variant:34} {1e3 * row.median_seconds:9.4f} ms")


def figure_series(rows: list[Timing]) -> tuple[dict, dict, dict]:
    """The study's rows as the three arguments of ``grubook.plots.per_call_floor``.

    ``lines``: each of :data:`FLOOR_VARIANTS` -> its median and quartile ms
    at every length of :data:`LENGTHS` and the line fitted over
    :data:`FIT_LENGTHS` (medians over rounds of the fitted intercept and
    slope); ``empty``: each of :data:`EMPTY_CALLS` -> median ms;
    ``per_call``: ``(method, variant)`` -> ``(k (M,), median ms per step
    (M,))`` for every method and variant timed.
    """
    lines = {}
    for variant in FLOOR_VARIANTS:
        timed = sorted((r for r in rows if r.mode == "train" and r.variant == variant),
                       key=lambda r: r.steps)
        ms = 1e3 * np.array([r.seconds for r in timed])
        fitted = line_spread(rows, variant)
        lines[variant] = {"steps": [r.steps for r in timed], "ms": np.median(ms, axis=1),
                          "q1": np.percentile(ms, 25, axis=1),
                          "q3": np.percentile(ms, 75, axis=1),
                          "intercept": 1e3 * np.median(fitted["intercept"]),
                          "slope": 1e3 * np.median(fitted["slope"]),
                          "fitted_to": max(FIT_LENGTHS)}
    empty = {r.variant: 1e3 * r.median_seconds for r in rows
             if r.mode == "train" and r.variant in EMPTY_CALLS}
    per_call = {}
    for method in METHODS:
        for variant in PER_CALL_VARIANTS:
            ks = [k for k in STEPS_PER_CALL
                  if any(r.variant == row_name(method, variant, k) for r in rows)]
            if ks:
                per_call[(method, variant)] = (
                    ks, [1e3 / steps_per_second(rows, row_name(method, variant, k))
                         for k in ks])
    return lines, empty, per_call
