"""Self-checks for the chapters' exercises: ``check(exercise_id, answer)``.

A student runs, for example, ``check("ch2-ex-count", (929, 977))`` and gets
a :class:`Result`: ``.correct`` (True or False) and a ``.message`` that says
what is wrong without giving the solution away. Numeric answers are
compared within a stated tolerance; a function the student wrote is run on
hidden cases made with the library (``grubook.reference``,
``grubook.data``, ``grubook.analysis``, ``grubook.verify``). A junk answer
(None, a string, NaN, an empty array, a function that raises) is simply
not correct: ``check`` raises only for an id it does not know
(``KeyError``). ``EXERCISES`` lists the ids in book order; the
exercise ids are the chapters' exercise labels. Nothing here prints or
returns a solution. Importing it does not import TensorFlow (chapter 3's
checkers do, when they run).

- ``_core``: the Result, the Wrong answer and safe readers of an answer.
- ``ch1``: carries, carry chains, the order of the bits, train-test overlap.
- ``ch2``: the reset-after Jacobian, a running average, the adder's parameter count.
- ``ch3``: two TensorFlow steps, the multiply-adds of a step, a fused kernel's norm.
- ``ch4``: the loss gradients, flattering bit accuracy, the learning rate.
- ``ch5``: a two-unit adder, a subtractor, the input-only probe.
- ``ch6``: the cost of a reset-after step, interleaved timing, dL/da^z.
- ``ch7``: the smallest provable scale, the borrow machine, a boxed image.
"""

from __future__ import annotations

import warnings

from grubook.exercises import ch1, ch2, ch3, ch4, ch5, ch6, ch7
from grubook.exercises._core import Result, Wrong

__all__ = ["EXERCISES", "Result", "check"]

_CHECKERS = {
    exercise_id: checker
    for chapter in (ch1, ch2, ch3, ch4, ch5, ch6, ch7)
    for exercise_id, checker in chapter.CHECKERS.items()
}

EXERCISES: tuple[str, ...] = tuple(_CHECKERS)
"""The ids of the exercises that have a checker, in book order."""


def check(exercise_id: str, answer) -> Result:
    """Check ``answer`` to the exercise ``exercise_id`` (a label such as ``"ch2-ex-count"``).

    Returns a :class:`Result`; each exercise says what its answer is (a
    number, a tuple, a function and its argument shapes). Raises
    ``KeyError`` for an id not in ``EXERCISES``.
    """
    try:
        checker = _CHECKERS[exercise_id]
    except (KeyError, TypeError):
        raise KeyError(
            f"no self-check for exercise {exercise_id!r}; "
            "grubook.exercises.EXERCISES lists the ids that have one"
        ) from None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            message = checker(answer)
    except Wrong as wrong:
        return Result(False, str(wrong))
    except Exception as error:  # a failure the checker did not foresee is still no answer
        return Result(False, f"your answer could not be checked ({type(error).__name__}: "
                             f"{error})"[:400])
    return Result(True, message)
