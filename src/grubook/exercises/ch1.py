"""Chapter 1's self-checks: carries, carry chains, the order of the bits, overlap.

- ``ch1-ex-count-carries``: a function ``count_carries(a, b) -> int``, run on
  hidden pairs (the chapter's 107 + 174, hard pairs, random 500-bit pairs)
  against ``grubook.data.add_bits``.
- ``ch1-ex-chain-probability``: a probability (a float in [0, 1]), to 1e-4.
- ``ch1-ex-msb-first``: a fraction of the 65,536 pairs of 8-bit operands.
- ``ch1-ex-tutorial-overlap``: a fraction of the random test pairs, to 1 %.
"""

from __future__ import annotations

import numpy as np

from grubook.data import add_bits, encode_pair
from grubook.exercises._core import Wrong, call, fraction, function, registry, too_far, whole
from grubook.hard_cases import hard_pairs


def _carry_cases() -> list[tuple[int, int]]:
    """Operand pairs for ``count_carries``: small, hard, long and random."""
    rng = np.random.default_rng(2029)
    pairs = [(107, 174), (0, 0), (1, 0), (255, 1), (2**40 - 1, 2**40 - 1)]
    pairs += hard_pairs(32, 6, seed=7)
    pairs += [(int.from_bytes(rng.bytes(63)) >> 4, int.from_bytes(rng.bytes(63)) >> 4)
              for _ in range(20)]
    return pairs


def check_count_carries(answer) -> str:
    """``answer(a, b)`` must return the number of carries of 1 in ``a + b``."""
    count_carries = function(answer, "count_carries")
    for a, b in _carry_cases():
        _, carry = add_bits(encode_pair(a, b))
        expected = int(carry.sum())
        got = whole(call(count_carries, f"count_carries({a}, {b})", a, b),
                    f"count_carries({a}, {b})")
        if got != expected:
            width = max(a, b).bit_length()
            shown = f"{a} + {b}" if width <= 64 else f"a pair of {width}-bit numbers"
            hint = ""
            if got == expected - 1 and carry[-2] == 1:
                hint = "; is the carry out of the last column counted?"
            raise Wrong(f"count_carries returns {got} for {shown}: too "
                        f"{'few' if got < expected else 'many'}{hint}")
    return "right on every pair tried, from 107 + 174 to 500-bit numbers"


def _chain_probability(n_bits: int, k: int) -> float:
    """P(longest carry chain > k) for random ``n_bits``-bit operands.

    A Markov chain on the length of the current run of carries, 0 to k,
    with an absorbing state for "a run longer than k has happened".
    """
    states = k + 2  # run lengths 0..k, then "longer than k"
    step = np.zeros((states, states))
    step[0, 0], step[0, 1] = 0.75, 0.25
    for run in range(1, k + 1):
        step[run, 0], step[run, run + 1] = 0.25, 0.75
    step[k + 1, k + 1] = 1.0
    start = np.zeros(states)
    start[0] = 1.0
    return float((start @ np.linalg.matrix_power(step, n_bits))[-1])


def check_chain_probability(answer) -> str:
    """``answer``: P(a carry chain longer than 10) for two random 32-bit numbers."""
    value = fraction(answer, "the probability")
    expected = _chain_probability(32, 10)
    if abs(value - expected) <= 1e-4:
        return "right, to 1e-4"
    if abs(value - expected) <= 0.01:
        raise Wrong("close, but only to the accuracy of a simulation: the dynamic "
                    "programme gives it exactly (to 1e-4)")
    if abs(value - _chain_probability(32, 9)) <= 1e-4:
        raise Wrong("too large: that counts chains of length k as well; the exercise "
                    "asks for chains longer than k")
    too_far("the probability", value, expected)


def check_msb_first(answer) -> str:
    """``answer``: the fraction of 8-bit pairs whose top sum bit flips with a's ones bit."""
    if isinstance(answer, (int, np.integer)) and not isinstance(answer, bool) and answer > 100:
        raise Wrong("that looks like a count: give the fraction of the 65,536 pairs")
    value = fraction(answer, "the fraction")
    a, b = (g.ravel() for g in np.meshgrid(np.arange(256), np.arange(256), indexing="ij"))
    expected = float(np.mean(((a + b) >> 8) != (((a ^ 1) + b) >> 8)))
    if abs(value - expected) <= 1e-6:
        return "right: rare, but not never, so no rule that writes as it reads is exact"
    too_far("the fraction", value, expected)


def check_tutorial_overlap(answer) -> str:
    """``answer``: the fraction of random test pairs in 100 training pairs from 0..255."""
    value = fraction(answer, "the fraction")
    expected = 1 - (1 - 1 / 256**2) ** 100
    if abs(value - expected) <= 0.01 * expected:
        return "right, to 1 %"
    too_far("the fraction", value, expected)


CHECKERS = registry(
    ("ch1-ex-count-carries", check_count_carries),
    ("ch1-ex-chain-probability", check_chain_probability),
    ("ch1-ex-msb-first", check_msb_first),
    ("ch1-ex-tutorial-overlap", check_tutorial_overlap),
)
