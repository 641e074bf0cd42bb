"""Tests of grubook.analysis: fast loops against the reference, the probe, the hand-built adder."""

from __future__ import annotations

from functools import partial

import numpy as np
import pytest

from grubook.analysis import (
    ADVERSARIAL_CASES,
    Readout,
    adder_bits,
    adversarial_pairs,
    all_exact,
    all_pairs,
    exact_at_each_length,
    exact_match_bits,
    fit_probe,
    hand_built_adder,
    length_sweep,
    run_adder,
    single_unit_accuracy,
    trace_adder,
)
from grubook.data import add_bits, addition_batch, decode_operands, from_bits, to_bits
from grubook.hard_cases import hard_pairs
from grubook.reference import random_params, sigmoid


def test_run_adder_matches_the_reference_trace():
    params = random_params(2, 5, rng=1, scale=1.5)
    readout = Readout(w=np.linspace(-1, 1, 5), b=0.3)
    x, _ = addition_batch(7, 12, rng=2)
    trace = trace_adder(params, x)
    expected = sigmoid(trace.h @ readout.w + readout.b)
    np.testing.assert_allclose(run_adder(params, readout, x, np.float64), expected, atol=1e-12)
    np.testing.assert_allclose(run_adder(params, readout, x), expected, atol=1e-5)


def test_run_adder_matches_the_keras_model():
    import keras

    from grubook.analysis import adder_weights
    from grubook.model import build_adder, predict_bits

    model = build_adder(4, seed=3)
    params, readout = adder_weights(model)
    x, _ = addition_batch(16, 10, rng=4)
    probabilities = keras.ops.convert_to_numpy(model(x))[..., 0]
    np.testing.assert_allclose(run_adder(params, readout, x), probabilities, atol=1e-5)
    assert np.array_equal(adder_bits(params, readout, x), predict_bits(model, x))


def test_adder_weights_refuses_a_keras_gru():
    from grubook.analysis import adder_weights
    from grubook.model import build_adder

    with pytest.raises(TypeError, match="custom"):
        adder_weights(build_adder(2, cell="keras", seed=0))


def test_exact_match_bits_counts_a_single_wrong_bit():
    x, _ = addition_batch(5, 6, rng=0)
    sum_bits, _ = add_bits(x)
    predicted = sum_bits.copy()
    predicted[3, 2] ^= 1
    assert exact_match_bits(predicted, x).tolist() == [True, True, True, False, True]


def test_probe_decodes_a_linearly_coded_label_and_not_noise():
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 2, 2000)
    states = rng.normal(size=(2000, 6))
    states[:, 4] += 3 * (2 * labels - 1)  # unit 4 carries the label
    probe = fit_probe(states[:1000], labels[:1000], states[1000:], labels[1000:])
    assert probe.test_accuracy > 0.99
    assert np.argmax(np.abs(probe.w)) == 4
    noise = fit_probe(states[:1000, :4], labels[:1000], states[1000:, :4], labels[1000:])
    assert 0.4 < noise.test_accuracy < 0.6


def test_probe_rejects_labels_that_are_not_bits():
    with pytest.raises(ValueError, match="train_labels"):
        fit_probe(np.zeros((3, 2)), [0, 1, 2], np.zeros((3, 2)), [0, 1, 1])
    with pytest.raises(ValueError, match="test_labels must have shape"):
        fit_probe(np.zeros((3, 2)), [0, 1, 1], np.zeros((3, 2)), [0, 1])


def test_single_unit_accuracy_by_brute_force():
    rng = np.random.default_rng(5)
    states = rng.normal(size=(60, 3))
    labels = (states[:, 1] + 0.5 * rng.normal(size=60) < 0).astype(np.uint8)
    best = []
    for j in range(3):
        scores = []
        for theta in np.concatenate([[-np.inf], np.sort(states[:, j])]):
            above = states[:, j] > theta
            scores += [np.mean(above == labels), np.mean(above != labels)]
        best.append(max(scores))
    np.testing.assert_allclose(single_unit_accuracy(states, labels), best)
    assert np.argmax(best) == 1


