"""The weight-layout converters: each round-trips and computes the book's GRU.

The Keras rows run ``keras.layers.GRU`` (float64 to 1e-12, float32 to 1e-5);
the cuDNN and tutorial rows run the NumPy equations those two document
(``conventions.cudnn_sequence``, ``conventions.tutorial_sequence``), in
float64, to 1e-12. The PyTorch rows run ``torch.nn.GRU`` in tests/test_peers.py.
"""

from __future__ import annotations

import os
import subprocess
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from grubook import conventions  # noqa: E402
from grubook.reference import GRUParams, gru_sequence, random_params  # noqa: E402

BATCH, STEPS, INPUTS, UNITS = 3, 7, 2, 5


def _params(reset_after, seed=0, units=UNITS):
    return random_params(INPUTS, units, np.random.default_rng(seed), reset_after=reset_after)


def _inputs(seed=1):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(BATCH, STEPS, INPUTS)), rng.uniform(-1, 1, (BATCH, UNITS))


def _book_states(params, reset_after, xs, h0):
    return gru_sequence(xs, h0, params, reset_after=reset_after).h


def _assert_same_params(got, want):
    assert isinstance(got, GRUParams)
    for a, b in zip(got, want, strict=True):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("reset_after", [False, True])
@pytest.mark.parametrize("dtype, atol", [("float64", 1e-12), ("float32", 1e-5)])
def test_keras_rows_compute_what_keras_layers_gru_computes(reset_after, dtype, atol):
    import keras

    params = _params(reset_after)
    xs, h0 = _inputs()
    gru = keras.layers.GRU(UNITS, reset_after=reset_after, return_sequences=True, dtype=dtype)
    gru.build((None, None, INPUTS))
    gru.set_weights([w.astype(dtype) for w in conventions.to_keras(params,
                                                                     reset_after=reset_after)])
    got = keras.ops.convert_to_numpy(gru(xs.astype(dtype), initial_state=h0.astype(dtype)))
    want = _book_states(params, reset_after, xs, h0)
    assert np.abs(got - want).max() <= atol
    # and back: Keras's own weights read as the book's reproduce Keras's states
    back = conventions.from_keras(gru.get_weights(), reset_after=reset_after)
    again = _book_states(back, reset_after, xs, h0)
    assert np.abs(got - again).max() <= atol


@pytest.mark.parametrize("reset_after", [False, True])
def test_keras_weights_without_the_conversion_compute_something_else(reset_after):
    import keras

    params = _params(reset_after)
    xs, h0 = _inputs()
    gru = keras.layers.GRU(UNITS, reset_after=reset_after, return_sequences=True, dtype="float64")
    gru.build((None, None, INPUTS))
    gru.set_weights(list(params))  # the book's weights as they are: z not negated
    got = keras.ops.convert_to_numpy(gru(xs, initial_state=h0))
    assert np.abs(got - _book_states(params, reset_after, xs, h0)).max() > 0.1


@pytest.mark.parametrize("reset_after", [False, True])
def test_keras_rows_round_trip_exactly(reset_after):
    params = _params(reset_after, seed=2)
    weights = conventions.to_keras(params, reset_after=reset_after)
    assert [w.shape for w in weights] == [p.shape for p in params]
    np.testing.assert_array_equal(weights[1][:, :UNITS], -params.recurrent_kernel[:, :UNITS])
    np.testing.assert_array_equal(weights[1][:, UNITS:], params.recurrent_kernel[:, UNITS:])
    _assert_same_params(conventions.from_keras(weights, reset_after=reset_after), params)


def test_cudnn_row_computes_cudnns_documented_equations():
    params = _params(True, seed=3)
    xs, h0 = _inputs(4)
    weights = conventions.to_cudnn(params)
    assert list(weights) == list(conventions.CUDNN_NAMES)
    assert weights["W_r"].shape == (UNITS, INPUTS) and weights["R_h"].shape == (UNITS, UNITS)
    assert weights["b_Rz"].shape == (UNITS,)
    got = conventions.cudnn_sequence(xs, h0, weights)
    assert np.abs(got - _book_states(params, True, xs, h0)).max() <= 1e-12
    # cuDNN's reset gate is the book's r block; its update gate the book's z negated
    np.testing.assert_array_equal(weights["R_r"], params.recurrent_kernel[:, UNITS:2 * UNITS].T)
    np.testing.assert_array_equal(weights["R_z"], -params.recurrent_kernel[:, :UNITS].T)
    _assert_same_params(conventions.from_cudnn(weights), params)


def test_cudnn_layout_is_pytorchs_cut_into_gates():
    params = _params(True, seed=5)
    torch_side, cudnn = conventions.to_torch(params), conventions.to_cudnn(params)
    np.testing.assert_array_equal(
        torch_side["weight_hh_l0"], np.concatenate([cudnn[k] for k in ("R_r", "R_z", "R_h")]))
    np.testing.assert_array_equal(
        torch_side["bias_ih_l0"], np.concatenate([cudnn[k] for k in ("b_Wr", "b_Wz", "b_Wh")]))


def test_cudnn_equations_catch_a_swapped_gate_order():
    params = _params(True, seed=6)
    xs, h0 = _inputs(7)
    weights = conventions.to_cudnn(params)
    swapped = {**weights, "W_r": weights["W_z"], "W_z": weights["W_r"],
               "R_r": weights["R_z"], "R_z": weights["R_r"],
               "b_Wr": weights["b_Wz"], "b_Wz": weights["b_Wr"],
               "b_Rr": weights["b_Rz"], "b_Rz": weights["b_Rr"]}
    wrong = conventions.cudnn_sequence(xs, h0, swapped)
    assert np.abs(wrong - _book_states(params, True, xs, h0)).max() > 0.1


