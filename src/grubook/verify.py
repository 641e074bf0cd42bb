"""Chapter 7: the automaton inside a trained adder, and a proof for every length.

Addition, least significant bit first, is a two-state machine: the carry.
:func:`certify` looks for sets of hidden states, one per *key* (the carry
before the last ``history`` steps and those steps' input pairs), that the
GRU step maps into each other as the carry machine says, and on whose
images the readout gives the right sum bit. If they exist, induction over
the time steps proves the adder exact on every input of every length.

The sets are boxes (one interval per unit), and every bound is computed in
interval arithmetic that rounds outward, so that floating-point rounding
can only make a box larger, never hide a state:

    Box        lo, hi  float64 (..., H): the states with lo <= h <= hi

Shapes: ``params`` is a :class:`~grubook.reference.GRUParams` in Keras
layout with the book's update gate (kernel (2, 3H), recurrent_kernel
(H, 3H), bias (3H,)), ``readout`` an :class:`~grubook.analysis.Readout`
(w (H,), b), as :func:`grubook.analysis.adder_weights` returns them.
"""

from __future__ import annotations

import argparse
import functools
import itertools
import time
from typing import NamedTuple

import numpy as np

from grubook._checks import check_int, check_rank
from grubook.analysis import Readout, hand_built_adder, trace_adder
from grubook.reference import GRUParams, split_gates

__all__ = [
    "Box",
    "UNIT_ROUNDOFF",
    "interval_affine",
    "interval_sigmoid",
    "interval_tanh",
    "interval_product",
    "interval_mix",
    "interval_step",
    "interval_readout",
    "INPUT_PAIRS",
    "carries_after",
    "KeyTable",
    "key_table",
    "describe_key",
    "float32_step_error",
    "float32_readout_error",
    "FLOAT32_STATE_BOUND",
    "leaky_adder",
    "Certificate",
    "certify",
    "kmeans",
    "Automaton",
    "mealy_machine",
    "minimize",
    "read_machine",
    "is_carry_automaton",
    "Plane",
    "carry_plane",
    "fixed_points",
    "portrait_panel",
    "step_jacobian",
    "Wrapping",
    "wrapping",
    "structured_inputs",
    "certify_seed",
    "first_wrong_steps",
    "HISTORIES",
    "CERTIFY_RECIPES",
    "LONG_STEPS",
    "main",
    "CARRY_AUTOMATON",
    "state_keys",
]

UNIT_ROUNDOFF = 2.0**-53
"""u for float64: every +, -, * and / is exact up to a factor (1 + e), |e| <= u."""

_FUNCTION_ERROR = 1e-12
"""Absolute widening of tanh and sigmoid values (|value| <= 1).

The one assumption of the float64 bounds: the platform's float64 tanh is
within 1e-12 of the true value. Math libraries are accurate to a few ulps
(about 1e-16 here), so this widening is some 10,000 times what they need,
and costs nothing next to the margins.
"""

INPUT_PAIRS = ((0, 0), (0, 1), (1, 0), (1, 1))
"""The four input pairs (a, b), indexed by 2 a + b."""


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


def _concat(first: Box, second: Box) -> Box:
    return Box(
        np.concatenate([first.lo, second.lo], axis=-1),
        np.concatenate([first.hi, second.hi], axis=-1),
    )


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


# --- Keys: the carry before a window of inputs, and the window ---------------


def carries_after(x) -> np.ndarray:
    """The carry after each step of ``x`` (B, T, 2) from carry 0: int (B, T)."""
    x = check_rank(np.asarray(x), 3, "x", "(batch, time, 2)")
    columns = x.astype(np.int64)
    carry = np.zeros(x.shape[0], dtype=np.int64)
    out = np.empty(x.shape[:2], dtype=np.int64)
    for t in range(x.shape[1]):
        carry = (columns[:, t, 0] + columns[:, t, 1] + carry) // 2
        out[:, t] = carry
    return out


class KeyTable(NamedTuple):
    """The carry machine on keys of a window of ``history`` input pairs.

    Key ``c * 4**k + sum_j i_j 4**(k-1-j)``: the carry ``c`` before the
    window and its input indices ``i_j = 2 a + b`` (oldest first). Arrays,
    for ``K = 2 * 4**k`` keys and the 4 inputs:

        successor  int (K, 4)  the key after one more input
        sum_bit    int (K, 4)  the sum bit that input must produce
        carry      int (K,)    the carry after the window
    """

    history: int
    successor: np.ndarray
    sum_bit: np.ndarray
    carry: np.ndarray


