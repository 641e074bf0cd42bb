"""Argument types the library's commands share (``python -m grubook.X``)."""

from __future__ import annotations

import argparse
import re

__all__ = ["CommandLineValueError", "seed_range"]


class CommandLineValueError(argparse.ArgumentTypeError, ValueError):
    """A bad command-line value.

    As an ``argparse`` type's error, argparse prints its message after the
    argument's name; called directly, it is a ``ValueError`` like any other
    bad input.
    """


_SEED_RANGE = re.compile(r"([0-9]+)(?:-([0-9]+))?")


def seed_range(text: str) -> list[int]:
    """``"10-39"`` -> [10, ..., 39]; ``"3"`` -> [3]: an ``argparse`` type.

    Seeds are whole numbers >= 0 and a range includes both ends; anything
    else (``"5-2"``, ``"3-"``, ``"ten"``) raises
    :class:`CommandLineValueError` (an ``argparse.ArgumentTypeError``).
    """
    match = _SEED_RANGE.fullmatch(text) if isinstance(text, str) else None
    if match:
        first, last = int(match[1]), int(match[2] or match[1])
        if first <= last:
            return list(range(first, last + 1))
    raise CommandLineValueError(
        f"expected a seed or a range of seeds such as 10-39 (whole numbers "
        f">= 0, the first at most the last), got {text!r}"
    )
