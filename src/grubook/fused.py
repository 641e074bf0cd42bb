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
   steps, for short sequences) or as a ``tf.while_loop`` over time-major
   tensors (for long ones);
4. with ``reset_after=False``, differentiates it with a backward pass
   through time written out by hand (:func:`_fused_gradient`).

Each change can be switched off (``hoist``, ``fuse_gates``, ``unroll``,
``hand_gradient``), to measure what it buys; chapter 6 does.

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

from grubook._checks import check_bool, check_positive_int
from grubook.cell import GRUCell

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


def _scan(fn, elems, init, unroll: bool, reverse: bool = False):
    """Run ``carry, out_t = fn(carry, elems[t])`` over the first axis of ``elems`` ``(T, ...)``.

    Unrolled (a Python loop, ``T`` static) or as one ``tf.while_loop`` with
    ``TensorArray`` buffers; backwards in time with ``reverse``. Returns the
    last carry and the outputs stacked in time order, ``(T, ...)``.
    """
    if unroll:
        items = tf.unstack(elems)  # its gradient is one stack, not T slices
        outputs = [None] * len(items)
        carry = init
        for t in reversed(range(len(items))) if reverse else range(len(items)):
            carry, outputs[t] = fn(carry, items[t])
        return carry, tf.stack(outputs)
    steps = tf.shape(elems)[0]
    inputs = tf.TensorArray(elems.dtype, size=steps).unstack(elems)
    outputs = tf.TensorArray(elems.dtype, size=steps)

    def body(i, carry, outputs):
        t = steps - 1 - i if reverse else i
        carry, out = fn(carry, inputs.read(t))
        return i + 1, carry, outputs.write(t, out)

    _, carry, outputs = tf.while_loop(
        lambda i, *_: i < steps, body, (tf.constant(0), init, outputs), maximum_iterations=steps
    )
    return carry, outputs.stack()


def _step_reset_before(h, x_proj, u_zr, u_h, trace: bool = True):
    """One step with ``reset_after=False``: ``h`` ``(B, H)``, ``x_proj`` ``(B, 3H)``.

    ``x_proj`` is the precomputed ``x_t @ W + b``; ``u_zr`` ``(H, 2H)`` and
    ``u_h`` ``(H, H)`` are blocks of the recurrent kernel. Returns the new
    state ``(B, H)`` and, with ``trace``, ``[h, z, r, h_tilde]`` ``(B, 4H)``
    for the gradient (else the new state again).
    """
    units = u_h.shape[0]
    x_zr, x_h = tf.split(x_proj, [2 * units, units], axis=1)
    z, r = tf.split(tf.sigmoid(x_zr + tf.matmul(h, u_zr)), 2, axis=1)  # one product for both
    h_tilde = tf.tanh(x_h + tf.matmul(r * h, u_h))
    h_new = h + z * (h_tilde - h)  # = (1 - z) * h + z * h_tilde
    return h_new, tf.concat([h_new, z, r, h_tilde], axis=1) if trace else h_new


def _step_reset_after(h, x_proj, recurrent_kernel, candidate_bias):
    """One step with ``reset_after=True``: ``r * (h @ U_h + b)``; returns the new state twice."""
    units = recurrent_kernel.shape[0]
    x_zr, x_h = tf.split(x_proj, [2 * units, units], axis=1)
    h_zr, h_h = tf.split(tf.matmul(h, recurrent_kernel), [2 * units, units], axis=1)
    z, r = tf.split(tf.sigmoid(x_zr + h_zr), 2, axis=1)
    h_tilde = tf.tanh(x_h + r * (h_h + candidate_bias))
    h_new = h + z * (h_tilde - h)
    return h_new, h_new


