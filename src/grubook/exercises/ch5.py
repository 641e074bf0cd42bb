"""Chapter 5's self-checks: a two-unit adder, a subtractor, the input-only probe.

- ``ch5-ex-two-units``: a tuple ``(params, readout)``: a ``GRUParams``
  (kernel (2, 6), recurrent_kernel (2, 6), bias (6,)) and a ``Readout``
  (w (2,), b), run with ``grubook.analysis.adder_bits`` in float32 on every
  pair of 8-bit numbers, hard pairs and 1,000-bit pairs.
- ``ch5-ex-subtract``: a ``GRUParams`` (kernel (2, 3H), recurrent_kernel
  (H, 3H), bias (3H,)) used with the hand-built adder's readout, or a tuple
  ``(params, readout)``; its bits must spell ``a - b`` for every pair of
  8-bit numbers with ``a >= b`` and for random 64-bit pairs.
- ``ch5-ex-baseline``: a function ``expected_accuracy(n_bits)``, the
  expected share of the ``n_bits + 1`` steps of a random problem on which
  the best rule that sees only ``(a_t, b_t)`` gets the carry right.
"""

from __future__ import annotations

import numpy as np

from grubook.analysis import (
    Readout,
    adder_bits,
    adversarial_pairs,
    all_pairs,
    exact_match_bits,
    hand_built_adder,
)
from grubook.data import encode_pair, from_bits
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
)
from grubook.hard_cases import hard_pairs
from grubook.reference import GRUParams


def _weights(answer, what: str) -> GRUParams:
    """``answer`` as float64 ``GRUParams`` of an adder (2 inputs), shapes checked."""
    kernel, recurrent, bias = parts(answer, 3, what)
    try:
        shape = np.shape(recurrent)
    except ValueError:  # ragged rows
        shape = ()
    units = shape[0] if len(shape) == 2 else 0
    if units == 0:
        raise Wrong(f"the recurrent kernel of {what} must have shape (H, 3H), got {shape}")
    return GRUParams(
        array(kernel, (2, 3 * units), f"the kernel of {what}", f"(2, 3H) = (2, {3 * units})"),
        array(recurrent, (units, 3 * units), f"the recurrent kernel of {what}",
              f"(H, 3H) = ({units}, {3 * units})"),
        array(bias, (3 * units,), f"the bias of {what}", f"(3H,) = ({3 * units},)"),
    )


def _readout(answer, units: int) -> Readout:
    w, b = parts(answer, 2, "your readout (w, b)")
    return Readout(array(w, (units,), "the readout's w", f"(H,) = ({units},)"),
                   number(b, "the readout's b"))


def _as_ints(bits) -> list[int]:
    """The int each row of ``bits`` (B, T) spells, least significant bit first."""
    bits = np.asarray(bits)
    if bits.shape[1] <= 62:
        return (bits.astype(np.int64) @ (1 << np.arange(bits.shape[1], dtype=np.int64))).tolist()
    return [from_bits(row) for row in bits]


def _pairs(x) -> list[tuple[int, int]]:
    """The operands ``(a, b)`` of each problem of ``x`` (B, T, 2)."""
    return list(zip(_as_ints(x[..., 0]), _as_ints(x[..., 1]), strict=True))


def check_two_units(answer) -> str:
    """``answer``: (GRUParams, Readout) of a two-unit adder that is exact."""
    params_answer, readout_answer = parts(answer, 2, "your answer (params, readout)")
    params = _weights(params_answer, "your adder")
    units = params.recurrent_kernel.shape[0]
    if units != 2:
        raise Wrong(f"your adder has H = {units} units; the exercise asks for two")
    readout = _readout(readout_answer, units)
    rng = np.random.default_rng(55)
    long_pairs = [tuple(int.from_bytes(rng.bytes(125)) for _ in range(2)) for _ in range(40)]
    tests = [("pairs of 8-bit numbers", all_pairs(8)),
             ("hard 64-bit pairs", np.stack([encode_pair(a, b, 64) for a, b in
                                             hard_pairs(64, 40, seed=5)])),
             ("named 1,000-bit cases", np.stack([encode_pair(a, b, 1000) for a, b in
                                                 adversarial_pairs(1000).values()])),
             ("random 1,000-bit pairs", np.stack([encode_pair(a, b, 1000)
                                                  for a, b in long_pairs]))]
    for name, x in tests:
        right = exact_match_bits(adder_bits(params, readout, x), x)
        if not right.all():
            wrong = int((~right).sum())
            example = ""
            if x.shape[1] <= 9:
                a, b = _pairs(x[~right][:1])[0]
                example = f", for example {a} + {b}"
            raise Wrong(f"your adder is wrong on {wrong} of {len(x):,} {name}{example}")
    return "exact on every pair of 8-bit numbers, hard pairs and 1,000-bit numbers"


def check_subtract(answer) -> str:
    """``answer``: GRUParams (or (params, readout)) that compute a - b for a >= b."""
    if isinstance(answer, (tuple, list)) and len(answer) == 2:
        params = _weights(answer[0], "your subtractor")
        readout = _readout(answer[1], params.recurrent_kernel.shape[0])
    else:
        params = _weights(answer, "your subtractor")
        readout = hand_built_adder()[1]
        if params.recurrent_kernel.shape[0] != readout.w.size:
            raise Wrong(f"with the hand-built adder's readout your weights must have "
                        f"H = {readout.w.size} units, got {params.recurrent_kernel.shape[0]}")
    x8 = all_pairs(8)
    a8, b8 = (_as_ints(x8[..., k]) for k in (0, 1))
    rng = np.random.default_rng(56)
    x64 = np.stack([encode_pair(max(p), min(p), 64) for p in
                    (tuple(int.from_bytes(rng.bytes(8)) for _ in range(2)) for _ in range(100))])
    for x in (x8[np.asarray(a8) >= np.asarray(b8)], x64):
        got = _as_ints(adder_bits(params, readout, x))
        for (a, b), difference in zip(_pairs(x), got, strict=True):
            if difference != a - b:
                raise Wrong(f"your network gives {a} - {b} = {difference}")
    return "a - b is exact for every pair of 8-bit numbers with a >= b and 64-bit pairs"


def check_baseline(answer) -> str:
    """``answer(n_bits)``: the best input-only rule's expected share of steps right."""
    expected_accuracy = function(answer, "expected_accuracy")
    for n in (1, 2, 5, 16, 32, 100):
        what = f"expected_accuracy({n})"
        got = fraction(call(expected_accuracy, what, n), what)
        expected = (0.75 * n + 0.5 * (1 - 0.5**n) + 1) / (n + 1)
        if abs(got - expected) <= 1e-6:
            continue
        if abs(got - 0.75) <= 1e-6:
            raise Wrong(f"{what} is three quarters, as at every length: look again at the "
                        "last step of each problem and at how often a carry is pending")
        too_far(what, got, expected)
    return "right at every length tried: three quarters, and a little more"


CHECKERS = registry(
    ("ch5-ex-two-units", check_two_units),
    ("ch5-ex-subtract", check_subtract),
    ("ch5-ex-baseline", check_baseline),
)
