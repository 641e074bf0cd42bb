"""Tests of grubook.certified: the TensorFlow interval step, the loss, and the recipe."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

from grubook import certified, verify
from grubook.analysis import adder_bits, adder_weights
from grubook.cell import GRUCell, set_params
from grubook.data import addition_batch
from grubook.reference import GRUParams, random_params


def _tf(*arrays):
    return [tf.constant(a, tf.float64) for a in arrays]


@pytest.mark.parametrize("pair", verify.INPUT_PAIRS)
def test_interval_step_tf_gives_the_bounds_of_verify(pair):
    params = random_params(2, 6, rng=2, scale=2.0)
    rng = np.random.default_rng(3)
    centre, radius = rng.uniform(-0.7, 0.7, (4, 6)), rng.uniform(0, 0.2, (4, 6))
    box = verify.Box(centre - radius, centre + radius)
    x = np.tile(np.asarray(pair, float), (4, 1))
    lo, hi = certified.interval_step_tf(*_tf(*params), *_tf(x, box.lo, box.hi))
    sound = verify.interval_step(params, pair, box)
    np.testing.assert_allclose(lo.numpy(), sound.lo, atol=1e-12)
    np.testing.assert_allclose(hi.numpy(), sound.hi, atol=1e-12)


def test_worst_logits_take_the_wrong_side():
    kernel, bias = _tf(np.array([[1.0], [-2.0]]), np.array([0.5]))
    lo, hi = _tf(np.array([[0.0, 0.0], [0.0, 0.0]]), np.array([[1.0, 1.0], [1.0, 1.0]]))
    worst = certified.worst_logits(kernel, bias, lo, hi, tf.constant([1.0, 0.0], tf.float64))
    np.testing.assert_allclose(worst.numpy(), [0.5 - 2.0, 0.5 + 1.0])


def _adder(seed=0, units=4):
    """A float64 cell with random weights and a random readout (kernel, bias)."""
    cell = GRUCell(units, dtype="float64")
    cell.build((None, 2))
    set_params(cell, random_params(2, units, rng=seed))
    readout = np.random.default_rng(seed).normal(size=(units, 1))
    return cell, tuple(_tf(readout, np.zeros(1)))


def test_certified_loss_with_points_is_the_bits_loss():
    x, y = addition_batch(8, 6, rng=0)
    noise = np.zeros((8, 7, 4))
    recipe = {**certified.CERTIFIED_RECIPE, "box_radius": 0.0}
    total, bits, bound, width = certified.certified_loss(
        *_adder(), *_tf(x, y), recipe, _tf(noise)[0])
    np.testing.assert_allclose(bound.numpy(), bits.numpy(), rtol=1e-12)
    assert width.numpy() == 0.0
    np.testing.assert_allclose(total.numpy(), (bits + bound).numpy(), rtol=1e-12)


def test_certified_loss_grows_with_the_box():
    x, y = addition_batch(8, 6, rng=0)
    noise = _tf(np.zeros((8, 7, 4)))[0]
    losses = [
        certified.certified_loss(*_adder(), *_tf(x, y),
                                 {**certified.CERTIFIED_RECIPE, "box_radius": r}, noise)
        for r in (0.0, 0.1, 0.3)
    ]
    bounds = [float(loss[2]) for loss in losses]
    assert bounds[0] < bounds[1] < bounds[2]
    assert float(losses[2][3]) > 0


@pytest.mark.slow
def test_the_recipe_trains_an_adder_that_boxes_prove():
    # Slow (about 20 s): trains the certified recipe on one seed; that the recipe
    # yields a provable adder is the claim, and only training can test it.
    model = certified.train_for_certificate(0)
    params, readout = adder_weights(model)
    params = GRUParams(*(np.asarray(p, np.float64) for p in params))
    warm = addition_batch(200, 60, rng=0)[0]
    certificate = verify.certify(params, readout, history=1, warm_start=warm)
    assert certificate.proved, certificate.reason
    long_x = verify.structured_inputs(20_000)
    bits = adder_bits(params, readout, long_x)
    assert verify.first_wrong_steps(bits, long_x) == [None, None, None]


def test_train_for_certificate_refuses_unknown_settings():
    with pytest.raises(ValueError, match="overrides"):
        certified.train_for_certificate(0, radius=0.1)
    with pytest.raises(ValueError, match="steps"):
        certified.train_for_certificate(0, steps=0)


# --- What the exported certificate covers: the Keras float32 model on a CPU -------------------


@pytest.fixture(scope="module")
def proved_keras_adder():
    """The exported proved adder in the Keras model of grubook.model, and its document."""
    import json
    from pathlib import Path

    from grubook.model import build_adder

    path = Path(__file__).resolve().parent.parent / "book" / "data" / "proved_adder.json"
    document = json.loads(path.read_text())
    model = build_adder(document["units"], seed=0)
    params = GRUParams(*(np.asarray(document[name], np.float32)
                         for name in ("kernel", "recurrent_kernel", "bias")))
    set_params(model.get_layer("gru").cell, params)
    model.get_layer("readout").set_weights([
        np.asarray(document["readout_kernel"], np.float32)[:, None],
        np.asarray([document["readout_bias"]], np.float32),
    ])
    return model, params, document


def test_keras_float32_steps_stay_within_the_proofs_step_error(proved_keras_adder):
    # The certificate's per-step assumption, measured: every step TensorFlow takes
    # (float32, CPU) is within step_error of the exact step from the same state.
    import keras

    from grubook.reference import gru_step

    model, params, document = proved_keras_adder
    x = np.concatenate([verify.structured_inputs(2000)[:, :1500],
                        addition_batch(61, 1499, rng=40)[0]]).astype(np.float32)
    states = keras.Model(model.input, model.get_layer("gru").output).predict(x, verbose=0)
    assert states.dtype == np.float32 and states.shape == (64, 1500, document["units"])
    before = np.concatenate([np.zeros_like(states[:, :1]), states[:, :-1]], axis=1)
    exact = GRUParams(*(np.asarray(p, np.longdouble) for p in params))
    flat = before.reshape(-1, document["units"]).astype(np.longdouble)
    stepped = gru_step(x.reshape(-1, 2).astype(np.longdouble), flat, exact).h
    deviation = float(np.abs(stepped - states.reshape(flat.shape)).max())
    assert 0 < deviation < document["step_error"] / 10
    weights = model.get_layer("readout").get_weights()
    logits32 = states @ weights[0][:, 0] + weights[1][0]
    logits = states.astype(np.longdouble) @ np.asarray(document["readout_kernel"], np.longdouble)
    readout_deviation = float(np.abs(logits32 - logits - document["readout_bias"]).max())
    assert readout_deviation < document["readout_error"] - verify.READOUT_FLOOR


def test_keras_model_adds_with_the_proved_weights(proved_keras_adder):
    from grubook.model import add

    model, _, _ = proved_keras_adder
    assert add(model, 2**300 - 1, 1) == 2**300  # a carry through 300 bits
