"""Addition problems that need memory, and the shortcut rules they defeat.

Least significant bit first, the carry into column t depends on column
t - 1 and on the carry before it. Random operand pairs rarely ask a network
to *hold* a carry for long: a held carry survives each further column with
probability 1/2. At the small widths a network is trained on, two rules
that remember nothing, or only one column, are often right:

    memoryless   the sum bit is a_t XOR b_t, as if there were never a carry
    one-step     the carry into column t is 1 exactly when column t - 1
                 was (1, 1): a carry lasts one column, then is forgotten

A *propagate* column (one operand bit 1, the other 0) passes the carry on
unchanged, so a run of them asks the network to hold what it had.
:func:`hard_pairs` plants two long runs in every pair: one after a *kill*
column (0, 0), which holds a carry of 0, and one after a *generate* column
(1, 1), which holds a carry of 1. The generate column followed by a
propagate column defeats both rules (asserted by the tests and in
chapter 1), so no pair can be passed by either shortcut.
:func:`longest_holds` measures how long an addition holds each carry;
:func:`longest_carry_chain` measures runs of carries in carry arrays, and
:func:`forgetful_adder` is a third rule, one that carries but only for a
while (chapter 1 and the appendix score it).

Operands are Python ints of any size; ``n_bits`` is their width.
"""

from __future__ import annotations

import numpy as np

from grubook._checks import as_rng, check_int, check_one_of, check_positive_int, check_rank
from grubook.data import check_bits

__all__ = [
    "HOLD_STYLES",
    "memoryless_sum",
    "one_step_sum",
    "planted_columns",
    "hard_pairs",
    "hard_pair_count",
    "longest_holds",
    "longest_carry_chain",
    "forgetful_adder",
]

HOLD_STYLES = ("a holds", "b holds", "mixed")
"""How a propagate run is laid out: all its 1s in a, all in b, or mixed."""


def memoryless_sum(a: int, b: int) -> int:
    """The sum the memoryless rule gives: a XOR b, no carry ever."""
    return a ^ b


def one_step_sum(a: int, b: int) -> int:
    """The sum the one-step rule gives: a carry lasts one column only.

    The carry into column t is a_{t-1} AND b_{t-1}, so the sum is
    a XOR b XOR ((a AND b) << 1), carry-out included.
    """
    return a ^ b ^ ((a & b) << 1)


def _propagate_run(length: int, style: str, rng) -> list[tuple[int, int]]:
    """``length`` propagate columns (a_t, b_t), laid out as ``style`` says."""
    if style == "a holds":
        return [(1, 0)] * length
    if style == "b holds":
        return [(0, 1)] * length
    return [(1, 0) if bit else (0, 1) for bit in rng.integers(0, 2, length)]


def planted_columns(
    n_bits: int, style: str, carry_first: int, rng
) -> list[tuple[int, int]]:
    """The columns (a_t, b_t) of one hard pair, least significant first.

    A kill column then a propagate run (carry 0 held), and a generate
    column then a propagate run (carry 1 held); ``carry_first`` (0 or 1)
    says which hold comes first, so the other is a switch after a long
    hold. The runs are ``(n_bits - 2) // 2`` and ``n_bits - 2`` minus that
    columns long (which one is longer, at odd widths, is drawn from
    ``rng``), so each hold lasts at least ``(n_bits - 2) // 2`` columns.
    ``n_bits >= 4``; ``style`` is one of :data:`HOLD_STYLES`.
    """
    n_bits = check_int(n_bits, "n_bits", minimum=4)
    check_one_of(style, "style", HOLD_STYLES)
    carry_first = check_int(carry_first, "carry_first", minimum=0)
    if carry_first > 1:
        raise ValueError(f"carry_first must be 0 or 1, got {carry_first}")
    lengths = _run_lengths(n_bits)
    rng.shuffle(lengths)
    return _hold_columns(carry_first, lengths, style, rng)


