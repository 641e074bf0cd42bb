"""grubook.reference: the GRU equations in NumPy, checked against hand computation."""

import math

import numpy as np
import pytest

from grubook.reference import (
    GRUParams,
    flip_update_gate,
    gru_sequence,
    gru_step,
    random_params,
    sigmoid,
    split_gates,
)


def one_unit_params(reset_after=False):
    """D = H = 1: W = [ln 3, 0, 1], U = [0, 0, 2], biases zero except b^h_h = 1 after."""
    bias = np.array([[0.0, 0.0, 0.0], [0.0, 0.0, 1.0]]) if reset_after else np.zeros(3)
    return GRUParams(np.array([[math.log(3), 0.0, 1.0]]), np.array([[0.0, 0.0, 2.0]]), bias)


def test_one_step_by_hand_reset_before():
    step = gru_step(np.array([[1.0]]), np.array([[0.5]]), one_unit_params())
    # z = sigmoid(ln 3) = 3/4, r = sigmoid(0) = 1/2, h~ = tanh(1 + 2 * (1/2 * 1/2)).
    assert step.z[0, 0] == pytest.approx(0.75)
    assert step.r[0, 0] == pytest.approx(0.5)
    assert step.h_tilde[0, 0] == pytest.approx(math.tanh(1.5))
    assert step.h[0, 0] == pytest.approx(0.25 * 0.5 + 0.75 * math.tanh(1.5))


def test_one_step_by_hand_reset_after():
    step = gru_step(np.array([[1.0]]), np.array([[0.5]]), one_unit_params(True), reset_after=True)
    # h~ = tanh(1 + r * (2 * 0.5 + 1)) with r = 1/2.
    assert step.h_tilde[0, 0] == pytest.approx(math.tanh(2.0))
    assert step.h[0, 0] == pytest.approx(0.25 * 0.5 + 0.75 * math.tanh(2.0))


def test_keras_update_convention_by_hand():
    step = gru_step(np.array([[1.0]]), np.array([[0.5]]), one_unit_params(), update_gate="keras")
    assert step.h[0, 0] == pytest.approx(0.75 * 0.5 + 0.25 * math.tanh(1.5))


def test_zero_weights_halve_the_state():
    params = GRUParams(np.zeros((2, 9)), np.zeros((3, 9)), np.zeros(9))
    h = np.array([[0.8, -0.4, 0.2]])
    step = gru_step(np.ones((1, 2)), h, params)
    assert np.allclose(step.z, 0.5) and np.allclose(step.h_tilde, 0.0)
    assert np.allclose(step.h, 0.5 * h)


def test_sigmoid_is_stable_and_correct():
    a = np.array([-1000.0, -2.0, 0.0, 3.0, 1000.0])
    assert np.allclose(sigmoid(a), [0.0, 1 / (1 + math.e**2), 0.5, 1 / (1 + math.e**-3), 1.0])


@pytest.mark.parametrize("reset_after", [False, True])
def test_flipping_the_z_block_maps_book_to_keras(reset_after):
    params = random_params(3, 4, 0, reset_after=reset_after)
    xs = np.random.default_rng(1).normal(size=(5, 7, 3))
    h0 = np.random.default_rng(2).uniform(-1, 1, size=(5, 4))
    book = gru_sequence(xs, h0, params, reset_after=reset_after)
    keras_like = gru_sequence(
        xs, h0, flip_update_gate(params), reset_after=reset_after, update_gate="keras"
    )
    assert np.allclose(book.h, keras_like.h, atol=1e-13)
    assert np.allclose(book.z, 1 - keras_like.z, atol=1e-13)
    # Without the flip, the conventions are different functions.
    other = gru_sequence(xs, h0, params, reset_after=reset_after, update_gate="keras")
    assert np.abs(book.h - other.h).max() > 1e-2


def test_flip_is_its_own_inverse_and_touches_only_z():
    params = random_params(2, 3, 5)
    flipped = flip_update_gate(params)
    for original, once, twice in zip(params, flipped, flip_update_gate(flipped), strict=True):
        assert np.array_equal(original, twice)
        z, r, h = split_gates(once)
        z0, r0, h0 = split_gates(original)
        assert np.array_equal(z, -z0) and np.array_equal(r, r0) and np.array_equal(h, h0)


def test_reset_conventions_are_different_functions():
    before = random_params(2, 3, 0)
    two_biases = np.stack([before.bias, 0 * before.bias])
    after = GRUParams(before.kernel, before.recurrent_kernel, two_biases)
    xs = np.random.default_rng(0).normal(size=(4, 6, 2))
    h0 = np.random.default_rng(1).uniform(-1, 1, size=(4, 3))
    difference = gru_sequence(xs, h0, before).h - gru_sequence(xs, h0, after, reset_after=True).h
    assert np.abs(difference).max() > 1e-3


def test_saturated_gates_give_a_tanh_rnn_and_the_identity():
    params = random_params(2, 3, 0)
    x = np.random.default_rng(0).normal(size=(4, 2))
    h = np.random.default_rng(1).uniform(-1, 1, size=(4, 3))
    w_z, w_r, w_h = split_gates(params.kernel)
    u_z, u_r, u_h = split_gates(params.recurrent_kernel)
    b_z, b_r, b_h = split_gates(params.bias)
    open_gates = GRUParams(params.kernel, params.recurrent_kernel,
                           np.concatenate([b_z + 60, b_r + 60, b_h]))
    assert np.allclose(gru_step(x, h, open_gates).h, np.tanh(x @ w_h + h @ u_h + b_h))
    closed_update = GRUParams(params.kernel, params.recurrent_kernel,
                              np.concatenate([b_z - 60, b_r, b_h]))
    assert np.allclose(gru_step(x, h, closed_update).h, h)


def test_sequence_returns_every_step():
    params = random_params(2, 5, 3)
    xs = np.random.default_rng(0).normal(size=(3, 4, 2))
    trace = gru_sequence(xs, np.zeros((3, 5)), params)
    assert all(part.shape == (3, 4, 5) for part in trace)
    manual = np.zeros((3, 5))
    for t in range(4):
        manual = gru_step(xs[:, t], manual, params).h
        assert np.array_equal(trace.h[:, t], manual)


@pytest.mark.parametrize(
    ("call", "words"),
    [
        (lambda p: gru_step(np.zeros((1, 2)), np.zeros((1, 4)), p), "x must be (batch, 2)"),
        (lambda p: gru_step(np.zeros(2), np.zeros((1, 3)), p), "x must have rank 2"),
        (lambda p: gru_step(np.zeros((1, 2)), np.zeros((1, 3)), p, reset_after=True),
         "bias must have shape (2, 9)"),
        (lambda p: gru_step(np.zeros((1, 2)), np.zeros((1, 3)), p, update_gate="torch"),
         "update_gate must be one of"),
        (lambda p: gru_step(np.zeros((1, 2)), np.zeros((1, 3)), p, reset_after=1),
         "reset_after must be True or False"),
        (lambda p: gru_sequence(np.zeros((1, 0, 2)), np.zeros((1, 3)), p),
         "at least one time step"),
        (lambda p: gru_step(np.zeros((1, 2)), np.zeros((1, 3)),
                            GRUParams(p.kernel, p.recurrent_kernel[:, :6], p.bias)),
         "recurrent_kernel must have shape"),
        (lambda p: random_params(0, 3, 0), "input_dim must be an int >= 1"),
    ],
)
def test_bad_input_gets_a_clear_error(call, words):
    with pytest.raises((ValueError, TypeError)) as info:
        call(random_params(2, 3, 0))
    assert words in str(info.value)