def _backward_step(dh, elems, u_zr_t, u_h_t):
    """One step back in time for ``reset_after=False``.

    ``dh`` ``(B, H)`` is the gradient reaching ``h_t`` from later steps;
    ``elems`` ``(B, 6H)`` packs the gradient of the output ``h_t`` and five
    coefficients computed for all steps at once (see :func:`_fused_gradient`).
    Returns the gradient for ``h_{t-1}`` and that of the step's three
    pre-activations ``(B, 3H)``, which is also the gradient of ``x_proj``.
    """
    d_out, a_h, a_z, keep, r, a_r = tf.split(elems, 6, axis=1)
    g = d_out + dh
    d_pre_h = g * a_h  # through tanh and z
    d_rh = tf.matmul(d_pre_h, u_h_t)  # gradient of r * h_{t-1}
    d_pre_zr = tf.concat([g * a_z, d_rh * a_r], axis=1)
    dh_prev = g * keep + d_rh * r + tf.matmul(d_pre_zr, u_zr_t)
    return dh_prev, tf.concat([d_pre_zr, d_pre_h], axis=1)


def _fused_gradient(xs, h0, kernel, u_zr, u_h, trace, d_states, unroll):
    """Backpropagation through time for ``reset_after=False``, written out by hand.

    ``xs`` ``(T, B, D)``, ``h0`` ``(B, H)``, ``trace`` ``(T, B, 4H)`` (the
    forward's ``[h, z, r, h_tilde]``), ``d_states`` ``(T, B, H)``. Everything
    that does not depend on the step before is done for all steps at once:
    the coefficients before the loop, the weight gradients after it, each in
    one matrix product. Returns the gradients of ``xs``, ``h0``, ``kernel``,
    ``recurrent_kernel`` and ``bias``.
    """
    states, z, r, h_tilde = tf.split(trace, 4, axis=2)
    h_prev = tf.concat([h0[None], states[:-1]], axis=0)
    coefficients = tf.concat(
        [d_states, z * (1.0 - h_tilde * h_tilde), (h_tilde - h_prev) * z * (1.0 - z),
         1.0 - z, r, r * (1.0 - r) * h_prev], axis=2)
    dh0, d_proj = _scan(
        lambda dh, e: _backward_step(dh, e, tf.transpose(u_zr), tf.transpose(u_h)),
        coefficients, tf.zeros_like(h0), unroll, reverse=True,
    )
    units = u_h.shape[0]
    flat = lambda a: tf.reshape(a, (-1, a.shape[-1]))  # noqa: E731  (T, B, n) -> (T B, n)
    d_zr, d_h = tf.split(flat(d_proj), [2 * units, units], axis=1)
    d_kernel = tf.matmul(flat(xs), flat(d_proj), transpose_a=True)
    d_recurrent = tf.concat([tf.matmul(flat(h_prev), d_zr, transpose_a=True),
                             tf.matmul(flat(r * h_prev), d_h, transpose_a=True)], axis=1)
    d_xs = tf.matmul(d_proj, kernel, transpose_b=True)
    return d_xs, dh0, d_kernel, d_recurrent, tf.reduce_sum(d_proj, axis=(0, 1))


def _uses_hand_gradient(reset_after: bool, hoist: bool, fuse_gates: bool, hand_gradient) -> bool:
    """Whether :func:`fused_gru_sequence` attaches :func:`_fused_gradient`.

    ``hand_gradient`` is True, False or ``"auto"`` (True where it exists:
    ``reset_after=False`` with hoisted projections and fused gates). Also
    refuses the one switch that exists only for the book's convention,
    ``fuse_gates=False`` with ``reset_after=True``.
    """
    if reset_after and not fuse_gates:
        raise ValueError("fuse_gates=False is measured for reset_after=False only")
    available = not reset_after and hoist and fuse_gates
    if hand_gradient == "auto":
        return available
    if not isinstance(hand_gradient, (bool, np.bool_)):
        raise ValueError(f"hand_gradient must be True, False or 'auto', got {hand_gradient!r}")
    if hand_gradient and not available:
        raise ValueError("hand_gradient=True needs reset_after=False, hoist=True and "
                         "fuse_gates=True (the gradient is written for that step)")
    return bool(hand_gradient)