def _window_carry(carry, window, history: int):
    """The carry after the window of each key: int arrays (K,)."""
    for j in range(history):
        column = (window // 4 ** (history - 1 - j)) % 4
        carry = (column // 2 + column % 2 + carry) // 2
    return carry


def key_table(history: int) -> KeyTable:
    """The :class:`KeyTable` for windows of ``history`` >= 0 input pairs."""
    history = check_int(history, "history", minimum=0)
    if history > 6:
        raise ValueError(
            f"history must be in [0, 6] (2 * 4**history keys), got {history}"
        )
    size = 4**history
    keys = np.arange(2 * size)
    carry_before, window = keys // size, keys % size
    carry_now = _window_carry(carry_before, window, history)
    columns = np.arange(4)
    total = columns[None, :] // 2 + columns[None, :] % 2 + carry_now[:, None]
    if history == 0:
        successor = total // 2
    else:
        oldest = window // 4 ** (history - 1)
        carry_next = (oldest // 2 + oldest % 2 + carry_before) // 2
        successor = (carry_next * size + (window % (size // 4)) * 4)[
            :, None
        ] + columns[None, :]
    return KeyTable(history, successor, total % 2, carry_now)


def describe_key(key: int, history: int) -> str:
    """A key in words, such as ``"carry 1, then (1, 0) (0, 1)"``."""
    size = 4**history
    window = [
        INPUT_PAIRS[(key % size) // 4 ** (history - 1 - j) % 4]
        for j in range(history)
    ]
    pairs = " ".join(f"({a}, {b})" for a, b in window)
    return f"carry {key // size}" + (f", then {pairs}" if window else "")


def state_keys(x, history: int) -> np.ndarray:
    """The key of the state after each step ``t`` = history, ..., T - 1 of ``x``.

    Steps count from 0, so these are the states after ``history + 1`` to
    ``T`` inputs; ``x`` (B, T, 2) starts from carry 0. Returns int
    (B, T - history).
    """
    carries = np.concatenate(
        [np.zeros((len(x), 1), np.int64), carries_after(x)], axis=1
    )
    index = (2 * x[..., 0] + x[..., 1]).astype(np.int64)
    steps = x.shape[1] - history
    keys = carries[:, 1 : steps + 1] * 4**history  # the carry before the window
    for j in range(history):
        keys = keys + index[:, 1 + j : 1 + j + steps] * 4 ** (history - 1 - j)
    return keys


# --- The error of a float32 implementation -----------------------------------


FLOAT32_STATE_BOUND = 1.1
"""The largest |h| :func:`float32_step_error` allows; :func:`certify` refuses
boxes that reach beyond it."""


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


def float32_readout_error(readout: Readout, state_bound: float = FLOAT32_STATE_BOUND) -> float:
    """A bound on the float32 rounding of the readout logit ``h @ w + b``."""
    terms = len(readout.w) + 2
    gamma = terms * 2.0**-24 / (1 - terms * 2.0**-24)
    return float(gamma * (state_bound * np.abs(readout.w).sum() + abs(readout.b)))


# --- An adder that fails only at long lengths --------------------------------


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


# --- The certificate ----------------------------------------------------------


class Certificate(NamedTuple):
    """What :func:`certify` found.

    proved        True when every check held: the adder is exact on every
                  input of every length (for exact arithmetic, and for any
                  implementation whose every step is within ``step_error``
                  of it in every unit)
    history       the window length of the keys
    boxes         {key: Box (H,)}: the set of states of each reached key
    margin        the smallest readout logit on the right side of 0, over
                  every checked step (negative: a readout check failed)
    slack         the smallest distance of an image inside its target box
                  (negative: an inclusion failed)
    iterations    rounds of growing the boxes
    step_error    the per-step error the proof allows
    reason        in words: why it holds, or the first check that failed
    """

    proved: bool
    history: int
    boxes: dict
    margin: float
    slack: float
    iterations: int
    step_error: float
    reason: str


def _check_adder(params: GRUParams, readout: Readout) -> int:
    kernel, recurrent, bias = (np.asarray(p) for p in params)
    units = recurrent.shape[0]
    shapes = ((2, 3 * units), (units, 3 * units), (3 * units,))
    if (kernel.shape, recurrent.shape, bias.shape) != shapes:
        raise ValueError(
            f"params must have shapes {shapes} (an adder, reset_after=False), "
            f"got {(kernel.shape, recurrent.shape, bias.shape)}"
        )
    if np.shape(readout.w) != (units,):
        raise ValueError(
            f"readout.w must have shape ({units},), got {np.shape(readout.w)}"
        )
    for name, value in (*zip(("kernel", "recurrent_kernel", "bias"), params, strict=True),
                        ("readout.w", readout.w), ("readout.b", readout.b)):
        if not np.isfinite(np.asarray(value, dtype=np.float64)).all():
            raise ValueError(f"{name} must hold finite numbers only")
    return units


def _signed_margin(logits: Box, bits) -> np.ndarray:
    """How far each logit interval lies on the side of 0 its bit needs."""
    return np.where(np.asarray(bits) == 1, logits.lo, -logits.hi)


def _widen(box: Box, amount: float) -> Box:
    return _outward(box.lo, box.hi, amount)


class _Prefix(NamedTuple):
    keys: np.ndarray  # int (N,)
    states: Box  # (N, H)
    margin: float


def _enumerate_prefixes(params, readout, table, step_error) -> _Prefix:
    """All ``4**history`` inputs of ``history`` steps from ``h_0 = 0``.

    Each state is a (tiny) box, widened by ``step_error`` at every step;
    the readout is checked at every step.
    """
    units = np.shape(params.recurrent_kernel)[0]
    states = _point(np.zeros((1, units)))
    keys = np.zeros(1, dtype=np.int64)
    carry = np.zeros(1, dtype=np.int64)
    margin = np.inf
    for _ in range(table.history):
        parts = []
        for index, pair in enumerate(INPUT_PAIRS):
            image = _widen(interval_step(params, pair, states), step_error)
            total = sum(pair) + carry
            logits = interval_readout(readout, image)
            margin = min(margin, _signed_margin(logits, total % 2).min())
            parts.append((image, keys * 4 + index, total // 2))
        states = Box(*(np.concatenate(p) for p in zip(*(p[0] for p in parts), strict=True)))
        keys = np.concatenate([p[1] for p in parts])
        carry = np.concatenate([p[2] for p in parts])
    return _Prefix(keys, states, float(margin))


def _hull_by_key(keys, states: Box, count: int, units: int) -> Box:
    """The smallest box around the states of each key: Box (count, H).

    Keys with no state get the empty box (lo = +inf, hi = -inf).
    """
    lo = np.full((count, units), np.inf)
    hi = np.full((count, units), -np.inf)
    np.minimum.at(lo, keys, states.lo)
    np.maximum.at(hi, keys, states.hi)
    return Box(lo, hi)


def _union(first: Box, second: Box) -> Box:
    return Box(np.minimum(first.lo, second.lo), np.maximum(first.hi, second.hi))


def _warm_boxes(params, warm_start, table, count, units) -> Box:
    """Boxes around the states ``warm_start`` (B, T, 2) reaches, by key."""
    x = np.asarray(warm_start, dtype=np.float64)
    states = trace_adder(params, x).h[:, table.history :]
    keys = state_keys(x, table.history)
    flat = _point(states.reshape(-1, units))
    return _hull_by_key(keys.ravel(), flat, count, units)


class _Round(NamedTuple):
    targets: Box  # (K, H): the hull of the images arriving at each key
    margin: float
    worst: tuple  # (margin, key, input index) of the worst readout


def _one_round(params, readout, table, boxes: Box, live, step_error) -> _Round:
    """Images of every live box under every input, and their readouts."""
    count, units = boxes.lo.shape
    live_keys = np.flatnonzero(live)
    source = Box(boxes.lo[live_keys], boxes.hi[live_keys])
    targets = Box(np.full((count, units), np.inf), np.full((count, units), -np.inf))
    worst = (np.inf, -1, -1)
    for index, pair in enumerate(INPUT_PAIRS):
        image = _widen(interval_step(params, pair, source), step_error)
        margins = _signed_margin(
            interval_readout(readout, image), table.sum_bit[live_keys, index]
        )
        at = int(np.argmin(margins))
        if margins[at] < worst[0]:
            worst = (float(margins[at]), int(live_keys[at]), index)
        arriving = _hull_by_key(table.successor[live_keys, index], image, count, units)
        targets = _union(targets, arriving)
    return _Round(targets, worst[0], worst)


def _slack(inner: Box, outer: Box, live) -> float:
    gaps = np.minimum(inner.lo - outer.lo, outer.hi - inner.hi)[live]
    return float(gaps.min())


def certify(
    params: GRUParams,
    readout: Readout,
    history: int = 0,
    step_error: float | None = None,
    padding: float = 1e-3,
    max_iterations: int = 200,
    warm_start=None,
) -> Certificate:
    """Try to prove the adder exact on every input of every length.

    The proof is an induction over time. Keys are the carry before the last
    ``history`` steps and those steps' inputs (:func:`key_table`); the
    ``4**history`` first inputs are enumerated exactly. Each key gets a box
    of states, grown until the step maps every box, under every input, into
    the box of the key that follows (a fixed point), and then

    * every state reached after the enumerated prefix lies in its key's box,
      by induction, because each box holds the images of its predecessors;
    * the readout of every image has the right sum bit with ``margin > 0``.

    Boxes grow by the hull of the images plus ``padding`` (so that growing
    ends); ``warm_start`` (B, T, 2), if given, seeds them with the states
    those inputs reach. Every image is widened by ``step_error`` (default:
    :func:`float32_step_error`, so that the proof covers float32 too).
    Returns a :class:`Certificate`; ``proved`` is False, with a ``reason``,
    when a readout check fails or the boxes do not stop growing.
    """
    units = _check_adder(params, readout)
    params = GRUParams(*(np.asarray(p, np.float64) for p in params))
    table = key_table(history)
    if step_error is None:
        step_error = float32_step_error(params)
    if not step_error >= 0 or not padding > 0:
        raise ValueError(
            f"step_error must be >= 0 and padding > 0, got {step_error}, {padding}"
        )
    max_iterations = check_int(max_iterations, "max_iterations", minimum=1)
    count = len(table.successor)
    prefix = _enumerate_prefixes(params, readout, table, step_error)
    boxes = _hull_by_key(prefix.keys, prefix.states, count, units)
    if warm_start is not None:
        boxes = _union(boxes, _warm_boxes(params, warm_start, table, count, units))
    result = _grow(params, readout, table, boxes, step_error, padding, max_iterations)
    if result.proved and prefix.margin > 0:
        return _float32_checks(result._replace(margin=min(result.margin, prefix.margin)), readout)
    if prefix.margin <= 0:
        return result._replace(
            proved=False,
            margin=min(result.margin, prefix.margin),
            reason=f"the readout fails within the first {history} steps "
            f"(margin {prefix.margin:.3g})",
        )
    return result._replace(margin=min(result.margin, prefix.margin))


def _float32_checks(result: Certificate, readout: Readout) -> Certificate:
    """A proof also needs its boxes inside ``|h| <= FLOAT32_STATE_BOUND`` and a
    readout margin above the float32 readout's rounding."""
    reach = max(float(np.abs(np.concatenate([b.lo, b.hi])).max()) for b in result.boxes.values())
    if reach > FLOAT32_STATE_BOUND:
        return result._replace(
            proved=False,
            reason=f"the boxes reach |h| = {reach:.3g} > {FLOAT32_STATE_BOUND}, "
            "beyond what the float32 error bound allows",
        )
    if result.margin <= float32_readout_error(readout):
        return result._replace(
            proved=False,
            reason=f"the readout margin {result.margin:.3g} is below its float32 rounding",
        )
    return result._replace(
        reason=f"every image lies in its box; readout margin {result.margin:.3g}"
    )


def _grow(params, readout, table, boxes, step_error, padding, max_iterations):
    """Grow ``boxes`` (K, H) to a fixed point; a :class:`Certificate`."""
    live = np.isfinite(boxes.lo).all(axis=1)
    for iteration in range(1, max_iterations + 1):
        round_ = _one_round(params, readout, table, boxes, live, step_error)
        margin, key, index = round_.worst
        if margin <= 0:
            return _certificate(
                False, table, boxes, live, round_, iteration, step_error,
                f"the readout fails on input {INPUT_PAIRS[index]} after "
                f"{describe_key(key, table.history)}: its logit is on the "
                f"wrong side of 0 by up to {-margin:.3g}",
            )
        above = round_.targets.hi > boxes.hi
        below = round_.targets.lo < boxes.lo
        if not (above | below).any():
            return _certificate(
                True, table, boxes, live, round_, iteration, step_error,
                f"every image lies in its box; readout margin {margin:.3g}",
            )
        boxes = Box(
            np.where(below, round_.targets.lo - padding, boxes.lo),
            np.where(above, round_.targets.hi + padding, boxes.hi),
        )
        live = np.isfinite(boxes.lo).all(axis=1)
    widest = np.where(live[:, None], boxes.width, 0.0)
    key, unit = np.unravel_index(np.argmax(widest), widest.shape)
    return _certificate(
        False, table, boxes, live, round_, max_iterations, step_error,
        f"the boxes still grow after {max_iterations} rounds; the widest is "
        f"unit {unit} after {describe_key(int(key), table.history)}, "
        f"{widest[key, unit]:.3g} wide",
    )


def _certificate(proved, table, boxes, live, round_, iteration, step_error, reason):
    keys = np.flatnonzero(live)
    return Certificate(
        proved=bool(proved),
        history=table.history,
        boxes={int(k): Box(boxes.lo[k], boxes.hi[k]) for k in keys},
        margin=float(round_.margin),
        slack=_slack(round_.targets, boxes, np.isfinite(round_.targets.lo).all(1)),
        iterations=int(iteration),
        step_error=float(step_error),
        reason=reason,
    )


# --- The automaton inside a trained adder -------------------------------------


def kmeans(points, clusters: int, seed: int = 0, rounds: int = 50):
    """Lloyd's k-means with k-means++ starts: ``points`` (N, H).

    Returns ``(centres (clusters, H), labels int (N,))``.
    """
    points = check_rank(np.asarray(points, np.float64), 2, "points", "(N, H)")
    clusters = check_int(clusters, "clusters", minimum=1)
    if clusters > len(points):
        raise ValueError(
            f"clusters must be at most the {len(points)} points, got {clusters}"
        )
    rng = np.random.default_rng(seed)
    centres = points[rng.integers(len(points))][None]
    while len(centres) < clusters:
        distance = ((points[:, None] - centres[None]) ** 2).sum(-1).min(1)
        pick = rng.choice(len(points), p=distance / distance.sum())
        centres = np.vstack([centres, points[pick]])
    for _ in range(rounds):
        labels = _nearest(points, centres)
        centres = np.stack(
            [
                points[labels == k].mean(0) if (labels == k).any() else centres[k]
                for k in range(clusters)
            ]
        )
    return centres, _nearest(points, centres)


def _nearest(points, centres) -> np.ndarray:
    return ((points[:, None] - centres[None]) ** 2).sum(-1).argmin(1)


class Automaton(NamedTuple):
    """A Mealy machine read off an adder's states (or minimised).

    transitions  int (S, 4)  the state after each input pair (2 a + b)
    outputs      int (S, 4)  the sum bit the adder writes on that input
    start        int         the state of h_0 = 0
    agreement    float       the fraction of observed steps that follow the
                             table (1.0: the clusters are a machine)
    """

    transitions: np.ndarray
    outputs: np.ndarray
    start: int
    agreement: float


def mealy_machine(labels, x, bits, clusters: int) -> Automaton:
    """The machine whose states are clusters of hidden states, and h_0.

    ``labels`` int (B, T): the cluster (0 .. clusters - 1) of the state
    after each step of ``x`` (B, T, 2); ``bits`` (B, T) the adder's sum
    bits. The start state ``h_0 = 0`` is a state of its own, numbered
    ``clusters``. Each (state, input) gets its most frequent next state and
    output; ``agreement`` is the fraction of steps that agree with both.
    """
    labels = np.asarray(labels, dtype=np.int64)
    before = np.concatenate(
        [np.full((len(labels), 1), clusters), labels[:, :-1]], axis=1
    )
    inputs = (2 * np.asarray(x)[..., 0] + np.asarray(x)[..., 1]).astype(np.int64)
    cell = (before * 4 + inputs).ravel()
    transitions = _most_frequent(cell, labels.ravel(), clusters + 1)
    outputs = _most_frequent(cell, np.asarray(bits, np.int64).ravel(), clusters + 1)
    agree = (transitions.ravel()[cell] == labels.ravel()) & (
        outputs.ravel()[cell] == np.asarray(bits).ravel()
    )
    return Automaton(transitions, outputs, clusters, float(agree.mean()))


def _most_frequent(cell, values, clusters: int) -> np.ndarray:
    """For each (cluster, input) cell, its most frequent value (-1: unseen)."""
    counts = np.zeros((clusters * 4, values.max() + 1), dtype=np.int64)
    np.add.at(counts, (cell, values), 1)
    best = counts.argmax(1)
    best[counts.sum(1) == 0] = -1
    return best.reshape(clusters, 4)


def minimize(machine: Automaton) -> Automaton:
    """The smallest machine that writes the same bits from ``start``.

    Keeps the states reachable from ``start``, then merges states that
    no input sequence tells apart (partition refinement, Moore's method).
    Unseen transitions (-1) must not be reachable.
    """
    reachable = _reachable(machine)
    block = {s: tuple(machine.outputs[s]) for s in reachable}
    while True:
        signature = {
            s: (block[s], tuple(block[t] for t in machine.transitions[s]))
            for s in reachable
        }
        names = {sig: i for i, sig in enumerate(sorted(set(signature.values())))}
        refined = {s: names[signature[s]] for s in reachable}
        if len(names) == len(set(block.values())):
            break
        block = refined
    size = len(names)
    transitions = np.zeros((size, 4), dtype=np.int64)
    outputs = np.zeros((size, 4), dtype=np.int64)
    for s in reachable:
        transitions[refined[s]] = [refined[t] for t in machine.transitions[s]]
        outputs[refined[s]] = machine.outputs[s]
    return Automaton(transitions, outputs, refined[machine.start], machine.agreement)


def _reachable(machine: Automaton) -> list[int]:
    seen, todo = {machine.start}, [machine.start]
    while todo:
        state = todo.pop()
        for nxt in machine.transitions[state]:
            if nxt < 0:
                raise ValueError(
                    f"state {state} has an unseen transition: collect the "
                    "states on more inputs"
                )
            if int(nxt) not in seen:
                seen.add(int(nxt))
                todo.append(int(nxt))
    return sorted(seen)


CARRY_AUTOMATON = Automaton(
    transitions=np.array([[0, 0, 0, 1], [0, 1, 1, 1]]),
    outputs=np.array([[0, 1, 1, 0], [1, 0, 0, 1]]),
    start=0,
    agreement=1.0,
)
"""Addition: state = the carry; on (a, b) write (a + b + c) mod 2."""


def read_machine(params, readout, x, clusters: int):
    """Cluster the states ``params`` reaches on ``x`` (B, T, 2); read their machine.

    Returns ``(centres (clusters, H), Automaton)``: the k-means centres of the
    states and the :func:`mealy_machine` of the clusters, with the bits the
    adder writes.
    """
    from grubook.analysis import adder_bits

    x = np.asarray(x, dtype=np.float64)
    states = trace_adder(params, x).h
    centres, labels = kmeans(states.reshape(-1, states.shape[-1]), clusters)
    bits = adder_bits(params, readout, x, np.float64)
    return centres, mealy_machine(labels.reshape(states.shape[:2]), x, bits, clusters)


def is_carry_automaton(machine: Automaton) -> bool:
    """Whether the minimised ``machine`` is the two-state carry machine."""
    small = minimize(machine)
    if small.transitions.shape != (2, 4):
        return False
    other = 1 - small.start
    order = [small.start, other]
    relabel = {small.start: 0, other: 1}
    transitions = np.array([[relabel[t] for t in small.transitions[s]] for s in order])
    outputs = small.outputs[order]
    return bool(
        np.array_equal(transitions, CARRY_AUTOMATON.transitions)
        and np.array_equal(outputs, CARRY_AUTOMATON.outputs)
    )


# --- A plane to draw the states in -------------------------------------------------


class Plane(NamedTuple):
    """Two directions to draw states in: ``(h - origin) @ axes.T`` (..., 2).

    origin (H,); axes (2, H), orthonormal: the first from the mean state of
    carry 0 to that of carry 1, the second the direction of largest spread
    of the states across it.
    """

    origin: np.ndarray
    axes: np.ndarray

    def project(self, states) -> np.ndarray:
        """``states`` (..., H) -> coordinates (..., 2)."""
        return (np.asarray(states) - self.origin) @ self.axes.T


def carry_plane(states, carries) -> Plane:
    """The :class:`Plane` of ``states`` (N, H) with their ``carries`` (N,)."""
    states = check_rank(np.asarray(states, np.float64), 2, "states", "(N, H)")
    carries = np.asarray(carries)
    if carries.shape != states.shape[:1] or not np.isin(carries, (0, 1)).all():
        raise ValueError(f"carries must be {states.shape[0]} values in {{0, 1}}")
    if not (carries == 0).any() or not (carries == 1).any():
        raise ValueError("states must include both carries")
    zero, one = states[carries == 0].mean(0), states[carries == 1].mean(0)
    first = (one - zero) / np.linalg.norm(one - zero)
    rest = states - states.mean(0)
    rest = rest - np.outer(rest @ first, first)
    second = np.linalg.svd(rest, full_matrices=False)[2][0]
    return Plane(0.5 * (zero + one), np.stack([first, second]))


def fixed_points(params: GRUParams, starts, steps: int = 400) -> dict:
    """Where repeating one input pair leads, from each of ``starts``.

    ``starts`` maps a name (such as the carry) to a state (H,). Returns
    ``{(pair, name): (state (H,), moved)}``: the state after ``steps``
    repetitions of ``pair`` and how far its last step moved it (about 0 at
    a fixed point).
    """
    from grubook.reference import gru_step

    found = {}
    for name, start in starts.items():
        for pair in INPUT_PAIRS:
            h = np.asarray(start, np.float64)[None]
            x = np.asarray(pair, np.float64)[None]
            for _ in range(steps):
                h, last = gru_step(x, h, params).h, h
            found[(pair, name)] = (h[0], float(np.abs(h - last).max()))
    return found


def portrait_panel(params, readout, x, title: str, clusters: int = 8,
                   hold_bits: int = 3000, path_steps: int = 40) -> dict:
    """What :func:`grubook.plots.phase_portrait` draws for one adder.

    The states ``x`` (B, T, 2) reaches, in the adder's :func:`carry_plane`;
    arrows from each of ``clusters`` k-means centres to the centre the
    clusters' machine moves to on each input; the fixed points that
    repeating one input reaches from the mean state of each carry; and the
    first ``path_steps`` states of the hold ``2**hold_bits - 1 + 0``. Also
    returns, under ``"first_wrong"``, the first step that hold gets wrong.
    """
    from grubook.analysis import adder_bits
    from grubook.data import encode_pair

    x = np.asarray(x, dtype=np.float64)
    units = np.shape(params.recurrent_kernel)[0]
    states = trace_adder(params, x).h.reshape(-1, units)
    carries = carries_after(x).ravel()
    plane = carry_plane(states, carries)
    centres, machine = read_machine(params, readout, x, clusters)
    arrows = [
        (plane.project(centres[c]), plane.project(centres[t]), i)
        for c in range(clusters)
        for i, t in enumerate(machine.transitions[c])
        if 0 <= t < clusters and t != c
    ]
    starts = {c: states[carries == c].mean(0) for c in (0, 1)}
    fixed = [h for h, moved in fixed_points(params, starts).values() if moved < 1e-6]
    hold = encode_pair(2**hold_bits - 1, 0, hold_bits)[None].astype(np.float64)
    path = trace_adder(params, hold).h[0, :path_steps]
    return {
        "title": title,
        "points": plane.project(states),
        "carries": carries,
        "arrows": arrows,
        "fixed": plane.project(np.array(fixed)).reshape(-1, 2),
        "path": plane.project(path),
        "path_label": f"the first {path_steps} steps of 2**{hold_bits} - 1 + 0",
        "first_wrong": first_wrong_steps(adder_bits(params, readout, hold, np.float64), hold)[0],
    }


# --- Why boxes wrap ---------------------------------------------------------------


def step_jacobian(params: GRUParams, pair, h, eps: float = 1e-6) -> np.ndarray:
    """``d F_ab(h) / d h`` by central differences, float64 (H, H).

    Row ``i`` holds the derivatives of unit ``i`` of the new state;
    ``pair`` is the input (a, b) and ``h`` (H,) the old state.
    """
    from grubook.reference import gru_step

    h = np.asarray(h, dtype=np.float64)
    x = np.tile(np.asarray(pair, dtype=np.float64), (2 * len(h), 1))
    shifts = eps * np.eye(len(h))
    both = gru_step(x, np.concatenate([h + shifts, h - shifts]), params).h
    return ((both[: len(h)] - both[len(h) :]) / (2 * eps)).T


class Wrapping(NamedTuple):
    """How one interval step widens boxes, against how states really stretch.

    Medians over reached states of the step's Jacobian ``J``:

        row_sum          the largest absolute row sum of J: how much one
                         interval step widens a cube around the state
        abs_radius       the spectral radius of |J|: how much it widens the
                         best-shaped box (a box can shrink under the
                         interval step, to first order, only if this is < 1)
        spectral_radius  the spectral radius of J at one state
        product_rate     how much products of J along a trajectory stretch
                         per step in the long run (the median over the
                         trajectories of ||J_T ... J_1|| ** (1 / T))
    """

    row_sum: float
    abs_radius: float
    spectral_radius: float
    product_rate: float


def _jacobians(params, x, skip: int):
    """The Jacobian at each state of ``x`` (B, T, 2) after ``skip`` steps, (B, T', H, H)."""
    states = trace_adder(params, x).h
    return np.array([
        [step_jacobian(params, x[b, t + 1], states[b, t]) for t in range(skip, x.shape[1] - 1)]
        for b in range(x.shape[0])
    ])


def _product_rate(jacobians) -> float:
    """``||J_T ... J_1|| ** (1 / T)`` for one trajectory's (T, H, H), renormalised as it goes."""
    product, log_norm = np.eye(jacobians.shape[-1]), 0.0
    for jacobian in jacobians:
        product = jacobian @ product
        norm = np.linalg.norm(product, 2)
        log_norm, product = log_norm + np.log(norm), product / norm
    return float(np.exp(log_norm / len(jacobians)))


def wrapping(params: GRUParams, x, skip: int = 10) -> Wrapping:
    """:class:`Wrapping` at the states ``x`` (B, T, 2) reaches after ``skip`` steps.

    Each state's Jacobian is taken for the input pair that follows it in ``x``.
    """
    x = np.asarray(x, dtype=np.float64)
    jacobians = _jacobians(params, x, skip)
    flat = jacobians.reshape(-1, *jacobians.shape[-2:])
    return Wrapping(
        row_sum=float(np.median(np.abs(flat).sum(axis=2).max(axis=1))),
        abs_radius=float(np.median(np.abs(np.linalg.eigvals(np.abs(flat))).max(axis=1))),
        spectral_radius=float(np.median(np.abs(np.linalg.eigvals(flat)).max(axis=1))),
        product_rate=float(np.median([_product_rate(j) for j in jacobians])),
    )


# --- Certifying many trained adders -------------------------------------------------


HISTORIES = (0, 1, 2, 4)
"""The window lengths :func:`certify_seed` tries."""

LONG_STEPS = 100_000
"""Steps of the structured inputs every seed is also tested on."""


def structured_inputs(n_bits: int) -> np.ndarray:
    """A carry chain, a hold and a random pair of ``n_bits`` bits.

    ``2**n - 1 + 1``, ``2**n - 1 + 0`` and two random numbers (seeded by
    ``n_bits``): float32 (3, n_bits + 1, 2).
    """
    from grubook.data import encode_pair

    n_bits = check_int(n_bits, "n_bits", minimum=8)
    rng = np.random.default_rng(n_bits)
    operands = [
        int.from_bytes(rng.bytes((n_bits + 7) // 8), "little") % 2**n_bits
        for _ in range(2)
    ]
    pairs = [(2**n_bits - 1, 1), (2**n_bits - 1, 0), tuple(operands)]
    return np.stack([encode_pair(a, b, n_bits) for a, b in pairs]).astype(np.float32)


def first_wrong_steps(bits, x) -> list:
    """The first step each problem of ``x`` (B, T, 2) gets wrong, or None.

    ``bits`` uint8 (B, T) are the adder's sum bits.
    """
    from grubook.data import targets_for

    wrong = np.asarray(bits) != targets_for(x)[..., 0]
    return [int(np.argmax(row)) if row.any() else None for row in wrong]


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


def main(argv=None) -> None:
    """Certify the adders of a recipe on many seeds; write the results as JSON."""
    from grubook.certified import CERTIFIED_RECIPE
    from grubook.studies import RECIPES, _seed_range, write_results

    parser = argparse.ArgumentParser(prog="python -m grubook.verify", description=main.__doc__)
    parser.add_argument("--seeds", default="10-19", help="a seed or a range such as 10-19")
    parser.add_argument(
        "--recipes", nargs="+", default=list(CERTIFY_RECIPES), choices=CERTIFY_RECIPES
    )
    parser.add_argument("--out", required=True, help="the JSON file to write")
    args = parser.parse_args(argv)
    seeds = _seed_range(args.seeds)
    start = time.perf_counter()
    rows = []
    for recipe in args.recipes:
        for seed in seeds:
            rows.append(certify_seed(recipe, seed))
            row = rows[-1]
            print(f"{recipe} seed {seed}: proved {row['proved']}, long inputs exact "
                  f"{row['long_exact']}, {row['seconds']:.0f} s", flush=True)
    fields = {
        "recipes": {"robust": RECIPES["robust"], "certified": CERTIFIED_RECIPE},
        "seeds": seeds,
        "histories": list(HISTORIES),
        "long_steps": LONG_STEPS,
    }
    write_results(args.out, "grubook.verify", argv, start, fields, rows, "seeds")


if __name__ == "__main__":
    main()
