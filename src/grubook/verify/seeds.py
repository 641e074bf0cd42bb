"""Certifying many trained adders: train one seed, try to certify it, test it long.

Training imports TensorFlow, so it is imported inside :func:`certify_seed`
only; importing this module does not.
"""

from __future__ import annotations

import functools
import time

import numpy as np

from grubook.reference import GRUParams
from grubook.verify.certificate import certify
from grubook.verify.jacobians import wrapping
from grubook.verify.long_inputs import first_wrong_steps, structured_inputs

HISTORIES = (0, 1, 2, 4)
"""The window lengths :func:`certify_seed` tries."""

LONG_STEPS = 100_000
"""Steps of the structured inputs every seed is also tested on."""


CERTIFY_RECIPES = ("robust", "certified")
"""The recipes :func:`main` certifies: chapter 5's ``robust``, and
``certified`` (:func:`grubook.certified.train_for_certificate`)."""


def _trained(recipe: str, seed: int):
    """A new adder trained with ``recipe`` (one of :data:`CERTIFY_RECIPES`)."""
    from grubook.certified import train_for_certificate
    from grubook.studies import train_with_recipe

    if recipe == "certified":
        return train_for_certificate(seed)
    if recipe not in CERTIFY_RECIPES:
        raise ValueError(f"recipe must be one of {CERTIFY_RECIPES}, got {recipe!r}")
    return train_with_recipe(recipe, seed)[0]


def _validation_exact(params, readout) -> float:
    """Exact-match on the 256 validation problems of 32 bits, in float32."""
    from grubook.analysis import adder_bits, exact_match_bits
    from grubook.train import held_out_set

    x, _ = held_out_set(32, 256, "validation")
    return float(exact_match_bits(adder_bits(params, readout, x), x).mean())


def certify_seed(recipe: str, seed: int, histories=HISTORIES) -> dict:
    """Train ``recipe`` on ``seed``, try to certify it, and test it long.

    Returns a JSON-ready row: each attempt's verdict, the wrapping
    factors, the length test at 64 to 4,096 bits (test split) and whether
    the 100,000-step structured inputs come out exact.
    """
    from grubook.analysis import adder_bits, adder_weights, exact_match_bits, length_sweep
    from grubook.data import addition_batch

    start = time.perf_counter()
    model = _trained(recipe, seed)
    params, readout = adder_weights(model)
    params = GRUParams(*(np.asarray(p, np.float64) for p in params))
    warm = addition_batch(200, 60, rng=seed)[0]
    attempts = []
    for window in histories:
        result = certify(params, readout, history=window, warm_start=warm)
        attempts.append(
            {"history": window, "proved": result.proved, "margin": result.margin,
             "iterations": result.iterations, "reason": result.reason}
        )
    adder = functools.partial(adder_bits, params, readout)
    sweep = length_sweep(adder, (64, 1024, 4096), n_random=100, n_hard=50)
    long_x = structured_inputs(LONG_STEPS)
    factors = wrapping(params, warm[:12])
    return {
        "recipe": recipe,
        "seed": seed,
        "validation_exact": _validation_exact(params, readout),
        "attempts": attempts,
        "proved": any(a["proved"] for a in attempts),
        **factors._asdict(),
        "sweep": sweep,
        "long_exact": exact_match_bits(adder(long_x), long_x).tolist(),
        "first_wrong_step": first_wrong_steps(adder(long_x), long_x),
        "seconds": round(time.perf_counter() - start, 1),
    }
