"""The GRU equations in NumPy: the ground truth the book is checked against.

The book's equations (Chung et al. 2014), in the row-vector form the code
uses (``x @ W`` rather than ``W x``)::

    z_t  = sigmoid(x_t W_z + h_{t-1} U_z + b_z)              update gate
    r_t  = sigmoid(x_t W_r + h_{t-1} U_r + b_r)              reset gate
    h~_t = tanh(x_t W_h + (r_t * h_{t-1}) U_h + b_h)         candidate
    h_t  = (1 - z_t) * h_{t-1} + z_t * h~_t                  new state

With ``reset_after=True`` the reset gate is applied after the recurrent
product (cuDNN, the Keras default, PyTorch), and there are two biases::

    h~_t = tanh(x_t W_h + b^x_h + r_t * (h_{t-1} U_h + b^h_h))

With ``update_gate="keras"`` the new state is ``z * h_{t-1} + (1 - z) * h~``
(Keras and PyTorch), which is the book's cell with the z-block of every
weight and bias negated (see :func:`flip_update_gate`).

Weights use the Keras layout, gate blocks in the order z, r, h::

    kernel            (D, 3H)
    recurrent_kernel  (H, 3H)
    bias              (3H,)      or (2, 3H) with reset_after=True:
                                 row 0 input bias, row 1 recurrent bias
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from grubook._checks import as_rng, check_bool, check_one_of, check_positive_int, check_rank

__all__ = [
    "GRUParams",
    "GRUTrace",
    "sigmoid",
    "split_gates",
    "random_params",
    "gru_step",
    "gru_sequence",
    "flip_update_gate",
]

UPDATE_GATE_CONVENTIONS = ("book", "keras")


class GRUParams(NamedTuple):
    """The weights of one GRU layer, in Keras's layout (see above)."""

    kernel: np.ndarray
    recurrent_kernel: np.ndarray
    bias: np.ndarray


class GRUTrace(NamedTuple):
    """What a step (each (B, H)) or a sequence (each (B, T, H)) computes."""

    z: np.ndarray
    r: np.ndarray
    h_tilde: np.ndarray
    h: np.ndarray


def sigmoid(a):
    """The logistic function 1 / (1 + exp(-a)), elementwise.

    Written with tanh, so large |a| gives no overflow warnings.
    """
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(a)))