def test_adversarial_pairs_fit_in_n_bits_and_have_their_carries():
    for n in (1, 5, 64):
        pairs = adversarial_pairs(n, seed=3)
        assert tuple(pairs) == ADVERSARIAL_CASES
        assert all(max(a, b) < 2**n for a, b in pairs.values())
        assert pairs["a + a"][0] >= 2 ** (n - 1)
    pairs = adversarial_pairs(10)
    assert sum(pairs["2**n-1 + 1"]) == sum(pairs["1 + 2**n-1"]) == 2**10
    assert pairs["1 + 2**n-1"] == pairs["2**n-1 + 1"][::-1]
    assert pairs["0 + 2**n-1"] == pairs["2**n-1 + 0"][::-1] == (0, 2**10 - 1)
    assert sum(pairs["2**n-1 + 2**n-1"]) == 2**11 - 2


def test_all_pairs_enumerates_every_pair_once():
    x = all_pairs(3)
    assert x.shape == (64, 4, 2)
    a, b = decode_operands(x)
    assert sorted(zip(a, b, strict=True)) == [(i, j) for i in range(8) for j in range(8)]
    assert not x[:, -1].any()
    with pytest.raises(ValueError, match="n_bits"):
        all_pairs(13)


def test_hand_built_adder_is_exact_on_all_pairs_of_6_bits_and_on_long_numbers():
    params, readout = hand_built_adder()
    x = all_pairs(6)
    sums = [from_bits(row) for row in adder_bits(params, readout, x)]
    a, b = decode_operands(x)
    assert sums == [i + j for i, j in zip(a, b, strict=True)]
    sweep = length_sweep(partial(adder_bits, params, readout), [300, 1000], n_random=50)
    assert all_exact(sweep)
    assert sweep["random"] == [50, 50] and sweep["hard"] == [100, 100]


def test_hand_built_adder_fails_when_its_weights_are_too_small():
    params, readout = hand_built_adder(scale=1.0)
    x, _ = addition_batch(200, 16, rng=0)
    assert exact_match_bits(adder_bits(params, readout, x), x).mean() < 0.5


def test_hand_built_adder_rejects_bad_scales():
    with pytest.raises(ValueError, match="scale"):
        hand_built_adder(scale=0)
    with pytest.raises(ValueError, match="gate_bias"):
        hand_built_adder(gate_bias=True)


def test_length_sweep_of_a_random_network_is_not_exact():
    params = random_params(2, 3, rng=0)
    sweep = length_sweep(
        partial(adder_bits, params, Readout(np.ones(3), 0.0)), [8, 16], n_random=20, n_hard=5
    )
    assert sweep["lengths"] == [8, 16] and sweep["n_random"] == 20 and sweep["n_hard"] == 5
    assert set(sweep["cases"]) == set(ADVERSARIAL_CASES)
    assert all(0 <= k <= 20 for k in sweep["random"]) and len(sweep["hard"]) == 2
    assert not all_exact(sweep)


def test_each_length_is_judged_on_every_kind_of_pair():
    sweep = {"n_random": 10, "random": [10, 10, 9], "n_hard": 5, "hard": [5, 4, 5],
             "cases": {"x": [True, True, True], "y": [False, True, True]}}
    assert exact_at_each_length(sweep) == [False, False, False] and not all_exact(sweep)
    sweep["cases"]["y"][0] = True
    assert exact_at_each_length(sweep) == [True, False, False]
    sweep.update(random=[10] * 3, hard=[5] * 3, cases={"x": [True] * 3})
    assert all_exact(sweep)


def test_length_sweep_counts_what_it_is_given_to_read():
    from grubook.hard_cases import one_step_sum

    def exact(x):
        return add_bits(x)[0]

    def one_step(x):
        a, b = decode_operands(x)
        width = x.shape[1]
        return np.stack([to_bits(one_step_sum(i, j), width) for i, j in zip(a, b, strict=True)])

    right = length_sweep(exact, [8, 64], n_random=30, n_hard=7)
    assert all_exact(right) and right["random"] == [30, 30] and right["hard"] == [7, 7]
    shortcut = length_sweep(one_step, [64], n_random=30, n_hard=7)
    assert shortcut["hard"] == [0]  # the hard pairs defeat the one-step rule
    assert not shortcut["cases"]["2**n-1 + 1"][0] and shortcut["cases"]["0 + 0"][0]
    with pytest.raises(ValueError, match="lengths"):
        length_sweep(exact, [3])


