"""The validation and test sets: fixed, drawn from seeds of their own, and kept apart.

Training draws fresh problems from its run's seed; these two sets come from
the seeds in :data:`SPLITS`, which no training run uses. NumPy only.
"""

from __future__ import annotations

import numpy as np

from grubook._checks import check_positive_int
from grubook.data import addition_batch, decode_operands, targets_for

__all__ = ["SPLITS", "VALIDATION_LIMIT", "DISJOINT_BITS", "held_out_set", "operand_pairs"]

SPLITS = {"validation": 2**31 - 1, "test": 2**31 - 2}
"""The seed each held-out set is drawn from."""

VALIDATION_LIMIT = 2000
"""The most problems a validation set may hold: the test set avoids them all."""

DISJOINT_BITS = 64
"""Up to this width the test set is checked against the validation set.

Wider, two sets of at most 10,000 random pairs share a pair with
probability below ``10_000**2 / 4**65``, about ``3e-31``; the check would
cost more than it could find."""


def held_out_set(n_bits: int, n_samples: int, split: str = "validation"):
    """A fixed held-out set: ``x`` (N, n_bits + 1, 2), ``y`` (N, n_bits + 1, 1).

    ``split`` is ``"validation"`` (for decisions) or ``"test"`` (only for
    reporting); each is drawn from its own seed in :data:`SPLITS`. A
    validation set of N problems is the first N of one fixed sequence, so
    it holds at most :data:`VALIDATION_LIMIT`. Up to :data:`DISJOINT_BITS`
    bits the test set skips every pair of the longest validation set and
    draws on in its place: the two never share a pair. Where no pair is
    shared (nearly always above 12 bits) that changes nothing.
    """
    if split not in SPLITS:
        raise ValueError(f"split must be one of {tuple(SPLITS)}, got {split!r}")
    n_bits = check_positive_int(n_bits, "n_bits")
    n_samples = check_positive_int(n_samples, "n_samples")
    if split == "validation" and n_samples > VALIDATION_LIMIT:
        raise ValueError(
            f"n_samples must be at most {VALIDATION_LIMIT} for the validation split, "
            f"got {n_samples}"
        )
    if split == "validation" or n_bits > DISJOINT_BITS:
        return addition_batch(n_samples, n_bits, SPLITS[split])
    return _test_set(n_bits, n_samples)


def _test_set(n_bits: int, n_samples: int):
    """The test set, skipping every pair of the longest validation set."""
    reserved = operand_pairs(addition_batch(VALIDATION_LIMIT, n_bits, SPLITS["validation"])[0])
    if len(reserved) == 4**n_bits:
        raise ValueError(
            f"n_bits = {n_bits} is too narrow for a test set: the validation set "
            f"holds all {4**n_bits} pairs; use n_bits >= 6"
        )
    rng = np.random.default_rng(SPLITS["test"])
    x, _ = addition_batch(n_samples, n_bits, rng)
    kept = x[[pair not in reserved for pair in _pairs_in_order(x)]]
    while len(kept) < n_samples:
        more, _ = addition_batch(n_samples - len(kept), n_bits, rng)
        more = more[[pair not in reserved for pair in _pairs_in_order(more)]]
        kept = np.concatenate([kept, more])
    return kept, targets_for(kept)


def _pairs_in_order(x) -> list[tuple[int, int]]:
    """Each row's operand pair ``(a, b)``, in order: ``x`` (B, T, 2) -> B pairs."""
    a, b = decode_operands(x)
    return list(zip(a, b, strict=True))


def operand_pairs(x) -> set[tuple[int, int]]:
    """The distinct operand pairs ``(a, b)`` written in ``x`` ``(B, T, 2)``."""
    x = np.asarray(x)
    if x.ndim != 3 or x.shape[-1] != 2:
        raise ValueError(f"x must have shape (B, T, 2), got {x.shape}")
    return set(_pairs_in_order(x))
