"""The timing harness behind the speed chapter (``python -m grubook.bench --help``).

Seven versions of the same GRU adder (the recurrent layer, then a
``Dense(1, sigmoid)`` readout at every step), which :func:`check_variants`
proves compute the same outputs and gradients before any is timed:

    eager loop        a Python loop over time steps calling the book's cell, eager
    tf.function loop  the same Python code in ``tf.function`` (AutoGraph: a while loop)
    RNN(GRUCell)      ``keras.layers.RNN`` around the book's cell, in ``tf.function``
    fused             ``grubook.fused.FusedGRU``, in ``tf.function``
    fused + XLA       the same, compiled with XLA (``jit_compile=True``)
    Keras GRU         ``keras.layers.GRU``, in ``tf.function``
    Keras GRU + XLA   the same, compiled with XLA

Each is timed in two modes: ``forward`` (the model's outputs ``(B, T, 1)``)
and ``train`` (forward, binary cross-entropy, gradient and an Adam update).
Timing is *interleaved* (:func:`time_interleaved`): after a warm-up, every
round times a block of repetitions of each variant in turn, A B C A B C ...,
so that a slow minute on a shared machine hits every variant alike; the
table reports medians over rounds and ratios taken in the same process.
"""

from __future__ import annotations

import argparse
import gc
import logging
import math
import os
import re
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass

import keras
import numpy as np
import tensorflow as tf

from grubook._checks import check_int, check_positive_int
from grubook.cell import copy_weights_from_keras, get_params, set_params
from grubook.data import addition_batch
from grubook.model import build_adder

__all__ = [
    "VARIANTS",
    "MODES",
    "DEFAULT_SHAPES",
    "BASELINES",
    "Timing",
    "CHECK_STEPS",
    "XLA_SINGLE_THREAD",
    "single_threaded_xla",
    "EAGER_MAX_STEPS",
    "MIN_BLOCK_SECONDS",
    "problems",
    "loop_sequence",
    "build_variant_models",
    "make_runner",
    "check_variants",
    "time_interleaved",
    "xla_loop_buffers",
    "benchmark",
    "format_table",
    "parse_shape",
    "parse_args",
    "main",
]

VARIANTS = (
    "eager loop",
    "tf.function loop",
    "RNN(GRUCell)",
    "fused",
    "fused + XLA",
    "Keras GRU",
    "Keras GRU + XLA",
)
MODES = ("forward", "train")
DEFAULT_SHAPES = ((64, 9), (64, 1000), (4096, 9))
"""(batch, time steps): the training shape, long numbers, a large batch."""
BASELINES = ("Keras GRU", "Keras GRU + XLA")
"""The variants every other one is compared with (ratios = time / baseline time)."""

MIN_BLOCK_SECONDS = 0.1
"""Blocks of fast variants hold enough calls to last about this long."""
EAGER_MAX_STEPS = 100
"""By default the eager loop is timed only on sequences of at most this many steps."""
CHECK_STEPS = 50
"""Longest sequence :func:`benchmark` checks on (longer than the fused layer unrolls)."""

_MODEL_CELL = {
    "eager loop": "custom",
    "tf.function loop": "custom",
    "RNN(GRUCell)": "custom",
    "fused": "fused",
    "fused + XLA": "fused",
    "Keras GRU": "keras",
    "Keras GRU + XLA": "keras",
}


@contextmanager
def _quiet_retracing():
    """Silence TensorFlow's retracing warning, which the harness triggers on purpose.

    Each variant, shape and mode gets its own new ``tf.function`` (built
    from the same Python code), and TensorFlow counts their first traces
    together as if one function were retraced too often.
    """
    logger = tf.get_logger()
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def problems(batch: int, steps: int, seed: int = 0):
    """Random addition problems of exactly ``steps`` steps: ``x`` (B, T, 2), ``y`` (B, T, 1)."""
    x, y = addition_batch(batch, max(steps - 1, 1), seed)
    return x[:, :steps], y[:, :steps]


XLA_SINGLE_THREAD = "--xla_cpu_multi_thread_eigen=false"
"""XLA flag: run each matrix product on one thread (XLA's CPU default splits them)."""