def test_chapter_5_figures_draw_what_they_are_given():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from grubook import plots

    params, _ = hand_built_adder()
    x, _ = addition_batch(1, 9, rng=0)
    trace = trace_adder(params, x)
    one = type(trace)(*(part[0] for part in trace))
    rows = {"a": x[0, :, 0], "b": x[0, :, 1]}
    fig = plots.gate_heatmaps(rows, one, units=[1, 2], unit_labels=["carry", "k >= 3"])
    heatmaps = [ax for ax in fig.axes if ax.get_images()]
    assert len(heatmaps) == 5
    np.testing.assert_allclose(heatmaps[4].get_images()[0].get_array(), one.h[:, [1, 2]].T)
    assert [t.get_text() for t in heatmaps[1].get_yticklabels()] == ["carry", "k >= 3"]
    with pytest.raises(ValueError, match="bit_rows"):
        plots.gate_heatmaps({"a": [0, 1]}, one)
    fig2 = plots.accuracy_vs_length([8, 16, 1000, 1024], {"m": [1, 1, 0.9, 0.8]}, train_bits=8)
    line = fig2.axes[0].get_lines()[0]
    np.testing.assert_allclose(line.get_ydata(), [1, 1, 0.9, 0.8])
    labels = [t.get_text() for t in fig2.axes[0].get_xticklabels()]
    assert labels == ["8", "16", "1000", ""]
    with pytest.raises(ValueError, match="curves"):
        plots.accuracy_vs_length([8, 16], {"m": [1.0]})
    banded = plots.accuracy_vs_length(
        [8, 16], {"m": [1.0, 0.5]}, bands={"m": ([0.9, 0.4], [1, 0.6])}
    )
    shade = banded.axes[0].collections[0].get_paths()[0].vertices[:, 1]
    assert shade.min() == pytest.approx(0.4) and shade.max() == pytest.approx(1.0)
    with pytest.raises(ValueError, match="bands"):
        plots.accuracy_vs_length([8, 16], {"m": [1.0, 0.5]}, bands={"other": ([0, 0], [1, 1])})
    fig3 = plots.unit_scores([0.5, 0.9, 0.6], highlight=[1])
    assert [p.get_hatch() for p in fig3.axes[0].patches] == [None, "//", None]
    fig4 = plots.step_curves({"p": np.linspace(0, 1, 5)}, shade=(1, 3))
    np.testing.assert_allclose(fig4.axes[0].get_lines()[0].get_ydata(), np.linspace(0, 1, 5))
    plt.close("all")


def test_a_validation_sweep_asks_other_pairs_than_the_test_and_no_named_cases():
    from grubook.train import SPLITS, held_out_set

    asked = []

    def spy(x):
        asked.append(x.copy())
        return np.zeros(x.shape[:2], dtype=np.uint8)

    sweep = length_sweep(spy, [16], n_random=50, n_hard=100, split="validation")
    assert sweep["split"] == "validation" and sweep["cases"] == {}
    random_x, hard_x = asked
    np.testing.assert_array_equal(random_x, held_out_set(16, 50, "validation")[0])
    hard = set(zip(*decode_operands(hard_x), strict=True))
    assert len(hard) == 100
    assert not hard & set(hard_pairs(16, 100, seed=SPLITS["test"]))
    assert all_exact(sweep) is False  # zeros get the random pairs wrong
    with pytest.raises(ValueError, match="split must be"):
        length_sweep(spy, [16], split="training")
    with pytest.raises(ValueError, match="n_hard must be at most"):
        length_sweep(spy, [8], n_hard=100, split="validation")


# --- holds: the step Jacobian at a held state -------------------------------