def split_gates(
    matrix: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Split the last axis, 3H wide, into the z, r and h blocks (H each)."""
    return tuple(np.split(np.asarray(matrix), 3, axis=-1))


def _check_params(params: GRUParams, reset_after: bool) -> int:
    """Check the shapes of ``params``; return the number of units H."""
    kernel, recurrent, bias = (np.asarray(p) for p in params)
    check_rank(kernel, 2, "kernel", "(input_dim, 3 * units)")
    units = recurrent.shape[0]
    if recurrent.shape != (units, 3 * units):
        raise ValueError(
            "recurrent_kernel must have shape (units, 3 * units), "
            f"got {recurrent.shape}"
        )
    if kernel.shape[1] != 3 * units:
        raise ValueError(
            f"kernel must have shape (input_dim, {3 * units}), "
            f"got {kernel.shape}"
        )
    expected_bias = (2, 3 * units) if reset_after else (3 * units,)
    if bias.shape != expected_bias:
        raise ValueError(
            f"bias must have shape {expected_bias} "
            f"with reset_after={reset_after}, "
            f"got {bias.shape}"
        )
    return units


def _check_conventions(reset_after, update_gate):
    check_bool(reset_after, "reset_after")
    check_one_of(update_gate, "update_gate", UPDATE_GATE_CONVENTIONS)


def random_params(
    input_dim: int,
    units: int,
    rng,
    *,
    reset_after: bool = False,
    scale: float = 1.0,
) -> GRUParams:
    """Random float64 weights: normal, with std scale / sqrt(fan_in).

    Biases are random too (not zero), so that tests exercise every term.
    """
    input_dim = check_positive_int(input_dim, "input_dim")
    units = check_positive_int(units, "units")
    rng = as_rng(rng)
    bias_shape = (2, 3 * units) if reset_after else (3 * units,)
    return GRUParams(
        kernel=rng.normal(
            0, scale / np.sqrt(input_dim), (input_dim, 3 * units)
        ),
        recurrent_kernel=rng.normal(
            0, scale / np.sqrt(units), (units, 3 * units)
        ),
        bias=rng.normal(0, scale, bias_shape),
    )


def gru_step(
    x,
    h_prev,
    params: GRUParams,
    *,
    reset_after: bool = False,
    update_gate: str = "book",
) -> GRUTrace:
    """One GRU step for a batch: ``x`` ``(B, D)``, ``h_prev`` ``(B, H)``.

    Returns a :class:`GRUTrace` of ``(B, H)`` arrays: the gates ``z`` and
    ``r``, the candidate ``h_tilde`` and the new state ``h``.
    """
    _check_conventions(reset_after, update_gate)
    units = _check_params(params, reset_after)
    x = check_rank(np.asarray(x), 2, "x", "(batch, input_dim)")
    h_prev = check_rank(np.asarray(h_prev), 2, "h_prev", "(batch, units)")
    if h_prev.shape[1] != units or x.shape[1] != params.kernel.shape[0]:
        raise ValueError(
            f"x must be (batch, {params.kernel.shape[0]}) "
            f"and h_prev (batch, {units}), "
            f"got {x.shape} and {h_prev.shape}"
        )
    kernel, recurrent, bias = params
    input_bias, recurrent_bias = (
        (bias[0], bias[1]) if reset_after else (bias, 0.0 * bias)
    )
    x_z, x_r, x_h = split_gates(x @ kernel + input_bias)
    u_z, u_r, u_h = split_gates(recurrent)
    b_z, b_r, b_h = split_gates(recurrent_bias)
    z = sigmoid(x_z + h_prev @ u_z + b_z)
    r = sigmoid(x_r + h_prev @ u_r + b_r)
    if reset_after:
        h_tilde = np.tanh(x_h + r * (h_prev @ u_h + b_h))
    else:
        h_tilde = np.tanh(x_h + (r * h_prev) @ u_h)
    if update_gate == "book":
        h = (1 - z) * h_prev + z * h_tilde
    else:
        h = z * h_prev + (1 - z) * h_tilde
    return GRUTrace(z=z, r=r, h_tilde=h_tilde, h=h)


def gru_sequence(
    xs,
    h0,
    params: GRUParams,
    *,
    reset_after: bool = False,
    update_gate: str = "book",
) -> GRUTrace:
    """Run :func:`gru_step` over ``xs`` (B, T, D) from ``h0`` (B, H).

    Returns a :class:`GRUTrace` of ``(B, T, H)`` arrays; ``h[:, t]`` is the
    state after reading ``xs[:, t]``.
    """
    xs = check_rank(np.asarray(xs), 3, "xs", "(batch, time, input_dim)")
    if xs.shape[1] == 0:
        raise ValueError(
            f"xs must have at least one time step, got shape {xs.shape}"
        )
    h = np.asarray(h0)
    steps = []
    for t in range(xs.shape[1]):
        step = gru_step(
            xs[:, t],
            h,
            params,
            reset_after=reset_after,
            update_gate=update_gate,
        )
        steps.append(step)
        h = step.h
    return GRUTrace(
        *(np.stack(parts, axis=1) for parts in zip(*steps, strict=True))
    )


def flip_update_gate(params: GRUParams) -> GRUParams:
    """Negate the z-block of every weight and bias.

    Because sigmoid(-a) = 1 - sigmoid(a), this turns a cell in the book's
    convention into one in the Keras convention that computes the same
    states, and back again (the map is its own inverse).
    """
    units = np.shape(params.recurrent_kernel)[0]
    sign = np.ones(3 * units)
    sign[:units] = -1.0
    return GRUParams(
        *(np.asarray(p) * sign.astype(np.asarray(p).dtype) for p in params)
    )
