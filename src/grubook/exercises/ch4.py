"""Chapter 4's self-checks: the loss gradients, flattering bit accuracy, the learning rate.

- ``ch4-ex-gradients``: a tuple of two functions ``(d_cross_entropy,
  d_squared_error)``, each taking arrays ``p`` (the sigmoid's output) and
  ``y`` (targets, 0 or 1) of one shape and returning the derivative of the
  loss with respect to the logit ``a`` (``p = sigmoid(a)``), the same shape;
  compared with finite differences in ``a``.
- ``ch4-ex-flattering``: a tuple of two numbers, the exact-match accuracy
  when each of the 33 bits is right with probability 0.99, and the
  per-bit probability needed for 99 % exact match.
- ``ch4-ex-learning-rate``: a number, the rate of 1e-3, 1e-2 and 3e-2 that
  needs the fewest steps to 100 % on the validation set (median over the
  ten seeds of the chapter's table).
"""

from __future__ import annotations

import numpy as np

from grubook.exercises._core import (
    Wrong,
    array,
    call,
    fraction,
    function,
    number,
    parts,
    registry,
    too_far,
    worst,
)
from grubook.reference import sigmoid


def _cross_entropy(p, y):
    return -(y * np.log(p) + (1 - y) * np.log(1 - p))


def _squared_error(p, y):
    return (p - y) ** 2


def _derivative(loss, a, y, *, in_p: bool = False) -> np.ndarray:
    """Central differences of ``loss(sigmoid(a), y)`` in ``a`` (or in ``p`` if ``in_p``)."""
    eps = 1e-6
    if in_p:
        p = sigmoid(a)
        return (loss(p + eps, y) - loss(p - eps, y)) / (2 * eps)
    return (loss(sigmoid(a + eps), y) - loss(sigmoid(a - eps), y)) / (2 * eps)


def check_gradients(answer) -> str:
    """``answer``: (d cross-entropy / d a, d squared error / d a), as functions of p, y."""
    functions = parts(answer, 2, "your answer")
    a = np.linspace(-4, 4, 18).reshape(2, 9)
    y = np.tile([0.0, 1.0, 1.0], 6).reshape(2, 9)
    for name, loss, given in (("cross-entropy", _cross_entropy, functions[0]),
                              ("squared error", _squared_error, functions[1])):
        what = f"your derivative of the {name}"
        got = array(call(function(given, what), what, sigmoid(a), y), a.shape, what,
                    f"the shape of p, {a.shape}")
        expected = _derivative(loss, a, y)
        if worst(got, expected)[0] <= 1e-6:
            continue
        if worst(got, _derivative(loss, a, y, in_p=True))[0] <= 1e-6:
            raise Wrong(f"{what} is the derivative with respect to p; the exercise asks "
                        "for the derivative with respect to a, where p = sigmoid(a)")
        if worst(got, -expected)[0] <= 1e-6:
            raise Wrong(f"{what} has the wrong sign")
        raise Wrong(f"{what} differs from finite differences by up to "
                    f"{worst(got, expected)[0]:.2g}")
    return "both derivatives agree with finite differences"


def check_flattering(answer) -> str:
    """``answer``: (exact match at q = 0.99, the q needed for 99 % exact match)."""
    exact, needed = parts(answer, 2, "your answer")
    exact = fraction(exact, "the exact-match accuracy")
    needed = fraction(needed, "the per-bit probability")
    bits = 33
    if abs(exact - 0.99**bits) > 5e-4:
        if abs(exact - 0.99 ** (bits - 1)) <= 5e-4:
            raise Wrong("the exact-match accuracy counts 32 bits: the sum has one more")
        too_far("the exact-match accuracy", exact, 0.99**bits)
    if abs(needed - 0.99 ** (1 / bits)) > 5e-6:
        if abs(needed - 0.99 ** (1 / (bits - 1))) <= 5e-6:
            raise Wrong("the per-bit probability counts 32 bits: the sum has one more")
        too_far("the per-bit probability", needed, 0.99 ** (1 / bits))
    return "both right: bit accuracy must be very close to 1 before sums are"


def check_learning_rate(answer) -> str:
    """``answer``: the rate, of 1e-3, 1e-2 and 3e-2, that needs the fewest steps."""
    rate = number(answer, "the learning rate", low=0)
    rates = (1e-3, 1e-2, 3e-2)
    if not any(abs(rate - r) <= 1e-9 * r for r in rates):
        raise Wrong(f"choose one of the three rates {', '.join(map(str, rates))}")
    if abs(rate - rates[2]) > 1e-9 * rates[2]:
        raise Wrong("another of the three rates needs fewer steps, in the median over "
                    "the ten seeds")
    return "right: with ten seeds each, the faster rate reaches 100 % sooner"


CHECKERS = registry(
    ("ch4-ex-gradients", check_gradients),
    ("ch4-ex-flattering", check_flattering),
    ("ch4-ex-learning-rate", check_learning_rate),
)
