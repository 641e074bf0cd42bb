"""The exercise self-checks: every stored solution passes, wrong answers and junk do not.

The solutions below are the chapters' own (the ``{solution}`` blocks and the
hidden cells that check them), written out again here: the checkers must
accept exactly what the book says is right.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from grubook.analysis import GRUParams, Readout, hand_built_adder
from grubook.exercises import EXERCISES, Result, check
from grubook.reference import GRUTrace, sigmoid, split_gates

ROOT = Path(__file__).resolve().parents[1]
LABEL = re.compile(r":label: (ch\d-ex-[a-z0-9-]+)")


def _book_labels() -> list[str]:
    """Every exercise label of the chapters, in book order."""
    labels = []
    for path in sorted((ROOT / "book").glob("0*.ipynb")):
        for cell in json.loads(path.read_text())["cells"]:
            labels += LABEL.findall("".join(cell["source"]))
    return labels


# ---- the chapters' solutions ---------------------------------------------------------

def _chain_probability(n_bits, k):  # chapter 1's dynamic programme
    p = np.zeros(k + 1)
    p[0] = 1.0
    for _ in range(n_bits):
        new = np.zeros(k + 1)
        new[0] = 0.75 * p[0] + 0.25 * p[1:].sum()
        new[1:] = 0.25 * p[0], *(0.75 * p[1:-1])
        p = new
    return 1 - p.sum()


def _jacobian_after(x, h, params):  # chapter 2's hidden cell, in row-vector weights
    (w_z, w_r, w_h), (u_z, u_r, u_h) = ([m.T for m in split_gates(p)] for p in params[:2])
    b_z, b_r, b_h = split_gates(params.bias[0])
    c_z, c_r, c_h = split_gates(params.bias[1])
    z = sigmoid(w_z @ x + u_z @ h + b_z + c_z)
    r = sigmoid(w_r @ x + u_r @ h + b_r + c_r)
    g = u_h @ h + c_h
    h_tilde = np.tanh(w_h @ x + b_h + r * g)
    inner = np.diag(r) @ u_h + np.diag(g * r * (1 - r)) @ u_r
    through_z = np.diag((h_tilde - h) * z * (1 - z)) @ u_z
    return np.diag(1 - z) + through_z + np.diag(z) @ np.diag(1 - h_tilde**2) @ inner


def _tf_gru_step(x, h, params, reset_after=False, keras_update=False):  # chapter 3
    import tensorflow as tf

    kernel, recurrent_kernel, bias = params
    H = recurrent_kernel.shape[0]
    x_z, x_r, x_h = tf.split(x @ kernel + (bias[0] if reset_after else bias), 3, axis=-1)
    if reset_after:
        h_z, h_r, h_h = tf.split(h @ recurrent_kernel + bias[1], 3, axis=-1)
    else:
        h_z, h_r = tf.split(h @ recurrent_kernel[:, : 2 * H], 2, axis=-1)
    z, r = tf.sigmoid(x_z + h_z), tf.sigmoid(x_r + h_r)
    reset = r * h_h if reset_after else (r * h) @ recurrent_kernel[:, 2 * H :]
    h_tilde = tf.tanh(x_h + reset)
    z = 1.0 - z if keras_update else z
    return GRUTrace(z, r, h_tilde, (1.0 - z) * h + z * h_tilde)


def _step_three_products(x, h, params):  # chapter 3
    import tensorflow as tf

    w_z, w_r, w_h = tf.split(params.kernel, 3, axis=-1)
    u_z, u_r, u_h = tf.split(params.recurrent_kernel, 3, axis=-1)
    b_z, b_r, b_h = tf.split(params.bias, 3, axis=-1)
    z = tf.sigmoid(x @ w_z + h @ u_z + b_z)
    r = tf.sigmoid(x @ w_r + h @ u_r + b_r)
    h_tilde = tf.tanh(x @ w_h + (r * h) @ u_h + b_h)
    return (1.0 - z) * h + z * h_tilde


def _two_units(S=20.0, R=200.0):  # chapter 5's hidden cell
    kernel, recurrent, bias = np.zeros((2, 6)), np.zeros((2, 6)), np.zeros(6)
    bias[:4] = 20.0
    kernel[:, 4], recurrent[0, 4], bias[4] = S, S / 2, -1.25 * S
    kernel[:, 5], recurrent[0, 5], bias[5] = 1.0, 0.5, -1.0
    theta, d = np.tanh(-0.75), np.tanh(1.25) + np.tanh(0.75)
    return GRUParams(kernel, recurrent, bias), Readout(np.array([-R * d / 2, R]),
                                                       -R * (d / 2 + theta))


def _subtractor():  # chapter 5's hidden cell
    kernel, recurrent, bias = (p.copy() for p in hand_built_adder()[0])
    kernel[1, 6:] = -20.0
    bias[6:] += 20.0 + 10.0
    return GRUParams(kernel, recurrent, bias)


SOLUTIONS = {
    "ch1-ex-count-carries": lambda: lambda a, b: bin(((a + b) ^ a ^ b) >> 1).count("1"),
    "ch1-ex-chain-probability": lambda: _chain_probability(32, 10),
    "ch1-ex-msb-first": lambda: 256 / 65536,
    "ch1-ex-tutorial-overlap": lambda: 1 - (1 - 1 / 256**2) ** 100,
    "ch2-ex-reset-after-jacobian": lambda: _jacobian_after,
    "ch2-ex-running-average": lambda: lambda t: 1 / t,
    "ch2-ex-count": lambda: (929, 977),
    "ch3-ex-reset-switch": lambda: _tf_gru_step,
    "ch3-ex-three-products": lambda: _step_three_products,
    "ch3-ex-multiply-adds": lambda: lambda D, H, reset_after: 3 * H * (D + H),
    "ch3-ex-orthogonal": lambda: np.sqrt(3),
    "ch4-ex-gradients": lambda: (lambda p, y: p - y, lambda p, y: 2 * (p - y) * p * (1 - p)),
    "ch4-ex-flattering": lambda: (0.99**33, 0.99 ** (1 / 33)),
    "ch4-ex-learning-rate": lambda: 3e-2,
    "ch5-ex-two-units": _two_units,
    "ch5-ex-subtract": _subtractor,
    "ch5-ex-baseline": lambda: lambda n: (0.75 * n + 0.5 * (1 - 0.5**n) + 1) / (n + 1),
    "ch6-ex-cost": lambda: (768, 112, 1),
    "ch6-ex-interleave": lambda: (10, 5),
    "ch6-ex-dz": lambda: lambda g, h, h_tilde, a: g * (h_tilde - h) * sigmoid(a) * (1 - sigmoid(a)),
    "ch7-ex-scale": lambda: (7.25, 6.5),
    "ch7-ex-subtract": lambda: lambda a, b, borrow: ((a - b - borrow) % 2, int(a - b - borrow < 0)),
    "ch7-ex-split": lambda: lambda J, radius: np.abs(J) @ radius,
}

# Wrong answers, each with a piece of the message it must get.
WRONG = {
    "ch1-ex-count-carries": [(lambda a, b: bin(a & b).count("1"), "too few")],
    "ch1-ex-chain-probability": [(0.5, "too large"), (_chain_probability(32, 9), "longer than k"),
                                 (100 * _chain_probability(32, 10), "percentage")],
    "ch1-ex-msb-first": [(256, "count"), (0.5, "too large")],
    "ch1-ex-tutorial-overlap": [(100 / 256, "too large")],
    "ch2-ex-reset-after-jacobian": [(lambda x, h, p: _jacobian_after(x, h, p).T, "transposed"),
                                    (lambda x, h, p: np.eye(h.size + 1), "shape")],
    "ch2-ex-running-average": [(lambda t: 0.5, "h_0"), (lambda t: 2.0, "in [0, 1]")],
    "ch2-ex-count": [((912, 960), "readout"), ((977, 929), "swapped"), ((929, 978), "too large")],
    "ch3-ex-reset-switch": [(lambda x, h, p, reset_after: _tf_gru_step(x, h, p, reset_after, True),
                             "Keras's convention")],
    "ch3-ex-three-products": [(lambda x, h, p: _step_three_products(x, h, p)[:, :3], "shape")],
    "ch3-ex-multiply-adds": [(lambda D, H, after: 3 * H * D, "too few"),
                             (lambda D, H, after: 3 * H * (D + H) + 4 * H, "multiple of H")],
    "ch3-ex-orthogonal": [(1.0, "each block"), (3.0, "too large")],
    "ch4-ex-gradients": [((lambda p, y: p - y, lambda p, y: 2 * (p - y)), "respect to p"),
                         ((lambda p, y: y - p, lambda p, y: 0 * p), "sign")],
    "ch4-ex-flattering": [((0.99**32, 0.99 ** (1 / 33)), "32 bits"), ((0.9, 0.99), "too large")],
    "ch4-ex-learning-rate": [(1e-3, "fewer steps"), (0.1, "one of the three")],
    "ch5-ex-two-units": [(hand_built_adder(), "H = 3"), (_two_units(S=1.0), "wrong on")],
    "ch5-ex-subtract": [(hand_built_adder()[0], "your network gives")],
    "ch5-ex-baseline": [(lambda n: 0.75, "three quarters"), (lambda n: 75.0, "percentage")],
    "ch6-ex-cost": [((768, 112, 2), "recurrent products is too large")],
    "ch6-ex-interleave": [((1, 50), "not that one"), ((2, 2), "choose one")],
    "ch6-ex-dz": [(lambda g, h, h_tilde, a: g * (h_tilde - h), "respect to z_t")],
    "ch7-ex-scale": [((20.0, 20.0), "too large"), ((7.0, 6.5), "too small")],
    "ch7-ex-subtract": [(lambda a, b, c: ((a + b + c) % 2, int(a + b + c > 1)),
                         "your machine gives")],
    "ch7-ex-split": [(lambda J, radius: J @ radius, "too small")],
}


def _raises(*args, **kwargs):
    raise RuntimeError("a student's bug")


JUNK = {
    "None": None, "a string": "0.75", "NaN": float("nan"), "inf": float("inf"),
    "an empty array": np.array([]), "a huge int": 10**400, "a huge float": 1e308,
    "a negative number": -1, "True": True, "an empty tuple": (), "a dict": {},
    "a tuple of None": (None, None), "a triple of None": (None, None, None),
    "a function that raises": _raises,
    "a function returning a string": lambda *args, **kwargs: "yes",
    "a function returning the wrong shape": lambda *args, **kwargs: np.zeros((7, 7, 7)),
    "a function returning NaN": lambda *args, **kwargs: float("nan"),
}


# ---- the tests -------------------------------------------------------------------------

def test_every_id_is_an_exercise_label_in_book_order_with_three_per_chapter():
    labels = _book_labels()
    assert set(EXERCISES) <= set(labels)
    assert list(EXERCISES) == [label for label in labels if label in EXERCISES]
    for chapter in range(1, 8):
        assert sum(e.startswith(f"ch{chapter}-") for e in EXERCISES) >= 3, chapter
    assert set(SOLUTIONS) == set(EXERCISES) == set(WRONG)


@pytest.mark.parametrize("exercise_id", EXERCISES)
def test_the_stored_solution_is_accepted(exercise_id):
    result = check(exercise_id, SOLUTIONS[exercise_id]())
    assert isinstance(result, Result)
    assert result.correct is True, result.message
    assert result.message


@pytest.mark.parametrize(("exercise_id", "wrong", "says"),
                         [(e, answer, says) for e in EXERCISES for answer, says in WRONG[e]])
def test_a_wrong_answer_is_rejected_with_a_message(exercise_id, wrong, says):
    result = check(exercise_id, wrong)
    assert result.correct is False
    assert says in result.message, result.message


@pytest.mark.parametrize("junk", JUNK.values(), ids=JUNK.keys())
@pytest.mark.parametrize("exercise_id", EXERCISES)
def test_junk_is_not_correct_and_raises_nothing(exercise_id, junk):
    result = check(exercise_id, junk)
    assert result.correct is False
    assert isinstance(result.message, str) and result.message
    assert "could not be checked" not in result.message  # every junk foreseen


def test_the_numbers_asked_for_do_not_appear_in_any_message():
    secrets = {"ch2-ex-count": ["929", "977", "912"], "ch3-ex-orthogonal": ["1.73"],
               "ch4-ex-flattering": ["0.717", "0.9996"], "ch6-ex-cost": ["768", "112"],
               "ch1-ex-chain-probability": [f"{_chain_probability(32, 10):.3f}"[:5]],
               "ch7-ex-scale": ["7.25", "6.5"]}
    for exercise_id, hidden in secrets.items():
        answers = [wrong for wrong, _ in WRONG[exercise_id]] + list(JUNK.values())
        for answer in answers:
            message = check(exercise_id, answer).message
            assert not any(h in message for h in hidden), (exercise_id, message)


@pytest.mark.parametrize("unknown", ["ch2-jacobian", "ch9-ex-none", None, 3])
def test_an_unknown_id_raises_a_key_error_naming_it(unknown):
    with pytest.raises(KeyError, match=re.escape(repr(unknown))) as error:
        check(unknown, 1)
    assert "EXERCISES" in str(error.value)


def test_a_result_reads_well():
    result = Result(False, "too small")
    assert repr(result) == "Result(correct=False, message='too small')"
    assert str(result) == "Not yet: too small"
    assert str(Result(True, "right")) == "Correct: right"
    with pytest.raises(AttributeError):
        result.correct = True


def test_importing_the_checkers_imports_no_tensorflow():
    probe = ("import sys, grubook.exercises; "
             "print(any(m.split('.')[0] in ('tensorflow', 'keras') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True, timeout=120)
    assert out.stdout.strip() == "False"
