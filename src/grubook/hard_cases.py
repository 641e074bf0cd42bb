"""Addition problems that need memory, and the shortcut rules they defeat.

Least significant bit first, the carry into column t depends on column
t - 1 and on the carry before it. Random operand pairs rarely ask a network
to *hold* a carry: most carries are settled by the very next column. Two
rules that remember nothing, or only one column, are therefore often right:

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

Operands are Python ints of any size; ``n_bits`` is their width.
"""

from __future__ import annotations

from grubook._checks import as_rng, check_int, check_positive_int

__all__ = [
    "HOLD_STYLES",
    "memoryless_sum",
    "one_step_sum",
    "planted_columns",
    "hard_pairs",
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
    columns long, in random order. ``n_bits >= 4``; ``style`` is one of
    :data:`HOLD_STYLES`.
    """
    n_bits = check_int(n_bits, "n_bits", minimum=4)
    if style not in HOLD_STYLES:
        raise ValueError(
            f"style must be one of {HOLD_STYLES}, got {style!r}"
        )
    carry_first = check_int(carry_first, "carry_first", minimum=0)
    if carry_first > 1:
        raise ValueError(f"carry_first must be 0 or 1, got {carry_first}")
    runs = [(n_bits - 2) // 2, n_bits - 2 - (n_bits - 2) // 2]
    rng.shuffle(runs)
    starts = {0: (0, 0), 1: (1, 1)}  # kill, generate
    columns = []
    for carry, length in zip((carry_first, 1 - carry_first), runs, strict=True):
        columns.append(starts[carry])
        columns += _propagate_run(length, style, rng)
    return columns


def _to_int(bits) -> int:
    """The int whose bits, least significant first, are ``bits``."""
    return sum(int(bit) << t for t, bit in enumerate(bits))


def hard_pairs(
    n_bits: int, n_samples: int, seed=0
) -> list[tuple[int, int]]:
    """``n_samples`` operand pairs of ``n_bits`` bits that need memory.

    Each pair holds a carry of 0 and a carry of 1, each through a run of
    about half the width (:func:`planted_columns`); the styles of
    :data:`HOLD_STYLES` (both operand orders, and mixed runs) and the
    order of the two holds take turns. Both shortcut rules get every
    pair wrong. ``seed`` is an int or a ``numpy.random.Generator``.
    """
    n_bits = check_int(n_bits, "n_bits", minimum=4)
    n_samples = check_positive_int(n_samples, "n_samples")
    rng = as_rng(seed, "seed")
    pairs = []
    for index in range(n_samples):
        style = HOLD_STYLES[index % len(HOLD_STYLES)]
        carry_first = (index // len(HOLD_STYLES)) % 2
        columns = planted_columns(n_bits, style, carry_first, rng)
        a_bits, b_bits = zip(*columns, strict=True)
        pairs.append((_to_int(a_bits), _to_int(b_bits)))
    return pairs