def _step_separate_gates(h, x_proj, u_z, u_r, u_h):
    """One step with ``reset_after=False`` and a product and a sigmoid per gate.

    ``h`` ``(B, H)``, ``x_proj`` ``(B, 3H)``; ``u_z``, ``u_r``, ``u_h``
    ``(H, H)``. Returns the new state twice. The unfused form of
    :func:`_step_reset_before`, kept to measure what fusing the gates buys.
    """
    x_z, x_r, x_h = tf.split(x_proj, 3, axis=1)
    z = tf.sigmoid(x_z + tf.matmul(h, u_z))
    r = tf.sigmoid(x_r + tf.matmul(h, u_r))
    h_tilde = tf.tanh(x_h + tf.matmul(r * h, u_h))
    h_new = h + z * (h_tilde - h)
    return h_new, h_new


def _projected_step(recurrent_kernel, bias, reset_after: bool, fuse_gates: bool):
    """``(input bias (3H,), step(h (B, H), x_proj (B, 3H)) -> (h, h))`` for autodiff."""
    units = recurrent_kernel.shape[0]
    input_bias, candidate_bias = _split_biases(bias, units, reset_after)
    if reset_after:  # fuse_gates is True here (_uses_hand_gradient checked)
        return input_bias, lambda h, x: _step_reset_after(h, x, recurrent_kernel, candidate_bias)
    if fuse_gates:
        u_zr, u_h = tf.split(recurrent_kernel, [2 * units, units], axis=1)
        return input_bias, lambda h, x: _step_reset_before(h, x, u_zr, u_h, trace=False)
    u_z, u_r, u_h = tf.split(recurrent_kernel, 3, axis=1)
    return input_bias, lambda h, x: _step_separate_gates(h, x, u_z, u_r, u_h)


def _with_hand_gradient(inputs, h0, kernel, recurrent_kernel, bias, unrolled: bool):
    """The states ``(B, T, H)``, with :func:`_fused_gradient` as their gradient."""
    units = recurrent_kernel.shape[0]

    @tf.custom_gradient
    def run(inputs, h0, kernel, recurrent_kernel, bias):
        xs = tf.transpose(inputs, (1, 0, 2))  # time-major (T, B, D)
        x_proj = tf.matmul(xs, kernel) + bias  # all input projections: one product
        u_zr, u_h = tf.split(recurrent_kernel, [2 * units, units], axis=1)
        _, trace = _scan(lambda h, x: _step_reset_before(h, x, u_zr, u_h), x_proj, h0, unrolled)

        def gradient(d_outputs):
            d_states = tf.transpose(d_outputs, (1, 0, 2))
            d_xs, dh0, d_kernel, d_recurrent, d_bias = _fused_gradient(
                xs, h0, kernel, u_zr, u_h, trace, d_states, unrolled
            )
            return tf.transpose(d_xs, (1, 0, 2)), dh0, d_kernel, d_recurrent, d_bias

        return tf.transpose(trace[..., :units], (1, 0, 2)), gradient

    return run(inputs, h0, kernel, recurrent_kernel, bias)


