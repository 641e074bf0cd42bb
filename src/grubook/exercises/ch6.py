"""Chapter 6's self-checks: the cost of a reset-after step, interleaving, dL/da^z.

- ``ch6-ex-cost``: a tuple of three ints for the adder (D = 2, H = 16) with
  ``reset_after=True``: the sequential and the parallel multiply-adds per
  step and sequence, as in eq. (ch6-cost), and the number of recurrent
  matrix products per step.
- ``ch6-ex-interleave``: a tuple ``(rounds, repetitions)``, the one of
  ``(1, 50)`` and ``(10, 5)`` whose ratio stays closer to 1.
- ``ch6-ex-dz``: a function ``dz(g, h_prev, h_tilde, a)`` of float64 arrays
  of one shape (B, H) returning dL/da^z (B, H), where
  ``h_t = h_prev + sigmoid(a) * (h_tilde - h_prev)`` and ``g = dL/dh_t``;
  compared with finite differences.
"""

from __future__ import annotations

import numpy as np

from grubook.exercises._core import (
    Wrong,
    array,
    call,
    function,
    parts,
    registry,
    whole,
    worst,
)
from grubook.reference import sigmoid


def check_cost(answer) -> str:
    """``answer``: (sequential, parallel, recurrent products) for D = 2, H = 16, reset after."""
    names = ("the sequential multiply-adds", "the parallel multiply-adds",
             "the number of recurrent products")
    given = [whole(value, name) for value, name in
             zip(parts(answer, 3, "your answer"), names, strict=True)]
    inputs, units = 2, 16
    expected = (3 * units**2, 3 * inputs * units + units, 1)
    wrong = [f"{name} is too {'small' if got < want else 'large'}"
             for name, got, want in zip(names, given, expected, strict=True) if got != want]
    if wrong:
        raise Wrong("; ".join(wrong) + " (per step and sequence, D = 2, H = 16)")
    return "right: the same arithmetic, in fewer products"


def check_interleave(answer) -> str:
    """``answer``: the (rounds, repetitions) setting whose ratio stays closer to 1."""
    setting = tuple(whole(value, name) for value, name in
                    zip(parts(answer, 2, "your answer (rounds, repetitions)"),
                        ("rounds", "repetitions"), strict=True))
    if setting not in ((1, 50), (10, 5)):
        raise Wrong("choose one of the two settings the exercise times, (1, 50) or (10, 5)")
    if setting != (10, 5):
        raise Wrong("not that one: think of what a slow stretch of the machine does to "
                    "each setting")
    return "right: interleaved rounds share the machine's slow stretches"


def _loss_derivative(g, h_prev, h_tilde, a, *, in_z: bool = False) -> np.ndarray:
    """Central differences of L = sum(g * h_t) in ``a`` (or in ``z = sigmoid(a)``)."""
    eps = 1e-6

    def loss(shift):
        z = sigmoid(a) + shift if in_z else sigmoid(a + shift)
        return g * (h_prev + z * (h_tilde - h_prev))  # each entry depends on its own a

    return (loss(eps) - loss(-eps)) / (2 * eps)


def check_dz(answer) -> str:
    """``answer(g, h_prev, h_tilde, a)`` must be dL/da^z, (B, H)."""
    dz = function(answer, "dz")
    rng = np.random.default_rng(606)
    for shape in ((4, 3), (1, 1), (2, 16)):
        g, a = rng.normal(size=shape), 2 * rng.normal(size=shape)
        h_prev, h_tilde = rng.uniform(-1, 1, shape), rng.uniform(-1, 1, shape)
        got = array(call(dz, "dz", g, h_prev, h_tilde, a), shape, "the gradient from dz",
                    f"the inputs' shape (B, H) = {shape}")
        expected = _loss_derivative(g, h_prev, h_tilde, a)
        error, index = worst(got, expected)
        if error <= 1e-7:
            continue
        if worst(got, _loss_derivative(g, h_prev, h_tilde, a, in_z=True))[0] <= 1e-7:
            raise Wrong("that is the gradient with respect to z_t; the exercise asks for "
                        "its pre-activation a^z_t")
        if worst(got, -expected)[0] <= 1e-7:
            raise Wrong("your gradient has the wrong sign")
        raise Wrong(f"your gradient differs from finite differences by {error:.2g} at "
                    f"entry {index} (shape {shape})")
    return "agrees with finite differences in float64"


CHECKERS = registry(
    ("ch6-ex-cost", check_cost),
    ("ch6-ex-interleave", check_interleave),
    ("ch6-ex-dz", check_dz),
)
