"""Argument checks for the library: clear errors naming the argument."""

from __future__ import annotations

import numbers

import numpy as np


def check_int(value, name: str, *, minimum: int | None = None) -> int:
    """Return ``value`` as a Python int, or raise naming ``name``.

    Bools and floats are refused (``True`` is not a number of bits, and
    ``3.0`` hides a mistake); NumPy integers are accepted.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(
        value, numbers.Integral
    ):
        raise TypeError(
            f"{name} must be an int, got {type(value).__name__} {value!r}"
        )
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be an int >= {minimum}, got {value}")
    return value


def check_positive_int(value, name: str) -> int:
    """An int >= 1, such as a size or a count."""
    return check_int(value, name, minimum=1)


def check_rank(
    array: np.ndarray, rank: int, name: str, shape_doc: str
) -> np.ndarray:
    """Raise unless ``array`` has ``rank`` axes, named by ``shape_doc``."""
    if array.ndim != rank:
        raise ValueError(
            f"{name} must have rank {rank} {shape_doc}, "
            f"got shape {tuple(array.shape)}"
        )
    return array


def as_rng(rng, name: str = "rng") -> np.random.Generator:
    """A NumPy Generator from a Generator or an int seed."""
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, (bool, np.bool_)) or not isinstance(
        rng, numbers.Integral
    ):
        raise TypeError(
            f"{name} must be a numpy.random.Generator or an int seed >= 0, "
            f"got {type(rng).__name__} {rng!r}"
        )
    return np.random.default_rng(check_int(rng, name, minimum=0))
