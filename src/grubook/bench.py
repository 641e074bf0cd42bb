"""The timing harness behind the speed chapter (``python -m grubook.bench --help``).

Versions of the same GRU adder (the recurrent layer, then a
``Dense(1, sigmoid)`` readout at every step), which :func:`check_variants`
proves compute the same outputs and gradients before any is timed. The
chapter's seven (:data:`CHAPTER_VARIANTS`):

    eager loop        a Python loop over time steps calling the book's cell, eager
    tf.function loop  the same Python code in ``tf.function`` (AutoGraph: a while loop)
    RNN(GRUCell)      ``keras.layers.RNN`` around the book's cell, in ``tf.function``
    fused             ``grubook.fused.FusedGRU``, in ``tf.function``
    fused + XLA       the same, compiled with XLA (``jit_compile=True``)
    Keras GRU         ``keras.layers.GRU``, in ``tf.function``
    Keras GRU + XLA   the same, compiled with XLA

and 17 more settings of them (:data:`VARIANT_SPECS`, 24 in all): Keras's GRU
unrolled and reset-after, ``RNN(GRUCell)`` with XLA and unrolled, the fused
layer reset-after, and the fused layer's changes switched on one at a time
(:data:`LADDER`), each with and without XLA.

Each is timed in two modes: ``forward`` (the model's outputs ``(B, T, 1)``)
and ``train`` (forward, binary cross-entropy, gradient and an Adam update).
Timing is *interleaved* (:func:`time_interleaved`): after a warm-up, every
round times a block of repetitions of each variant in turn, in a random
order per round, so that a slow minute on a shared machine hits every
variant alike. Ratios are taken round by round (:func:`ratio_spread`), with
their quartiles and a sign test (:class:`Spread`, :func:`ratio_verdict`).
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
from typing import NamedTuple

import keras
import numpy as np
import tensorflow as tf

from grubook._checks import check_int, check_positive_int
from grubook.cell import GRUParams, get_params, set_params
from grubook.data import addition_batch
from grubook.fused import DEFAULT_UNROLL_LIMIT
from grubook.model import build_adder
from grubook.reference import flip_update_gate
from grubook.stats import mcnemar_exact

__all__ = [
    "Variant",
    "MODELS",
    "VARIANT_SPECS",
    "VARIANTS",
    "CHAPTER_VARIANTS",
    "LADDER",
    "FAMILIES",
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
    "timed_at",
    "time_interleaved",
    "xla_loop_buffers",
    "benchmark",
    "format_table",
    "timings_to_rows",
    "rows_to_json",
    "rows_from_json",
    "load_rows",
    "Spread",
    "ratio_spread",
    "sign",
    "ratio_verdict",
    "fastest",
    "family_ratio",
    "parse_shape",
    "parse_args",
    "main",
]

@dataclass(frozen=True)
class Variant:
    """How one version of the adder runs.

    ``model`` is a key of :data:`MODELS`; ``runtime`` is ``"eager"``,
    ``"function"`` (``tf.function``) or ``"xla"`` (``tf.function`` with
    ``jit_compile=True``); ``loop`` runs :func:`loop_sequence` over the
    model's cell instead of the model's layer; ``unrolled`` variants are
    timed only on sequences of at most ``DEFAULT_UNROLL_LIMIT`` steps.
    """

    model: str
    runtime: str
    loop: bool = False
    unrolled: bool = False


_OFF = {"hoist": False, "fuse_gates": False, "unroll": False, "hand_gradient": False}
MODELS = {
    "book": ("custom", False, {}),
    "book, unrolled": ("custom", False, {"unroll": True}),
    "book, reset after": ("custom", True, {}),
    "fused: all off": ("fused", False, _OFF),
    "fused: + hoisted": ("fused", False, {**_OFF, "hoist": True}),
    "fused: + fused gates": ("fused", False, {**_OFF, "hoist": True, "fuse_gates": True}),
    "fused: + unrolled": ("fused", False, {"unroll": True, "hand_gradient": False}),
    "fused": ("fused", False, {}),
    "fused, reset after": ("fused", True, {}),
    "keras": ("keras", False, {}),
    "keras, unrolled": ("keras", False, {"unroll": True}),
    "keras, reset after": ("keras", True, {}),
}
"""Model key -> (``build_adder`` cell, ``reset_after``, ``layer_options``)."""


def _both_runtimes(name: str, model: str, unrolled: bool = False) -> dict[str, Variant]:
    """``name`` in a plain ``tf.function`` and ``name + XLA``."""
    return {name: Variant(model, "function", unrolled=unrolled),
            f"{name} + XLA": Variant(model, "xla", unrolled=unrolled)}


VARIANT_SPECS: dict[str, Variant] = {
    "eager loop": Variant("book", "eager", loop=True),
    "tf.function loop": Variant("book", "function", loop=True),
    **_both_runtimes("RNN(GRUCell)", "book"),
    **_both_runtimes("RNN(GRUCell), unrolled", "book, unrolled", unrolled=True),
    **_both_runtimes("fused: all off", "fused: all off"),
    **_both_runtimes("fused: + hoisted", "fused: + hoisted"),
    **_both_runtimes("fused: + fused gates", "fused: + fused gates"),
    **_both_runtimes("fused: + unrolled", "fused: + unrolled", unrolled=True),
    **_both_runtimes("fused", "fused"),
    **_both_runtimes("fused, reset after", "fused, reset after"),
    **_both_runtimes("Keras GRU", "keras"),
    **_both_runtimes("Keras GRU, unrolled", "keras, unrolled", unrolled=True),
    **_both_runtimes("Keras GRU, reset after", "keras, reset after"),
}
"""Every version the harness can time, by name."""

VARIANTS = tuple(VARIANT_SPECS)
CHAPTER_VARIANTS = (
    "eager loop",
    "tf.function loop",
    "RNN(GRUCell)",
    "fused",
    "fused + XLA",
    "Keras GRU",
    "Keras GRU + XLA",
)
"""The seven versions the chapter introduces one by one."""
LADDER = ("fused: all off", "fused: + hoisted", "fused: + fused gates", "fused: + unrolled",
          "fused")
"""The fused layer's changes switched on one at a time (each rung adds one)."""
FAMILIES = {
    "book": tuple(v for v in VARIANTS if v.startswith("fused")),
    "Keras": tuple(v for v in VARIANTS if v.startswith("Keras GRU")),
    "PyTorch": ("torch GRU", "torch GRU, compiled"),
}
"""The book's fast layer, ``keras.layers.GRU`` and ``torch.nn.GRU``, each in all
its settings (PyTorch's are timed by ``grubook.peers``, an optional extra)."""
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