def _run_lengths(n_bits: int) -> list[int]:
    """The two run lengths: (n_bits - 2) // 2 and the rest of n_bits - 2."""
    return [(n_bits - 2) // 2, n_bits - 2 - (n_bits - 2) // 2]


def _hold_columns(carry_first, lengths, style, rng) -> list[tuple[int, int]]:
    """Kill or generate, a run, then the other and a run: the columns."""
    starts = {0: (0, 0), 1: (1, 1)}  # kill, generate
    columns = []
    for carry, length in zip((carry_first, 1 - carry_first), lengths, strict=True):
        columns.append(starts[carry])
        columns += _propagate_run(length, style, rng)
    return columns


def _to_int(bits) -> int:
    """The int whose bits, least significant first, are ``bits``."""
    return sum(int(bit) << t for t, bit in enumerate(bits))


def _pair(columns) -> tuple[int, int]:
    """The operands (a, b) whose columns, least significant first, are given."""
    a_bits, b_bits = zip(*columns, strict=True)
    return _to_int(a_bits), _to_int(b_bits)


def _pure_pairs(n_bits: int) -> list[tuple[int, int]]:
    """Every hard pair whose runs hold their 1s in one operand only, sorted."""
    lengths = _run_lengths(n_bits)
    pairs = {
        _pair(_hold_columns(carry_first, order, style, None))
        for style in HOLD_STYLES[:2]
        for carry_first in (0, 1)
        for order in (lengths, lengths[::-1])
    }
    return sorted(pairs)


def hard_pair_count(n_bits: int) -> int:
    """How many distinct pairs :func:`hard_pairs` can return at ``n_bits``.

    Two orders of the holds, one or two layouts of the run lengths (two at
    odd widths), and each of the ``n_bits - 2`` propagate columns (1, 0) or
    (0, 1).
    """
    n_bits = check_int(n_bits, "n_bits", minimum=4)
    layouts = 2 if n_bits % 2 else 1
    return 2 * layouts * 2 ** (n_bits - 2)


def hard_pairs(
    n_bits: int, n_samples: int, seed=0
) -> list[tuple[int, int]]:
    """``n_samples`` distinct operand pairs of ``n_bits`` bits that need memory.

    Each pair holds a carry of 0 and a carry of 1, each through a run of
    at least ``(n_bits - 2) // 2`` propagate columns
    (:func:`planted_columns`). The first pairs are the few whose runs hold
    their 1s in one operand only (``a holds``, ``b holds``: both operand
    orders, both orders of the holds); the others have mixed runs drawn
    from ``seed``, with either hold first. No pair repeats; asking for more
    than :func:`hard_pair_count` pairs raises ``ValueError``. Both shortcut
    rules get every pair wrong. ``seed`` is an int or a
    ``numpy.random.Generator``.
    """
    n_bits = check_int(n_bits, "n_bits", minimum=4)
    n_samples = check_positive_int(n_samples, "n_samples")
    available = hard_pair_count(n_bits)
    if n_samples > available:
        raise ValueError(
            f"n_samples must be at most {available} at n_bits = {n_bits}"
            f" (the distinct hard pairs there), got {n_samples}"
        )
    rng = as_rng(seed, "seed")
    pairs = dict.fromkeys(_pure_pairs(n_bits)[:n_samples])
    while len(pairs) < n_samples:
        carry_first = int(rng.integers(0, 2))
        pairs.setdefault(_pair(planted_columns(n_bits, "mixed", carry_first, rng)))
    return list(pairs)


def longest_holds(a: int, b: int, n_bits: int) -> dict[int, int]:
    """The longest run of propagate columns through which a carry of 0 / 1 is held.

    Returns ``{0: columns, 1: columns}`` for the addition of the
    ``n_bits``-bit operands ``a`` and ``b``, least significant first.
    """
    carry, run, longest = 0, 0, {0: 0, 1: 0}
    for t in range(check_positive_int(n_bits, "n_bits")):
        a_t, b_t = (a >> t) & 1, (b >> t) & 1
        if a_t != b_t:  # propagate: the carry passes on unchanged
            run += 1
            longest[carry] = max(longest[carry], run)
        else:  # kill (0, 0) sets the carry to 0, generate (1, 1) to 1
            run, carry = 0, a_t
    return longest


def longest_carry_chain(carry) -> np.ndarray:
    """The longest run of consecutive carries of 1: (..., T) -> int (...).

    ``carry`` holds the carry out of each step (0 or 1), as the second
    result of :func:`grubook.data.add_bits`, with any leading batch axes.
    """
    bits = check_bits(carry, "carry")
    if bits.ndim < 1:
        raise ValueError(f"carry must have at least one axis (..., T), got shape {bits.shape}")
    run = np.zeros(bits.shape[:-1], int)
    longest = np.zeros(bits.shape[:-1], int)
    for t in range(bits.shape[-1]):
        run = (run + 1) * bits[..., t]
        longest = np.maximum(longest, run)
    return longest


def forgetful_adder(x, memory: int) -> np.ndarray:
    """Ripple-carry addition that drops the carry after ``memory`` carrying steps in a row.

    ``x``: bit pairs ``(B, T, 2)``. Returns the predicted sum bits, float32
    ``(B, T, 1)``. With ``memory = 0`` it never carries (the memoryless rule).
    """
    bits = check_rank(check_bits(x, "x"), 3, "x", "(batch, steps, 2)")
    if bits.shape[-1] != 2:
        raise ValueError(
            f"x must have 2 channels (a_t, b_t) on its last axis, got shape {bits.shape}"
        )
    memory = check_int(memory, "memory", minimum=0)
    carry, age = np.zeros(len(bits), np.uint8), np.zeros(len(bits), int)
    out = np.empty(bits.shape[:2], np.uint8)
    for t in range(bits.shape[1]):
        total = bits[:, t, 0] + bits[:, t, 1] + carry
        out[:, t] = total & 1
        age = np.where(total > 1, age + 1, 0)  # steps in a row that carried
        carry = ((total > 1) & (age <= memory)).astype(np.uint8)
        age = age * carry  # a dropped carry ends the chain
    return out[..., None].astype(np.float32)
