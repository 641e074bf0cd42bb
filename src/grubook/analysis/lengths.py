"""Numbers of any length: named hard cases, length sweeps, every pair.

An *adder* here is any function from inputs ``x`` float32 ``(B, T, 2)`` to
sum bits ``uint8`` ``(B, T)``.
"""

from __future__ import annotations

import numpy as np

from grubook._checks import as_rng, check_int, check_positive_int
from grubook.analysis.adder import exact_match_bits
from grubook.data import encode_pair
from grubook.hard_cases import hard_pair_count, hard_pairs

ADVERSARIAL_CASES = (
    "2**n-1 + 1",
    "1 + 2**n-1",
    "2**n-1 + 2**n-1",
    "2**n-1 + 0",
    "0 + 2**n-1",
    "a + a",
    "0 + 0",
)
"""The named hard cases of :func:`adversarial_pairs`."""


def adversarial_pairs(n_bits: int, seed: int = 0) -> dict[str, tuple[int, int]]:
    """Hand-picked operand pairs of ``n_bits`` bits that stress the carry.

    ``2**n-1 + 1`` and ``1 + 2**n-1``: a carry rippling through all ``n``
    steps, its propagate columns (1, 0) or (0, 1).
    ``2**n-1 + 2**n-1``: a carry generated at every step.
    ``2**n-1 + 0`` and ``0 + 2**n-1``: ``n`` steps where the carry must
    *stay* 0 while ``a_t + b_t = 1``; the input weights see a and b apart,
    so both orders are asked.
    ``a + a``: equal operands (a random ``a``, top bit set, from ``seed``).
    ``0 + 0``: all zeros.
    """
    n_bits = check_positive_int(n_bits, "n_bits")
    ones = 2**n_bits - 1
    rng = as_rng(seed, "seed")
    bits = rng.integers(0, 2, size=n_bits)
    bits[-1] = 1
    a = int("".join(map(str, bits[::-1])), 2)
    pairs = {
        "2**n-1 + 1": (ones, 1),
        "1 + 2**n-1": (1, ones),
        "2**n-1 + 2**n-1": (ones, ones),
        "2**n-1 + 0": (ones, 0),
        "0 + 2**n-1": (0, ones),
        "a + a": (a, a),
        "0 + 0": (0, 0),
    }
    assert tuple(pairs) == ADVERSARIAL_CASES
    return pairs


def _exact_on_pairs(adder, pairs, n_bits: int) -> np.ndarray:
    """Whether ``adder`` is exact on each ``(a, b)`` of ``pairs``: bool (N,)."""
    x = np.stack([encode_pair(a, b, n_bits) for a, b in pairs])
    return exact_match_bits(adder(x), x)


def _validation_hard_pairs(n_bits: int, n_hard: int) -> list[tuple[int, int]]:
    """``n_hard`` hard pairs from the validation seed that the test never asks.

    The test's hard pairs at ``n_bits`` (from the test seed) are left out,
    the few fixed "pure" pairs that every seed starts with among them.
    """
    from grubook.train import SPLITS

    test = set(hard_pairs(n_bits, n_hard, seed=SPLITS["test"]))
    pool_size = min(n_hard + len(test), hard_pair_count(n_bits))
    pool = hard_pairs(n_bits, pool_size, seed=SPLITS["validation"])
    fresh = [pair for pair in pool if pair not in test][:n_hard]
    if len(fresh) < n_hard:  # only when n_hard > hard_pair_count // 2
        raise ValueError(
            f"n_hard must be at most {hard_pair_count(n_bits) // 2} for a "
            f"validation sweep at {n_bits} bits (hard pairs the test set does "
            f"not ask), got {n_hard}"
        )
    return fresh


