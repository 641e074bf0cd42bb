"""Long structured inputs (a carry chain, a hold, a random pair); the first wrong step."""

from __future__ import annotations

import numpy as np

from grubook._checks import check_int


def structured_inputs(n_bits: int) -> np.ndarray:
    """A carry chain, a hold and a random pair of ``n_bits`` bits.

    ``2**n - 1 + 1``, ``2**n - 1 + 0`` and two random numbers (seeded by
    ``n_bits``): float32 (3, n_bits + 1, 2).
    """
    from grubook.data import encode_pair

    n_bits = check_int(n_bits, "n_bits", minimum=8)
    rng = np.random.default_rng(n_bits)
    operands = [
        int.from_bytes(rng.bytes((n_bits + 7) // 8), "little") % 2**n_bits
        for _ in range(2)
    ]
    pairs = [(2**n_bits - 1, 1), (2**n_bits - 1, 0), tuple(operands)]
    return np.stack([encode_pair(a, b, n_bits) for a, b in pairs]).astype(np.float32)


def first_wrong_steps(bits, x) -> list:
    """The first step each problem of ``x`` (B, T, 2) gets wrong, or None.

    ``bits`` uint8 (B, T) are the adder's sum bits.
    """
    from grubook.data import targets_for

    wrong = np.asarray(bits) != targets_for(x)[..., 0]
    return [int(np.argmax(row)) if row.any() else None for row in wrong]
