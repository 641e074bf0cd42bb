"""grubook.train, chapter 4's additions: fresh batches, Keras metrics, held-out curves."""

import itertools

import keras
import numpy as np
import pytest
import tensorflow as tf

from grubook.data import addition_batch, decode_operands, from_bits
from grubook.model import build_adder
from grubook.train import (
    adder_metrics,
    bit_accuracy,
    exact_match,
    first_step_at,
    fresh_batches,
    keras_bit_accuracy,
    keras_exact_match,
    train_adder,
)


def test_fresh_batches_are_the_seeds_stream_of_correct_sums():
    batches = list(itertools.islice(fresh_batches(8, 5, seed=3), 3))
    rng = np.random.default_rng(3)
    for x, y in batches:
        expected_x, expected_y = addition_batch(8, 5, rng)
        assert np.array_equal(x, expected_x) and np.array_equal(y, expected_y)
        assert x.shape == (8, 6, 2) and y.shape == (8, 6, 1)
        a, b = decode_operands(x)
        sums = [from_bits(row) for row in y[..., 0].astype(np.uint8)]
        assert sums == [ai + bi for ai, bi in zip(a, b, strict=True)]
    # Fresh: consecutive batches differ.
    assert not np.array_equal(batches[0][0], batches[1][0])


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        ({"batch_size": 0}, ValueError, "batch_size must be an int >= 1"),
        ({"n_bits": 2.0}, TypeError, "n_bits must be an int"),
        ({"seed": -1}, ValueError, "seed must be an int >= 0"),
    ],
)
def test_fresh_batches_check_arguments_when_called(kwargs, error, words):
    with pytest.raises(error, match=words):
        fresh_batches(**kwargs)  # no next(): the check must not wait for the first batch


def _random_predictions(seed):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, size=(40, 7, 1)).astype(np.float32)
    # Mostly right, with a few confident mistakes, so both metrics are strictly between 0 and 1.
    p = np.where(rng.random(y.shape) < 0.97, y, 1 - y) * 0.8 + 0.1
    return y, p.astype(np.float32)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_keras_metrics_agree_with_numpy_ones(seed):
    y, p = _random_predictions(seed)
    per_problem = keras_exact_match(tf.constant(y), tf.constant(p)).numpy()
    assert per_problem.shape == (40,)
    assert np.array_equal(per_problem.astype(bool), exact_match(y, p))
    bits = keras_bit_accuracy(tf.constant(y), tf.constant(p)).numpy()
    assert bits.shape == (40,)
    assert float(bits.mean()) == pytest.approx(bit_accuracy(y, p), abs=1e-6)
    assert 0 < bit_accuracy(y, p) < 1 and 0 < exact_match(y, p).mean() < 1


def test_exact_match_metric_counts_a_single_wrong_bit():
    y = np.zeros((2, 4, 1), dtype=np.float32)
    p = np.full((2, 4, 1), 0.2, dtype=np.float32)
    p[1, 3, 0] = 0.6  # one wrong bit in the second problem
    assert keras_exact_match(y, p).numpy().tolist() == [1.0, 0.0]
    assert keras_bit_accuracy(y, p).numpy().tolist() == [1.0, 0.75]


def test_adder_metrics_average_over_batches_in_evaluate():
    model = build_adder(4, seed=0)
    model.compile(loss="binary_crossentropy", metrics=adder_metrics())
    x, y = addition_batch(48, 6, 11)
    scores = model.evaluate(x, y, batch_size=16, verbose=0, return_dict=True)
    p = keras.ops.convert_to_numpy(model(x))
    assert scores["bit_accuracy"] == pytest.approx(bit_accuracy(y, p), abs=1e-6)
    assert scores["exact_match"] == pytest.approx(float(exact_match(y, p).mean()), abs=1e-6)


def test_first_step_at():
    assert first_step_at([10, 20, 30], [0.2, 1.0, 0.9]) == 20
    assert first_step_at([10, 20], [0.2, 0.5]) is None
    assert first_step_at([10, 20], [0.2, 0.5], target=0.5) == 20
    with pytest.raises(ValueError, match="same length"):
        first_step_at([1, 2], [0.5])


def test_history_records_held_out_loss_and_bit_accuracy_at_each_measurement():
    keras.utils.set_random_seed(0)
    model = build_adder(4, seed=0)
    history = train_adder(model, 20, eval_every=10, eval_bits=6, eval_samples=32, seed=2)
    assert history.eval_steps == [10, 20]
    assert len(history.eval_loss) == len(history.eval_bit_accuracy) == 2
    # The last measurement is of the final model: recompute it independently.
    from grubook.train import held_out_set

    x, y = held_out_set(6, 32)
    p = keras.ops.convert_to_numpy(model(x))
    bce = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    assert history.eval_loss[-1] == pytest.approx(bce, rel=1e-4)
    assert history.eval_bit_accuracy[-1] == pytest.approx(bit_accuracy(y, p))
    assert history.eval_exact[-1] == pytest.approx(float(exact_match(y, p).mean()))


def test_model_fit_on_fresh_batches_matches_train_adder():
    keras.utils.set_random_seed(0)
    by_hand = build_adder(4, seed=0)
    train_adder(by_hand, 10, batch_size=16, n_bits=5, seed=4, eval_samples=8)
    keras.utils.set_random_seed(0)
    fitted = build_adder(4, seed=0)
    fitted.compile(optimizer=keras.optimizers.Adam(1e-2), loss="binary_crossentropy")
    fitted.fit(fresh_batches(16, 5, seed=4), steps_per_epoch=5, epochs=2, shuffle=False,
               verbose=0)
    for a, b in zip(by_hand.get_weights(), fitted.get_weights(), strict=True):
        assert np.allclose(a, b, atol=1e-5)


def test_progress_bar_writes_text_to_stdout(capsys):
    train_adder(build_adder(2, seed=0), 3, eval_every=3, eval_samples=4, progress=True)
    captured = capsys.readouterr()
    assert "training" in captured.out and "3/3" in captured.out
    assert "IProgress" not in captured.err
