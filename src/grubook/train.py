"""Training the adder and measuring it honestly.

Three disjoint sets of problems:

- *training* problems, a fresh random batch of ``n_bits``-bit pairs at every
  step, from the run's own seed;
- a *validation* set, used for every decision: ``train_adder`` measures
  exact-match accuracy on it every ``eval_every`` steps, and stops on it;
- a *test* set, used only to report: no training run ever reads it.

``held_out_set(n_bits, n_samples, split)`` draws the validation and test
sets from two fixed seeds of their own, and the test set never holds a
validation pair. Both are usually *wider* (32 bits by default) than
anything trained on, so memorising training pairs cannot help; two random
32-bit pairs coincide with probability 2**-64. At narrow widths "held out"
is not "unseen": 2,000 training steps of 64 random 8-bit pairs draw most
of the 65,536 pairs there are.

Run ``python -m grubook.train --seeds 0-9`` for the robustness benchmark: steps
to 100 % exact-match on the validation 32-bit pairs for each seed, their median and
the wall time.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass, field

import keras
import numpy as np
import tensorflow as tf

from grubook._checks import as_rng, check_int, check_positive_int, check_real
from grubook._cli import seed_range
from grubook.data import addition_batch, answer_steps, with_pauses
from grubook.heldout import (
    DISJOINT_BITS,
    SPLITS,
    VALIDATION_LIMIT,
    held_out_set,
    operand_pairs,
)

__all__ = [
    "DEFAULT_LEARNING_RATE",
    "TrainingHistory",
    "exact_match",
    "bit_accuracy",
    "evaluate",
    "SPLITS",
    "VALIDATION_LIMIT",
    "DISJOINT_BITS",
    "held_out_set",
    "exact_count",
    "operand_pairs",
    "train_adder",
    "make_train_step",
    "fresh_batches",
    "first_step_at",
    "keras_bit_accuracy",
    "keras_exact_match",
    "adder_metrics",
]

DEFAULT_LEARNING_RATE = 1e-2


@dataclass
class TrainingHistory:
    """What ``train_adder`` measured.

    ``loss`` has one entry per training step; ``eval_steps`` and
    ``eval_exact`` hold the step numbers (1-based) at which exact-match
    accuracy on the *validation* set was measured and its values;
    ``eval_loss`` and ``eval_bit_accuracy`` hold the validation loss and
    per-bit accuracy measured at the same steps. ``trained_pairs`` holds
    the distinct operand pairs ``(a, b)`` trained on, when asked for.
    """

    loss: list[float] = field(default_factory=list)
    eval_steps: list[int] = field(default_factory=list)
    eval_exact: list[float] = field(default_factory=list)
    seconds: float = 0.0
    first_step_seconds: float = 0.0
    eval_loss: list[float] = field(default_factory=list)
    eval_bit_accuracy: list[float] = field(default_factory=list)
    trained_pairs: set[tuple[int, int]] = field(default_factory=set)

    @property
    def steps_to_exact(self) -> int | None:
        """The first measured step with 100 % validation exact-match, or None."""
        return first_step_at(self.eval_steps, self.eval_exact)


def first_step_at(steps, values, target: float = 1.0) -> int | None:
    """The first of ``steps`` whose ``values`` entry is ``>= target``, or None.

    ``steps`` and ``values`` are sequences of the same length, e.g. the
    evaluation steps and validation exact-match accuracies of a run.
    """
    if len(steps) != len(values):
        raise ValueError(
            "steps and values must have the same length, "
            f"got {len(steps)} and {len(values)}"
        )
    for step, value in zip(steps, values, strict=True):
        if value >= target:
            return int(step)
    return None


def exact_match(y_true, y_prob) -> np.ndarray:
    """Per problem, whether every bit is right: bool ``(B,)``.

    ``y_true`` and ``y_prob`` are ``(B, T, 1)`` arrays.
    """
    correct = (np.asarray(y_prob) > 0.5) == (np.asarray(y_true) > 0.5)
    return correct.all(axis=(1, 2))


def bit_accuracy(y_true, y_prob) -> float:
    """The fraction of bits that are right, over ``(B, T, 1)`` arrays."""
    return float(
        np.mean((np.asarray(y_prob) > 0.5) == (np.asarray(y_true) > 0.5))
    )


def exact_count(
    model: keras.Model,
    n_bits: int = 32,
    n_samples: int = 1000,
    split: str = "test",
) -> int:
    """How many of ``held_out_set(n_bits, n_samples, split)`` are exact.

    A problem counts only if every bit of the sum, carry-out included, is
    right. Returns an int in [0, n_samples].
    """
    x, y = held_out_set(n_bits, n_samples, split)
    # A direct call, not predict_on_batch: that traces a new tf.function
    # per model, and TensorFlow warns about the retracing when many models
    # are built.
    probabilities = keras.ops.convert_to_numpy(model(x, training=False))
    return int(exact_match(y, probabilities).sum())


def evaluate(
    model: keras.Model,
    n_bits: int = 32,
    n_samples: int = 1000,
    split: str = "test",
) -> float:
    """Exact-match accuracy on ``held_out_set(n_bits, n_samples, split)``.

    The fraction :func:`exact_count` / ``n_samples``, a float in [0, 1].
    """
    return exact_count(model, n_bits, n_samples, split) / n_samples


def keras_exact_match(y_true, y_prob):
    """Per problem, 1.0 if exact, else 0.0: ``(B, T, 1)`` tensors -> ``(B,)``.

    The TensorFlow twin of :func:`exact_match`, usable as a Keras metric.
    """
    correct = tf.equal(y_prob > 0.5, y_true > 0.5)
    return tf.cast(tf.reduce_all(correct, axis=[1, 2]), tf.float32)


def keras_bit_accuracy(y_true, y_prob):
    """Fraction of right bits per problem: ``(B, T, 1)`` tensors -> ``(B,)``.

    Every problem in a batch has the same ``T``, so the mean over problems is
    the fraction of all bits that are right, as :func:`bit_accuracy` computes.
    """
    correct = tf.cast(tf.equal(y_prob > 0.5, y_true > 0.5), tf.float32)
    return tf.reduce_mean(correct, axis=[1, 2])


def adder_metrics() -> list:
    """Fresh metrics ``bit_accuracy``, ``exact_match`` for ``model.compile``."""
    return [
        keras.metrics.MeanMetricWrapper(
            keras_bit_accuracy, name="bit_accuracy"
        ),
        keras.metrics.MeanMetricWrapper(keras_exact_match, name="exact_match"),
    ]


def fresh_batches(batch_size: int = 64, n_bits: int = 8, seed: int = 0):
    """An endless generator of fresh random problems, ``(x, y)`` per batch.

    ``x`` float32 ``(batch_size, n_bits + 1, 2)``, ``y`` float32
    ``(batch_size, n_bits + 1, 1)``, drawn by :func:`addition_batch` from
    ``seed``'s random stream: the batches ``train_adder`` trains on, in the
    same order, so ``model.fit`` can be given exactly the same data.
    """
    batch_size = check_positive_int(batch_size, "batch_size")
    n_bits = check_positive_int(n_bits, "n_bits")
    rng = as_rng(check_int(seed, "seed", minimum=0), "seed")

    def generate():
        while True:
            yield addition_batch(batch_size, n_bits, rng)

    return generate()


def make_train_step(model: keras.Model, optimizer, loss_fn, pause: int = 0):
    """A compiled training step: ``(x (B, T, 2), y (B, T, 1)) -> loss``.

    With ``pause`` > 0, ``x`` is ``with_pauses(columns, pause)``
    ``(B, T * (pause + 1), 3)`` and the loss reads the column steps only.
    """
    pause = check_int(pause, "pause", minimum=0)

    @tf.function
    def train_step(x, y):
        with tf.GradientTape() as tape:
            outputs = answer_steps(model(x, training=True), pause)
            loss = tf.reduce_mean(loss_fn(y, outputs))
        gradients = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(
            zip(gradients, model.trainable_variables, strict=True)
        )
        return loss

    return train_step


def _progress_bar(steps: int, progress: bool | None):
    """A text tqdm bar on stdout when asked, else None.

    A text bar (not ``tqdm.auto``) works the same in terminals and in notebooks
    with or without ``ipywidgets``, and its stored output is plain text.
    """
    if not progress:
        return None
    import sys

    from tqdm import tqdm

    return tqdm(total=steps, desc="training", unit="step", file=sys.stdout)


def _check_pause(model: keras.Model, pause) -> int:
    """``pause`` (an int >= 0), checked against the model's input channels (3 if paused, else 2)."""
    pause = check_int(pause, "pause", minimum=0)
    needed, channels = (3 if pause else 2), model.input_shape[-1]
    if channels != needed:
        raise ValueError(
            f"pause={pause} needs a model with {needed} input channels "
            f"(build_adder(n_inputs={needed})), got {channels}"
        )
    return pause