def single_threaded_xla() -> str:
    """Ask XLA's CPU backend for one thread per matrix product.

    Returns the new ``XLA_FLAGS``. By default XLA's CPU backend may hand
    even a ``(64, 16) @ (16, 32)`` product to Eigen's multi-threaded
    routines, and sharing such a small product between threads costs more
    than it saves. Takes effect only if called before the first
    XLA compilation in the process (XLA reads ``XLA_FLAGS`` then).
    """
    flags = os.environ.get("XLA_FLAGS", "")
    if XLA_SINGLE_THREAD not in flags.split():
        os.environ["XLA_FLAGS"] = f"{flags} {XLA_SINGLE_THREAD}".strip()
    return os.environ["XLA_FLAGS"]


def _check_variants(variants) -> tuple[str, ...]:
    variants = tuple(variants)
    unknown = [v for v in variants if v not in VARIANTS]
    if unknown or not variants:
        raise ValueError(
            f"variants must be a non-empty subset of {VARIANTS}, got {variants!r}"
        )
    return variants


def loop_sequence(cell, inputs):
    """All states (B, T, H) of ``cell`` over ``inputs`` (B, T, D), from 0.

    A plain Python loop over the time steps. Eagerly it runs step by step;
    inside ``tf.function`` AutoGraph turns the ``tf.range`` loop into a
    ``tf.while_loop`` and the ``TensorArray`` into the loop's output buffer.
    """
    steps = tf.shape(inputs)[1]
    h = tf.zeros((tf.shape(inputs)[0], cell.units), dtype=inputs.dtype)
    states = tf.TensorArray(inputs.dtype, size=steps)
    for t in tf.range(steps):
        h, _ = cell(inputs[:, t], [h])
        states = states.write(t, h)
    return tf.transpose(states.stack(), (1, 0, 2))


def build_variant_models(
    units: int = 16, reset_after: bool = False, seed: int = 0
) -> dict:
    """One adder per cell type, ``{"custom", "fused", "keras"}``, all with the same weights.

    The Keras GRU keeps the old state with weight z, the book with 1 - z, so
    its weights are the book's with the z-block negated
    (``grubook.reference.flip_update_gate``).
    """
    models = {
        c: build_adder(units, cell=c, reset_after=reset_after, seed=seed)
        for c in ("custom", "fused", "keras")
    }
    book_cell = models["custom"].get_layer("gru").cell
    copy_weights_from_keras(book_cell, models["keras"].get_layer("gru"))
    set_params(models["fused"].get_layer("gru"), get_params(book_cell))
    readout = models["custom"].get_layer("readout").get_weights()
    models["keras"].get_layer("readout").set_weights(readout)
    models["fused"].get_layer("readout").set_weights(readout)
    return models


def _forward_function(
    variant: str, models: dict, training: bool = True
) -> Callable:
    """``x (B, T, 2) -> probabilities (B, T, 1)`` for ``variant``, not yet compiled."""
    model = models[_MODEL_CELL[variant]]
    if variant in ("eager loop", "tf.function loop"):
        cell, readout = model.get_layer("gru").cell, model.get_layer("readout")
        return lambda x: readout(loop_sequence(cell, x))
    return lambda x: model(x, training=training)


def make_runner(
    variant: str, mode: str, models: dict, learning_rate: float = 1e-3
) -> Callable:
    """A function ``(x (B, T, 2), y (B, T, 1)) -> tensor`` running ``variant`` once.

    ``mode="forward"`` returns the outputs ``(B, T, 1)`` (inference,
    ``training=False``); ``mode="train"``
    takes one Adam step on the binary cross-entropy and returns the loss
    (the readout, loss, gradient and update are the same for every variant).
    Compiled as the variant says: eagerly, ``tf.function``, or XLA.
    """
    _check_variants([variant])
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    forward = _forward_function(variant, models, training=mode == "train")
    variables = models[_MODEL_CELL[variant]].trainable_variables
    if mode == "forward":
        function = forward
    else:
        optimizer = keras.optimizers.Adam(learning_rate)

        def function(x, y):
            with tf.GradientTape() as tape:
                loss = tf.reduce_mean(
                    keras.losses.binary_crossentropy(y, forward(x))
                )
            gradients = tape.gradient(loss, variables)
            optimizer.apply_gradients(zip(gradients, variables, strict=True))
            return loss

    if variant == "eager loop":
        run = function
    else:
        run = tf.function(function, jit_compile=variant.endswith("+ XLA"))
    if mode == "forward":
        return lambda x, y: run(x)
    return run


