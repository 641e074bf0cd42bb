"""The long workload: inference on numbers of thousands of bits
(``python -m grubook.bench long``).

Chapter 5 runs trained adders on numbers of up to 10,000 bits. Which way
of running them is fastest? For ``n`` in :data:`BITS` and a batch in
:data:`BATCHES`, this study times one forward pass over ``(batch, n + 1)``
steps for each of :data:`LONG_VARIANTS`, in interleaved rounds: the NumPy
loop of ``grubook.analysis.adder.run_adder``, the book's Keras model
(``RNN(GRUCell)``), ``keras.layers.GRU`` and the fused layer, each in
``tf.function`` with and without XLA, the fused layer with its changes off
and with only the input projection hoisted (under XLA), and PyTorch's
``torch.nn.GRU`` (when PyTorch is installed; it computes the reset-after
GRU, whose cost per step is the same). All run the same 16-unit weights.
Rows: ``{"bits", "batch", "variant", "seconds"}`` (seconds per call, one per
round). The weights are
untrained (random, from the seed): the time does not depend on them.
"""

from __future__ import annotations

import functools
import importlib.util
from collections.abc import Callable

import numpy as np
import tensorflow as tf

from grubook._checks import check_positive_int
from grubook.analysis.adder import adder_weights, run_adder
from grubook.bench.budget import Budget, load_study, parse_study_arguments, study_writer
from grubook.bench.process import prepare_process
from grubook.bench.runners import make_runner, problems, quiet_retracing
from grubook.bench.timing import MIN_BLOCK_SECONDS, time_interleaved
from grubook.bench.variants import build_variant_models
from grubook.cell import get_params

BITS = (1024, 10_000)
"""Operand lengths of the long workload."""
BATCHES = (1, 1000)
"""One number at a time, and a thousand."""
TF_VARIANTS = ("RNN(GRUCell)", "RNN(GRUCell) + XLA", "Keras GRU", "Keras GRU + XLA", "fused",
               "fused + XLA", "fused: all off + XLA", "fused: + hoisted + XLA")
"""The TensorFlow versions timed (``bench`` variants, forward mode), each with and without XLA,
and the fused layer's first two rungs under XLA: with every change off, and with only the
input projection hoisted out of the loop (all steps at once)."""
LONG_VARIANTS = ("NumPy loop", *TF_VARIANTS, "PyTorch")
"""Every version timed; PyTorch only when it is installed."""

load = load_study
"""A stored long-workload study: ``(everything but the rows, rows)``."""


def has_torch() -> bool:
    """Whether PyTorch can be imported (an optional extra)."""
    return importlib.util.find_spec("torch") is not None


def _torch_forward(units: int, seed: int) -> Callable:
    """PyTorch's adder on the book's reset-after weights: ``x`` (numpy) -> probabilities."""
    import torch

    from grubook.peers import torch_adder

    book = build_variant_models(units, seed, ["Keras GRU, reset after"])["book, reset after"]
    adder = torch_adder(get_params(book.get_layer("gru").cell),
                        book.get_layer("readout").get_weights())

    def forward(x):
        with torch.inference_mode():
            return adder.module(torch.from_numpy(x)).numpy()

    return forward


def functions(bits: int, batch: int, units: int = 16, seed: int = 0,
              torch: bool | None = None) -> dict[str, Callable[[], object]]:
    """Each version's forward pass over ``(batch, bits + 1)`` problems, as calls of no arguments.

    ``torch`` None times PyTorch when it is installed.
    """
    bits, batch = check_positive_int(bits, "bits"), check_positive_int(batch, "batch")
    models = build_variant_models(units, seed, TF_VARIANTS)
    x, y = problems(batch, bits + 1, seed)
    params, readout = adder_weights(models["book"])
    found = {"NumPy loop": functools.partial(run_adder, params, readout, x)}
    tx, ty = tf.constant(x), tf.constant(y)
    for variant in TF_VARIANTS:
        runner = make_runner(variant, "forward", models)
        found[variant] = functools.partial(lambda r: r(tx, ty).numpy(), runner)
    if has_torch() if torch is None else torch:
        found["PyTorch"] = functools.partial(_torch_forward(units, seed), x)
    return found


def study(bits=BITS, batches=BATCHES, rounds: int = 3, seed: int = 0,
          budget: Budget | None = None,
          on_round: Callable[[list[dict]], None] | None = None) -> list[dict]:
    """Time every version at each ``(bits, batch)``; the rows (see the module's docstring)."""
    rounds = check_positive_int(rounds, "rounds")
    rows: list[dict] = []
    for n in bits:
        for batch in batches:
            if budget is not None and budget.spent():
                return rows

            def report(seconds, n=n, batch=batch, done=rows):
                if on_round is not None:
                    on_round(done + _rows(n, batch, seconds))

            with quiet_retracing():
                timed = time_interleaved(functions(n, batch, seed=seed), rounds=rounds,
                                         repetitions=1, warmup=1,
                                         min_block_seconds=MIN_BLOCK_SECONDS, order_seed=seed,
                                         on_round=report,
                                         deadline=None if budget is None else budget.deadline)
            rows += _rows(n, batch, timed)
    return rows


def _rows(bits: int, batch: int, seconds: dict) -> list[dict]:
    return [{"bits": bits, "batch": batch, "variant": v, "seconds": list(s)}
            for v, s in seconds.items()]


def median_seconds(rows: list[dict], variant: str, bits: int, batch: int) -> float:
    """``variant``'s median seconds per call at ``(bits, batch)``."""
    found = [r for r in rows if (r["variant"], r["bits"], r["batch"]) == (variant, bits, batch)]
    if not found:
        raise KeyError(f"no row for {variant!r} at {bits} bits, batch {batch}")
    return float(np.median(found[0]["seconds"]))


def main(argv=None) -> None:
    """Time the long workload; print medians; with ``--out``, write every round as JSON."""
    args = parse_study_arguments("long", main.__doc__, argv, rounds=3)
    process = prepare_process(args)
    budget = Budget(args.budget)
    write = study_writer(args, "long", argv, budget, {**process, "torch": has_torch()})
    rows = study(rounds=args.rounds, budget=budget, on_round=lambda r: write(r, False))
    write(rows, len(rows) == len(BITS) * len(BATCHES) * (len(LONG_VARIANTS) - (not has_torch()))
          and all(len(r["seconds"]) == args.rounds for r in rows))
    for r in rows:
        print(f"{r['bits']:6} bits, batch {r['batch']:5}: {r['variant']:14} "
              f"{np.median(r['seconds']):8.3f} s")