def test_tutorial_row_computes_the_tutorials_forward_pass():
    params = _params(False, seed=8)
    xs, h0 = _inputs(9)
    weights = conventions.to_tutorial(params)
    assert list(weights) == list(conventions.TUTORIAL_NAMES)
    assert weights["Wz"].shape == (INPUTS, UNITS) and weights["Uh"].shape == (UNITS, UNITS)
    assert weights["bh"].shape == (UNITS,)
    got = conventions.tutorial_sequence(xs, h0, weights)
    assert np.abs(got - _book_states(params, False, xs, h0)).max() <= 1e-12
    # the tutorial's reset gate acts before the product: the reset-after book cell differs
    bias = np.stack([params.bias, 0 * params.bias])
    after = GRUParams(params.kernel, params.recurrent_kernel, bias)
    assert np.abs(got - _book_states(after, True, xs, h0)).max() > 1e-3
    _assert_same_params(conventions.from_tutorial(weights), params)


def test_torch_row_round_trips_without_torch():
    params = _params(True, seed=10)
    state = conventions.to_torch(params)
    assert state["weight_ih_l0"].shape == (3 * UNITS, INPUTS)
    assert state["weight_hh_l0"].shape == (3 * UNITS, UNITS)
    assert state["bias_ih_l0"].shape == state["bias_hh_l0"].shape == (3 * UNITS,)
    _assert_same_params(conventions.from_torch(state), params)


def test_swap_gate_order_is_its_own_inverse():
    array = np.arange(2 * 3 * 4).reshape(2, 12)
    swapped = conventions.swap_gate_order(array, 4)
    np.testing.assert_array_equal(swapped[:, :4], array[:, 4:8])
    np.testing.assert_array_equal(conventions.swap_gate_order(swapped, 4), array)
    with pytest.raises(ValueError, match="array must have a last axis of 3 \\* units = 12"):
        conventions.swap_gate_order(np.zeros(10), 4)


@pytest.mark.parametrize("convert, reset_after", [
    (conventions.to_torch, False), (conventions.to_cudnn, False), (conventions.to_tutorial, True)])
def test_each_converter_refuses_the_other_reset_convention(convert, reset_after):
    with pytest.raises(ValueError, match="params must be reset-(after|before) weights"):
        convert(_params(reset_after))


def test_bad_keras_input_names_the_argument():
    params = _params(False)
    with pytest.raises(ValueError, match="params must be reset-after weights"):
        conventions.to_keras(params, reset_after=True)
    with pytest.raises(TypeError, match="reset_after"):
        conventions.to_keras(params, reset_after="yes")
    with pytest.raises(ValueError, match="weights must be the list"):
        conventions.from_keras(params.kernel, reset_after=False)
    with pytest.raises(ValueError, match="weights.recurrent_kernel must have rank 2"):
        conventions.from_keras([params.kernel, params.bias, params.bias], reset_after=False)
    with pytest.raises(ValueError, match="params must hold a kernel"):
        conventions.to_keras(GRUParams(params.kernel[:, :6], *params[1:]), reset_after=False)
    with pytest.raises(ValueError, match="params must be a GRUParams"):
        conventions.to_tutorial([params.kernel])


def test_bad_dicts_name_the_argument_and_the_keys():
    state = conventions.to_torch(_params(True))
    with pytest.raises(ValueError, match=r"state must have the keys .*missing \['bias_hh_l0'\]"):
        conventions.from_torch({k: v for k, v in state.items() if k != "bias_hh_l0"})
    with pytest.raises(ValueError, match=r"unexpected \['weight_ih_l1'\]"):
        conventions.from_torch({**state, "weight_ih_l1": state["weight_ih_l0"]})
    with pytest.raises(ValueError, match=r"state\['bias_ih_l0'\] must have shape \(15,\)"):
        conventions.from_torch({**state, "bias_ih_l0": state["bias_ih_l0"][:-1]})
    with pytest.raises(ValueError, match="state must be a dict"):
        conventions.from_torch(list(state.values()))
    cudnn = conventions.to_cudnn(_params(True))
    with pytest.raises(ValueError, match=r"weights\['R_z'\] must have shape \(5, 5\)"):
        conventions.from_cudnn({**cudnn, "R_z": cudnn["W_z"]})
    tutorial = conventions.to_tutorial(_params(False))
    with pytest.raises(ValueError, match=r"weights must have the keys .*missing \['Wz'\]"):
        conventions.tutorial_sequence(np.zeros((1, 2, 2)), np.zeros((1, 5)),
                                      {k: v for k, v in tutorial.items() if k != "Wz"})
    with pytest.raises(ValueError, match=r"weights\['bz'\] must have shape \(5,\)"):
        conventions.from_tutorial({**tutorial, "bz": tutorial["bz"][None]})


def test_bad_sequences_name_the_argument():
    weights = conventions.to_cudnn(_params(True))
    with pytest.raises(ValueError, match="xs must have rank 3"):
        conventions.cudnn_sequence(np.zeros((2, 2)), np.zeros((2, 5)), weights)
    with pytest.raises(ValueError, match=r"xs must be \(batch, time, 2\) and h0 \(batch, 5\)"):
        conventions.cudnn_sequence(np.zeros((2, 3, 2)), np.zeros((3, 5)), weights)


def test_the_module_imports_neither_tensorflow_nor_torch():
    probe = ("import sys, grubook.conventions; print(sorted(m for m in sys.modules "
             "if m.split('.')[0] in ('tensorflow', 'keras', 'torch')))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True, timeout=120)
    assert out.stdout.strip() == "[]"