def check_variants(
    models: dict, x, y, variants=VARIANTS, atol: float = 1e-5
) -> float:
    """Prove the variants compute the same thing before they are timed.

    Every variant's outputs on ``x`` ``(B, T, 2)`` and its gradients of the
    loss against ``y`` ``(B, T, 1)`` (Keras's with the z-block sign flipped
    back to the book's convention) must match the eager loop's within
    ``atol``. Returns the largest difference; raises ``AssertionError`` if
    it exceeds ``atol``.
    """
    variants = _check_variants(variants)
    x, y = tf.constant(x), tf.constant(y)
    results = {}
    for variant in ("eager loop", *variants):
        forward = _forward_function(variant, models)
        model = models[_MODEL_CELL[variant]]

        def outputs_and_gradients(x, y, forward=forward, model=model):
            with tf.GradientTape() as tape:
                probabilities = forward(x)
                loss = tf.reduce_mean(
                    keras.losses.binary_crossentropy(y, probabilities)
                )
            return probabilities, tape.gradient(loss, model.trainable_variables)

        if variant != "eager loop":
            outputs_and_gradients = tf.function(
                outputs_and_gradients, jit_compile=variant.endswith("+ XLA")
            )
        with _quiet_retracing():
            probabilities, gradients = outputs_and_gradients(x, y)
        gradients = [g.numpy() for g in gradients]
        if _MODEL_CELL[variant] == "keras":  # back to the book's convention
            units = gradients[1].shape[0]
            for g in gradients[:3]:
                g[..., :units] *= -1.0
        results[variant] = [probabilities.numpy(), *gradients]
    worst = 0.0
    for variant in variants:
        for got, want in zip(
            results[variant], results["eager loop"], strict=True
        ):
            worst = max(worst, float(np.max(np.abs(got - want))))
    if worst > atol:
        raise AssertionError(
            f"the variants differ by {worst:.2e}, more than atol={atol:g}"
        )
    return worst


def time_interleaved(
    functions: dict[str, Callable[[], object]],
    rounds: int = 5,
    repetitions: int = 3,
    warmup: int = 2,
    min_block_seconds: float = 0.0,
    clock: Callable[[], float] = time.perf_counter,
) -> dict[str, list[float]]:
    """Seconds per call of each function, timed in interleaved blocks.

    Each function is first called ``warmup`` times (tracing, compiling,
    caches). Then, ``rounds`` times, a block of repetitions of each function
    is timed in turn: A A A B B B C C C, A A A B B B C C C, ... A block holds
    ``repetitions`` calls, or more if needed for it to last about
    ``min_block_seconds`` (estimated from the last warm-up call, or from one
    extra call if ``warmup`` < 2): on a busy machine a block much shorter
    than the scheduler's time slice measures the scheduler, not the code.
    Python's garbage collector is paused while timing, as ``timeit`` does.
    Returns, for each name, one mean time per call for every round (a list
    of ``rounds`` floats); take their median.
    """
    rounds = check_positive_int(rounds, "rounds")
    repetitions = check_positive_int(repetitions, "repetitions")
    warmup = check_int(warmup, "warmup", minimum=0)
    if not (
        isinstance(min_block_seconds, int | float) and min_block_seconds >= 0
    ):
        raise ValueError(
            "min_block_seconds must be a number >= 0, "
            f"got {min_block_seconds!r}"
        )
    if not functions:
        raise ValueError("functions must hold at least one function to time")
    calls = {}
    for name, function in functions.items():
        once = None
        for _ in range(warmup):
            start = clock()
            function()
            once = clock() - start
        if (
            min_block_seconds > 0 and warmup < 2
        ):  # the first call may include compiling
            start = clock()
            function()
            once = clock() - start
        calls[name] = repetitions
        if min_block_seconds > 0:
            calls[name] = max(
                repetitions, math.ceil(min_block_seconds / max(once, 1e-9))
            )
    seconds = {name: [] for name in functions}
    gc_was_enabled = gc.isenabled()
    gc.collect()
    gc.disable()  # as timeit does: a collection inside one block would bias it
    try:
        for _ in range(rounds):
            for name, function in functions.items():
                start = clock()
                for _ in range(calls[name]):
                    function()
                seconds[name].append((clock() - start) / calls[name])
    finally:
        if gc_was_enabled:
            gc.enable()
    return seconds


def _hlo_computations(hlo: str) -> dict[str, list[str]]:
    """The instructions of each computation in an HLO module's text, by name."""
    computations, current = {}, None
    for line in hlo.splitlines():
        match = re.match(r"^(?:ENTRY )?%?([\w.\-]+) .*\{$", line)
        if match:
            current = computations.setdefault(match.group(1), [])
        elif current is not None:
            current.append(line)
    return computations