def fused_gru_sequence(
    inputs, h0, kernel, recurrent_kernel, bias, *, reset_after: bool = False, unroll="auto",
    for_gradient: bool = True, hoist: bool = True, fuse_gates: bool = True,
    hand_gradient="auto",
):
    """All states of the book's GRU over ``inputs`` ``(B, T, D)`` from ``h0`` ``(B, H)``.

    Weights in Keras's layout (see the module docstring). Returns ``(B, T, H)``;
    ``[:, t]`` is the state after reading ``inputs[:, t]``. ``unroll`` is
    True, False or ``"auto"`` (see :func:`should_unroll`). With
    ``reset_after=False`` the gradient is the hand-written
    :func:`_fused_gradient`; with True, TensorFlow differentiates the loop
    (which under XLA copies per-step buffers, slow for long sequences).
    ``for_gradient=False`` (inference) keeps only the states, not the gates
    the hand-written gradient needs; TensorFlow can still differentiate it.

    The other switches turn the layer's changes off one by one, to measure
    what each buys: ``hoist=False`` computes each step's input projection
    inside the loop, ``fuse_gates=False`` gives each gate its own product
    and sigmoid (``reset_after=False`` only), and ``hand_gradient`` (True,
    False or ``"auto"``, see :func:`_uses_hand_gradient`) chooses between
    the written-out gradient and TensorFlow's.
    """
    inputs = tf.convert_to_tensor(inputs)
    if inputs.shape.rank != 3:
        raise ValueError(f"inputs must have rank 3 (batch, time, input_dim), got {inputs.shape}")
    h0, kernel, recurrent_kernel, bias = (
        tf.convert_to_tensor(a, dtype=inputs.dtype) for a in (h0, kernel, recurrent_kernel, bias)
    )
    unrolled = should_unroll(inputs.shape[1], unroll)
    if _uses_hand_gradient(reset_after, hoist, fuse_gates, hand_gradient) and for_gradient:
        return _with_hand_gradient(inputs, h0, kernel, recurrent_kernel, bias, unrolled)
    input_bias, step = _projected_step(recurrent_kernel, bias, reset_after, fuse_gates)
    xs = tf.transpose(inputs, (1, 0, 2))  # time-major (T, B, D)
    if hoist:  # all input projections in one product, before the loop
        _, states = _scan(step, tf.matmul(xs, kernel) + input_bias, h0, unrolled)
    else:
        _, states = _scan(lambda h, x: step(h, tf.matmul(x, kernel) + input_bias), xs, h0,
                          unrolled)
    return tf.transpose(states, (1, 0, 2))


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
        hoist, fuse_gates, hand_gradient: the layer's other changes, all on
            by default; switched off only to measure them (see
            :func:`fused_gru_sequence`).
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
        hoist: bool = True,
        fuse_gates: bool = True,
        hand_gradient="auto",
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
        **kwargs,
    ):
        super().__init__(**kwargs)
        switches = ((reset_after, "reset_after"), (jit_compile, "jit_compile"), (hoist, "hoist"),
                    (fuse_gates, "fuse_gates"))
        for value, name in switches:
            check_bool(value, name)
        should_unroll(1, unroll)  # validates unroll
        _uses_hand_gradient(bool(reset_after), bool(hoist), bool(fuse_gates), hand_gradient)
        self.levers = {"hoist": bool(hoist), "fuse_gates": bool(fuse_gates),
                       "hand_gradient": hand_gradient}
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
        """Create ``kernel`` (D, 3H), ``recurrent_kernel`` (H, 3H), ``bias``.

        The same weights, names, shapes and initialisers as the book's cell,
        so weights move freely between the two.
        """
        GRUCell.build(self, input_shape)

    def _run(self, inputs, kernel, recurrent_kernel, bias, for_gradient):
        h0 = tf.zeros((tf.shape(inputs)[0], self.units), dtype=inputs.dtype)
        return fused_gru_sequence(
            inputs, h0, kernel, recurrent_kernel, bias,
            reset_after=self.reset_after, unroll=self.unroll, for_gradient=for_gradient,
            **self.levers,
        )

    def call(self, inputs, training=None):
        """``inputs`` (B, T, D) -> the state after every step (B, T, H).

        With ``training=True`` the forward pass keeps what the hand-written
        gradient needs; otherwise (inference) it keeps only the states.
        """
        return self._sequence(
            inputs, self.kernel.value, self.recurrent_kernel.value, self.bias.value,
            bool(training),
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
            **self.levers,
            "kernel_initializer": keras.initializers.serialize(self.kernel_initializer),
            "recurrent_initializer": keras.initializers.serialize(self.recurrent_initializer),
            "bias_initializer": keras.initializers.serialize(self.bias_initializer),
        }