def test_step_jacobian_matches_central_differences():
    from grubook.analysis.holds import step_jacobian
    from grubook.reference import gru_step, random_params

    params = random_params(2, 5, rng=3)
    x, h = np.array([1.0, 0.0]), np.random.default_rng(4).uniform(-0.9, 0.9, 5)
    jacobian = step_jacobian(params, x, h)
    eps, numeric = 1e-6, np.zeros((5, 5))
    for j in range(5):
        step = np.zeros(5)
        step[j] = eps
        up = gru_step(x[None], (h + step)[None], params).h[0]
        down = gru_step(x[None], (h - step)[None], params).h[0]
        numeric[:, j] = (up - down) / (2 * eps)
    assert jacobian.shape == (5, 5)
    assert np.abs(jacobian - numeric).max() < 1e-8


def test_without_recurrent_weights_the_jacobian_is_what_the_gate_keeps():
    # U = 0: h_t = (1 - z) h + z tanh(W x + b) with z fixed by the bias,
    # so dh_t / dh_{t-1} = diag(1 - z) exactly.
    from grubook.analysis.holds import hold_contraction, step_jacobian
    from grubook.reference import GRUParams

    units = 3
    bias = np.zeros(9)
    bias[:3] = [-3.0, 0.0, 2.0]  # update gates sigma(-3), 1/2, sigma(2)
    kernel = np.zeros((2, 9))
    kernel[:, 6:] = 1.0  # only the candidate reads the input
    params = GRUParams(kernel, np.zeros((units, 9)), bias)
    keep = 1 - 1 / (1 + np.exp(-bias[:3]))
    jacobian = step_jacobian(params, [1.0, 0.0], np.array([0.3, -0.2, 0.9]))
    assert np.allclose(jacobian, np.diag(keep), atol=1e-12)
    assert hold_contraction(params, 0) == pytest.approx(keep.max())


def test_the_hand_built_adder_contracts_hard_at_both_held_states():
    # Gates pinned open and candidates saturated: an error is forgotten
    # at once, at the carry of 0 and the carry of 1 alike.
    from grubook.analysis import hand_built_adder
    from grubook.analysis.holds import held_state, hold_contraction

    params, _ = hand_built_adder()
    assert held_state(params, 1)[1] > 0.99 > -0.99 > held_state(params, 0)[1]
    assert hold_contraction(params, 0) < 0.01
    assert hold_contraction(params, 1) < 0.01


def test_held_state_refuses_a_carry_other_than_0_or_1():
    from grubook.analysis import hand_built_adder
    from grubook.analysis.holds import held_state, step_jacobian

    params, _ = hand_built_adder()
    with pytest.raises(ValueError, match="carry"):
        held_state(params, 2)
    with pytest.raises(ValueError, match="steps"):
        held_state(params, 0, steps=-1)
    with pytest.raises(ValueError, match=r"and h \(3,\)"):
        step_jacobian(params, [1.0, 0.0], np.zeros(4))


def test_the_hold_column_picks_the_operand_that_holds_the_ones():
    # Weights that read only a: the hold (1, 0) feeds the candidate, the
    # hold (0, 1) does not, so the two held states and their Jacobians differ;
    # U = 0 makes both Jacobians diag(1 - z), with z set by the column.
    from grubook.analysis.holds import held_state, hold_contraction
    from grubook.reference import GRUParams

    kernel = np.zeros((2, 3))
    kernel[0] = [4.0, 0.0, 1.0]  # a opens the update gate and drives h~
    params = GRUParams(kernel, np.zeros((1, 3)), np.array([-2.0, 0.0, 0.0]))
    in_a = held_state(params, 0, steps=3, column=(1, 0))
    in_b = held_state(params, 0, steps=3, column=(0, 1))
    assert in_a[0] > 0.5 and in_b[0] == pytest.approx(0.0, abs=1e-12)
    z_a, z_b = 1 / (1 + np.exp(-2.0)), 1 / (1 + np.exp(2.0))
    assert hold_contraction(params, 0, 3, (1, 0)) == pytest.approx(1 - z_a)
    assert hold_contraction(params, 0, 3, (0, 1)) == pytest.approx(1 - z_b)
    with pytest.raises(ValueError, match="column"):
        held_state(params, 0, column=(1, 1))
