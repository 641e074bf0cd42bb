"""PyTorch's GRU beside the book's (the optional extra: make test-peers).

Without PyTorch these tests are skipped, except under ``make test-peers``,
which installs it and sets GRUBOOK_REQUIRE_TORCH so that a missing torch fails.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import json  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402

if os.environ.get("GRUBOOK_REQUIRE_TORCH"):
    import torch  # noqa: E402
else:
    torch = pytest.importorskip("torch")

from grubook import peers  # noqa: E402
from grubook.bench.process import onednn_enabled  # noqa: E402
from grubook.reference import gru_sequence, random_params  # noqa: E402


def _params(units=4, inputs=2, seed=0):
    return random_params(inputs, units, np.random.default_rng(seed), reset_after=True)


def test_the_weight_map_moves_and_flips_entries_and_inverts():
    params = _params()
    state = peers.torch_state(params)
    assert state["weight_ih_l0"].shape == (12, 2) and state["weight_hh_l0"].shape == (12, 4)
    assert state["bias_ih_l0"].shape == state["bias_hh_l0"].shape == (12,)
    # PyTorch's r block is the book's r block; its z block is the book's negated
    np.testing.assert_array_equal(state["weight_hh_l0"][:4], params.recurrent_kernel[:, 4:8].T)
    np.testing.assert_array_equal(state["weight_hh_l0"][4:8], -params.recurrent_kernel[:, :4].T)
    back = peers.book_gradients(state)
    for got, want in zip(back, params, strict=True):
        np.testing.assert_array_equal(got, want)


def test_torch_adder_computes_the_books_reset_after_gru():
    params = _params(units=5, seed=1)
    readout = (np.random.default_rng(2).normal(size=(5, 1)), np.array([0.3]))
    x = np.random.default_rng(3).integers(0, 2, size=(3, 7, 2)).astype(np.float32)
    h = gru_sequence(x.astype(np.float64), np.zeros((3, 5)), params, reset_after=True).h
    want = 1 / (1 + np.exp(-(h @ readout[0] + readout[1])))
    adder = peers.torch_adder(params, readout)
    got = adder.module(torch.from_numpy(x)).detach().numpy()
    np.testing.assert_allclose(got, want, atol=1e-5)


def test_check_torch_passes_and_catches_a_wrong_map(monkeypatch):
    assert peers.check_torch(units=4, steps=5) < 1e-5
    right = peers.torch_state

    def swapped(params):  # r and z blocks exchanged: a plausible mistake
        return {name: np.concatenate([z, r, n]) for name, (r, z, n) in
                ((name, np.split(value, 3)) for name, value in right(params).items())}

    monkeypatch.setattr(peers, "torch_state", swapped)
    with pytest.raises(AssertionError, match="differs"):
        peers.check_torch(units=4, steps=5)


def test_torch_state_refuses_reset_before_weights():
    params = random_params(2, 3, np.random.default_rng(0))
    with pytest.raises(ValueError, match="params must be reset-after"):
        peers.torch_state(params)


@pytest.mark.slow  # a whole command, about 25 s (make test-peers and test-slow run it)
def test_the_command_line_times_both_sides_and_writes_json(tmp_path):
    out = tmp_path / "peers.json"
    peers.main(["--shapes", "4x3", "--rounds", "2", "--min-block-ms", "0", "--default-allocator",
                "--out", str(out)])
    stored = json.loads(out.read_text())
    # TensorFlow's default CPU allocator pools exactly where oneDNN is on.
    assert stored["onednn"] is onednn_enabled() and stored["pooled_allocator"] is stored["onednn"]
    assert stored["torch"] == torch.__version__ and stored["settings"]["rounds"] == 2
    assert 0 <= stored["check_max_difference"] < 1e-5
    variants = {row["variant"] for row in stored["rows"]}
    assert set(peers.TORCH_VARIANTS) | {"fused + XLA", "Keras GRU"} <= variants
    assert all(len(row["seconds"]) == 2 for row in stored["rows"])


def _torch_gru(state, dtype):
    """A one-layer ``torch.nn.GRU`` (batch first) holding ``state`` (NumPy arrays)."""
    units, inputs = state["weight_ih_l0"].shape[0] // 3, state["weight_ih_l0"].shape[1]
    gru = torch.nn.GRU(inputs, units, batch_first=True, dtype=dtype)
    gru.load_state_dict({name: torch.from_numpy(np.ascontiguousarray(value)).to(dtype)
                         for name, value in state.items()})
    return gru


@pytest.mark.parametrize("dtype, atol", [(torch.float64, 1e-12), (torch.float32, 1e-5)])
def test_the_conventions_torch_row_computes_what_torch_nn_gru_computes(dtype, atol):
    from grubook import conventions

    params = _params(units=5, seed=11)
    rng = np.random.default_rng(12)
    xs, h0 = rng.normal(size=(3, 7, 2)), rng.uniform(-1, 1, (3, 5))
    gru = _torch_gru(conventions.to_torch(params), dtype)
    got, last = gru(torch.from_numpy(xs).to(dtype), torch.from_numpy(h0).to(dtype)[None])
    want = gru_sequence(xs, h0, params, reset_after=True).h
    assert np.abs(got.detach().double().numpy() - want).max() <= atol
    assert np.abs(last[0].detach().double().numpy() - want[:, -1]).max() <= atol
    # and back: torch's own (random) weights, read as the book's, reproduce torch's states
    fresh = torch.nn.GRU(2, 5, batch_first=True, dtype=torch.float64)
    state = {name: value.detach().numpy() for name, value in fresh.state_dict().items()}
    back = conventions.from_torch(state)
    again = gru_sequence(xs, h0, back, reset_after=True).h
    ran = fresh(torch.from_numpy(xs), torch.from_numpy(h0)[None])[0].detach().numpy()
    assert np.abs(ran - again).max() <= 1e-12


def test_the_conventions_torch_row_needs_the_whole_map():
    """Negating z alone, or skipping the reorder or the transpose, is caught."""
    from grubook import conventions
    from grubook.reference import flip_update_gate

    params = _params(units=5, seed=13)
    rng = np.random.default_rng(14)
    xs = rng.normal(size=(2, 6, 2))
    want = gru_sequence(xs, np.zeros((2, 5)), params, reset_after=True).h
    keras_side = flip_update_gate(params)
    right = conventions.to_torch(params)
    wrong_maps = {
        "negate z only": {"weight_ih_l0": keras_side.kernel.T,
                          "weight_hh_l0": keras_side.recurrent_kernel.T,
                          "bias_ih_l0": keras_side.bias[0], "bias_hh_l0": keras_side.bias[1]},
        "no negation": conventions.to_torch(flip_update_gate(params)),
        "biases not split": {**right, "bias_ih_l0": right["bias_ih_l0"] + right["bias_hh_l0"],
                             "bias_hh_l0": 0 * right["bias_hh_l0"]},
    }
    got = _torch_gru(right, torch.float64)(torch.from_numpy(xs))[0].detach().numpy()
    assert np.abs(got - want).max() <= 1e-12
    for name, state in wrong_maps.items():
        got = _torch_gru(state, torch.float64)(torch.from_numpy(xs))[0].detach().numpy()
        assert np.abs(got - want).max() > 1e-3, name
