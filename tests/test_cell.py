"""grubook.cell: the Keras cell against the NumPy reference and keras.layers.GRU."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from grubook.cell import GRUCell, copy_weights_from_keras, get_params, set_params
from grubook.reference import gru_sequence, random_params


def run_cell(cell, xs, h0=None):
    """The cell over a sequence with keras.layers.RNN: xs (B, T, D) -> (B, T, H)."""
    layer = keras.layers.RNN(cell, return_sequences=True)
    initial = None if h0 is None else [h0]
    return keras.ops.convert_to_numpy(layer(xs, initial_state=initial))


@pytest.mark.parametrize("reset_after", [False, True])
def test_cell_equals_the_reference(reset_after):
    params = random_params(2, 4, 0, reset_after=reset_after)
    cell = GRUCell(4, reset_after=reset_after)
    cell.build((None, 2))
    set_params(cell, params)
    xs = np.random.default_rng(1).normal(size=(3, 12, 2)).astype(np.float32)
    h0 = np.random.default_rng(2).uniform(-1, 1, size=(3, 4)).astype(np.float32)
    expected = gru_sequence(xs.astype(np.float64), h0.astype(np.float64), get_params(cell),
                            reset_after=reset_after)
    assert np.abs(run_cell(cell, xs, h0) - expected.h).max() < 1e-5


def test_gates_returns_every_intermediate():
    params = random_params(2, 3, 4)
    cell = GRUCell(3)
    cell.build((None, 2))
    set_params(cell, params)
    x = np.random.default_rng(0).normal(size=(5, 2)).astype(np.float32)
    h = np.random.default_rng(1).uniform(-1, 1, size=(5, 3)).astype(np.float32)
    trace = cell.gates(x, h)
    expected = gru_sequence(x[:, None].astype(np.float64), h.astype(np.float64), get_params(cell))
    for got, want in zip(trace, expected, strict=True):
        assert np.abs(keras.ops.convert_to_numpy(got) - want[:, 0]).max() < 1e-6


@pytest.mark.parametrize("reset_after", [False, True])
@pytest.mark.parametrize(("batch", "steps"),
                         [(4, 9), pytest.param(1, 1000, marks=pytest.mark.slow)])
def test_equal_to_keras_gru_after_copying_weights(reset_after, batch, steps):
    # The 1,000-step cases are slow (6-11 s): Keras runs the sequence step by step
    # eagerly; equality over a long sequence is what the chapter claims.
    keras.utils.set_random_seed(3)
    reference_layer = keras.layers.GRU(
        6, reset_after=reset_after, return_sequences=True, bias_initializer="random_normal"
    )
    xs = np.random.default_rng(4).integers(0, 2, size=(batch, steps, 2)).astype(np.float32)
    expected = keras.ops.convert_to_numpy(reference_layer(xs))
    cell = GRUCell(6, reset_after=reset_after)
    copy_weights_from_keras(cell, reference_layer)
    assert np.abs(run_cell(cell, xs) - expected).max() <= 1e-5
    # The copy really negated the z-block: the raw weights differ there.
    keras_kernel = get_params(reference_layer.cell).kernel
    assert np.allclose(get_params(cell).kernel[:, :6], -keras_kernel[:, :6])


def test_float64_gradient_check_against_finite_differences():
    cell = GRUCell(3, dtype="float64", bias_initializer="random_normal")
    cell.build((None, 2))
    x = tf.constant(np.random.default_rng(0).normal(size=(4, 2)))
    h = tf.constant(np.random.default_rng(1).uniform(-1, 1, size=(4, 3)))
    theoretical, numerical = tf.test.compute_gradient(lambda x, h: cell.gates(x, h).h, [x, h])
    for t, n in zip(theoretical, numerical, strict=True):
        assert np.abs(t - n).max() <= 1e-6 * max(1.0, np.abs(n).max())


def test_float64_weight_gradients_against_finite_differences():
    cell = GRUCell(3, dtype="float64", bias_initializer="random_normal")
    cell.build((None, 2))
    x = tf.constant(np.random.default_rng(0).normal(size=(4, 2)))
    h = tf.constant(np.random.default_rng(1).uniform(-1, 1, size=(4, 3)))
    weights = tf.constant(np.random.default_rng(2).normal(size=(4, 3)))

    def loss():
        return tf.reduce_sum(cell.gates(x, h).h * weights)

    with tf.GradientTape() as tape:
        value = loss()
    gradients = tape.gradient(value, cell.trainable_variables)
    eps = 1e-6
    for variable, gradient in zip(cell.trainable_variables, gradients, strict=True):
        base = variable.numpy()
        numerical = np.zeros_like(base)
        for index in np.ndindex(base.shape):
            for sign in (1, -1):
                shifted = base.copy()
                shifted[index] += sign * eps
                variable.assign(shifted)
                numerical[index] += sign * float(loss()) / (2 * eps)
        variable.assign(base)
        assert np.abs(gradient.numpy() - numerical).max() <= 1e-6 * max(1, np.abs(numerical).max())


def test_model_with_the_cell_saves_and_reloads(tmp_path):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([
        keras.Input((None, 2)),
        keras.layers.RNN(GRUCell(5, reset_after=True, bias_initializer="random_normal"),
                         return_sequences=True),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
    xs = np.random.default_rng(0).integers(0, 2, size=(2, 7, 2)).astype(np.float32)
    path = tmp_path / "adder.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    assert isinstance(loaded.layers[0].cell, GRUCell)
    assert loaded.layers[0].cell.reset_after is True
    assert np.array_equal(model.predict_on_batch(xs), loaded.predict_on_batch(xs))


def test_get_config_round_trip():
    cell = GRUCell(7, reset_after=True, recurrent_initializer="glorot_uniform")
    clone = GRUCell.from_config(cell.get_config())
    assert (clone.units, clone.reset_after) == (7, True)
    assert isinstance(clone.recurrent_initializer, keras.initializers.GlorotUniform)


@pytest.mark.parametrize(
    ("make", "error", "words"),
    [
        (lambda: GRUCell(0), ValueError, "units must be an int >= 1"),
        (lambda: GRUCell(2.0), TypeError, "units must be an int"),
        (lambda: GRUCell(2, reset_after="yes"), TypeError, "reset_after must be True or False"),
    ],
)
def test_bad_construction(make, error, words):
    with pytest.raises(error) as info:
        make()
    assert words in str(info.value)


def test_copy_refuses_mismatches():
    keras_layer = keras.layers.GRU(4, reset_after=True)
    with pytest.raises(ValueError, match="must be built"):
        copy_weights_from_keras(GRUCell(4, reset_after=True), keras_layer)
    keras_layer(np.zeros((1, 3, 2), np.float32))
    with pytest.raises(ValueError, match="reset_after=False"):
        copy_weights_from_keras(GRUCell(4), keras_layer)
    with pytest.raises(ValueError, match="units=5"):
        copy_weights_from_keras(GRUCell(5, reset_after=True), keras_layer)
    with pytest.raises(TypeError, match="keras.layers.GRU or keras.layers.GRUCell"):
        copy_weights_from_keras(GRUCell(4), keras.layers.LSTM(4))


def test_set_params_refuses_wrong_shapes():
    cell = GRUCell(3)
    cell.build((None, 2))
    with pytest.raises(ValueError, match="must have shape"):
        set_params(cell, random_params(2, 3, 0, reset_after=True))


def test_gates_converts_inputs_and_needs_a_built_cell():
    cell = GRUCell(3)
    with pytest.raises(ValueError, match="must be built"):
        cell.gates(np.zeros((1, 2)), np.zeros((1, 3)))
    cell.build((None, 2))
    trace = cell.gates(np.zeros((1, 2)), np.zeros((1, 3)))  # float64 in, float32 out
    assert trace.h.dtype == tf.float32 and tuple(trace.h.shape) == (1, 3)
