"""The per-call floor study's pieces (grubook.bench floor): problems drawn in the
graph, many training steps per call, and the line fitted to times."""

import dataclasses
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
import tensorflow as tf  # noqa: E402

from grubook import bench  # noqa: E402
from grubook.bench import floor  # noqa: E402
from grubook.data import targets_for  # noqa: E402
from grubook.model import build_adder  # noqa: E402


def _seed(a, b):
    return tf.constant([a, b], tf.int64)


def test_in_graph_problems_are_addition_problems_with_their_sums():
    x, y = floor.in_graph_problems(32, 20, _seed(3, 4))
    x, y = x.numpy(), y.numpy()
    assert x.shape == (32, 21, 2) and y.shape == (32, 21, 1)
    assert set(np.unique(x)) == {0.0, 1.0}
    np.testing.assert_array_equal(x[:, -1], 0.0)
    np.testing.assert_array_equal(y, targets_for(x))
    # the sums reach the last bit: some carry out of the top operand bit
    assert y[:, -1].any()


def test_in_graph_problems_follow_their_seed():
    first = floor.in_graph_problems(8, 10, _seed(0, 1))[0].numpy()
    again = floor.in_graph_problems(8, 10, _seed(0, 1))[0].numpy()
    other = floor.in_graph_problems(8, 10, _seed(0, 2))[0].numpy()
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)


def test_the_longest_in_graph_operands_still_add_exactly():
    n = floor.MAX_IN_GRAPH_BITS
    x, y = floor.in_graph_problems(64, n, _seed(5, 6))
    np.testing.assert_array_equal(y.numpy(), targets_for(x.numpy()))


@pytest.mark.parametrize(
    "batch, n_bits, error, words",
    [(0, 8, ValueError, "batch"), (4, 0, ValueError, "n_bits"),
     (4, floor.MAX_IN_GRAPH_BITS + 1, ValueError, "at most 62"),
     (4, 8.0, TypeError, "n_bits")],
)
def test_in_graph_problems_refuse_bad_sizes(batch, n_bits, error, words):
    with pytest.raises(error, match=words):
        floor.in_graph_problems(batch, n_bits, _seed(0, 0))


def _weights(model):
    return [v.numpy() for v in model.trainable_variables]


