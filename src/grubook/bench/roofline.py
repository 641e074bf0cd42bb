"""Where arithmetic wins: the GRU's training step against its matrix products alone
(``python -m grubook.bench roofline``).

At the adder's 16 units a training step is mostly the fixed cost of its
calls (``floor``); as the hidden size ``H`` grows, the recurrent products
``(B, H) @ (H, 3H)`` grow as ``H**2`` and should take over. For each ``H``
in :data:`SIZES` (batch :data:`BATCH`, :data:`STEPS` steps) this study times
the training step of each of :data:`ROOFLINE_VARIANTS` beside
:func:`make_products`, a loop of the same number of steps that does only
the three matrix products of a training step's recurrence (forward product,
the gradient to the state, the gradient to the weights) in the same
runtime, with and without XLA, in interleaved rounds. The products' rate is
what this machine reaches on that work; a version's achieved rate
(:func:`train_macs` over its time) against it is the roofline of a GRU on
this CPU. Rows: ``{"units", "variant", "seconds"}`` (seconds per call, one
per round).
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import numpy as np
import tensorflow as tf

from grubook._checks import check_positive_int
from grubook.bench.budget import Budget, load_study, parse_study_arguments, study_writer
from grubook.bench.process import prepare_process
from grubook.bench.runners import make_runner, problems, quiet_retracing
from grubook.bench.timing import MIN_BLOCK_SECONDS, time_interleaved
from grubook.bench.variants import build_variant_models

SIZES = (16, 64, 256, 512, 1024)
"""Hidden sizes H timed."""
BATCH, STEPS, INPUTS = 64, 100, 2
"""Batch, time steps and input channels of every timed call."""
ROOFLINE_VARIANTS = ("fused + XLA", "fused", "fused, reset after + XLA",
                     "Keras GRU + XLA", "Keras GRU",
                     "Keras GRU, reset after + XLA", "Keras GRU, reset after")
"""The versions timed at every size: the fused layer and Keras's GRU, each with and without
XLA, and each also in the reset-after convention (one recurrent product for all three
gates; the fused layer's under XLA only)."""
PRODUCTS = ("products + XLA", "products")
"""The matrix products alone, compiled with XLA and in a plain ``tf.function``."""
LARGE = 512
"""From this hidden size on, :data:`LARGE_ROUNDS` rounds (a call takes seconds)."""
LARGE_ROUNDS = 3


def train_macs(batch: int, steps: int, units: int, inputs: int = INPUTS) -> int:
    """Multiply-adds in a training step's matrix products: three times the forward pass's.

    The forward pass does ``3 H**2`` (recurrent), ``3 D H`` (input) and ``H``
    (readout) per step and sequence; its backward pass does about twice that.
    """
    return 3 * batch * steps * (3 * units * units + 3 * inputs * units + units)


def make_products(batch: int, steps: int, units: int, xla: bool) -> Callable[[], tf.Tensor]:
    """A call that does, for each of ``steps`` steps, a training step's three recurrent products.

    ``g = h @ U`` ``(B, 3H)``; ``d = g @ U.T`` ``(B, H)``, the gradient to the
    state; ``dU += h.T @ g`` ``(H, 3H)``, the gradient to the weights; then
    ``h = tanh(d)``, so that each step needs the last. ``9 B H**2``
    multiply-adds per step. Returns a function of no arguments.
    """
    for name, value in (("batch", batch), ("steps", steps), ("units", units)):
        check_positive_int(value, name)
    weights = tf.random.stateless_normal((units, 3 * units), (0, 1)) / np.sqrt(units)
    start = tf.random.stateless_normal((batch, units), (0, 2))

    @tf.function(jit_compile=xla)
    def products():
        def body(t, h, grad):
            g = tf.matmul(h, weights)
            grad += tf.matmul(h, g, transpose_a=True)
            return t + 1, tf.tanh(tf.matmul(g, weights, transpose_b=True)), grad

        _, h, grad = tf.while_loop(lambda t, h, grad: t < steps, body,
                                   (tf.constant(0), start, tf.zeros_like(weights)))
        return tf.reduce_sum(h) + tf.reduce_sum(grad)

    return products


def _functions(units: int, seed: int) -> dict[str, Callable]:
    """Each version's training step at ``(BATCH, STEPS)``, and the products alone."""
    models = build_variant_models(units, seed, ROOFLINE_VARIANTS)
    x, y = (tf.constant(a) for a in problems(BATCH, STEPS, seed))
    functions = {v: functools.partial(make_runner(v, "train", models), x, y)
                 for v in ROOFLINE_VARIANTS}
    for name, xla in zip(PRODUCTS, (True, False), strict=True):
        functions[name] = make_products(BATCH, STEPS, units, xla)
    return functions


def study(sizes=SIZES, rounds: int = 5, seed: int = 0, budget: Budget | None = None,
          on_round: Callable[[list[dict]], None] | None = None,
          large_rounds: int = LARGE_ROUNDS) -> list[dict]:
    """Time every version and the products at each size; the rows (see the module).

    Sizes from :data:`LARGE` on get at most ``large_rounds`` rounds. With
    ``budget`` no size and no round starts once it is spent; ``on_round`` is
    called with all rows so far after every round.
    """
    rounds = check_positive_int(rounds, "rounds")
    large_rounds = check_positive_int(large_rounds, "large_rounds")
    rows: list[dict] = []
    for units in sizes:
        if budget is not None and budget.spent():
            break
        here = min(rounds, large_rounds) if units >= LARGE else rounds

        def report(seconds, units=units, done=rows):
            if on_round is not None:
                on_round(done + _rows(units, seconds))

        with quiet_retracing():
            timed = time_interleaved(_functions(units, seed), rounds=here, repetitions=1,
                                     warmup=1, min_block_seconds=MIN_BLOCK_SECONDS,
                                     order_seed=seed, on_round=report,
                                     deadline=None if budget is None else budget.deadline)
        rows += _rows(units, timed)
    return rows


def _rows(units: int, seconds: dict) -> list[dict]:
    return [{"units": units, "variant": v, "seconds": list(s)} for v, s in seconds.items()]


def achieved_rate(rows: list[dict], variant: str, units: int) -> float:
    """Multiply-adds per second of ``variant`` at ``units``: :func:`train_macs` over its median.

    For the products alone the work is their own, ``9 B T H**2``.
    """
    found = [r for r in rows if (r["variant"], r["units"]) == (variant, units)]
    if not found:
        raise KeyError(f"no row for {variant!r} at {units} units")
    work = (9 * BATCH * STEPS * units * units if variant in PRODUCTS
            else train_macs(BATCH, STEPS, units))
    return work / float(np.median(found[0]["seconds"]))


def main(argv=None) -> None:
    """Time the roofline study; print achieved rates; with ``--out``, write every round."""
    args = parse_study_arguments(
        "roofline", main.__doc__, argv, rounds=5,
        options=[("--sizes", {"nargs": "+", "type": int, "default": list(SIZES),
                              "metavar": "H", "help": "hidden sizes"})],
        counts=[("--large-rounds", LARGE_ROUNDS,
                 f"at most this many rounds from {LARGE} units on, where a call takes seconds")],
        check=lambda a: (f"--sizes must be ints >= 1, got {a.sizes}"
                         if any(h < 1 for h in a.sizes) else None))
    process = prepare_process(args)
    budget = Budget(args.budget)
    write = study_writer(args, "roofline", argv, budget,
                         {**process, "batch": BATCH, "steps": STEPS,
                          "large_rounds": args.large_rounds})
    rows = study(args.sizes, args.rounds, budget=budget, on_round=lambda r: write(r, False),
                 large_rounds=args.large_rounds)
    complete = {r["units"] for r in rows} == set(args.sizes) and all(
        len(r["seconds"]) == (min(args.rounds, args.large_rounds) if r["units"] >= LARGE
                              else args.rounds) for r in rows)
    write(rows, complete)
    for units in sorted({r["units"] for r in rows}):
        rates = "  ".join(f"{v} {achieved_rate(rows, v, units) / 1e9:.2f}"
                          for v in (*ROOFLINE_VARIANTS, *PRODUCTS))
        print(f"H={units:5}: {rates} billion multiply-adds per second")


def time_ratio(rows: list[dict], variant: str, baseline: str, units: int) -> np.ndarray:
    """``variant``'s time over ``baseline``'s, round by round, at ``units``: ``(rounds,)``.

    The two were timed in the same interleaved rounds. A ratio of the
    training step to the products alone compares the time of the whole step
    with the time of its recurrent products.
    """
    def seconds(name):
        found = [r for r in rows if (r["variant"], r["units"]) == (name, units)]
        if not found:
            raise KeyError(f"no row for {name!r} at {units} units")
        return np.asarray(found[0]["seconds"])

    return seconds(variant) / seconds(baseline)


def step_over_products(rows: list[dict], units: int = LARGE,
                       variant: str = "fused + XLA") -> float:
    """The median round's :func:`time_ratio` of ``variant`` to the products under XLA.

    The roofline's target reads it at :data:`LARGE` units and above.
    """
    return float(np.median(time_ratio(rows, variant, PRODUCTS[0], units)))


def figure_series(rows: list[dict]) -> tuple[list[int], dict, dict]:
    """The rows as the arguments of ``grubook.plots.roofline``, in billions per second.

    Returns ``(sizes, rates, reference)``: the sizes timed, each of
    :data:`ROOFLINE_VARIANTS` -> its rate at each size, and each of
    :data:`PRODUCTS` -> its rate.
    """
    sizes = sorted({r["units"] for r in rows})

    def series(names):
        return {v: [achieved_rate(rows, v, h) / 1e9 for h in sizes] for v in names}

    return sizes, series(ROOFLINE_VARIANTS), series(PRODUCTS)


load = load_study
"""A stored roofline study: ``(everything but the rows, rows)``."""