def _schedule(learning_rate, final_learning_rate, steps: int):
    """Adam's rate: constant, or a cosine from ``learning_rate`` to ``final_learning_rate``."""
    learning_rate = check_real(learning_rate, "learning_rate", low=0, low_open=True)
    if final_learning_rate is None:
        return learning_rate
    final_learning_rate = check_real(
        final_learning_rate, "final_learning_rate", low=0, high=learning_rate, low_open=True
    )
    return keras.optimizers.schedules.CosineDecay(
        learning_rate, steps, alpha=final_learning_rate / learning_rate
    )


def _record_validation(history: TrainingHistory, step: int, y_prob, y_held, loss_fn) -> None:
    """Append the validation scores of ``y_prob`` ``(N, T, 1)`` against ``y_held`` at ``step``."""
    history.eval_steps.append(step)
    history.eval_exact.append(float(exact_match(y_held, y_prob).mean()))
    history.eval_loss.append(float(tf.reduce_mean(loss_fn(y_held, y_prob))))
    history.eval_bit_accuracy.append(bit_accuracy(y_held, y_prob))


def train_adder(
    model: keras.Model,
    steps: int,
    batch_size: int = 64,
    n_bits: int = 8,
    learning_rate: float = DEFAULT_LEARNING_RATE,
    seed: int = 0,
    eval_every: int = 25,
    eval_bits: int = 32,
    eval_samples: int = 256,
    stop_at_exact: bool = False,
    loss: str | keras.losses.Loss = "binary_crossentropy",
    progress: bool = False,
    final_learning_rate: float | None = None,
    record_pairs: bool = False,
    pause: int = 0,
) -> TrainingHistory:
    """Train ``model`` with Adam on fresh ``n_bits``-bit problems at each step.

    Every ``eval_every`` steps (and after the last) exact-match accuracy on
    the *validation* set, ``held_out_set(eval_bits, eval_samples)``, is
    recorded. With ``stop_at_exact`` training ends at the first 100 %
    measurement. The training problems come from ``seed``'s random stream;
    the test set is never read. ``record_pairs`` keeps every distinct
    operand pair trained on in ``history.trained_pairs``. Returns a
    :class:`TrainingHistory`.

    ``final_learning_rate`` (optional, added for chapter 5): when given, the
    learning rate decays from ``learning_rate`` to it along a cosine over
    ``steps`` steps; None (the default) keeps it constant.
    """
    steps = check_positive_int(steps, "steps")
    pause = _check_pause(model, pause)
    batches = fresh_batches(check_positive_int(batch_size, "batch_size"),
                            check_positive_int(n_bits, "n_bits"), seed)
    eval_every = check_positive_int(eval_every, "eval_every")
    x_held, y_held = held_out_set(
        check_positive_int(eval_bits, "eval_bits"),
        check_positive_int(eval_samples, "eval_samples"),
        "validation",
    )
    learning_rate = _schedule(learning_rate, final_learning_rate, steps)
    optimizer = keras.optimizers.Adam(learning_rate)
    loss_fn = keras.losses.get(loss)
    train_step = make_train_step(model, optimizer, loss_fn, pause)
    if pause:
        x_held = with_pauses(x_held, pause)
    predict = tf.function(
        lambda x: answer_steps(model(x, training=False), pause)
    )
    history = TrainingHistory()
    bar = _progress_bar(steps, progress)
    start = time.perf_counter()
    for step in range(1, steps + 1):
        x, y = next(batches)
        if record_pairs:
            history.trained_pairs |= operand_pairs(x)
        if pause:
            x = with_pauses(x, pause)
        history.loss.append(float(train_step(x, y)))
        if step == 1:
            history.first_step_seconds = time.perf_counter() - start
        if step % eval_every == 0 or step == steps:
            _record_validation(history, step, predict(x_held), y_held, loss_fn)
        if bar is not None:
            bar.update(1)
            bar.set_postfix(loss=f"{history.loss[-1]:.4f}")
        if stop_at_exact and history.steps_to_exact is not None:
            break
    history.seconds = time.perf_counter() - start
    if bar is not None:
        bar.close()
    return history


