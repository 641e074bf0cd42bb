"""The fused GRU layer computes the book's GRU: same outputs and gradients."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import tensorflow as tf  # noqa: E402

from grubook.cell import GRUCell, copy_weights_from_keras, get_params, set_params  # noqa: E402
from grubook.fused import FusedGRU, fused_gru_sequence, should_unroll  # noqa: E402
from grubook.model import build_adder  # noqa: E402
from grubook.reference import gru_sequence, random_params  # noqa: E402


def _layer(params, reset_after, **kwargs):
    layer = FusedGRU(params.recurrent_kernel.shape[0], reset_after=reset_after, **kwargs)
    layer.build((None, None, params.kernel.shape[0]))
    set_params(layer, params)
    return layer


@pytest.mark.parametrize("reset_after", [False, True])
@pytest.mark.parametrize("unroll", [True, False])
@pytest.mark.parametrize("jit_compile", [False, True])
def test_matches_reference(reset_after, unroll, jit_compile):
    rng = np.random.default_rng(1)
    params = random_params(3, 5, rng, reset_after=reset_after)
    x = rng.normal(size=(4, 7, 3))
    want = gru_sequence(x, np.zeros((4, 5)), params, reset_after=reset_after).h
    layer = _layer(params, reset_after, unroll=unroll, jit_compile=jit_compile)
    got = keras.ops.convert_to_numpy(layer(x.astype(np.float32)))
    np.testing.assert_allclose(got, want, atol=1e-5)


LEVERS = [  # (reset_after, the layer's changes switched off)
    (False, {}),
    (False, {"hoist": False, "fuse_gates": False, "hand_gradient": False}),
    (False, {"fuse_gates": False, "hand_gradient": False}),
    (False, {"hand_gradient": False}),
    (True, {}),
    (True, {"hoist": False}),
]


@pytest.mark.parametrize("reset_after, levers", LEVERS)
@pytest.mark.parametrize("unroll", [True, False])
@pytest.mark.parametrize("for_gradient", [True, False])
def test_float64_gradients_match_the_book_cell(reset_after, levers, unroll, for_gradient):
    """With every change on or some off, outputs' gradients equal the book cell's."""
    rng = np.random.default_rng(2)
    params = random_params(2, 4, rng, reset_after=reset_after)
    x = tf.constant(rng.normal(size=(3, 6, 2)))
    h0 = tf.constant(rng.normal(size=(3, 4)))
    weights = [tf.Variable(p) for p in params]
    target = tf.constant(rng.normal(size=(3, 6, 4)))
    cell = GRUCell(4, reset_after=reset_after, dtype="float64")
    cell.build((None, 2))

    def loss_of(run):
        with tf.GradientTape() as tape:
            tape.watch([x, h0])
            loss = tf.reduce_sum(run() * target)
        return tape.gradient(loss, [x, h0, *weights])

    with tf.GradientTape() as tape:  # book cell, through its own variables
        tape.watch([x, h0])
        set_params(cell, params)
        h, states = h0, []
        for t in range(6):
            h = cell.gates(x[:, t], h).h
            states.append(h)
        loss = tf.reduce_sum(tf.stack(states, axis=1) * target)
    want = tape.gradient(loss, [x, h0, cell.kernel, cell.recurrent_kernel, cell.bias])
    got = loss_of(lambda: fused_gru_sequence(x, h0, *weights, reset_after=reset_after,
                                             unroll=unroll, for_gradient=for_gradient,
                                             **levers))
    for g, w in zip(got, want, strict=True):
        np.testing.assert_allclose(g.numpy(), w.numpy(), atol=1e-10)


def test_gradient_against_finite_differences():
    rng = np.random.default_rng(3)
    params = random_params(2, 3, rng)
    x = rng.normal(size=(2, 4, 2))
    direction = rng.normal(size=params.recurrent_kernel.shape)
    weights = [tf.Variable(p) for p in params]
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(fused_gru_sequence(x, np.zeros((2, 3)), *weights) ** 2)
    analytic = float(tf.reduce_sum(tape.gradient(loss, weights[1]) * direction))

    def value(recurrent):
        h = gru_sequence(x, np.zeros((2, 3)), params._replace(recurrent_kernel=recurrent)).h
        return float(np.sum(h**2))

    eps = 1e-6
    numeric = (value(params.recurrent_kernel + eps * direction)
               - value(params.recurrent_kernel - eps * direction)) / (2 * eps)
    assert analytic == pytest.approx(numeric, rel=1e-6)


def test_copy_weights_from_keras_matches_keras_gru():
    keras_gru = keras.layers.GRU(6, reset_after=False, return_sequences=True)
    x = np.random.default_rng(4).normal(size=(2, 5, 3)).astype(np.float32)
    want = keras.ops.convert_to_numpy(keras_gru(x))
    layer = FusedGRU(6)
    copy_weights_from_keras(layer, keras_gru)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(layer(x)), want, atol=1e-5)
    assert get_params(layer).kernel.shape == (3, 18)


@pytest.mark.parametrize("jit_compile", [False, True])
def test_build_adder_fused_equals_custom(jit_compile):
    custom = build_adder(8, cell="custom", seed=5)
    fused = build_adder(8, cell="fused", seed=5, jit_compile=jit_compile)
    x = np.random.default_rng(6).integers(0, 2, size=(4, 12, 2)).astype(np.float32)
    np.testing.assert_allclose(fused(x).numpy(), custom(x).numpy(), atol=1e-6)
    assert [v.shape for v in fused.trainable_variables] == [
        v.shape for v in custom.trainable_variables
    ]


def test_build_adder_fused_serialises():
    model = build_adder(4, cell="fused", seed=0, jit_compile=True)
    clone = keras.Model.from_config(model.get_config())
    layer = clone.get_layer("gru")
    assert isinstance(layer, FusedGRU) and layer.jit_compile and layer.units == 4


def test_training_and_inference_paths_agree():
    layer = FusedGRU(5)
    x = np.random.default_rng(7).normal(size=(3, 40, 2)).astype(np.float32)
    np.testing.assert_allclose(layer(x, training=True).numpy(), layer(x).numpy(), atol=1e-6)


def test_dynamic_length_uses_the_loop():
    layer = FusedGRU(3)
    run = tf.function(layer, input_signature=[tf.TensorSpec((None, None, 2), tf.float32)])
    x = np.ones((2, 40, 2), np.float32)
    np.testing.assert_allclose(run(x).numpy(), layer(x).numpy(), atol=1e-6)


def test_should_unroll():
    assert should_unroll(9, "auto") and not should_unroll(1000, "auto")
    assert not should_unroll(None, "auto") and should_unroll(1000, True)
    with pytest.raises(ValueError, match="unroll"):
        should_unroll(None, True)
    with pytest.raises(ValueError, match="unroll"):
        should_unroll(9, "yes")


def test_bad_arguments():
    with pytest.raises(ValueError, match="units"):
        FusedGRU(0)
    with pytest.raises(TypeError, match="reset_after"):
        FusedGRU(3, reset_after="no")
    with pytest.raises(TypeError, match="jit_compile"):
        FusedGRU(3, jit_compile=1)
    with pytest.raises(ValueError, match="rank 3"):
        fused_gru_sequence(np.ones((2, 3)), np.zeros((2, 4)), *random_params(3, 4, 0))
    with pytest.raises(ValueError, match="jit_compile"):
        build_adder(4, cell="keras", jit_compile=True)
    with pytest.raises(TypeError, match="jit_compile"):
        build_adder(4, cell="fused", jit_compile="yes")
    with pytest.raises(ValueError, match="cell"):
        build_adder(4, cell="cudnn")


def test_the_changes_switched_off_are_really_off():
    """Each switch changes the graph: more products, or TensorFlow's gradient."""
    rng = np.random.default_rng(5)
    params = random_params(2, 3, rng)
    x = tf.constant(rng.normal(size=(2, 4, 2)).astype(np.float32))

    def count(op_types, **levers):
        layer = _layer(params, False, unroll=True, **levers)
        graph = tf.function(lambda x: layer(x, training=True)).get_concrete_function(x).graph
        return sum(op.type in op_types for op in graph.get_operations())

    products = ("MatMul", "BatchMatMulV2")
    assert count(products) == 1 + 2 * 4  # one hoisted projection, two products per step
    assert count(products, fuse_gates=False, hand_gradient=False) == 1 + 3 * 4
    assert count(products, hoist=False, hand_gradient=False) == 4 + 2 * 4
    assert count(("IdentityN",)) >= 1  # tf.custom_gradient
    assert count(("IdentityN",), hand_gradient=False) == 0


def test_switches_refuse_what_they_cannot_do():
    with pytest.raises(ValueError, match="hand_gradient=True needs"):
        FusedGRU(3, fuse_gates=False, hand_gradient=True)
    with pytest.raises(ValueError, match="hand_gradient=True needs"):
        FusedGRU(3, reset_after=True, hand_gradient=True)
    with pytest.raises(ValueError, match="hand_gradient must be"):
        FusedGRU(3, hand_gradient="yes")
    with pytest.raises(ValueError, match="fuse_gates=False"):
        FusedGRU(3, reset_after=True, fuse_gates=False)
    with pytest.raises(TypeError, match="hoist"):
        FusedGRU(3, hoist=1)
    layer = FusedGRU(3, hoist=False, hand_gradient=False)
    config = FusedGRU.from_config(layer.get_config()).get_config()
    assert (config["hoist"], config["fuse_gates"], config["hand_gradient"]) == (False, True, False)