def _models_needed(variants) -> list[str]:
    """The :data:`MODELS` keys ``variants`` run on, with each convention's reference."""
    needed = {VARIANT_SPECS[v].model for v in variants} | {"book"}
    if any(MODELS[m][1] for m in needed):
        needed.add("book, reset after")
    return [m for m in MODELS if m in needed]


def _reference_model(model: str) -> str:
    """The model whose eager loop ``model`` is checked against (same convention)."""
    return "book, reset after" if MODELS[model][1] else "book"


def build_variant_models(units: int = 16, seed: int = 0, variants=VARIANTS) -> dict:
    """The adders ``variants`` run on, keyed as :data:`MODELS`, with the same weights.

    Each convention (reset before or after the product) gets the weights of
    a seeded ``keras.layers.GRU``; the book's cells take them with the z-block
    negated (the Keras GRU keeps the old state with weight z, the book with
    1 - z; ``grubook.reference.flip_update_gate``). All share one readout.
    """
    needed = _models_needed(_check_variants(variants))
    models = {
        m: build_adder(units, cell=cell, reset_after=after, seed=seed, layer_options=options)
        for m, (cell, after, options) in MODELS.items() if m in needed
    }
    readout = models["book"].get_layer("readout").get_weights()
    for reset_after in (False, True):
        source = build_adder(units, cell="keras", reset_after=reset_after, seed=seed)
        params = get_params(source.get_layer("gru").cell)
        for m, model in models.items():
            if MODELS[m][1] == reset_after:
                keras_side = MODELS[m][0] == "keras"
                set_params(_gru_of(model), flip_update_gate(params) if not keras_side
                           else params)
                model.get_layer("readout").set_weights(readout)
    return models


