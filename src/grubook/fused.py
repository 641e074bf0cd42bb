"""A fast GRU layer: the book's cell with the parallel work taken out of the loop.

The recurrence ``h_t = f(h_{t-1}, x_t)`` is inherently sequential, but most
of a GRU step is not. :func:`fused_gru_sequence` therefore

1. computes the input projections of *all* time steps, ``x @ W + b``, in one
   matrix product before the loop (``(B·T, D) @ (D, 3H)``);
2. in the loop, multiplies the state by the update and reset blocks of the
   recurrent kernel in one product (``h @ U[:, :2H]``) and applies one
   sigmoid to both gates, then does the candidate's product
   ``(r * h) @ U_h`` (``reset_after=False``) or uses the third block of one
   fused product ``h @ U`` (``reset_after=True``);
3. runs the loop either unrolled (a Python loop over a static number of
   steps, best for short sequences) or as a ``tf.while_loop`` over
   time-major tensors (best for long ones).

It uses the book's convention (old state kept with weight ``1 - z``) and
Keras's weight layout, so ``grubook.cell.get_params``, ``set_params`` and
``copy_weights_from_keras`` work on :class:`FusedGRU` as on the book's cell.
Shapes, for a batch of ``B`` sequences of ``T`` steps::

    inputs            (B, T, D)
    outputs           (B, T, H)    the state after every step
    kernel            (D, 3H)      blocks z, r, h
    recurrent_kernel  (H, 3H)      blocks z, r, h
    bias              (3H,)        or (2, 3H) with reset_after=True
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

from grubook._checks import check_positive_int

__all__ = ["DEFAULT_UNROLL_LIMIT", "FusedGRU", "fused_gru_sequence", "should_unroll"]

DEFAULT_UNROLL_LIMIT = 32
"""Sequences with at most this many (static) steps are unrolled by default."""


def should_unroll(steps, unroll) -> bool:
    """Whether to unroll a loop of ``steps`` steps (an int, or None when unknown).

    ``unroll`` is True, False, or ``"auto"``: unroll when the number of steps
    is known when tracing and at most :data:`DEFAULT_UNROLL_LIMIT`.
    """
    if unroll == "auto":
        return steps is not None and steps <= DEFAULT_UNROLL_LIMIT
    if isinstance(unroll, (bool, np.bool_)):
        if unroll and steps is None:
            raise ValueError("unroll=True needs a number of time steps known when tracing")
        return bool(unroll)
    raise ValueError(f"unroll must be True, False or 'auto', got {unroll!r}")


def _split_biases(bias, units: int, reset_after: bool):
    """Bias added to all input projections ``(3H,)`` and the one kept in the loop ``(H,)``.

    With ``reset_after=True`` the recurrent biases of z and r are outside the
    reset gate, so they join the input bias; only the candidate's recurrent
    bias must stay inside ``r * (h @ U_h + b)``.
    """
    if not reset_after:
        return bias, None
    recurrent_zr = tf.concat([bias[1, : 2 * units], tf.zeros_like(bias[1, 2 * units :])], 0)
    return bias[0] + recurrent_zr, bias[1, 2 * units :]


def _step(x_proj, h, u_zr, u_h, candidate_bias):
    """One step: ``x_proj`` ``(B, 3H)`` (the precomputed input projection), ``h`` ``(B, H)``.

    ``u_zr`` ``(H, 2H)`` and ``u_h`` ``(H, H)`` are the blocks of the
    recurrent kernel. With ``candidate_bias=None`` (``reset_after=False``)
    the candidate uses ``(r * h) @ u_h``, else ``r * (h @ u_h + candidate_bias)``.
    """
    units = u_h.shape[0]
    x_zr, x_h = tf.split(x_proj, [2 * units, units], axis=1)
    if candidate_bias is None:
        z, r = tf.split(tf.sigmoid(x_zr + tf.matmul(h, u_zr)), 2, axis=1)
        h_tilde = tf.tanh(x_h + tf.matmul(r * h, u_h))
    else:
        h_zr, h_h = tf.split(tf.matmul(h, tf.concat([u_zr, u_h], axis=1)), [2 * units, units], 1)
        z, r = tf.split(tf.sigmoid(x_zr + h_zr), 2, axis=1)
        h_tilde = tf.tanh(x_h + r * (h_h + candidate_bias))
    return h + z * (h_tilde - h)  # = (1 - z) * h + z * h_tilde


def fused_gru_sequence(
    inputs, h0, kernel, recurrent_kernel, bias, *, reset_after: bool = False, unroll="auto"
):
    """All states of the book's GRU over ``inputs`` ``(B, T, D)`` from ``h0`` ``(B, H)``.

    Weights in Keras's layout (see the module docstring). Returns ``(B, T, H)``;
    ``[:, t]`` is the state after reading ``inputs[:, t]``. ``unroll`` is
    True, False or ``"auto"`` (see :func:`should_unroll`).
    """
    inputs = tf.convert_to_tensor(inputs)
    if inputs.shape.rank != 3:
        raise ValueError(f"inputs must have rank 3 (batch, time, input_dim), got {inputs.shape}")
    units = recurrent_kernel.shape[0]
    input_bias, candidate_bias = _split_biases(bias, units, reset_after)
    u_zr, u_h = tf.split(recurrent_kernel, [2 * units, units], axis=1)

    def step(h, x_proj_t):
        return _step(x_proj_t, h, u_zr, u_h, candidate_bias)

    if should_unroll(inputs.shape[1], unroll):
        x_proj = tf.matmul(inputs, kernel) + input_bias  # (B, T, 3H): one product
        h, states = h0, []
        for x_proj_t in tf.unstack(x_proj, axis=1):  # its gradient is one stack
            h = step(h, x_proj_t)
            states.append(h)
        return tf.stack(states, axis=1)
    x_proj = tf.matmul(tf.transpose(inputs, (1, 0, 2)), kernel) + input_bias  # (T, B, 3H)
    return tf.transpose(tf.scan(step, x_proj, h0), (1, 0, 2))


@keras.saving.register_keras_serializable(package="grubook")
class FusedGRU(keras.layers.Layer):
    """The book's GRU as one fast layer: ``(B, T, D)`` -> all states ``(B, T, H)``.

    Computes what ``keras.layers.RNN(GRUCell(units), return_sequences=True)``
    computes, from the same weights (``kernel``, ``recurrent_kernel``,
    ``bias``), with :func:`fused_gru_sequence`.

    Args:
        units: H, the size of the hidden state (an int >= 1).
        reset_after: as in ``grubook.cell.GRUCell``.
        unroll: True, False or ``"auto"`` (unroll static sequences of at most
            :data:`DEFAULT_UNROLL_LIMIT` steps).
        jit_compile: compile the layer's computation (and its gradient) with
            XLA, even inside a ``tf.function`` that is not compiled.
        kernel_initializer, recurrent_initializer, bias_initializer: Keras
            initializers, as in ``keras.layers.GRU``.
    """

    def __init__(
        self,
        units: int,
        reset_after: bool = False,
        unroll="auto",
        jit_compile: bool = False,
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
        **kwargs,
    ):
        super().__init__(**kwargs)
        for value, name in ((reset_after, "reset_after"), (jit_compile, "jit_compile")):
            if not isinstance(value, (bool, np.bool_)):
                raise TypeError(f"{name} must be True or False, got {value!r}")
        should_unroll(1, unroll)  # validates unroll
        self.units = check_positive_int(units, "units")
        self.reset_after = bool(reset_after)
        self.unroll = unroll
        self.jit_compile = bool(jit_compile)
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.recurrent_initializer = keras.initializers.get(recurrent_initializer)
        self.bias_initializer = keras.initializers.get(bias_initializer)
        self._sequence = tf.function(
            self._run, jit_compile=True, reduce_retracing=True
        ) if self.jit_compile else self._run

    def build(self, input_shape):
        """Create ``kernel`` (D, 3H), ``recurrent_kernel`` (H, 3H) and ``bias``."""
        input_dim = input_shape[-1]
        self.kernel = self.add_weight(
            shape=(input_dim, 3 * self.units), initializer=self.kernel_initializer, name="kernel"
        )
        self.recurrent_kernel = self.add_weight(
            shape=(self.units, 3 * self.units),
            initializer=self.recurrent_initializer,
            name="recurrent_kernel",
        )
        bias_shape = (2, 3 * self.units) if self.reset_after else (3 * self.units,)
        self.bias = self.add_weight(
            shape=bias_shape, initializer=self.bias_initializer, name="bias"
        )

    def _run(self, inputs, kernel, recurrent_kernel, bias):
        h0 = tf.zeros((tf.shape(inputs)[0], self.units), dtype=inputs.dtype)
        return fused_gru_sequence(
            inputs, h0, kernel, recurrent_kernel, bias,
            reset_after=self.reset_after, unroll=self.unroll,
        )

    def call(self, inputs):
        """``inputs`` (B, T, D) -> the state after every step (B, T, H)."""
        return self._sequence(
            inputs, self.kernel.value, self.recurrent_kernel.value, self.bias.value
        )

    def compute_output_shape(self, input_shape):
        return (*input_shape[:2], self.units)

    def get_config(self):
        return {
            **super().get_config(),
            "units": self.units,
            "reset_after": self.reset_after,
            "unroll": self.unroll,
            "jit_compile": self.jit_compile,
            "kernel_initializer": keras.initializers.serialize(self.kernel_initializer),
            "recurrent_initializer": keras.initializers.serialize(self.recurrent_initializer),
            "bias_initializer": keras.initializers.serialize(self.bias_initializer),
        }
