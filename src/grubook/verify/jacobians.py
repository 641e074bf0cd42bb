"""Why boxes wrap: the step's Jacobians, and how much one interval step widens a box."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from grubook.analysis import trace_adder
from grubook.reference import GRUParams


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
