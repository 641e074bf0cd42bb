"""grubook.model: the adder model and neural addition of Python ints."""

import keras
import numpy as np
import pytest

from grubook.cell import copy_weights_from_keras
from grubook.data import addition_batch, encode_pair
from grubook.model import add, build_adder, predict_bits


@pytest.mark.parametrize("cell", ["custom", "keras", "simple_rnn", "lstm"])
def test_adder_maps_bit_pairs_to_bit_probabilities(cell):
    model = build_adder(8, cell=cell, seed=0)
    x, _ = addition_batch(5, 6, 0)
    probabilities = keras.ops.convert_to_numpy(model(x))
    assert probabilities.shape == (5, 7, 1)
    assert np.all((probabilities > 0) & (probabilities < 1))
    # Any length: the same model reads a much longer sequence.
    assert model(addition_batch(2, 300, 1)[0]).shape == (2, 301, 1)


def test_seed_makes_the_weights_reproducible():
    first, second = build_adder(seed=3), build_adder(seed=3)
    for a, b in zip(first.get_weights(), second.get_weights(), strict=True):
        assert np.array_equal(a, b)
    other = build_adder(seed=4)
    assert not np.array_equal(first.get_weights()[0], other.get_weights()[0])


@pytest.mark.parametrize("reset_after", [False, True])
def test_custom_and_keras_cells_compute_the_same_model(reset_after):
    keras_model = build_adder(6, cell="keras", reset_after=reset_after, seed=1)
    custom_model = build_adder(6, cell="custom", reset_after=reset_after, seed=2)
    copy_weights_from_keras(custom_model.get_layer("gru").cell, keras_model.get_layer("gru"))
    custom_model.get_layer("readout").set_weights(keras_model.get_layer("readout").get_weights())
    x, _ = addition_batch(4, 20, 0)
    difference = custom_model.predict_on_batch(x) - keras_model.predict_on_batch(x)
    assert np.abs(difference).max() <= 1e-5


def test_plain_rnn_baseline_computes_tanh_of_inputs_and_state():
    model = build_adder(3, cell="simple_rnn", seed=5)
    kernel, recurrent, bias = model.get_layer("simple_rnn").get_weights()
    w, c = model.get_layer("readout").get_weights()
    x, _ = addition_batch(4, 7, 0)
    h = np.zeros((4, 3))
    expected = []
    for t in range(x.shape[1]):
        h = np.tanh(x[:, t] @ kernel + h @ recurrent + bias)
        expected.append(1 / (1 + np.exp(-(h @ w + c))))
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(model(x)), np.stack(expected, axis=1), atol=1e-5
    )


def test_baselines_have_the_weights_of_their_cell():
    sizes = {cell: build_adder(16, cell=cell, seed=0).count_params()
             for cell in ("simple_rnn", "custom", "lstm")}
    readout = 16 + 1
    assert sizes["simple_rnn"] == (2 * 16 + 16 * 16 + 16) + readout
    assert sizes["custom"] == 3 * (2 * 16 + 16 * 16 + 16) + readout
    assert sizes["lstm"] == 4 * (2 * 16 + 16 * 16 + 16) + readout


def _hand_built_model():
    """build_adder's custom cell holding the hand-built adder's weights (exact by design)."""
    from grubook.analysis import hand_built_adder
    from grubook.cell import set_params

    params, readout = hand_built_adder()
    model = build_adder(3, cell="custom", seed=0)
    set_params(model.get_layer("gru").cell, params)
    model.get_layer("readout").set_weights([readout.w[:, None], np.array([readout.b])])
    return model


@pytest.mark.parametrize(
    ("a", "b"),
    [(0, 0), (1, 1), (2**150 - 1, 1), (1, 2**150 - 1), (2**150 - 1, 2**150 - 1),
     (2**200 - 1, 0), (12345678901234567890, 98765432109876543210), (5, 2**90)],
)
def test_add_decodes_every_bit_of_the_sum_carry_out_included(a, b):
    """A model that adds exactly must give a + b: bit order, width and carry-out all count."""
    result = add(_hand_built_model(), a, b)
    assert type(result) is int
    assert result == a + b


def test_add_reads_what_the_model_writes():
    """An untrained model's answer is its own bits, least significant first."""
    model = build_adder(seed=0)
    a, b = 2**40 + 12345, 987654321
    bits = predict_bits(model, encode_pair(a, b)[None])[0]
    assert bits.shape == (max(a.bit_length(), b.bit_length()) + 1,)
    assert add(model, a, b) == sum(int(bit) << i for i, bit in enumerate(bits))


def test_predict_bits_thresholds_probabilities():
    model = build_adder(seed=0)
    x, _ = addition_batch(3, 5, 0)
    bits = predict_bits(model, x)
    assert bits.shape == (3, 6) and set(np.unique(bits)) <= {0, 1}
    expected = (keras.ops.convert_to_numpy(model(x))[..., 0] > 0.5).astype(np.uint8)
    assert np.array_equal(bits, expected)


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda: build_adder(0), ValueError, "units must be an int >= 1"),
        (lambda: build_adder(4, cell="gru"), ValueError, "cell must be one of"),
        (lambda: build_adder(4, cell="lstm", reset_after=True), ValueError, "needs a GRU cell"),
        (lambda: build_adder(4, seed=-1), ValueError, "seed must be an int >= 0"),
        (lambda: build_adder(4, seed=1.5), TypeError, "seed must be an int"),
        (lambda: build_adder(4, reset_after=None), TypeError, "reset_after must be True or False"),
        (lambda: add(build_adder(4, seed=0), -1, 3), ValueError, "a must be an int >= 0"),
        (lambda: add(build_adder(4, seed=0), 1, 2.0), TypeError, "b must be an int"),
        (lambda: add(build_adder(4, seed=0), True, 2), TypeError, "a must be an int"),
    ],
)
def test_bad_input_gets_a_clear_error(call, error, words):
    with pytest.raises(error) as info:
        call()
    assert words in str(info.value)