def _gru_of(model):
    """The cell holding a model's GRU weights (the layer itself for ``FusedGRU``)."""
    layer = model.get_layer("gru")
    return getattr(layer, "cell", layer)


def _forward_function(
    spec: Variant, models: dict, training: bool = True
) -> Callable:
    """``x (B, T, 2) -> probabilities (B, T, 1)`` as ``spec`` says, not yet compiled."""
    model = models[spec.model]
    if spec.loop:
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
    forward = _forward_function(VARIANT_SPECS[variant], models, training=mode == "train")
    variables = models[VARIANT_SPECS[variant].model].trainable_variables
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

    runtime = VARIANT_SPECS[variant].runtime
    if runtime == "eager":
        run = function
    else:
        run = tf.function(function, jit_compile=runtime == "xla")
    if mode == "forward":
        return lambda x, y: run(x)
    return run


def _outputs_and_gradients(spec: Variant, models: dict, x, y) -> list[np.ndarray]:
    """The outputs ``(B, T, 1)`` and the loss's gradients, in the book's convention.

    Keras's gradients of the z-block are sign-flipped back, as its weights are.
    """
    forward = _forward_function(spec, models)
    variables = models[spec.model].trainable_variables

    def compute(x, y):
        with tf.GradientTape() as tape:
            probabilities = forward(x)
            loss = tf.reduce_mean(keras.losses.binary_crossentropy(y, probabilities))
        return probabilities, tape.gradient(loss, variables)

    if spec.runtime != "eager":
        compute = tf.function(compute, jit_compile=spec.runtime == "xla")
    with _quiet_retracing():
        probabilities, gradients = compute(x, y)
    gradients = [g.numpy() for g in gradients]
    if MODELS[spec.model][0] == "keras":  # back to the book's convention
        gradients[:3] = flip_update_gate(GRUParams(*gradients[:3]))
    return [probabilities.numpy(), *gradients]


def check_variants(
    models: dict, x, y, variants=VARIANTS, atol: float = 1e-5
) -> float:
    """Prove the variants compute the same thing before they are timed.

    Every variant's outputs on ``x`` ``(B, T, 2)`` and its gradients of the
    loss against ``y`` ``(B, T, 1)`` (Keras's with the z-block sign flipped
    back to the book's convention) must match those of the eager loop over
    the book's cell in the same convention (reset before or after the
    product) within ``atol``. Variants that unroll are checked only if
    ``x`` is short enough for them to be timed. Returns the largest
    difference; raises ``AssertionError`` if it exceeds ``atol``.
    """
    variants = _check_variants(variants)
    x, y = tf.constant(x), tf.constant(y)
    references, worst = {}, 0.0
    for variant in timed_at(variants, x.shape[1], eager_max_steps=x.shape[1]):
        spec = VARIANT_SPECS[variant]
        reference = _reference_model(spec.model)
        if reference not in references:
            loop = Variant(reference, "eager", loop=True)
            references[reference] = _outputs_and_gradients(loop, models, x, y)
        got = _outputs_and_gradients(spec, models, x, y)
        for a, b in zip(got, references[reference], strict=True):
            worst = max(worst, float(np.max(np.abs(a - b))))
    if worst > atol:
        raise AssertionError(
            f"the variants differ by {worst:.2e}, more than atol={atol:g}"
        )
    return worst


def timed_at(variants, steps: int, eager_max_steps: int) -> list[str]:
    """The ``variants`` timed on sequences of ``steps`` steps.

    The eager loop only up to ``eager_max_steps``; variants that unroll only
    up to ``DEFAULT_UNROLL_LIMIT`` (beyond, their graphs grow with the length).
    """
    return [
        v for v in variants
        if (VARIANT_SPECS[v].runtime != "eager" or steps <= eager_max_steps)
        and (not VARIANT_SPECS[v].unrolled or steps <= DEFAULT_UNROLL_LIMIT)
    ]


