"""Argument checks for the library: clear errors naming the argument.

One rule for every check: TypeError for a value of the wrong type (a bool
where an int or a real number is meant included); ValueError for a value
of the right type that is out of range, not finite where a real number is
meant, of the wrong shape, or not one of the accepted choices. Each check
takes the value first and its name second, and returns the value checked.
"""

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


def check_bool(value, name: str) -> bool:
    """Return ``value`` as a Python bool, or raise a TypeError naming ``name``.

    Only ``True`` and ``False`` (and NumPy's bools) are accepted: ``1``,
    ``0``, ``None`` and ``"yes"`` hide a mistake.
    """
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(
            f"{name} must be True or False, got {type(value).__name__} {value!r}"
        )
    return bool(value)


def _range_text(low, high, low_open: bool, high_open: bool) -> str:
    """The accepted range as a reader writes it: ``" > 0"``, ``" in (0, 1]"``."""
    if low is not None and high is not None:
        return f" in {'(' if low_open else '['}{low}, {high}{')' if high_open else ']'}"
    if low is not None:
        return f" {'>' if low_open else '>='} {low}"
    if high is not None:
        return f" {'<' if high_open else '<='} {high}"
    return ""


def _outside(number, low, high, low_open: bool, high_open: bool):
    """Whether ``number`` (a float or a float array) lies outside the range, elementwise."""
    number = np.asarray(number, dtype=np.float64)
    outside = np.zeros(number.shape, dtype=bool)
    if low is not None:
        outside |= ~(number > low) if low_open else ~(number >= low)
    if high is not None:
        outside |= ~(number < high) if high_open else ~(number <= high)
    return outside


def check_real(
    value,
    name: str,
    *,
    low=None,
    high=None,
    low_open: bool = False,
    high_open: bool = False,
) -> float:
    """Return ``value`` as a finite Python float, or raise naming ``name``.

    Ints, floats and NumPy numbers are accepted; bools, strings, ``None``
    and complex numbers raise TypeError. NaN, infinities and a value
    outside the range raise ValueError. ``low`` and ``high`` bound the
    value, each included unless ``low_open`` or ``high_open``: a learning
    rate is ``check_real(rate, "learning_rate", low=0, low_open=True)``.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"{name} must be a real number, got {type(value).__name__} {value!r}"
        )
    accepted = _range_text(low, high, low_open, high_open)
    try:
        number = float(value)
    except OverflowError:  # an int too large for a float
        number = float("inf") if value > 0 else float("-inf")
    if not np.isfinite(number) or _outside(number, low, high, low_open, high_open):
        raise ValueError(f"{name} must be a finite real number{accepted}, got {value!r}")
    return number


def check_one_of(value, name: str, choices):
    """Return ``value`` if it is one of ``choices``, else raise a ValueError naming ``name``.

    ``choices`` is any collection (a tuple, a set, a dict's keys); the
    message lists them.
    """
    try:
        found = value in choices
    except (TypeError, ValueError):  # unhashable, or an array compared elementwise
        found = False
    if not found:
        shown = sorted(choices, key=repr) if isinstance(choices, (set, frozenset)) else choices
        raise ValueError(f"{name} must be one of {tuple(shown)!r}, got {value!r}")
    return value


def check_series(
    values,
    name: str,
    *,
    ndim: int = 1,
    length: int | None = None,
    min_length: int = 1,
    low=None,
    high=None,
    low_open: bool = False,
    high_open: bool = False,
    finite: bool = False,
) -> np.ndarray:
    """Return ``values`` as a float64 array with ``ndim`` axes, or raise naming ``name``.

    ``values`` is an array or a (nested) list of ints, floats or bools;
    strings, ``None`` and complex numbers raise TypeError. ``ndim`` is 1 or
    more; the first axis is the series' length (steps, say: ``(K,)``, or
    ``(T, H)`` for ``ndim=2``); it must be ``length`` when given and at
    least ``min_length``. A wrong number of axes, a wrong length or ragged rows
    raise ValueError. ``finite`` refuses NaN and infinities, and
    ``low``/``high`` bound every value as in :func:`check_real` (NaN lies
    outside any bound); both raise ValueError naming the first bad value.
    """
    try:
        array = np.asarray(values)
    except ValueError as error:  # rows of different lengths
        raise ValueError(
            f"{name} must be a {ndim}-D array of numbers, not rows of different "
            f"lengths ({error})"
        ) from None
    if array.dtype.kind not in "biuf":
        raise TypeError(
            f"{name} must hold ints, floats or bools, got {type(values).__name__} "
            f"of dtype {array.dtype}"
        )
    array = array.astype(np.float64)
    if array.ndim != ndim or array.shape[0] < min_length:
        empty = "non-empty " if min_length == 1 else ""
        least = f" of at least {min_length} values" if min_length > 1 else ""
        raise ValueError(
            f"{name} must be a {empty}{ndim}-D array{least}, got shape {array.shape}"
        )
    if length is not None and array.shape[0] != length:
        expected = f"shape ({length},)" if ndim == 1 else f"{length} entries along its first axis"
        raise ValueError(f"{name} must have {expected}, got shape {array.shape}")
    bad = _outside(array, low, high, low_open, high_open)
    if finite:
        bad |= ~np.isfinite(array)
    if bad.any():
        index = tuple(int(i) for i in np.argwhere(bad)[0])
        where = index[0] if ndim == 1 else index
        accepted = _range_text(low, high, low_open, high_open)
        raise ValueError(
            f"{name} must hold {'finite ' if finite else ''}values{accepted}, "
            f"got {array[index]} at index {where}"
        )
    return array
