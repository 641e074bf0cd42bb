"""Tests of grubook.verify: sound interval arithmetic, keys, the certificate, the automaton."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grubook import verify
from grubook.analysis import (
    Readout,
    adder_bits,
    all_pairs,
    exact_match_bits,
    hand_built_adder,
    trace_adder,
)
from grubook.data import addition_batch, encode_pair
from grubook.reference import GRUParams, gru_step, random_params, sigmoid
from grubook.verify import Box

LONG = 100_000
"""Steps of the structured inputs every certified adder must add exactly."""


def _exact(x):
    """``x`` in extended precision, the reference the boxes must contain."""
    return np.asarray(x, dtype=np.longdouble)


def _random_box(rng, shape, scale=3.0):
    centre = rng.normal(0, scale, shape)
    radius = rng.exponential(0.3, shape) * (rng.random(shape) < 0.8)
    return Box(centre - radius, centre + radius)


def _inside(box: Box, values) -> np.ndarray:
    values = _exact(values)
    return (values >= _exact(box.lo)) & (values <= _exact(box.hi))


def _points_in(rng, box: Box, count: int) -> np.ndarray:
    """``count`` points of ``box`` (H,), corners included: (count, H)."""
    unit = rng.random((count, box.lo.shape[-1]))
    unit[: count // 4] = np.round(unit[: count // 4])
    return np.clip(box.lo + unit * (box.hi - box.lo), box.lo, box.hi)


seeds = st.integers(min_value=0, max_value=2**32 - 1)


@settings(max_examples=60, deadline=None)
@given(seeds)
def test_interval_affine_contains_every_image(seed):
    rng = np.random.default_rng(seed)
    box = _random_box(rng, (1, 6))
    matrix, offset = rng.normal(0, 2, (6, 4)), rng.normal(0, 2, 4)
    image = verify.interval_affine(box, matrix, offset)
    points = _points_in(rng, Box(box.lo[0], box.hi[0]), 50)
    assert _inside(image, _exact(points) @ _exact(matrix) + _exact(offset)).all()


@settings(max_examples=60, deadline=None)
@given(seeds)
def test_interval_functions_contain_every_value(seed):
    rng = np.random.default_rng(seed)
    box = _random_box(rng, (40,), scale=4.0)
    points = _exact(_points_in(rng, box, 30))
    assert _inside(verify.interval_tanh(box), np.tanh(points)).all()
    assert _inside(verify.interval_sigmoid(box), 1 / (1 + np.exp(-points))).all()


@settings(max_examples=60, deadline=None)
@given(seeds)
def test_interval_product_and_mix_contain_every_value(seed):
    rng = np.random.default_rng(seed)
    first, second, third = (_random_box(rng, (20,)) for _ in range(3))
    z = Box(np.clip(first.lo, 0, 1), np.clip(first.hi, 0, 1))
    u, v, w = (_exact(_points_in(rng, b, 30)) for b in (first, second, third))
    zz = _exact(_points_in(rng, z, 30))
    assert _inside(verify.interval_product(first, second), u * v).all()
    assert _inside(verify.interval_mix(z, second, third), (1 - zz) * v + zz * w).all()


@settings(max_examples=40, deadline=None)
@given(seeds, st.sampled_from(verify.INPUT_PAIRS))
def test_interval_step_contains_every_step(seed, pair):
    rng = np.random.default_rng(seed)
    params = random_params(2, 5, rng, scale=2.0)
    box = _random_box(rng, (5,), scale=0.5)
    image = verify.interval_step(params, pair, Box(box.lo[None], box.hi[None]))
    points = _points_in(rng, box, 40)
    x = np.tile(np.asarray(pair, float), (len(points), 1))
    exact = gru_step(_exact(x), _exact(points), GRUParams(*map(_exact, params))).h
    assert _inside(Box(image.lo[0], image.hi[0]), exact).all()


def test_interval_step_is_tight_on_a_point():
    params = random_params(2, 4, rng=3)
    h = np.array([[0.1, -0.4, 0.7, 0.0]])
    image = verify.interval_step(params, (1, 0), Box(h, h))
    assert np.all(image.width < 1e-10)  # the 1e-12 allowed for each tanh, passed on
    np.testing.assert_allclose(image.lo, gru_step(np.array([[1.0, 0.0]]), h, params).h)


@pytest.mark.parametrize("history", [0, 1, 2, 3])
def test_key_table_follows_the_carry_machine(history):
    table = verify.key_table(history)
    x, _ = addition_batch(50, 12, rng=history)
    keys = verify.state_keys(x, history)
    following = (2 * x[..., 0] + x[..., 1]).astype(int)[:, history + 1 :]
    np.testing.assert_array_equal(table.successor[keys[:, :-1], following], keys[:, 1:])
    carries = verify.carries_after(x)[:, history:]
    np.testing.assert_array_equal(table.carry[keys], carries)
    sums = (x[..., 0] + x[..., 1]).astype(int)[:, history + 1 :] + carries[:, :-1]
    np.testing.assert_array_equal(table.sum_bit[keys[:, :-1], following], sums % 2)


def test_describe_key_names_the_carry_and_the_window():
    assert verify.describe_key(0, 0) == "carry 0"
    assert verify.describe_key(1 * 16 + 4 * 2 + 1, 2) == "carry 1, then (1, 0) (0, 1)"


def test_key_table_refuses_bad_history():
    with pytest.raises(ValueError, match="history"):
        verify.key_table(-1)
    with pytest.raises(ValueError, match="history"):
        verify.key_table(7)
    with pytest.raises(TypeError, match="history"):
        verify.key_table(1.0)


@pytest.fixture(scope="module")
def long_inputs():
    return verify.structured_inputs(LONG)


def _exact_everywhere(params, readout, x) -> bool:
    return bool(
        all(exact_match_bits(adder_bits(params, readout, x, dtype), x).all()
            for dtype in (np.float32, np.float64))
    )


@pytest.mark.slow  # about 12 s each; chapter 7 certifies trained adders in make test
@pytest.mark.parametrize("history", [0, 1, 2])
def test_the_hand_built_adder_is_certified(history, long_inputs):
    params, readout = hand_built_adder()
    certificate = verify.certify(params, readout, history=history)
    assert certificate.proved, certificate.reason
    assert certificate.margin > 5 and certificate.slack >= 0
    assert certificate.step_error == pytest.approx(verify.float32_step_error(params))
    assert _exact_everywhere(params, readout, long_inputs)


def test_sampled_states_of_each_box_land_in_the_next_box():
    params, readout = hand_built_adder()
    certificate = verify.certify(params, readout, history=1)
    table = verify.key_table(1)
    rng = np.random.default_rng(0)
    for key, box in certificate.boxes.items():
        points = _points_in(rng, box, 64)
        for index, pair in enumerate(verify.INPUT_PAIRS):
            x = np.tile(np.asarray(pair, float), (len(points), 1))
            after = gru_step(x, points, params).h
            target = certificate.boxes[int(table.successor[key, index])]
            assert target.contains(after).all()
            logits = after @ readout.w + readout.b
            assert ((logits > 0) == table.sum_bit[key, index]).all()


def test_the_start_state_lies_in_the_first_box():
    params, readout = hand_built_adder()
    certificate = verify.certify(params, readout, history=0)
    h1 = trace_adder(params, np.zeros((1, 1, 2))).h[0, 0]
    assert certificate.boxes[0].contains(h1)


@pytest.mark.parametrize("gap, first_wrong", [(1e-4, 323), (1e-3, 101)])
def test_a_carry_that_leaks_is_never_certified(gap, first_wrong):
    params, readout = verify.leaky_adder(gap)
    x8 = all_pairs(8)
    assert exact_match_bits(adder_bits(params, readout, x8, np.float64), x8).all()
    chain = encode_pair(2**2000 - 1, 1, 2000)[None].astype(np.float32)
    bits = adder_bits(params, readout, chain, np.float64)
    assert verify.first_wrong_steps(bits, chain) == [first_wrong]
    for history in (0, 2):
        certificate = verify.certify(params, readout, history=history)
        assert not certificate.proved
        assert "readout fails" in certificate.reason and certificate.margin < 0


@pytest.mark.slow  # about 12 s
def test_a_carry_that_holds_is_certified(long_inputs):
    params, readout = verify.leaky_adder(-0.01)
    certificate = verify.certify(params, readout)
    assert certificate.proved, certificate.reason
    assert _exact_everywhere(params, readout, long_inputs)


def test_a_wrong_readout_fails_on_the_first_steps():
    params, readout = hand_built_adder()
    wrong = Readout(w=-readout.w, b=readout.b)
    certificate = verify.certify(params, wrong, history=2)
    assert not certificate.proved and "first 2 steps" in certificate.reason


def test_boxes_that_keep_growing_are_not_a_proof():
    params = random_params(2, 3, rng=0)
    readout = Readout(w=np.zeros(3), b=1.0)  # always 1: right on no carry-free zero
    certificate = verify.certify(*verify.float32_weights(params, readout), max_iterations=3)
    assert not certificate.proved


def test_certify_refuses_bad_arguments():
    params, readout = hand_built_adder()
    with pytest.raises(ValueError, match="params"):
        verify.certify(random_params(3, 3, rng=0), readout)
    with pytest.raises(ValueError, match="readout.w"):
        verify.certify(params, Readout(w=np.ones(4), b=0.0))
    with pytest.raises(ValueError, match="step_error"):
        verify.certify(params, readout, step_error=-1.0)
    with pytest.raises(ValueError, match="padding"):
        verify.certify(params, readout, padding=0.0)
    with pytest.raises(ValueError, match="max_iterations"):
        verify.certify(params, readout, max_iterations=0)
    broken = GRUParams(params.kernel, params.recurrent_kernel, params.bias * np.nan)
    with pytest.raises(ValueError, match="bias must hold finite"):
        verify.certify(broken, readout)


def test_boxes_beyond_the_float32_state_bound_are_not_a_proof():
    params, readout = hand_built_adder()
    certificate = verify.certify(params, readout, padding=0.2)
    assert not certificate.proved and "float32 error bound" in certificate.reason


def test_float32_step_error_bounds_a_float32_step():
    rng = np.random.default_rng(0)
    params = random_params(2, 16, rng, scale=3.0)
    params32 = GRUParams(*(p.astype(np.float32) for p in params))
    h = rng.uniform(-1, 1, (2000, 16)).astype(np.float32)
    x = rng.integers(0, 2, (2000, 2)).astype(np.float32)
    step32 = gru_step(x, h, params32).h
    step64 = gru_step(_exact(x), _exact(h), GRUParams(*map(_exact, params32))).h
    error = np.abs(step32 - step64).max()
    bound = verify.float32_step_error(params32)
    assert 0 < error <= bound < 1e-3


def _edge_readout(readout, target):
    """The hand-built readout with the bias (a float32 number) that sets
    ``margin - float32_readout_error`` nearest ``target``; and that excess."""
    params, _ = hand_built_adder()
    margin = verify.certify(params, readout).margin  # b = 0: both sides about 10
    bias = np.float32(verify.float32_readout_error(readout) + target - margin)
    best = None
    for step in range(-4, 5):
        b = float(bias + step * np.spacing(bias))
        shifted = Readout(w=readout.w, b=b)
        certificate = verify.certify(params, shifted)
        excess = certificate.margin - verify.float32_readout_error(shifted)
        if best is None or abs(excess - target) < abs(best[1] - target):
            best = (shifted, excess, certificate)
    return best


def test_a_margin_within_the_floor_of_its_rounding_is_not_a_proof():
    # The edge network of issue 28: proved margin above the readout's rounding
    # bound by less than READOUT_FLOOR, so that the theorem would only promise
    # logits that float32's sigmoid may round to exactly 0.5.
    _, readout = hand_built_adder()
    shifted, excess, certificate = _edge_readout(readout, 0.5 * verify.READOUT_FLOOR)
    assert 0 < excess < verify.READOUT_FLOOR
    assert not certificate.proved and "floor" in certificate.reason
    shifted, excess, certificate = _edge_readout(readout, 2 * verify.READOUT_FLOOR)
    assert verify.READOUT_FLOOR < excess < 4 * verify.READOUT_FLOOR
    assert certificate.proved, certificate.reason


def test_float32_decides_every_logit_beyond_the_floor():
    floor = np.float32(verify.READOUT_FLOOR)
    probability = sigmoid(np.array([floor, -floor, 5e-8, -5e-8], np.float32))
    assert probability.dtype == np.float32
    assert probability[0] > 0.5 > probability[1]
    assert probability[2] == probability[3] == 0.5  # below ~1.2e-7: rounded to 0.5


def test_certify_refuses_weights_that_are_not_float32_numbers():
    params, readout = hand_built_adder()
    nudged = params.recurrent_kernel.copy()
    nudged[1, 6] += 1e-12  # a float64 number that float32 cannot hold
    with pytest.raises(ValueError, match="recurrent_kernel must hold float32 numbers"):
        verify.certify(GRUParams(params.kernel, nudged, params.bias), readout)
    with pytest.raises(ValueError, match="readout.b must hold float32 numbers"):
        verify.certify(params, Readout(w=readout.w, b=0.1))
    rounded = verify.float32_weights(GRUParams(params.kernel, nudged, params.bias),
                                     Readout(w=readout.w, b=0.1))
    assert verify.certify(*rounded).proved
    assert rounded[1].b == float(np.float32(0.1)) and rounded[0].recurrent_kernel[1, 6] == 10


# --- The automaton ----------------------------------------------------------------


def _clustered_machine(params, readout, clusters, seed=0):
    x = np.random.default_rng(seed).integers(0, 2, (200, 30, 2)).astype(np.float64)
    return verify.read_machine(params, readout, x, clusters)[1]


def test_the_hand_built_adder_holds_the_carry_automaton():
    params, readout = hand_built_adder()
    machine = _clustered_machine(params, readout, clusters=6)
    assert machine.agreement == 1.0
    assert verify.is_carry_automaton(machine)
    assert verify.minimize(machine).transitions.shape == (2, 4)


@pytest.mark.parametrize("history", [0, 1, 2, 3])
def test_the_keys_machine_minimises_to_the_carry_machine(history):
    machine = verify.key_machine(history)
    assert len(machine.transitions) == (4**history - 1) // 3 + 2 * 4**history
    assert verify.is_carry_automaton(machine)
    if history == 0:
        assert np.array_equal(machine.transitions, verify.CARRY_AUTOMATON.transitions)
        assert np.array_equal(machine.outputs, verify.CARRY_AUTOMATON.outputs)
    # It writes the sum bits of every input, from h_0: run it on random pairs.
    x = np.random.default_rng(history).integers(0, 2, (50, 12, 2))
    state, bits = np.full(50, machine.start), []
    for t in range(12):
        index = 2 * x[:, t, 0] + x[:, t, 1]
        bits.append(machine.outputs[state, index])
        state = machine.transitions[state, index]
    assert exact_match_bits(np.stack(bits, axis=1), x).all()


def test_minimize_merges_copies_of_a_state():
    carry = verify.CARRY_AUTOMATON
    doubled = verify.Automaton(
        transitions=np.array([[2, 0, 2, 1], [0, 3, 1, 3], [0, 2, 0, 1], [2, 1, 3, 1]]),
        outputs=np.vstack([carry.outputs, carry.outputs]),
        start=0,
        agreement=1.0,
    )
    assert verify.is_carry_automaton(doubled)
    assert verify.minimize(doubled).transitions.shape == (2, 4)


def test_a_machine_that_forgets_the_carry_is_not_the_carry_automaton():
    forgetful = verify.Automaton(
        transitions=np.zeros((1, 4), dtype=int),
        outputs=np.array([[0, 1, 1, 0]]),
        start=0,
        agreement=1.0,
    )
    assert not verify.is_carry_automaton(forgetful)
    wrong_output = verify.CARRY_AUTOMATON._replace(
        outputs=np.array([[0, 1, 1, 0], [1, 0, 0, 0]])
    )
    assert not verify.is_carry_automaton(wrong_output)


def test_kmeans_finds_separated_clusters():
    rng = np.random.default_rng(0)
    centres = np.array([[0.0, 0.0], [5.0, 5.0], [-5.0, 5.0]])
    points = np.concatenate([c + 0.1 * rng.normal(size=(30, 2)) for c in centres])
    found, labels = verify.kmeans(points, 3)
    assert len(set(labels[:30])) == len(set(labels[30:60])) == len(set(labels[60:])) == 1
    assert len(set(labels)) == 3
    np.testing.assert_allclose(np.sort(found[:, 0]), [-5, 0, 5], atol=0.1)
    with pytest.raises(ValueError, match="clusters"):
        verify.kmeans(points, 91)


def test_kmeans_refuses_more_clusters_than_distinct_points():
    points = np.repeat([[0.0, 0.0], [1.0, 1.0]], 20, axis=0)
    with pytest.raises(ValueError, match="clusters must be at most the 2 distinct points"):
        verify.kmeans(points, 3)
    _, labels = verify.kmeans(points, 2)
    assert len(set(labels[:20])) == len(set(labels[20:])) == 1 != len(set(labels))


def test_leaky_adder_refuses_a_bad_gap():
    with pytest.raises(TypeError, match="gap"):
        verify.leaky_adder("0.1")


@pytest.mark.parametrize("gap", [-1e-2, 1e-3, 1e-5])
def test_leaky_adder_holds_float32_weights_and_its_gap(gap):
    params, readout = verify.leaky_adder(gap)
    for value in params:
        assert (np.float32(value) == value).all()
    assert abs(verify.leaky_gap(params) - gap) < 1e-6


# --- Wrapping, structured inputs, many seeds ----------------------------------------


def test_step_jacobian_predicts_small_moves():
    params = random_params(2, 6, rng=4, scale=1.5)
    rng = np.random.default_rng(5)
    h, direction = rng.uniform(-0.8, 0.8, 6), rng.normal(size=6)
    jacobian = verify.step_jacobian(params, (0, 1), h)
    x = np.array([[0.0, 1.0]])
    for size in (1e-3, 1e-4):
        moved = gru_step(x, (h + size * direction)[None], params).h[0]
        still = gru_step(x, h[None], params).h[0]
        np.testing.assert_allclose((moved - still) / size, jacobian @ direction, atol=50 * size)


def test_wrapping_of_the_hand_built_adder_is_nil():
    params, _ = hand_built_adder()
    x, _ = addition_batch(20, 40, rng=0)
    factors = verify.wrapping(params, x[:5])
    assert max(factors) < 1e-2
    leaky, _ = verify.leaky_adder(1e-4)
    chain = encode_pair(2**60 - 1, 1, 60)[None]
    held = verify.wrapping(leaky, chain, skip=5)  # the carry unit sits at the ghost
    assert held.spectral_radius > 0.5 and held.abs_radius >= held.spectral_radius - 1e-9


def test_wrapping_measures_a_linear_map():
    # With z = 1 and r = 1 held open and a tiny candidate scale, the step is
    # nearly linear: h -> tanh(U_h h) ~ U_h^T h (row i of J is column i of U_h).
    units = 3
    u_h = np.array([[0.5, -0.4, 0.0], [0.3, 0.2, 0.0], [0.0, 0.0, -0.6]]) * 1e-3
    kernel = np.zeros((2, 3 * units))
    recurrent = np.zeros((units, 3 * units))
    recurrent[:, 2 * units :] = u_h
    bias = np.concatenate([np.full(2 * units, 40.0), np.zeros(units)])
    x = np.zeros((1, 30, 2))
    factors = verify.wrapping(GRUParams(kernel, recurrent, bias), x, skip=2)
    jacobian = u_h.T
    assert factors.row_sum == pytest.approx(np.abs(jacobian).sum(1).max(), rel=1e-4)
    radius = np.abs(np.linalg.eigvals(np.abs(jacobian))).max()
    assert factors.abs_radius == pytest.approx(radius, rel=1e-4)
    assert factors.product_rate == pytest.approx(
        np.abs(np.linalg.eigvals(jacobian)).max(), rel=0.05)


def test_structured_inputs_hold_the_named_sums():
    from grubook.data import decode_operands

    x = verify.structured_inputs(300)
    a, b = decode_operands(x)
    assert (a[0], b[0]) == (2**300 - 1, 1) and (a[1], b[1]) == (2**300 - 1, 0)
    assert 0 < a[2] < 2**300 and 0 < b[2] < 2**300 and x.shape == (3, 301, 2)
    with pytest.raises(ValueError, match="n_bits"):
        verify.structured_inputs(4)


def test_first_wrong_steps_finds_the_leak():
    params, readout = verify.leaky_adder(1e-3)
    x = verify.structured_inputs(400)
    steps = verify.first_wrong_steps(adder_bits(params, readout, x, np.float64), x)
    assert steps == [101, None, None]


@pytest.mark.slow
def test_main_writes_the_results_of_one_seed(tmp_path):
    # Slow (about 10 s): trains one robust adder and certifies it, the command end to end.
    import json

    out = tmp_path / "certificates.json"
    verify.main(["--seeds", "13", "--recipes", "robust", "--out", str(out)])
    result = json.loads(out.read_text())
    assert result["seeds"] == [13]
    assert result["command"] == f"python -m grubook.verify --seeds 13 --recipes robust --out {out}"
    (row,) = result["rows"]
    assert row["recipe"] == "robust" and row["seed"] == 13
    assert [a["history"] for a in row["attempts"]] == list(verify.HISTORIES)
    assert row["proved"] == any(a["proved"] for a in row["attempts"])
    assert len(row["long_exact"]) == len(row["first_wrong_step"]) == 3
    assert all((step is None) == exact for step, exact in zip(
        row["first_wrong_step"], row["long_exact"], strict=True))


def test_carry_plane_separates_the_carries_of_the_hand_built_adder():
    params, _ = hand_built_adder()
    x, _ = addition_batch(100, 20, rng=0)
    states = trace_adder(params, x).h.reshape(-1, 3)
    carries = verify.carries_after(x).ravel()
    plane = verify.carry_plane(states, carries)
    np.testing.assert_allclose(plane.axes @ plane.axes.T, np.eye(2), atol=1e-12)
    along = plane.project(states)[:, 0]
    assert along[carries == 1].min() > 0 > along[carries == 0].max()
    with pytest.raises(ValueError, match="both carries"):
        verify.carry_plane(states[carries == 0], carries[carries == 0])


def test_fixed_points_are_fixed():
    params, _ = hand_built_adder()
    found = verify.fixed_points(params, {"zero": np.zeros(3)}, steps=50)
    assert len(found) == 4
    for (pair, _), (h, moved) in found.items():
        again = gru_step(np.asarray([pair], float), h[None], params).h[0]
        assert moved < 1e-9 and np.abs(again - h).max() < 1e-9


def test_portrait_panel_of_the_leaky_adder_finds_its_failure():
    params, readout = verify.leaky_adder(1e-3)
    x, _ = addition_batch(100, 20, rng=0)
    panel = verify.portrait_panel(params, readout, x, "leaky", clusters=4, hold_bits=300)
    assert panel["first_wrong"] is None  # the hold of carry 0 never leaks
    assert panel["points"].shape == (100 * 21, 2) and len(panel["path"]) == 40
    assert all(0 <= i < 4 for _, _, i in panel["arrows"]) and len(panel["fixed"]) >= 2


# --- The exported certificate ---------------------------------------------------------


def _independent_checker():
    """tests/test_certificate_file.py, which shares no code with grubook."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).parent / "test_certificate_file.py"
    spec = importlib.util.spec_from_file_location("certificate_checker", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("history", [0, 1, 2])
def test_the_independent_checker_accepts_the_documents_of_certify(history):
    # The file's box semantics (carry before the window, window oldest first,
    # successors) must be the library's key table, for every window length.
    params, readout = hand_built_adder()
    certificate = verify.certify(params, readout, history=history)
    document = verify.certificate_document(params, readout, certificate)
    assert [(b["carry"], len(b["window"])) for b in document["boxes"]][:1] == [(0, history)]
    extra = dict.fromkeys(("seed", "recipe", "command", "commit", "versions", "wall_seconds"))
    verdict = _independent_checker().check_certificate({**document, **extra})
    assert verdict.accepted, verdict.reason
    assert verdict.margin >= certificate.margin > document["readout_error"]


def test_certificate_document_refuses_a_failed_certificate():
    params, readout = verify.leaky_adder(1e-3)
    with pytest.raises(ValueError, match="certificate must be a proof"):
        verify.certificate_document(params, readout, verify.certify(params, readout))


def test_export_writes_exactly_the_fields_of_the_format(tmp_path, monkeypatch, capsys):
    import json

    import grubook.analysis
    import grubook.certified

    monkeypatch.setattr(grubook.certified, "train_for_certificate", lambda seed: None)
    monkeypatch.setattr(grubook.analysis, "adder_weights", lambda model: hand_built_adder())
    out = tmp_path / "proved.json"
    verify.main(["export", "--seed", "7", "--out", str(out)])
    document = json.loads(out.read_text())
    assert tuple(document) == _independent_checker().FIELDS
    assert document["command"] == f"python -m grubook.verify export --seed 7 --out {out}"
    assert document["seed"] == 7 and document["history"] == 0
    assert document["recipe"]["name"] == "certified" and len(document["commit"]) == 40
    assert document["kernel"] == hand_built_adder()[0].kernel.tolist()
    assert "wrote" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        verify.main(["export", "--out", str(out), "--seed", "x"])
