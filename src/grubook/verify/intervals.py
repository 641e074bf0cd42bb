"""Interval arithmetic that rounds outward: boxes of states and one GRU step on them.

Every bound is computed so that floating-point rounding can only make a box
larger, never hide a state:

    Box        lo, hi  float64 (..., H): the states with lo <= h <= hi

Shapes: ``params`` is a :class:`~grubook.reference.GRUParams` in Keras
layout with the book's update gate (kernel (2, 3H), recurrent_kernel
(H, 3H), bias (3H,)), ``readout`` an :class:`~grubook.analysis.Readout`
(w (H,), b), as :func:`grubook.analysis.adder_weights` returns them.
"""

from __future__ import annotations

import itertools
from typing import NamedTuple

import numpy as np

from grubook.analysis import Readout
from grubook.reference import GRUParams

UNIT_ROUNDOFF = 2.0**-53
"""u for float64: every +, -, * and / is exact up to a factor (1 + e), |e| <= u."""

_FUNCTION_ERROR = 1e-12
"""Absolute widening of tanh and sigmoid values (|value| <= 1).

The one assumption of the float64 bounds: the platform's float64 tanh is
within 1e-12 of the true value. Math libraries are accurate to a few ulps
(about 1e-16 here), so this widening is some 10,000 times what they need,
and costs nothing next to the margins.
"""


class Box(NamedTuple):
    """The states ``h`` with ``lo <= h <= hi``: both float64 ``(..., H)``."""

    lo: np.ndarray
    hi: np.ndarray

    @property
    def width(self) -> np.ndarray:
        """``hi - lo``, ``(..., H)``."""
        return self.hi - self.lo

    def contains(self, points, slack: float = 0.0) -> np.ndarray:
        """Whether each of ``points`` (..., H) lies in the box (all units)."""
        points = np.asarray(points)
        inside = (points >= self.lo - slack) & (points <= self.hi + slack)
        return inside.all(axis=-1)


def _point(values) -> Box:
    values = np.asarray(values, dtype=np.float64)
    return Box(values, values.copy())


def _outward(lo, hi, error) -> Box:
    """``[lo - error, hi + error]``, each end rounded one more ulp outward."""
    return Box(
        np.nextafter(lo - error, -np.inf), np.nextafter(hi + error, np.inf)
    )


def interval_affine(box: Box, matrix, offset) -> Box:
    """All of ``h @ matrix + offset`` for ``h`` in ``box`` (N, H) -> (N, K).

    ``matrix`` (H, K) and ``offset`` (K,) are exact float64 numbers. In
    centre-radius form: the centre ``m @ matrix`` and the radius
    ``r @ |matrix|``, widened by ``gamma (|m| @ |matrix| + r @ |matrix| +
    |offset|)``, where ``gamma = 1.01 (H + 3) u`` bounds the rounding of the
    ``H`` products and their sums, the offset and the final subtraction or
    addition (the standard bound is ``n u / (1 - n u)``; 1.01 covers the
    denominator).
    """
    matrix = np.asarray(matrix, dtype=np.float64)
    offset = np.asarray(offset, dtype=np.float64)
    centre = 0.5 * box.lo + 0.5 * box.hi
    radius = np.nextafter(
        np.maximum(box.hi - centre, centre - box.lo), np.inf
    )
    size = np.abs(matrix)
    mid = centre @ matrix + offset
    spread = radius @ size
    terms = matrix.shape[0] + 3
    gamma = 1.01 * terms * UNIT_ROUNDOFF
    error = gamma * (np.abs(centre) @ size + spread + np.abs(offset))
    error = error + spread * gamma + terms * np.finfo(np.float64).tiny
    return _outward(mid - spread, mid + spread, error)


def _monotone(box: Box, function, low: float, high: float) -> Box:
    """An increasing ``function`` with values in [low, high], on ``box``."""
    lo = np.maximum(function(box.lo) - _FUNCTION_ERROR, low)
    hi = np.minimum(function(box.hi) + _FUNCTION_ERROR, high)
    return Box(lo, hi)


def interval_sigmoid(box: Box) -> Box:
    """All of ``sigmoid(a)`` for ``a`` in ``box``, elementwise."""
    return _monotone(box, lambda a: 0.5 * (1.0 + np.tanh(0.5 * a)), 0.0, 1.0)


def interval_tanh(box: Box) -> Box:
    """All of ``tanh(a)`` for ``a`` in ``box``, elementwise."""
    return _monotone(box, np.tanh, -1.0, 1.0)


def interval_product(first: Box, second: Box) -> Box:
    """All of ``u * v`` for ``u`` in ``first``, ``v`` in ``second``."""
    corners = np.stack(
        [
            first.lo * second.lo,
            first.lo * second.hi,
            first.hi * second.lo,
            first.hi * second.hi,
        ]
    )
    return _outward(corners.min(axis=0), corners.max(axis=0), 0.0)


def interval_mix(z: Box, h: Box, candidate: Box) -> Box:
    """All of ``(1 - z) h + z candidate`` over the three boxes.

    The expression ``h + z (candidate - h)`` is affine in each variable
    alone, so its extremes lie at the 8 corners; the rounding of its three
    operations adds at most ``4 u`` times the size of its terms.
    """
    values, sizes = [], []
    for zz, hh, gg in itertools.product(
        (z.lo, z.hi), (h.lo, h.hi), (candidate.lo, candidate.hi)
    ):
        step = zz * (gg - hh)
        values.append(hh + step)
        sizes.append(np.abs(hh) + np.abs(step) + np.abs(gg - hh))
    values = np.stack(values)
    error = 4 * UNIT_ROUNDOFF * np.stack(sizes).max(axis=0)
    return _outward(values.min(axis=0), values.max(axis=0), error)


def _columns(box: Box, start: int, stop: int) -> Box:
    return Box(box.lo[..., start:stop], box.hi[..., start:stop])


def interval_step(params: GRUParams, pair, box: Box) -> Box:
    """All states one GRU step can reach from ``box`` (N, H) on input ``pair``.

    ``pair`` is one input (a, b). The step is the book's: ``z, r``
    sigmoids, the candidate ``tanh(W_h x + U_h (r * h) + b_h)``, the new
    state ``(1 - z) h + z h_tilde``. Returns a :class:`Box` (N, H).
    """
    kernel, recurrent, bias = (np.asarray(p, np.float64) for p in params)
    units = recurrent.shape[0]
    x = _point(np.asarray(pair, dtype=np.float64)[None])
    inputs = interval_affine(x, kernel, bias)  # (1, 3H)
    x_zr = _columns(inputs, 0, 2 * units)
    x_h = _columns(inputs, 2 * units, 3 * units)
    zr_pre = interval_affine(box, recurrent[:, : 2 * units], 0.0)
    zr = interval_sigmoid(_sum(zr_pre, x_zr))
    z, r = _columns(zr, 0, units), _columns(zr, units, 2 * units)
    h_pre = interval_affine(
        interval_product(r, box), recurrent[:, 2 * units :], 0.0
    )
    candidate = interval_tanh(_sum(h_pre, x_h))
    return interval_mix(z, box, candidate)


def _sum(first: Box, second: Box) -> Box:
    return _outward(first.lo + second.lo, first.hi + second.hi, 0.0)


def interval_readout(readout: Readout, box: Box) -> Box:
    """The readout's logits ``h @ w + b`` over ``box`` (N, H): a Box (N,)."""
    w = np.asarray(readout.w, dtype=np.float64)[:, None]
    logits = interval_affine(box, w, np.array([float(readout.b)]))
    return Box(logits.lo[..., 0], logits.hi[..., 0])
