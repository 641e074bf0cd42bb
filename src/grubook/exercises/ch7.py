"""Chapter 7's self-checks: the smallest scales, the borrow machine, a boxed image.

- ``ch7-ex-scale``: a tuple of two numbers, the smallest scale of
  ``analysis.hand_built_adder`` at which ``verify.certify`` proves it and the
  smallest at which it is exact on all 8-bit sums (float64), each to within
  10 %: the adder must pass at the scale given and fail at one 10 % lower.
- ``ch7-ex-subtract``: a function ``borrow_step(a_t, b_t, borrow) ->
  (d_t, borrow_out)`` on bits (0 or 1), run least significant bit first
  over every pair of 5-bit numbers and a final ``(0, 0)`` step.
- ``ch7-ex-split``: a function ``width(J, radius)``, ``J`` (H, H) and
  ``radius`` (H,) >= 0, returning the radius (H,) of the smallest box that
  holds the image of a box of that radius under ``h -> J h``; compared with
  the images of the box's 2^H corners.
"""

from __future__ import annotations

import itertools
import numbers

import numpy as np

from grubook.analysis import adder_bits, all_pairs, exact_match_bits, hand_built_adder
from grubook.exercises._core import Wrong, array, call, function, number, parts, registry, shown

STEP = 1.1
"""How close to the smallest scale an answer must be: it fails at scale / STEP."""


def _proved(scale: float) -> bool:
    """Whether certify proves the hand-built adder at ``scale``, weights rounded to float32."""
    from grubook.verify import certify, float32_weights

    return certify(*float32_weights(*hand_built_adder(scale=scale))).proved


def _exact_8_bits(scale: float) -> bool:
    x = all_pairs(8)
    return bool(exact_match_bits(adder_bits(*hand_built_adder(scale=scale), x, np.float64),
                                 x).all())


def check_scale(answer) -> str:
    """``answer``: (smallest scale proved, smallest scale exact on 8-bit sums)."""
    names = ("the smallest scale proved", "the smallest scale exact on 8-bit sums")
    scales = [number(value, name, low=0.01, high=1000) for value, name in
              zip(parts(answer, 2, "your answer"), names, strict=True)]
    for name, scale, passes in zip(names, scales, (_proved, _exact_8_bits), strict=True):
        if not passes(scale):
            raise Wrong(f"{name}, {scale:g}, is too small: the adder fails there")
        if passes(scale / STEP):
            raise Wrong(f"{name}, {scale:g}, is too large: the adder still passes "
                        f"at {scale / STEP:.3g}")
    return "both right to within 10 %"


def _bit(value, what: str) -> int:
    """``value`` as 0 or 1 (an int, a bool, or a float equal to either)."""
    if not isinstance(value, (numbers.Real, np.bool_)) or value not in (0, 1):
        raise Wrong(f"{what} must be a bit, 0 or 1, got {shown(value)}")
    return int(value)


def check_subtract(answer) -> str:
    """``answer(a_t, b_t, borrow)`` must be the borrow machine's step."""
    borrow_step = function(answer, "borrow_step")
    table = {}
    for a_t, b_t, borrow in itertools.product((0, 1), repeat=3):
        what = f"borrow_step({a_t}, {b_t}, {borrow})"
        result = parts(call(borrow_step, what, a_t, b_t, borrow), 2,
                       f"what {what} returns (d_t, borrow_out)")
        table[a_t, b_t, borrow] = tuple(_bit(v, f"{what}[{i}]") for i, v in enumerate(result))
    n_bits = 5
    pairs = sorted(itertools.product(range(2**n_bits), repeat=2), key=lambda p: p[0] < p[1])
    for a, b in pairs:  # a >= b first
        borrow, difference = 0, 0
        for t in range(n_bits + 1):  # the last step reads (0, 0)
            bit, borrow = table[(a >> t) & 1, (b >> t) & 1, borrow]
            difference |= bit << t
        if a >= b and difference != a - b:
            raise Wrong(f"your machine gives {a} - {b} = {difference}")
        if a >= b and borrow:
            raise Wrong(f"for {a} - {b} your machine ends with a borrow of 1")
        if a < b and (difference != (a - b) % 2 ** (n_bits + 1) or not borrow):
            raise Wrong(f"for {a} - {b}, where a < b, your machine's bits or last borrow "
                        "are not what borrowing from beyond the top bit gives")
    return "right on every pair of 5-bit numbers, a < b included"


def check_split(answer) -> str:
    """``answer(J, radius)``: the radius of the box around the image of a box under J."""
    width = function(answer, "width")
    rng = np.random.default_rng(707)
    for units in (1, 2, 3, 5):
        J, radius = rng.normal(size=(units, units)), rng.uniform(0.01, 1, units)
        got = array(call(width, "width", J, radius), (units,), "the radius from width",
                    f"(H,) with H = {units}")
        corners = np.array(list(itertools.product((-1.0, 1.0), repeat=units))) * radius
        expected = np.abs(corners @ J.T).max(axis=0)
        bad = np.abs(got - expected) > 1e-9 * (1 + expected)
        if bad.any():
            i = int(np.argmax(bad))
            raise Wrong(f"with H = {units}, unit {i} of your radius is too "
                        f"{'small' if got[i] < expected[i] else 'large'}")
    return "right: the box around the exact image, whatever the splitting"


CHECKERS = registry(
    ("ch7-ex-scale", check_scale),
    ("ch7-ex-subtract", check_subtract),
    ("ch7-ex-split", check_split),
)