def time_interleaved(
    functions: dict[str, Callable[[], object]],
    rounds: int = 5,
    repetitions: int = 3,
    warmup: int = 2,
    min_block_seconds: float = 0.0,
    clock: Callable[[], float] = time.perf_counter,
    order_seed: int | None = None,
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
    With ``order_seed`` (an int) every round takes the functions in a fresh
    random order, so that no function always runs just after the same one
    or at the same point of a round; None keeps the given order.
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
    shuffle = None if order_seed is None else np.random.default_rng(order_seed).permutation
    gc_was_enabled = gc.isenabled()
    gc.collect()
    gc.disable()  # as timeit does: a collection inside one block would bias it
    try:
        for _ in range(rounds):
            names = list(functions)
            for name in names if shuffle is None else [names[i] for i in shuffle(len(names))]:
                function = functions[name]
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
    passed to :func:`time_interleaved`, and each round times the variants in
    a random order drawn from ``seed``.
    """
    variants = _check_variants(variants)
    eager_max_steps = check_int(eager_max_steps, "eager_max_steps", minimum=0)
    models = (
        build_variant_models(units, seed, variants) if models is None else models
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
        timed_here = timed_at(variants, steps, eager_max_steps)
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
                    order_seed=seed,
                )
            rows += timings_to_rows(batch, steps, mode, timed)
    return rows


def timings_to_rows(batch: int, steps: int, mode: str, timed: dict) -> list[Timing]:
    """The rows of one shape and mode from :func:`time_interleaved`'s seconds per round."""
    return rows_from_json([{"batch": batch, "steps": steps, "mode": mode, "variant": v,
                            "seconds": seconds} for v, seconds in timed.items()])


def rows_to_json(rows: list[Timing]) -> list[dict]:
    """The rows as JSON-ready dicts (every round's seconds kept)."""
    return [{"batch": r.batch, "steps": r.steps, "mode": r.mode, "variant": r.variant,
             "seconds": r.seconds} for r in rows]


def rows_from_json(records: list[dict]) -> list[Timing]:
    """Rows back from :func:`rows_to_json`, medians and ratios recomputed.

    Ratios are to each of :data:`BASELINES` timed at the same shape and mode.
    """
    medians = {(r["batch"], r["steps"], r["mode"], r["variant"]): float(np.median(r["seconds"]))
               for r in records}
    rows = []
    for r in records:
        key = (r["batch"], r["steps"], r["mode"])
        ratio = {b: medians[(*key, r["variant"])] / medians[(*key, b)]
                 for b in BASELINES if (*key, b) in medians}
        rows.append(Timing(*key, r["variant"], medians[(*key, r["variant"])],
                           list(r["seconds"]), ratio))
    return rows


def load_rows(path) -> tuple[dict, list[Timing]]:
    """A stored benchmark (``python -m grubook.bench --out``): its fields and its rows."""
    import json

    with open(path) as file:
        stored = json.load(file)
    return stored, rows_from_json(stored["rows"])


class Spread(NamedTuple):
    """A ratio of two versions' times over the rounds that timed both.

    ``median``, ``q1`` and ``q3`` are the median and quartiles of the
    round-by-round ratios; ``faster`` and ``slower`` count the rounds with a
    ratio below and above 1, of ``rounds`` in all.
    """

    median: float
    q1: float
    q3: float
    faster: int
    slower: int
    rounds: int

    @property
    def p_value(self) -> float:
        """The exact two-sided sign test of "neither is faster" over the rounds."""
        return mcnemar_exact(self.faster, self.slower, "two-sided")


def _row(rows: list[Timing], shape, mode: str, variant: str) -> Timing:
    found = [r for r in rows if ((r.batch, r.steps), r.mode, r.variant) == (tuple(shape), mode,
                                                                           variant)]
    if not found:
        raise KeyError(f"no row for {variant!r} {mode} at {shape}")
    return found[0]


def ratio_spread(rows: list[Timing], shape, variant: str, baseline: str, mode: str = "train",
                 rounds=slice(None)) -> Spread:
    """``variant``'s time over ``baseline``'s, round by round, at ``shape`` (batch, steps).

    The two were timed in the same interleaved rounds, so each round gives
    one ratio; ``rounds`` (a slice) picks the rounds used. Returns their
    :class:`Spread`.
    """
    a = np.asarray(_row(rows, shape, mode, variant).seconds)[rounds]
    b = np.asarray(_row(rows, shape, mode, baseline).seconds)[rounds]
    ratios = a / b
    q1, median, q3 = (float(q) for q in np.percentile(ratios, [25, 50, 75]))
    return Spread(median, q1, q3, int(np.sum(ratios < 1)), int(np.sum(ratios > 1)), len(ratios))


SELECTION_ROUNDS = slice(0, None, 2)
"""The rounds that choose each family's fastest setting (even-numbered)."""
REPORT_ROUNDS = slice(1, None, 2)
"""The rounds that measure the chosen settings against each other (odd-numbered)."""


def fastest(rows: list[Timing], family: str, shape, mode: str = "train") -> str:
    """The fastest of a :data:`FAMILIES` family at ``shape``, by the selection rounds.

    Chosen on :data:`SELECTION_ROUNDS` only, so that the rounds that then
    compare the chosen settings (:func:`family_ratio`) did not pick them.
    """
    timed = [r for r in rows if r.variant in FAMILIES[family]
             and ((r.batch, r.steps), r.mode) == (tuple(shape), mode)]
    if not timed:
        raise KeyError(f"no {family} variant timed in {mode} at {shape}")
    return min(timed, key=lambda r: np.median(np.asarray(r.seconds)[SELECTION_ROUNDS])).variant


def sign(spread: Spread, level: float = 0.05) -> int:
    """-1 if the first version is faster (two-sided sign test p < ``level``), +1 if slower.

    0 when the rounds do not tell the two apart.
    """
    if spread.p_value >= level:
        return 0
    return -1 if spread.faster > spread.slower else 1


def ratio_verdict(spread: Spread, level: float = 0.05) -> str:
    """How a ratio of times compares with 1, in words, with its sign test.

    ``"faster in 10 of 10 rounds, p = 0.002"``, ``"slower in ..."``, or
    ``"not told apart (6 of 10 faster, p = 0.75)"`` when :func:`sign` is 0;
    p is the two-sided sign test's.
    """
    p = spread.p_value
    verdict = sign(spread, level)
    if verdict:
        word, count = ("faster", spread.faster) if verdict < 0 else ("slower", spread.slower)
        return f"{word} in {count} of {spread.rounds} rounds, p = {p:.2g}"
    return f"not told apart ({spread.faster} of {spread.rounds} faster, p = {p:.2g})"


def family_ratio(rows: list[Timing], shape, family: str = "book", baseline: str = "Keras",
                 mode: str = "train") -> tuple[str, str, Spread]:
    """The fastest of ``family`` against the fastest of ``baseline`` at ``shape``.

    Returns both variants' names and the ratio's :class:`Spread` over
    :data:`REPORT_ROUNDS`.
    """
    a, b = fastest(rows, family, shape, mode), fastest(rows, baseline, shape, mode)
    return a, b, ratio_spread(rows, shape, a, b, mode, REPORT_ROUNDS)


def format_table(rows: list[Timing]) -> str:
    """The rows as a text table: shape, mode, variant, median ms, ratios to the baselines."""
    width = max([len("variant"), *(len(r.variant) for r in rows)])
    header = f"{'batch x steps':>14}  {'mode':<7}  {'variant':<{width}}  {'median ms':>10}"
    header += "".join(f"  {'/ ' + b:>18}" for b in BASELINES)
    lines = [header, "-" * len(header)]
    for row in rows:
        line = (
            f"{f'{row.batch} x {row.steps}':>14}  {row.mode:<7}  {row.variant:<{width}}  "
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
        description="Time versions of the same GRU adder in interleaved blocks.",
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
    parser.add_argument(
        "--out",
        metavar="PATH",
        help="also write every round's timings, the settings and the versions as JSON",
    )
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
    if args.out:
        from grubook.studies import write_results

        fields = {
            "settings": {key: value for key, value in vars(args).items() if key != "out"},
            "xla_flags": os.environ.get("XLA_FLAGS", ""),
            "cpus": os.cpu_count(),
        }
        write_results(args.out, "grubook.bench", argv, start, fields, rows_to_json(rows),
                      "timings")


if __name__ == "__main__":
    main()
