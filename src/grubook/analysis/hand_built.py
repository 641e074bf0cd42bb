"""An adder built by hand: three units whose every weight is chosen."""

from __future__ import annotations

import numpy as np

from grubook.analysis.adder import Readout
from grubook.reference import GRUParams


def hand_built_adder(
    scale: float = 20.0, gate_bias: float = 20.0, readout_scale: float = 20.0
) -> tuple[GRUParams, Readout]:
    """A three-unit GRU adder whose every weight is chosen by hand.

    Unit ``k`` (k = 1, 2, 3) answers "is ``a + b + c >= k``?" with ``h ~ +1``
    (yes) or ``h ~ -1`` (no), where ``c = (h_2 + 1) / 2`` is the carry held
    by unit 2 from the previous step. Its candidate is
    ``tanh(scale * (a + b + c - k + 1/4))``, that is
    ``tanh(scale * (a + b) + scale / 2 * h_2 + scale * (3/4 - k))``; the
    threshold sits at ``k - 1/4`` so that the empty start state ``h = 0``
    (``c = 1/2``) counts as no carry. Both gates are held open by
    ``gate_bias`` (``z ~ 1``: the new state is the candidate; ``r ~ 1``).
    The readout adds the units: ``sum = [>=1] - [>=2] + [>=3]``, i.e. the
    logit ``readout_scale / 2 * (h_1 - h_2 + h_3)``.

    Returns float64 ``GRUParams`` (kernel (2, 9), recurrent_kernel (3, 9),
    bias (9,)) and a :class:`Readout` (w (3,), b).
    """
    for value, name in (
        (scale, "scale"),
        (gate_bias, "gate_bias"),
        (readout_scale, "readout_scale"),
    ):
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not value > 0
        ):
            raise ValueError(f"{name} must be a number > 0, got {value!r}")
    units = 3
    kernel = np.zeros((2, 3 * units))
    recurrent = np.zeros((units, 3 * units))
    bias = np.zeros(3 * units)
    bias[:units] = gate_bias  # z: take the candidate
    bias[units : 2 * units] = (
        gate_bias  # r: let the old state into the candidate
    )
    kernel[:, 2 * units :] = scale  # a and b count once for every unit
    recurrent[1, 2 * units :] = (
        scale / 2
    )  # the carry c = (h_2 + 1) / 2 counts once
    bias[2 * units :] = scale * (0.75 - np.arange(1, units + 1))
    readout = Readout(w=readout_scale / 2 * np.array([1.0, -1.0, 1.0]), b=0.0)
    return GRUParams(kernel, recurrent, bias), readout

