"""A plane to draw an adder's states in, its fixed points, and one phase-portrait panel."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from grubook._checks import check_rank
from grubook.analysis import trace_adder
from grubook.reference import GRUParams
from grubook.verify.automaton import read_machine
from grubook.verify.keys import INPUT_PAIRS, carries_after
from grubook.verify.long_inputs import first_wrong_steps


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
