"""The error of a float32 implementation: bounds on one step and on the readout.

A certificate widens every image by :func:`float32_step_error`, so that its
proof covers the float32 adder as well as the exact one.
"""

from __future__ import annotations

import numpy as np

from grubook.analysis import Readout
from grubook.reference import GRUParams, split_gates

FLOAT32_STATE_BOUND = 1.1
"""The largest |h| :func:`float32_step_error` allows; :func:`certify` refuses
boxes that reach beyond it."""

READOUT_FLOOR = 1e-6
"""The smallest logit a proof may leave to a float32 readout, beyond its rounding.

A float32 adder writes the bit ``sigmoid(logit) > 0.5``, and float32 rounds
the sigmoid to exactly 0.5 for ``|logit|`` below about 1.2e-7 (NumPy's
``1 / (1 + exp(-x))``; TensorFlow's sigmoid below about 6e-8): such a logit
reads as 0 whatever its sign. :func:`certify` therefore requires the
proved margin to exceed the readout's rounding bound
(:func:`float32_readout_error`) plus this floor, about ten times the
larger of the two, so that every logit the proof guarantees is one float32
decides.
"""


def float32_step_error(params: GRUParams, state_bound: float = FLOAT32_STATE_BOUND) -> float:
    """A bound on how far one float32 GRU step can be from the exact one.

    The step as :func:`grubook.analysis.run_adder` computes it in NumPy
    float32 on a CPU, from a state with every ``|h| <= state_bound``, on
    inputs in {0, 1}, with weights that are float32 numbers (as Keras stores
    them; hand-set float64 weights are first rounded, which this bound does
    not cover). By the standard model of rounding with ``u = 2**-24``:
    each pre-activation, a sum of ``n = 2 + H + 1`` products in any order
    plus the rounding of ``r * h``, is off by at most ``gamma_{n+1}`` times
    the sum of its terms' sizes; the sigmoid (slope <= 1/4) and tanh
    (slope <= 1) pass that on, plus an assumed 8 u of their own (float32
    tanh in NumPy is within a few ulps); the candidate also sees the reset
    gate's error through ``U_h``; and ``h + z (h_tilde - h)`` adds its own
    rounding and ``|h_tilde - h|`` times the error of ``z``. Returns the
    largest bound over the units. (GPUs that multiply in TF32 round far
    more coarsely and are not covered.)
    """
    kernel, recurrent, bias = (np.abs(np.asarray(p, np.float64)) for p in params)
    units = recurrent.shape[0]
    u = 2.0**-24
    terms = units + 4
    gamma = terms * u / (1 - terms * u)
    size = kernel.sum(axis=0) + state_bound * recurrent.sum(axis=0) + bias  # (3H,)
    size_z, size_r, size_h = split_gates(size)
    error_z = gamma * size_z / 4 + 8 * u
    error_r = gamma * size_r / 4 + 8 * u
    error_r_in_h = state_bound * error_r.max() * split_gates(recurrent)[2].sum(axis=0)
    error_candidate = gamma * size_h + error_r_in_h + 8 * u
    error_h = (1 + state_bound) * error_z + error_candidate + 6 * u * (1 + state_bound)
    return float(error_h.max())


def check_float32(value, name: str) -> np.ndarray:
    """``value`` as float64, if every number in it is a float32 number; else a ValueError.

    The float32 error bounds assume the weights a float32 adder runs are
    the weights proved: a float64 weight would be rounded first, and the
    rounded network is not the one proved.
    """
    array = np.asarray(value, dtype=np.float64)
    if not np.isfinite(array).all():
        raise ValueError(f"{name} must hold finite numbers only")
    if not (array.astype(np.float32).astype(np.float64) == array).all():
        raise ValueError(
            f"{name} must hold float32 numbers (values that float32 represents "
            "exactly, as Keras stores them); round them first, for example with "
            "verify.float32_weights"
        )
    return array


def float32_weights(params: GRUParams, readout: Readout) -> tuple[GRUParams, Readout]:
    """``params`` and ``readout`` rounded to the nearest float32 numbers.

    Returns float64 arrays (kernel (2, 3H), recurrent_kernel (H, 3H), bias
    (3H,)) and a :class:`Readout` (w (H,), b) whose every value is a
    float32 number: the network a float32 implementation runs.
    """
    def rounded(value):
        return np.asarray(value, dtype=np.float32).astype(np.float64)

    return (
        GRUParams(*(rounded(p) for p in params)),
        Readout(w=rounded(readout.w), b=float(np.float32(readout.b))),
    )


def float32_readout_error(readout: Readout, state_bound: float = FLOAT32_STATE_BOUND) -> float:
    """A bound on the float32 rounding of the readout logit ``h @ w + b``."""
    terms = len(readout.w) + 2
    gamma = terms * 2.0**-24 / (1 - terms * 2.0**-24)
    return float(gamma * (state_bound * np.abs(readout.w).sum() + abs(readout.b)))
