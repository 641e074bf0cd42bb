"""Running a version once: its forward pass, a training step, and the check.

:func:`make_runner` turns a version into a function of ``(x, y)`` that runs
it once, as it will be timed; :func:`check_variants` proves every version
computes the same outputs and gradients as the eager loop over the book's
cell before any is timed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import contextmanager

import keras
import numpy as np
import tensorflow as tf

from grubook.bench.variants import (
    MODELS,
    MODES,
    VARIANT_SPECS,
    VARIANTS,
    Variant,
    _check_variants,
    _reference_model,
    timed_at,
)
from grubook.cell import GRUParams
from grubook.data import addition_batch
from grubook.reference import flip_update_gate


@contextmanager
def quiet_retracing():
    """Silence TensorFlow's retracing warning, which the harness triggers on purpose.

    Each variant, shape and mode gets its own new ``tf.function`` (built
    from the same Python code), and TensorFlow counts their first traces
    together as if one function were retraced too often.
    """
    logger = tf.get_logger()
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def problems(batch: int, steps: int, seed: int = 0):
    """Random addition problems of exactly ``steps`` steps: ``x`` (B, T, 2), ``y`` (B, T, 1)."""
    x, y = addition_batch(batch, max(steps - 1, 1), seed)
    return x[:, :steps], y[:, :steps]



def loop_sequence(cell, inputs):
    """All states (B, T, H) of ``cell`` over ``inputs`` (B, T, D), from 0.

    A plain Python loop over the time steps. Eagerly it runs step by step;
    inside ``tf.function`` AutoGraph turns the ``tf.range`` loop into a
    ``tf.while_loop`` and the ``TensorArray`` into the loop's output buffer.
    """
    steps = tf.shape(inputs)[1]
    h = tf.zeros((tf.shape(inputs)[0], cell.units), dtype=inputs.dtype)
    states = tf.TensorArray(inputs.dtype, size=steps)
    for t in tf.range(steps):
        h, _ = cell(inputs[:, t], [h])
        states = states.write(t, h)
    return tf.transpose(states.stack(), (1, 0, 2))



def _forward_function(
    spec: Variant, models: dict, training: bool = True
) -> Callable:
    """``x (B, T, 2) -> probabilities (B, T, 1)`` as ``spec`` says, not yet compiled."""
    model = models[spec.model]
    if spec.loop:
        cell, readout = model.get_layer("gru").cell, model.get_layer("readout")
        return lambda x: readout(loop_sequence(cell, x))
    return lambda x: model(x, training=training)


def _loss_and_gradients(forward: Callable, variables, x, y):
    """The outputs ``(B, T, 1)``, the loss and its gradients for ``variables``.

    The loss is the mean binary cross-entropy of ``forward(x)`` against
    ``y`` ``(B, T, 1)``; the gradients are in the order of ``variables``.
    """
    with tf.GradientTape() as tape:
        probabilities = forward(x)
        loss = tf.reduce_mean(keras.losses.binary_crossentropy(y, probabilities))
    return probabilities, loss, tape.gradient(loss, variables)


def training_step(forward: Callable, variables, optimizer) -> Callable:
    """A function ``step(x (B, T, 2), y (B, T, 1)) -> loss`` taking one training step.

    ``forward`` maps ``x`` to probabilities ``(B, T, 1)``; the step takes
    the gradients of their mean binary cross-entropy against ``y`` for
    ``variables`` and has ``optimizer`` apply them. Not compiled.
    """

    def step(x, y):
        _, loss, gradients = _loss_and_gradients(forward, variables, x, y)
        optimizer.apply_gradients(zip(gradients, variables, strict=True))
        return loss

    return step


def make_runner(
    variant: str, mode: str, models: dict, learning_rate: float = 1e-3
) -> Callable:
    """A function ``(x (B, T, 2), y (B, T, 1)) -> tensor`` running ``variant`` once.

    ``mode="forward"`` returns the outputs ``(B, T, 1)`` (inference,
    ``training=False``); ``mode="train"``
    takes one Adam step on the binary cross-entropy and returns the loss
    (the readout, loss, gradient and update are the same for every variant).
    Compiled as the variant says: eagerly, ``tf.function``, or XLA.
    """
    _check_variants([variant])
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    forward = _forward_function(VARIANT_SPECS[variant], models, training=mode == "train")
    variables = models[VARIANT_SPECS[variant].model].trainable_variables
    if mode == "forward":
        function = forward
    else:
        function = training_step(forward, variables, keras.optimizers.Adam(learning_rate))

    runtime = VARIANT_SPECS[variant].runtime
    if runtime == "eager":
        run = function
    else:
        run = tf.function(function, jit_compile=runtime == "xla")
    if mode == "forward":
        return lambda x, y: run(x)
    return run


def outputs_and_gradients(spec: Variant, models: dict, x, y) -> list[np.ndarray]:
    """The outputs ``(B, T, 1)`` and the loss's gradients, in the book's convention.

    Keras's gradients of the z-block are sign-flipped back, as its weights are.
    """
    forward = _forward_function(spec, models)
    variables = models[spec.model].trainable_variables

    def compute(x, y):
        probabilities, _, gradients = _loss_and_gradients(forward, variables, x, y)
        return probabilities, gradients

    if spec.runtime != "eager":
        compute = tf.function(compute, jit_compile=spec.runtime == "xla")
    with quiet_retracing():
        probabilities, gradients = compute(x, y)
    gradients = [g.numpy() for g in gradients]
    if MODELS[spec.model][0] == "keras":  # back to the book's convention
        gradients[:3] = flip_update_gate(GRUParams(*gradients[:3]))
    return [probabilities.numpy(), *gradients]


def check_variants(
    models: dict, x, y, variants=VARIANTS, atol: float = 1e-5
) -> float:
    """Prove the variants compute the same thing before they are timed.

    Every variant's outputs on ``x`` ``(B, T, 2)`` and its gradients of the
    loss against ``y`` ``(B, T, 1)`` (Keras's with the z-block sign flipped
    back to the book's convention) must match those of the eager loop over
    the book's cell in the same convention (reset before or after the
    product) within ``atol``. Variants that unroll are checked only if
    ``x`` is short enough for them to be timed. Returns the largest
    difference; raises ``AssertionError`` if it exceeds ``atol``.
    """
    variants = _check_variants(variants)
    x, y = tf.constant(x), tf.constant(y)
    references, worst = {}, 0.0
    for variant in timed_at(variants, x.shape[1], eager_max_steps=x.shape[1]):
        spec = VARIANT_SPECS[variant]
        reference = _reference_model(spec.model)
        if reference not in references:
            loop = Variant(reference, "eager", loop=True)
            references[reference] = outputs_and_gradients(loop, models, x, y)
        got = outputs_and_gradients(spec, models, x, y)
        for a, b in zip(got, references[reference], strict=True):
            worst = max(worst, float(np.max(np.abs(a - b))))
    if worst > atol:
        raise AssertionError(
            f"the variants differ by {worst:.2e}, more than atol={atol:g}"
        )
    return worst

