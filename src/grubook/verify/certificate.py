"""The certificate: boxes of states, one per key, that prove an adder exact at every length.

:func:`certify` grows a box of states for each key until the GRU step maps
every box, under every input, into the box of the key that follows, and
checks the readout on every image; induction over the time steps then
proves the adder exact on every input of every length.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from grubook._checks import check_int
from grubook.analysis import Readout, trace_adder
from grubook.reference import GRUParams
from grubook.verify.intervals import Box, _outward, _point, interval_readout, interval_step
from grubook.verify.keys import INPUT_PAIRS, describe_key, key_table, state_keys
from grubook.verify.rounding import (
    FLOAT32_STATE_BOUND,
    READOUT_FLOOR,
    check_float32,
    float32_readout_error,
    float32_step_error,
)


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
        check_float32(value, name)
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

    The weights must be float32 numbers (a ValueError otherwise: a float32
    run would round them, and the rounded network is not the one proved),
    the boxes must stay within ``|h| <= FLOAT32_STATE_BOUND``, and the
    margin must exceed the float32 readout's rounding plus
    :data:`READOUT_FLOOR`, so that float32 decides every bit.

    What a proof covers: exact arithmetic, and every implementation whose
    every step is within ``step_error`` of the exact step in every unit
    and whose readout logit is within the rounding bound. That holds for
    :func:`grubook.analysis.run_adder` (NumPy float32 on a CPU, the model
    of :func:`float32_step_error`) and for the Keras float32 model on a CPU
    (:func:`grubook.model.add`; TensorFlow's step was measured within a
    tenth of ``step_error`` of the exact one on the exported adder, in the
    tests); a float64 evaluation of the same float32 weights is far inside
    it. GPUs that multiply in TF32, and XLA's fused kernels, are not
    covered: their rounding is coarser than this bound assumes.
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
    readout margin above the float32 readout's rounding plus
    :data:`READOUT_FLOOR`, so that float32 decides every bit."""
    reach = max(float(np.abs(np.concatenate([b.lo, b.hi])).max()) for b in result.boxes.values())
    if reach > FLOAT32_STATE_BOUND:
        return result._replace(
            proved=False,
            reason=f"the boxes reach |h| = {reach:.3g} > {FLOAT32_STATE_BOUND}, "
            "beyond what the float32 error bound allows",
        )
    rounding = float32_readout_error(readout)
    if result.margin <= rounding + READOUT_FLOOR:
        return result._replace(
            proved=False,
            reason=f"the readout margin {result.margin:.4g} does not exceed its float32 "
            f"rounding {rounding:.4g} plus the floor {READOUT_FLOOR:g} that float32 decides",
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
