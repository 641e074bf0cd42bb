"""Timing in interleaved blocks, and the benchmark that times every version.

:func:`time_interleaved` times a block of calls of each function in turn,
round after round, in a fresh random order per round, so that a slow minute
on a shared machine hits every version alike; :func:`benchmark` checks the
versions, then times them at each shape and mode.
"""

from __future__ import annotations

import gc
import math
import time
from collections.abc import Callable

import numpy as np
import tensorflow as tf

from grubook._checks import check_int, check_positive_int
from grubook.bench.rows import Timing, timings_to_rows
from grubook.bench.runners import check_variants, make_runner, problems, quiet_retracing
from grubook.bench.variants import (
    DEFAULT_SHAPES,
    MODES,
    VARIANTS,
    _check_variants,
    build_variant_models,
    timed_at,
)

MIN_BLOCK_SECONDS = 0.1
"""Blocks of fast variants hold enough calls to last about this long."""
EAGER_MAX_STEPS = 100
"""By default the eager loop is timed only on sequences of at most this many steps."""
CHECK_STEPS = 50
"""Longest sequence :func:`benchmark` checks on (longer than the fused layer unrolls)."""


def time_interleaved(
    functions: dict[str, Callable[[], object]],
    rounds: int = 5,
    repetitions: int = 3,
    warmup: int = 2,
    min_block_seconds: float = 0.0,
    clock: Callable[[], float] = time.perf_counter,
    order_seed: int | None = None,
    deadline: float | None = None,
    on_round: Callable[[dict[str, list[float]]], None] | None = None,
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
    ``on_round`` (if given) is called with the timings so far after every
    round, so that a study can write what it has; with ``deadline`` (a
    ``clock()`` value) no round starts once the clock has passed it, so
    fewer than ``rounds`` rounds may come back (always at least one).
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
        for done in range(rounds):
            if done and deadline is not None and clock() > deadline:
                break
            names = list(functions)
            for name in names if shuffle is None else [names[i] for i in shuffle(len(names))]:
                function = functions[name]
                start = clock()
                for _ in range(calls[name]):
                    function()
                seconds[name].append((clock() - start) / calls[name])
            if on_round is not None:
                on_round(seconds)
    finally:
        if gc_was_enabled:
            gc.enable()
    return seconds



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
            with quiet_retracing():
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

