"""The adder run fast: its weights as NumPy arrays, its states, its bits.

Everything here works on the *weights* of an adder
(``grubook.model.build_adder``) as NumPy arrays, so that sequences of
thousands of steps run fast:

    params   GRUParams in Keras layout (kernel (2, 3H),
             recurrent_kernel (H, 3H), bias (3H,)), the book's update-gate
             convention
    readout  (w (H,), b ()) of the Dense(1, sigmoid) readout

Shapes: a batch of ``B`` problems of ``T`` steps is ``x`` ``(B, T, 2)``;
hidden states and gates are ``(B, T, H)``; bits are ``uint8`` ``(B, T)``.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from grubook._checks import check_rank
from grubook.data import add_bits, check_bits
from grubook.reference import (
    GRUParams,
    GRUTrace,
    gru_sequence,
    sigmoid,
    split_gates,
)


class Readout(NamedTuple):
    """The readout of an adder: ``p_t = sigmoid(h_t @ w + b)``.

    ``w`` (H,), ``b`` float.
    """

    w: np.ndarray
    b: float


def adder_weights(model) -> tuple[GRUParams, Readout]:
    """The GRU weights and readout of a ``build_adder(cell="custom")`` model."""
    from grubook.cell import GRUCell, get_params

    cell = model.get_layer("gru").cell
    if not isinstance(cell, GRUCell) or cell.reset_after:
        raise TypeError(
            "model must come from build_adder(cell='custom', reset_after=False)"
        )
    kernel, bias = (
        np.asarray(v) for v in model.get_layer("readout").get_weights()
    )
    return get_params(cell), Readout(w=kernel[:, 0], b=float(bias[0]))


def _check_inputs(x) -> np.ndarray:
    x = check_rank(np.asarray(x), 3, "x", "(batch, time, 2)")
    if x.shape[2] != 2 or x.shape[1] == 0:
        raise ValueError(
            f"x must have shape (batch, time >= 1, 2), got {x.shape}"
        )
    return x


def trace_adder(params: GRUParams, x) -> GRUTrace:
    """The adder's gates on ``x`` ``(B, T, 2)`` from ``h_0 = 0``, in float64.

    Returns a :class:`~grubook.reference.GRUTrace` of ``(B, T, H)`` arrays,
    exactly what ``keras.layers.RNN(GRUCell)`` computes (to rounding).
    """
    x = _check_inputs(x).astype(np.float64)
    params = GRUParams(*(np.asarray(p, dtype=np.float64) for p in params))
    h0 = np.zeros((x.shape[0], params.recurrent_kernel.shape[0]))
    return gru_sequence(x, h0, params)


def run_adder(
    params: GRUParams, readout: Readout, x, dtype=np.float32
) -> np.ndarray:
    """The adder's sum probabilities ``(B, T)`` for ``x`` ``(B, T, 2)``, fast.

    The book's equations in a plain NumPy loop over time that keeps only the
    current state, in ``dtype`` (float32 like Keras, or float64), so that
    batches of thousands of problems and sequences of thousands of steps fit.
    """
    x = _check_inputs(x)
    kernel, recurrent, bias = (np.asarray(p, dtype=dtype) for p in params)
    units = recurrent.shape[0]
    u_zr, u_h = recurrent[:, : 2 * units], recurrent[:, 2 * units :]
    w = np.asarray(readout.w, dtype=dtype)
    h = np.zeros((x.shape[0], units), dtype=dtype)
    logits = np.empty(x.shape[:2], dtype=dtype)
    for t in range(x.shape[1]):
        x_z, x_r, x_h = split_gates(x[:, t].astype(dtype) @ kernel + bias)
        zr = sigmoid(np.concatenate([x_z, x_r], axis=1) + h @ u_zr)
        z, r = zr[:, :units], zr[:, units:]
        h_tilde = np.tanh(x_h + (r * h) @ u_h)
        h = (1 - z) * h + z * h_tilde
        logits[:, t] = h @ w
    return sigmoid(logits + dtype(readout.b))


def adder_bits(
    params: GRUParams, readout: Readout, x, dtype=np.float32
) -> np.ndarray:
    """The adder's sum bits ``uint8`` ``(B, T)`` for ``x`` ``(B, T, 2)``."""
    return (run_adder(params, readout, x, dtype) > 0.5).astype(np.uint8)


def exact_match_bits(predicted, x) -> np.ndarray:
    """Per problem, whether ``predicted`` ``(B, T)`` is the sum of ``x``.

    A problem counts only if every one of its bits equals the true sum bit.
    """
    sum_bits, _ = add_bits(_check_inputs(x))
    return np.all(check_bits(predicted, "predicted") == sum_bits, axis=1)