def xla_loop_buffers(function, x, y, steps: int) -> list[dict]:
    """What each XLA while loop of a compiled step does with buffers ``steps`` long.

    ``function`` is a ``tf.function(jit_compile=True)`` taking ``x, y``. For
    each while loop in XLA's optimised program (forward loops first, as XLA
    lists them), counts the instructions of its body that write one step into
    a ``(steps, ...)`` buffer (``dynamic-update-slice``: cheap, in place) and
    those that ``copy`` a whole ``(steps, ...)`` buffer (every iteration: a
    cost that grows with the length, so a loop of T steps costs O(T²)).
    Returns ``[{"writes": int, "copies": int}, ...]``.
    """
    hlo = function.experimental_get_compiler_ir(x, y)(stage="optimized_hlo")
    computations = _hlo_computations(hlo)
    long_buffer = rf"= f32\[{check_positive_int(steps, 'steps')},[^\]]*\]\S*"
    loops = []
    for body in re.findall(r"body=%?([\w.\-]+)", hlo):
        lines = computations.get(body, [])
        loops.append(
            {
                "writes": sum(
                    bool(re.search(long_buffer + r" fusion\(", line))
                    and "dynamic-update-slice" in line
                    for line in lines
                ),
                "copies": sum(
                    bool(re.search(long_buffer + r" copy\(", line))
                    for line in lines
                ),
            }
        )
    return loops


@dataclass
class Timing:
    """One row of the table: the median seconds per call and ratios to the baselines."""

    batch: int
    steps: int
    mode: str
    variant: str
    median_seconds: float
    seconds: list[float]
    ratio: dict[str, float]


def benchmark(
    shapes=DEFAULT_SHAPES,
    variants=VARIANTS,
    modes=MODES,
    units: int = 16,
    rounds: int = 5,
    repetitions: int = 3,
    warmup: int = 2,
    seed: int = 0,
    check: bool = True,
    eager_max_steps: int = EAGER_MAX_STEPS,
    models: dict | None = None,
    min_block_seconds: float = MIN_BLOCK_SECONDS,
) -> list[Timing]:
    """Time ``variants`` in ``modes`` at each ``(batch, steps)`` shape, interleaved.

    With ``check`` the variants are first proved equal (:func:`check_variants`
    on 8 sequences of each shape's length, at most :data:`CHECK_STEPS`), all
    before the first training step, which updates the weights. Ratios
    are against each of :data:`BASELINES` timed in the same rounds. The eager
    loop is left out of shapes with more than ``eager_max_steps`` steps (it
    takes seconds per call there). ``models`` defaults to
    ``build_variant_models(units, seed=seed)``. ``min_block_seconds`` is
    passed to :func:`time_interleaved`.
    """
    variants = _check_variants(variants)
    eager_max_steps = check_int(eager_max_steps, "eager_max_steps", minimum=0)
    models = (
        build_variant_models(units, seed=seed) if models is None else models
    )
    shapes = [
        (check_positive_int(b, "batch"), check_positive_int(t, "steps"))
        for b, t in shapes
    ]
    if check:  # before any training step changes the models' weights
        for steps in sorted({min(t, CHECK_STEPS) for _, t in shapes}):
            check_variants(models, *problems(8, steps, seed), variants)
    rows = []
    for batch, steps in shapes:
        timed_here = [
            v for v in variants if v != "eager loop" or steps <= eager_max_steps
        ]
        x, y = (tf.constant(a) for a in problems(batch, steps, seed))
        for mode in modes:
            runners = {v: make_runner(v, mode, models) for v in timed_here}
            with _quiet_retracing():
                timed = time_interleaved(
                    {
                        v: (lambda r=r, x=x, y=y: r(x, y))
                        for v, r in runners.items()
                    },
                    rounds=rounds,
                    repetitions=repetitions,
                    warmup=warmup,
                    min_block_seconds=min_block_seconds,
                )
            medians = {v: float(np.median(s)) for v, s in timed.items()}
            for v in timed_here:
                ratio = {
                    b: medians[v] / medians[b]
                    for b in BASELINES
                    if b in medians
                }
                rows.append(
                    Timing(batch, steps, mode, v, medians[v], timed[v], ratio)
                )
    return rows


