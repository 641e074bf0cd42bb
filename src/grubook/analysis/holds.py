"""How firmly an adder holds its carry: the step Jacobian at a held state.

While the input column is ``(1, 0)`` or ``(0, 1)`` (a *propagate* column;
the two are the two operand orders of the same sum) the carry must
stay what it was, so the state must come back to where it was after every
such step. Near a held state ``h`` the step acts on a small error ``e`` as
``e -> J e``, with ``J = dh_t / dh_{t-1}`` the step Jacobian; the largest
``|eigenvalue|`` of ``J`` (its spectral radius) says whether errors shrink
(below 1: the held state attracts) or survive (1 and above: the state can
drift). Everything is float64 NumPy on the weights of
:func:`grubook.analysis.adder_weights`, in the book's update-gate
convention with the reset gate applied before the product (``reset_after
=False``).
"""

from __future__ import annotations

import numpy as np

from grubook._checks import check_int, check_rank
from grubook.reference import GRUParams, gru_step, sigmoid, split_gates

HOLD_COLUMN = (1.0, 0.0)  # a propagate column: the carry must be kept
HOLD_COLUMNS = ((1.0, 0.0), (0.0, 1.0))  # the two propagate columns


def _float64_params(params: GRUParams) -> GRUParams:
    return GRUParams(*(np.asarray(p, dtype=np.float64) for p in params))


def step_jacobian(params: GRUParams, x, h) -> np.ndarray:
    """The Jacobian ``dh_t / dh_{t-1}`` ``(H, H)`` of one step, at ``h``.

    ``x`` ``(2,)`` is the input column, ``h`` ``(H,)`` the previous state;
    entry ``[i, j]`` is the change of unit ``i`` of the new state per change
    of unit ``j`` of the old one. With ``h_t = (1 - z) h + z h~``:
    ``diag(1 - z) + diag((h~ - h) z (1 - z)) U_z^T + diag(z (1 - h~^2))
    (U_h^T diag(r) + U_h^T diag(h r (1 - r)) U_r^T)``, the ``U`` blocks in
    Keras's layout (``(H, H)`` each, applied as ``h @ U``).
    """
    params = _float64_params(params)
    units = params.recurrent_kernel.shape[0]
    x = np.asarray(x, dtype=np.float64).reshape(-1)
    h = check_rank(np.asarray(h, dtype=np.float64), 1, "h", "(units,)")
    if h.shape != (units,) or x.shape != (params.kernel.shape[0],):
        raise ValueError(
            f"x must be ({params.kernel.shape[0]},) and h ({units},), "
            f"got {x.shape} and {h.shape}"
        )
    x_z, x_r, x_h = split_gates(x @ params.kernel + params.bias)
    u_z, u_r, u_h = split_gates(params.recurrent_kernel)
    z, r = sigmoid(x_z + h @ u_z), sigmoid(x_r + h @ u_r)
    h_tilde = np.tanh(x_h + (r * h) @ u_h)
    d_candidate = u_h.T * r + u_h.T @ ((h * r * (1 - r))[:, None] * u_r.T)
    return (
        np.diag(1 - z)
        + ((h_tilde - h) * z * (1 - z))[:, None] * u_z.T
        + (z * (1 - h_tilde**2))[:, None] * d_candidate
    )


def _check_column(column) -> tuple[float, float]:
    column = tuple(float(v) for v in np.asarray(column).reshape(-1))
    if column not in HOLD_COLUMNS:
        raise ValueError(f"column must be (1, 0) or (0, 1), got {column}")
    return column


def held_state(
    params: GRUParams, carry: int, steps: int = 8, column=HOLD_COLUMN
) -> np.ndarray:
    """The state ``(H,)`` that holds ``carry`` after ``steps`` hold columns.

    From ``h_0 = 0``, one column sets the carry (``(0, 0)`` kills it,
    ``(1, 1)`` generates it), then ``steps`` columns ``column`` (``(1, 0)``,
    the ones in ``a``, or ``(0, 1)``, the ones in ``b``) must keep it. The
    default 8 is the longest hold of the book's 8-bit training.
    """
    column = _check_column(column)
    check_int(carry, "carry", minimum=0)
    if carry > 1:
        raise ValueError(f"carry must be 0 or 1, got {carry}")
    steps = check_int(steps, "steps", minimum=0)
    params = _float64_params(params)
    h = np.zeros((1, params.recurrent_kernel.shape[0]))
    h = gru_step(np.full((1, 2), float(carry)), h, params).h
    for _ in range(steps):
        h = gru_step(np.array([column]), h, params).h
    return h[0]


def hold_contraction(
    params: GRUParams, carry: int, steps: int = 8, column=HOLD_COLUMN
) -> float:
    """The largest ``|eigenvalue|`` of the hold step's Jacobian at the held
    state of ``carry`` (:func:`held_state`, with hold input ``column``):
    below 1, small errors of the held state shrink at every hold step; near
    1, they may survive. A state still moving after ``steps`` hold steps is
    not a fixed point, and the eigenvalue there describes only that step."""
    column = _check_column(column)
    h = held_state(params, carry, steps, column)
    jacobian = step_jacobian(params, column, h)
    return float(np.abs(np.linalg.eigvals(jacobian)).max())
