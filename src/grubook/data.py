"""Binary addition as a sequence task.

Numbers are written as *reversed* bitstrings, least significant bit first,
so that the carry flows forward in time. A pair of operands ``a, b`` with
``n_bits`` bits becomes a sequence of ``n_bits + 1`` steps: step ``t`` holds
the bit pair ``(a_t, b_t)``, and the extra last step holds ``(0, 0)`` so the
network can write out the final carry. The target at step ``t`` is bit ``t``
of ``a + b``.

Shapes (batch of ``B`` pairs, ``T = n_bits + 1`` steps)::

    x  float32 (B, T, 2)   input bit pairs
    y  float32 (B, T, 1)   bits of the sum
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from grubook._checks import (
    as_rng,
    check_int,
    check_positive_int,
    check_rank,
)

__all__ = [
    "to_bits",
    "from_bits",
    "check_bits",
    "add_bits",
    "encode_pair",
    "encode_pairs",
    "targets_for",
    "decode_operands",
    "addition_batch",
    "with_pauses",
    "answer_steps",
]


def to_bits(n: int, width: int) -> np.ndarray:
    """The ``width`` bits of the int ``n`` >= 0, least significant first.

    Works for ints of any size. Returns ``uint8`` of shape ``(width,)``.
    Raises ``ValueError`` when ``n`` does not fit in ``width`` bits: nothing
    is ever truncated.
    """
    n = check_int(n, "n", minimum=0)
    width = check_positive_int(width, "width")
    if n.bit_length() > width:
        raise ValueError(
            f"n = {n} needs {n.bit_length()} bits, "
            f"more than width = {width}; "
            f"n must be in [0, 2**{width})"
        )
    digits = format(n, f"0{width}b")[::-1]
    return np.frombuffer(digits.encode("ascii"), dtype=np.uint8) - ord("0")


def check_bits(bits, name: str = "bits") -> np.ndarray:
    """``bits`` as a ``uint8`` array; raise if a value is not 0 or 1."""
    array = np.asarray(bits)
    if array.dtype == bool:
        return array.astype(np.uint8)
    if not (
        np.issubdtype(array.dtype, np.integer)
        or np.issubdtype(array.dtype, np.floating)
    ):
        raise TypeError(
            f"{name} must hold numbers 0 and 1, got dtype {array.dtype}"
        )
    is_bit = (array == 0) | (array == 1)
    if not np.all(is_bit):
        bad = array[~is_bit].flat[0].item()
        raise ValueError(
            f"{name} must hold only the values 0 and 1, found {bad!r}"
        )
    return array.astype(np.uint8)


def from_bits(bits) -> int:
    """The int >= 0 whose bits, least significant first, are ``bits``.

    ``bits`` has shape ``(width,)`` and holds only 0 and 1 (ints, floats or
    bools). The inverse of :func:`to_bits`.
    """
    array = check_rank(check_bits(bits), 1, "bits", "(width,)")
    if array.size == 0:
        raise ValueError(
            "bits must hold at least one bit, got an empty array"
        )
    return int("".join("01"[b] for b in array[::-1]), 2)


def add_bits(x) -> tuple[np.ndarray, np.ndarray]:
    """Add the operands in ``x`` bit by bit, as a ripple-carry adder would.

    ``x`` has shape ``(..., T, 2)``: bit pairs, least significant first.
    Returns ``(sum_bits, carry)``, both ``uint8`` of shape ``(..., T)``,
    where ``carry[..., t]`` is the carry *out of* step ``t`` (what a
    network must remember after reading step ``t``). The sum is exact when
    the last step of ``x`` holds ``(0, 0)``, as the encoders here arrange.
    """
    bits = check_bits(x, "x")
    if bits.ndim < 2 or bits.shape[-1] != 2:
        raise ValueError(
            f"x must have shape (..., T, 2), got {tuple(bits.shape)}"
        )
    column = bits[..., 0] + bits[..., 1]
    sum_bits = np.empty_like(column)
    carry = np.empty_like(column)
    c = np.zeros(column.shape[:-1], dtype=np.uint8)
    for t in range(column.shape[-1]):
        total = column[..., t] + c
        sum_bits[..., t] = total & 1
        c = total >> 1
        carry[..., t] = c
    return sum_bits, carry


def _width_of(a: int, b: int) -> int:
    return max(a.bit_length(), b.bit_length(), 1)


def encode_pair(a: int, b: int, n_bits: int | None = None) -> np.ndarray:
    """The input sequence for ``a, b``: float32 ``(n_bits + 1, 2)``.

    ``n_bits`` defaults to the width of the wider operand (at least 1); the
    last step is ``(0, 0)`` for the carry-out. Ints of any size are
    accepted.
    """
    a = check_int(a, "a", minimum=0)
    b = check_int(b, "b", minimum=0)
    n_bits = (
        _width_of(a, b)
        if n_bits is None
        else check_positive_int(n_bits, "n_bits")
    )
    x = np.zeros((n_bits + 1, 2), dtype=np.float32)
    x[:n_bits, 0] = to_bits(a, n_bits)
    x[:n_bits, 1] = to_bits(b, n_bits)
    return x


def encode_pairs(
    a: Sequence[int], b: Sequence[int], n_bits: int
) -> tuple[np.ndarray, np.ndarray]:
    """Inputs and targets for the pairs ``a[i], b[i]``.

    Returns ``x`` float32 ``(B, n_bits + 1, 2)`` and ``y`` float32
    ``(B, n_bits + 1, 1)``, the bits of ``a[i] + b[i]``.
    """
    if len(a) != len(b):
        raise ValueError(
            f"a and b must have the same length, got {len(a)} and {len(b)}"
        )
    if len(a) == 0:
        raise ValueError("a and b must hold at least one pair, got none")
    n_bits = check_positive_int(n_bits, "n_bits")
    x = np.stack(
        [encode_pair(ai, bi, n_bits) for ai, bi in zip(a, b, strict=True)]
    )
    return x, targets_for(x)


def targets_for(x: np.ndarray) -> np.ndarray:
    """The sum bits for inputs ``x`` (B, T, 2): float32 (B, T, 1)."""
    sum_bits, _ = add_bits(x)
    return sum_bits[..., None].astype(np.float32)


def decode_operands(x) -> tuple[list[int], list[int]]:
    """The operand pairs written in ``x`` (B, T, 2), as two int lists."""
    bits = check_rank(check_bits(x, "x"), 3, "x", "(batch, time, 2)")
    a = [from_bits(row) for row in bits[..., 0]]
    b = [from_bits(row) for row in bits[..., 1]]
    return a, b


def addition_batch(
    batch_size: int, n_bits: int, rng
) -> tuple[np.ndarray, np.ndarray]:
    """Random addition problems, operands uniform in ``[0, 2**n_bits)``.

    ``rng`` is a NumPy ``Generator`` (advanced by the call) or an int seed.
    Returns ``x`` float32 ``(batch_size, n_bits + 1, 2)`` and ``y`` float32
    ``(batch_size, n_bits + 1, 1)``. Uniform operands have independent,
    uniform bits, so the bits are drawn directly: any ``n_bits`` is cheap.
    """
    batch_size = check_positive_int(batch_size, "batch_size")
    n_bits = check_positive_int(n_bits, "n_bits")
    rng = as_rng(rng)
    x = np.zeros((batch_size, n_bits + 1, 2), dtype=np.float32)
    x[:, :n_bits, :] = rng.integers(0, 2, size=(batch_size, n_bits, 2))
    return x, targets_for(x)


def with_pauses(x, pause: int) -> np.ndarray:
    """``x`` (B, T, 2) with ``pause`` blank steps before every column.

    Returns float32 ``(B, T * (pause + 1), 3)``: channels 0 and 1 hold the
    operand bits on column steps and 0 on blank steps; channel 2 is 1 on a
    blank step and 0 on a column step. Column ``t`` of ``x`` lands at step
    ``t * (pause + 1) + pause``, so a carry must be held through ``pause``
    steps with no column in them; :func:`answer_steps` picks the outputs
    at the column steps, which line up with ``targets_for(x)``.
    """
    pause = check_int(pause, "pause", minimum=0)
    x = check_rank(check_bits(x, "x"), 3, "x", "(batch, time, 2)")
    batch, steps, channels = x.shape
    if channels != 2:
        raise ValueError(f"x must have 2 channels (a, b), got shape {x.shape}")
    paused = np.zeros((batch, steps, pause + 1, 3), dtype=np.float32)
    paused[:, :, pause, :2] = x
    paused[:, :, :pause, 2] = 1.0
    return paused.reshape(batch, steps * (pause + 1), 3)


def answer_steps(outputs, pause: int):
    """The column steps of ``outputs`` (B, T * (pause + 1), ...) -> (B, T, ...).

    ``outputs`` is whatever a model returned for ``with_pauses(x, pause)``
    (a NumPy array or a tensor); with ``pause=0`` it is returned unchanged.
    """
    pause = check_int(pause, "pause", minimum=0)
    if not pause:
        return outputs
    steps = outputs.shape[1]
    if steps is not None and steps % (pause + 1):
        raise ValueError(
            f"outputs must have a multiple of pause + 1 = {pause + 1} steps "
            f"(the length of with_pauses(x, {pause})), got {steps}"
        )
    return outputs[:, pause :: pause + 1]
