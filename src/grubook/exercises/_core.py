"""What every checker shares: the result, the registry and safe readers of an answer.

A *checker* takes the student's answer and returns a short success message,
or raises :class:`Wrong` with a message that says what is wrong without
giving the solution away. The readers below turn an answer into a number, a
function or an array, and turn every way the answer can fail (the wrong
type, NaN, an exception raised by the student's own function) into
:class:`Wrong`, so that :func:`grubook.exercises.check` never raises for a
bad answer.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable
from dataclasses import dataclass
from typing import NoReturn

import numpy as np

from grubook._checks import check_real

Checker = Callable[[object], str]


@dataclass(frozen=True)
class Result:
    """The verdict on one answer: ``correct`` (a bool) and a ``message``.

    ``print(result)`` shows the message after a short verdict.
    """

    correct: bool
    message: str

    def __str__(self) -> str:
        return f"{'Correct' if self.correct else 'Not yet'}: {self.message}"


class Wrong(Exception):
    """Raised by a checker: the answer is not right, and the message says why."""


def registry(*pairs: tuple[str, Checker]) -> dict[str, Checker]:
    """The checkers of one chapter, by exercise id, in the chapter's order."""
    return dict(pairs)


def shown(value) -> str:
    """``value``'s type and a short repr, on one line, for a message."""
    text = " ".join(repr(value).split())
    return f"{type(value).__name__} {text if len(text) <= 60 else text[:57] + '...'}"


def number(answer, what: str, *, low=None, high=None) -> float:
    """``answer`` as a finite float in [``low``, ``high``], or :class:`Wrong` naming ``what``."""
    try:
        return check_real(answer, what, low=low, high=high)
    except TypeError:
        raise Wrong(f"{what} must be a number, got {shown(answer)}") from None
    except ValueError:
        bounds = {(True, True): f" in [{low}, {high}]", (True, False): f" >= {low}",
                  (False, True): f" <= {high}", (False, False): ""}
        accepted = bounds[low is not None, high is not None]
        raise Wrong(f"{what} must be a finite number{accepted}, got {shown(answer)}") from None


def fraction(answer, what: str) -> float:
    """A number in [0, 1]; a percentage (1 to 100) gets its own message."""
    value = number(answer, what)
    if 1 < value <= 100:
        raise Wrong(f"{what} must be a fraction between 0 and 1, not a percentage "
                    f"(got {value!r})")
    if not 0 <= value <= 1:
        raise Wrong(f"{what} must be a fraction between 0 and 1, got {value!r}")
    return value


def whole(answer, what: str, *, minimum: int = 0) -> int:
    """An int >= ``minimum`` (NumPy ints too); bools, floats and the rest are refused."""
    if isinstance(answer, (bool, np.bool_)) or not isinstance(answer, numbers.Integral):
        raise Wrong(f"{what} must be an int, got {shown(answer)}")
    if answer < minimum:
        raise Wrong(f"{what} must be an int >= {minimum}, got {answer}")
    return int(answer)


def parts(answer, count: int, what: str) -> tuple:
    """``answer`` as a tuple of ``count`` items (a tuple or a list), or :class:`Wrong`."""
    if not isinstance(answer, (tuple, list)) or len(answer) != count:
        got = f"{len(answer)} items" if isinstance(answer, (tuple, list)) else (
            f"{type(answer).__name__}")
        raise Wrong(f"{what} must be a tuple of {count} items, got {got}")
    return tuple(answer)


def function(answer, what: str) -> Callable:
    """``answer`` if it can be called, or :class:`Wrong`."""
    if not callable(answer):
        raise Wrong(f"{what} must be a function, got {shown(answer)}")
    return answer


def call(fn: Callable, what: str, *args, **kwargs):
    """``fn(*args, **kwargs)``; an exception it raises becomes :class:`Wrong`."""
    try:
        with np.errstate(all="ignore"):
            return fn(*args, **kwargs)
    except Exception as error:  # the student's code may raise anything
        raise Wrong(f"{what} raised {type(error).__name__}: {error}"[:400]) from None


def array(value, shape: tuple[int, ...], what: str, expected_doc: str) -> np.ndarray:
    """``value`` as a finite float64 array of ``shape``, or :class:`Wrong`.

    ``expected_doc`` names the shape as the reader knows it, e.g. ``"(H, H) with H = 4"``.
    """
    try:
        result = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise Wrong(f"{what} is not an array of numbers ({type(value).__name__}: "
                    f"{error})"[:300]) from None
    if result.shape != shape:
        raise Wrong(f"the shape of {what} is {result.shape}, expected {expected_doc}")
    if not np.all(np.isfinite(result)):
        raise Wrong(f"{what} holds NaN or infinite values")
    return result


def worst(actual: np.ndarray, expected: np.ndarray) -> tuple[float, tuple[int, ...]]:
    """The largest absolute difference and where it is (an index tuple)."""
    error = np.abs(actual - expected)
    index = np.unravel_index(int(np.argmax(error)), error.shape) if error.size else ()
    return (float(error[index]) if error.size else 0.0), tuple(int(i) for i in index)


def too_far(what: str, value: float, expected: float) -> NoReturn:
    """Raise :class:`Wrong` saying whether ``value`` is too small or too large."""
    raise Wrong(f"{what} {value:.6g} is too {'small' if value < expected else 'large'}")
