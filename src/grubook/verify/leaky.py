"""An adder that fails only at long lengths: the hand-built adder with a leaking carry."""

from __future__ import annotations

import numpy as np

from grubook.analysis import Readout, hand_built_adder
from grubook.reference import GRUParams


def leaky_adder(gap: float) -> tuple[GRUParams, Readout]:
    """The hand-built adder (default scales) with a carry that may leak.

    While the carry propagates (a + b = 1) the carry unit's candidate is
    ``tanh(10 h - theta)``. At ``theta = theta* = 10 h* - atanh(h*)``,
    ``h* = sqrt(0.9)``, the map touches the line ``h -> h`` (slope 1 at
    ``h*``); this adder uses ``theta = theta* + gap``. With ``gap > 0`` the
    high fixed point is gone and a held carry drains away through the
    bottleneck, in a number of steps that grows like ``gap ** -0.5``;
    with ``gap < 0`` it is held for ever. Only the bias of that unit's
    candidate changes.
    """
    if isinstance(gap, bool) or not isinstance(gap, int | float):
        raise TypeError(f"gap must be a number, got {gap!r}")
    params, readout = hand_built_adder()
    tangent = np.sqrt(0.9)
    theta = 10 * tangent - np.arctanh(tangent)
    bias = params.bias.copy()
    bias[7] = -20.0 - theta - gap  # unit 2's candidate: 20 (a + b) + 10 h_2 + bias
    return GRUParams(params.kernel, params.recurrent_kernel, bias), readout