def test_k_steps_in_one_call_are_the_k_steps_taken_one_by_one():
    """The in-graph loop takes the same Adam steps on the problems of seeds (7, 0), (7, 1), ..."""
    k, batch, n_bits = 3, 16, 5
    looped = build_adder(4, seed=1)
    floor.make_in_graph_trainer(looped, k, batch, n_bits, jit_compile=False, seed=7)()
    stepped = build_adder(4, seed=1)
    step = bench.training_step(lambda x: stepped(x, training=True),
                               stepped.trainable_variables, tf.keras.optimizers.Adam(1e-3))
    for n in range(k):
        step(*floor.in_graph_problems(batch, n_bits, _seed(7, n)))
    for got, want in zip(_weights(looped), _weights(stepped), strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    assert not np.allclose(_weights(looped)[0], _weights(build_adder(4, seed=1))[0])


def test_a_second_call_draws_new_problems():
    trainer = floor.make_in_graph_trainer(build_adder(4, seed=1), 1, 16, 5, jit_compile=False)
    assert float(trainer()) != float(trainer())


def test_fit_runner_takes_one_step_per_batch_and_refuses_a_ragged_epoch():
    model = build_adder(4, seed=1)
    x, y = bench.problems(6 * 8, 9)
    floor.make_fit_runner(model, 4, x, y, batch=8)()
    assert int(model.optimizer.iterations) == 6
    with pytest.raises(ValueError, match="multiple of batch=8"):
        floor.make_fit_runner(model, 4, x[:-1], y[:-1], batch=8)
    with pytest.raises(ValueError, match="steps_per_execution"):
        floor.make_fit_runner(model, 0, x, y, batch=8)


def test_row_names():
    assert floor.row_name("fit", "Keras GRU + XLA", 16) == "fit: Keras GRU + XLA, k=16"
    assert floor.row_name("lengths", "fused") == "lengths: fused"


def test_fit_line_recovers_a_line():
    steps = np.array(floor.LENGTHS)
    assert floor.fit_line(steps, 0.5 + 0.25 * steps) == pytest.approx((0.5, 0.25))


def _rows(intercepts, slopes, lengths=floor.LENGTHS):
    records = [{"batch": 64, "steps": t, "mode": "train", "variant": "v",
                "seconds": [a + b * t for a, b in zip(intercepts, slopes, strict=True)]}
               for t in lengths]
    return bench.rows_from_json(records)


def test_line_spread_fits_each_round_on_its_own():
    spread = floor.line_spread(_rows([1.0, 2.0, 3.0], [0.1, 0.2, 0.3]), "v")
    np.testing.assert_allclose(spread["intercept"], [1.0, 2.0, 3.0])
    np.testing.assert_allclose(spread["slope"], [0.1, 0.2, 0.3])


def test_line_spread_leaves_out_the_lengths_it_is_not_given():
    rows = _rows([1.0], [0.1])
    bent = [dataclasses.replace(r, seconds=[9.0]) if r.steps == 32 else r for r in rows]
    assert floor.line_spread(bent, "v")["intercept"] == pytest.approx([1.0])
    assert floor.line_spread(bent, "v", floor.LENGTHS)["intercept"] != pytest.approx([1.0])


def test_line_spread_needs_every_length():
    with pytest.raises(KeyError, match="every length"):
        floor.line_spread(_rows([1.0], [0.1], floor.FIT_LENGTHS[1:]), "v")
    with pytest.raises(KeyError, match="every length"):
        floor.line_spread(_rows([1.0], [0.1]), "w")


def test_steps_per_second_is_the_inverse_median():
    rows = bench.rows_from_json([{"batch": 64, "steps": 9, "mode": "per_call",
                                  "variant": "fit: x, k=1", "seconds": [0.1, 0.2, 0.4]}])
    assert floor.steps_per_second(rows, "fit: x, k=1") == pytest.approx(5.0)


def _study_rows():
    """Rows shaped as the study's: two rounds of lines a + b T, per-call and empty rows."""
    records = []
    for i, variant in enumerate(floor.FLOOR_VARIANTS):
        for t in floor.LENGTHS:
            records.append({"batch": 64, "steps": t, "mode": "train", "variant": variant,
                            "seconds": [1e-3 * (1 + i + 0.1 * t), 1e-3 * (1 + i + 0.2 * t)]})
    for name in floor.EMPTY_CALLS:
        records.append({"batch": 64, "steps": 9, "mode": "train", "variant": name,
                        "seconds": [4e-4, 6e-4]})
    for k in (1, 8):
        records.append({"batch": 64, "steps": 9, "mode": "per_call",
                        "variant": floor.row_name("in-graph", "fused + XLA", k),
                        "seconds": [1e-3 / k, 1e-3 / k]})
    return bench.rows_from_json(records)


def test_figure_series_holds_the_lines_empty_calls_and_per_call_times():
    lines, empty, per_call = floor.figure_series(_study_rows())
    assert list(lines) == list(floor.FLOOR_VARIANTS)
    second = lines[floor.FLOOR_VARIANTS[1]]  # 2 + 0.1 T and 2 + 0.2 T ms
    assert second["steps"] == list(floor.LENGTHS)
    np.testing.assert_allclose(second["ms"], [2 + 0.15 * t for t in floor.LENGTHS])
    assert second["intercept"] == pytest.approx(2.0)
    assert second["slope"] == pytest.approx(0.15)
    assert second["fitted_to"] == max(floor.FIT_LENGTHS)
    assert empty == {name: pytest.approx(0.5) for name in floor.EMPTY_CALLS}
    assert list(per_call) == [("in-graph", "fused + XLA")]
    ks, ms = per_call[("in-graph", "fused + XLA")]
    assert ks == [1, 8] and ms == pytest.approx([1.0, 1 / 8])