def main(argv=None) -> None:
    """Print steps to 100 % validation exact-match for several seeds of the
    default recipe.
    """
    parser = argparse.ArgumentParser(prog="python -m grubook.train", description=main.__doc__)
    parser.add_argument("--seeds", type=seed_range, default=list(range(10)),
                        help="a seed or a range of seeds such as 0-9 (the default)")
    parser.add_argument("--steps", type=int, default=1000, help="the most steps per seed")
    parser.add_argument("--units", type=int, default=16)
    parser.add_argument("--learning-rate", type=float, default=DEFAULT_LEARNING_RATE)
    parser.add_argument("--cell", default="custom", help="custom or keras")
    args = parser.parse_args(argv)
    from grubook.model import build_adder

    tf.config.experimental.enable_op_determinism()
    start, reached = time.perf_counter(), []
    print(f"{'seed':>4}  {'steps to 100%':>13}  {'final loss':>10}  {'seconds':>7}")
    for seed in args.seeds:
        keras.utils.set_random_seed(seed)
        model = build_adder(args.units, cell=args.cell, seed=seed)
        history = train_adder(model, args.steps, learning_rate=args.learning_rate, seed=seed,
                              stop_at_exact=True)
        reached.append(history.steps_to_exact)
        shown = history.steps_to_exact or "never"
        print(f"{seed:>4}  {shown:>13}  {history.loss[-1]:>10.4f}  {history.seconds:>7.1f}")
    converged = [s for s in reached if s is not None]
    median = float(np.median(converged)) if converged else float("nan")
    print(f"converged: {len(converged)} of {len(reached)} seeds; median steps {median:g}; "
          f"slowest {max(converged, default=0)}; wall time {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
