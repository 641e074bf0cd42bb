"""An adder that fails only at long lengths: the hand-built adder with a leaking carry."""

from __future__ import annotations

import numpy as np

from grubook.analysis import Readout, hand_built_adder
from grubook.reference import GRUParams

_TANGENT = np.sqrt(0.9)
_THETA_STAR = 10 * _TANGENT - np.arctanh(_TANGENT)


def leaky_adder(gap: float) -> tuple[GRUParams, Readout]:
    """The hand-built adder (default scales) with a carry that may leak.

    While the carry propagates (a + b = 1) the carry unit's candidate is
    ``tanh(10 h - theta)``. At ``theta = theta* = 10 h* - atanh(h*)``,
    ``h* = sqrt(0.9)``, the map touches the line ``h -> h`` (slope 1 at
    ``h*``); this adder uses ``theta = theta* + gap``. With ``gap > 0`` the
    high fixed point is gone and a held carry drains away through the
    bottleneck, in a number of steps that grows like ``gap ** -0.5``;
    with ``gap < 0`` it is held for ever. Only the bias of that unit's
    candidate changes, and it is rounded to the nearest float32 number (a
    float32 adder runs that bias, and :func:`certify` proves only float32
    weights), so the gap the network has is ``gap`` to within 1e-6:
    :func:`leaky_gap` gives it exactly.
    """
    if isinstance(gap, bool) or not isinstance(gap, int | float):
        raise TypeError(f"gap must be a number, got {gap!r}")
    params, readout = hand_built_adder()
    bias = params.bias.copy()
    # unit 2's candidate: 20 (a + b) + 10 h_2 + bias
    bias[7] = float(np.float32(-20.0 - _THETA_STAR - gap))
    return GRUParams(params.kernel, params.recurrent_kernel, bias), readout


def leaky_gap(params: GRUParams) -> float:
    """The gap ``theta - theta*`` of a :func:`leaky_adder`'s ``params``."""
    return float(-20.0 - _THETA_STAR - np.asarray(params.bias, np.float64)[7])
