"""Keys: the carry before a window of ``history`` input pairs, and the window.

The carry machine on keys (:func:`key_table`) says which key follows which
and which sum bit each input must produce; :func:`state_keys` gives the key
of each state an input reaches.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from grubook._checks import check_int, check_rank

INPUT_PAIRS = ((0, 0), (0, 1), (1, 0), (1, 1))
"""The four input pairs (a, b), indexed by 2 a + b."""


def carries_after(x) -> np.ndarray:
    """The carry after each step of ``x`` (B, T, 2) from carry 0: int (B, T)."""
    x = check_rank(np.asarray(x), 3, "x", "(batch, time, 2)")
    columns = x.astype(np.int64)
    carry = np.zeros(x.shape[0], dtype=np.int64)
    out = np.empty(x.shape[:2], dtype=np.int64)
    for t in range(x.shape[1]):
        carry = (columns[:, t, 0] + columns[:, t, 1] + carry) // 2
        out[:, t] = carry
    return out


class KeyTable(NamedTuple):
    """The carry machine on keys of a window of ``history`` input pairs.

    Key ``c * 4**k + sum_j i_j 4**(k-1-j)``: the carry ``c`` before the
    window and its input indices ``i_j = 2 a + b`` (oldest first). Arrays,
    for ``K = 2 * 4**k`` keys and the 4 inputs:

        successor  int (K, 4)  the key after one more input
        sum_bit    int (K, 4)  the sum bit that input must produce
        carry      int (K,)    the carry after the window
    """

    history: int
    successor: np.ndarray
    sum_bit: np.ndarray
    carry: np.ndarray


def _window_carry(carry, window, history: int):
    """The carry after the window of each key: int arrays (K,)."""
    for j in range(history):
        column = (window // 4 ** (history - 1 - j)) % 4
        carry = (column // 2 + column % 2 + carry) // 2
    return carry


def key_table(history: int) -> KeyTable:
    """The :class:`KeyTable` for windows of ``history`` >= 0 input pairs."""
    history = check_int(history, "history", minimum=0)
    if history > 6:
        raise ValueError(
            f"history must be in [0, 6] (2 * 4**history keys), got {history}"
        )
    size = 4**history
    keys = np.arange(2 * size)
    carry_before, window = keys // size, keys % size
    carry_now = _window_carry(carry_before, window, history)
    columns = np.arange(4)
    total = columns[None, :] // 2 + columns[None, :] % 2 + carry_now[:, None]
    if history == 0:
        successor = total // 2
    else:
        oldest = window // 4 ** (history - 1)
        carry_next = (oldest // 2 + oldest % 2 + carry_before) // 2
        successor = (carry_next * size + (window % (size // 4)) * 4)[
            :, None
        ] + columns[None, :]
    return KeyTable(history, successor, total % 2, carry_now)


def key_window(key: int, history: int) -> tuple[int, list]:
    """A key's carry before its window, and the window's input pairs, oldest first."""
    size = 4**history
    window = [
        INPUT_PAIRS[(key % size) // 4 ** (history - 1 - j) % 4]
        for j in range(history)
    ]
    return key // size, window


def describe_key(key: int, history: int) -> str:
    """A key in words, such as ``"carry 1, then (1, 0) (0, 1)"``."""
    carry, window = key_window(key, history)
    pairs = " ".join(f"({a}, {b})" for a, b in window)
    return f"carry {carry}" + (f", then {pairs}" if window else "")


def state_keys(x, history: int) -> np.ndarray:
    """The key of the state after each step ``t`` = history, ..., T - 1 of ``x``.

    Steps count from 0, so these are the states after ``history + 1`` to
    ``T`` inputs; ``x`` (B, T, 2) starts from carry 0. Returns int
    (B, T - history).
    """
    carries = np.concatenate(
        [np.zeros((len(x), 1), np.int64), carries_after(x)], axis=1
    )
    index = (2 * x[..., 0] + x[..., 1]).astype(np.int64)
    steps = x.shape[1] - history
    keys = carries[:, 1 : steps + 1] * 4**history  # the carry before the window
    for j in range(history):
        keys = keys + index[:, 1 + j : 1 + j + steps] * 4 ** (history - 1 - j)
    return keys