def length_sweep(
    adder,
    lengths,
    *,
    n_random: int = 1000,
    n_hard: int = 100,
    split: str = "test",
) -> dict:
    """Exact-match counts by operand length: random, hard and named pairs.

    ``adder`` maps inputs ``x`` float32 ``(B, T, 2)`` to sum bits ``uint8``
    ``(B, T)``: for example ``functools.partial(adder_bits, params,
    readout)`` or ``grubook.studies.compiled_bits(model)``. For each ``n``
    in ``lengths`` (each >= 4), with ``split="test"``: the ``n_random``
    pairs of the test set ``grubook.train.held_out_set(n, n_random,
    "test")``, ``n_hard`` pairs of :func:`hard_pairs` (drawn from the test
    seed) and every case of :func:`adversarial_pairs`. With
    ``split="validation"``, for decisions: the validation set's random
    pairs, ``n_hard`` hard pairs from the validation seed that the test does
    not ask, and no named cases (they are fixed pairs, the same for every
    seed, so they stay with the test). Returns ``{"lengths": [n, ...],
    "split": split, "n_random": N, "random": [exact count per length],
    "n_hard": M, "hard": [exact count per length], "cases": {name: [bool
    per length]}}``.
    """
    from grubook.train import SPLITS, held_out_set

    if split not in ("validation", "test"):
        raise ValueError(
            f"split must be 'validation' or 'test', got {split!r}"
        )
    lengths = [check_int(n, "lengths[i]", minimum=4) for n in lengths]
    result = {
        "lengths": lengths,
        "split": split,
        "n_random": check_positive_int(n_random, "n_random"),
        "random": [],
        "n_hard": check_positive_int(n_hard, "n_hard"),
        "hard": [],
        "cases": {name: [] for name in ADVERSARIAL_CASES}
        if split == "test"
        else {},
    }
    for n in lengths:
        x, _ = held_out_set(n, n_random, split)
        result["random"].append(int(exact_match_bits(adder(x), x).sum()))
        hard = (
            hard_pairs(n, n_hard, seed=SPLITS["test"])
            if split == "test"
            else _validation_hard_pairs(n, n_hard)
        )
        result["hard"].append(int(_exact_on_pairs(adder, hard, n).sum()))
        if split == "test":
            named = adversarial_pairs(n, SPLITS["test"])
            for name, ok in zip(
                named, _exact_on_pairs(adder, named.values(), n), strict=True
            ):
                result["cases"][name].append(bool(ok))
    return result


def exact_at_each_length(sweep: dict) -> list[bool]:
    """Per length of a :func:`length_sweep` result: exact on every random
    pair, every hard pair and every named case there?"""
    return [
        random == sweep["n_random"]
        and hard == sweep["n_hard"]
        and all(oks[i] for oks in sweep["cases"].values())
        for i, (random, hard) in enumerate(
            zip(sweep["random"], sweep["hard"], strict=True)
        )
    ]


def all_exact(sweep: dict) -> bool:
    """Whether a :func:`length_sweep` result is exact everywhere.

    That is, on every random, hard and named pair at every length.
    """
    return all(exact_at_each_length(sweep))



def all_pairs(n_bits: int) -> np.ndarray:
    """All ``n_bits``-bit operand pairs: float32 ``(4**n_bits, n_bits + 1, 2)``.

    Row ``i`` holds ``a = i // 2**n_bits`` and ``b = i % 2**n_bits``.
    """
    n_bits = check_int(n_bits, "n_bits", minimum=1)
    if n_bits > 12:
        raise ValueError(
            f"n_bits must be in [1, 12] (4**n_bits pairs), got {n_bits}"
        )
    index = np.arange(4**n_bits, dtype=np.int64)
    operands = np.stack(
        [index >> n_bits, index & (2**n_bits - 1)], axis=-1
    )  # (N, 2)
    x = np.zeros((len(index), n_bits + 1, 2), dtype=np.float32)
    x[:, :n_bits, :] = (
        operands[:, None, :] >> np.arange(n_bits)[None, :, None]
    ) & 1
    return x