def format_table(rows: list[Timing]) -> str:
    """The rows as a text table: shape, mode, variant, median ms, ratios to the baselines."""
    header = f"{'batch x steps':>14}  {'mode':<7}  {'variant':<16}  {'median ms':>10}"
    header += "".join(f"  {'/ ' + b:>18}" for b in BASELINES)
    lines = [header, "-" * len(header)]
    for row in rows:
        line = (
            f"{f'{row.batch} x {row.steps}':>14}  {row.mode:<7}  {row.variant:<16}  "
            f"{1e3 * row.median_seconds:>10.2f}"
        )
        line += "".join(
            f"  {row.ratio[b]:>18.2f}" if b in row.ratio else f"  {'-':>18}"
            for b in BASELINES
        )
        lines.append(line)
    return "\n".join(lines)


def parse_shape(text: str) -> tuple[int, int]:
    """``"64x9"`` -> ``(64, 9)``: a batch size and a number of time steps, both >= 1."""
    parts = str(text).lower().replace(" ", "").split("x")
    try:
        batch, steps = (int(p) for p in parts)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"a shape is BATCHxSTEPS with two ints >= 1, such as 64x9; got {text!r}"
        ) from None
    if batch < 1 or steps < 1:
        raise argparse.ArgumentTypeError(
            f"batch and steps must be >= 1, got {text!r}"
        )
    return batch, steps


def parse_args(argv=None) -> argparse.Namespace:
    """The command line of ``python -m grubook.bench``."""
    parser = argparse.ArgumentParser(
        prog="python -m grubook.bench",
        description="Time seven versions of the same GRU adder in interleaved blocks.",
    )
    parser.add_argument(
        "--shapes",
        nargs="+",
        type=parse_shape,
        default=list(DEFAULT_SHAPES),
        metavar="BATCHxSTEPS",
        help="shapes to time (default: 64x9 64x1000 4096x9)",
    )
    parser.add_argument(
        "--variants",
        nargs="+",
        choices=VARIANTS,
        default=list(VARIANTS),
        metavar="VARIANT",
        help=f"variants to time, of: {', '.join(VARIANTS)}",
    )
    parser.add_argument(
        "--modes", nargs="+", choices=MODES, default=list(MODES)
    )
    parser.add_argument(
        "--units", type=int, default=16, help="hidden units H (default 16)"
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=5,
        help="interleaved rounds; the table shows the median (default 5)",
    )
    parser.add_argument(
        "--repetitions",
        type=int,
        default=3,
        help="calls of each variant per block (default 3)",
    )
    parser.add_argument(
        "--warmup",
        type=int,
        default=2,
        help="untimed calls of each variant first (default 2)",
    )
    parser.add_argument(
        "--min-block-ms",
        type=float,
        default=1e3 * MIN_BLOCK_SECONDS,
        help="fast variants repeat in a block until it lasts about this long "
        f"(default {1e3 * MIN_BLOCK_SECONDS:g})",
    )
    parser.add_argument(
        "--eager-max-steps",
        type=int,
        default=EAGER_MAX_STEPS,
        help="time the eager loop only up to this many steps "
        f"(default {EAGER_MAX_STEPS})",
    )
    parser.add_argument(
        "--xla-multi-thread",
        action="store_true",
        help="keep XLA's default of splitting every matrix product across "
        f"threads (by default this sets {XLA_SINGLE_THREAD}, as the "
        "book's chapter does)",
    )
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    for name in ("units", "rounds", "repetitions"):
        if getattr(args, name) < 1:
            parser.error(
                f"--{name} must be an int >= 1, got {getattr(args, name)}"
            )
    for name in ("warmup", "eager_max_steps", "seed", "min_block_ms"):
        if getattr(args, name) < 0:
            parser.error(
                f"--{name.replace('_', '-')} must be an int >= 0, "
                f"got {getattr(args, name)}"
            )
    return args


def main(argv=None) -> None:
    """Print the table for the shapes, variants and repetitions on the command line."""
    args = parse_args(argv)
    if not args.xla_multi_thread:
        single_threaded_xla()
    start = time.perf_counter()
    rows = benchmark(
        args.shapes,
        args.variants,
        args.modes,
        args.units,
        args.rounds,
        args.repetitions,
        args.warmup,
        args.seed,
        eager_max_steps=args.eager_max_steps,
        min_block_seconds=args.min_block_ms / 1e3,
    )
    print(format_table(rows))
    print(
        f"median of {args.rounds} interleaved rounds; a block is {args.repetitions} calls "
        f"or more, to last at least {args.min_block_ms:g} ms; "
        f"{args.warmup} warm-up calls; units {args.units}; "
        f"XLA_FLAGS={os.environ.get('XLA_FLAGS', '')!r}; "
        f"wall time {time.perf_counter() - start:.0f} s"
    )


if __name__ == "__main__":
    main()
