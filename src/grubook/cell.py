"""The book's GRU cell as a Keras 3 layer, written with TensorFlow ops.

The cell follows the book's equations (old state kept with weight ``1 - z``)
and Keras's weight layout, so ``copy_weights_from_keras`` can make it
compute exactly what a ``keras.layers.GRU`` computes. Shapes, for a batch
of ``B``::

    inputs            (B, D)       one time step
    states            [(B, H)]     the previous state h_{t-1}
    kernel            (D, 3H)      blocks z, r, h
    recurrent_kernel  (H, 3H)      blocks z, r, h
    bias              (3H,)        or (2, 3H) with reset_after=True
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

from grubook._checks import check_bool, check_positive_int
from grubook.reference import GRUParams, GRUTrace, flip_update_gate

__all__ = ["GRUCell", "copy_weights_from_keras", "get_params", "set_params"]


@keras.saving.register_keras_serializable(package="grubook")
class GRUCell(keras.layers.Layer):
    """A GRU cell in the book's convention, usable in ``keras.layers.RNN``.

    Args:
        units: H, the size of the hidden state (an int >= 1).
        reset_after: False applies the reset gate before the recurrent
            product, ``U_h (r * h)`` (Cho et al. 2014); True after it,
            ``r * (U_h h + b)`` (cuDNN, the Keras default), with two biases.
        kernel_initializer, recurrent_initializer, bias_initializer: Keras
            initializers (names or objects), as in ``keras.layers.GRUCell``.
    """

    def __init__(
        self,
        units: int,
        reset_after: bool = False,
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.units = check_positive_int(units, "units")
        self.reset_after = check_bool(reset_after, "reset_after")
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.recurrent_initializer = keras.initializers.get(
            recurrent_initializer
        )
        self.bias_initializer = keras.initializers.get(bias_initializer)
        self.state_size = self.units
        self.output_size = self.units

    def build(self, input_shape):
        """Create ``kernel`` (D, 3H), ``recurrent_kernel`` (H, 3H), bias."""
        input_dim = input_shape[-1]
        self.kernel = self.add_weight(
            shape=(input_dim, 3 * self.units),
            initializer=self.kernel_initializer,
            name="kernel",
        )
        self.recurrent_kernel = self.add_weight(
            shape=(self.units, 3 * self.units),
            initializer=self.recurrent_initializer,
            name="recurrent_kernel",
        )
        bias_shape = (
            (2, 3 * self.units) if self.reset_after else (3 * self.units,)
        )
        self.bias = self.add_weight(
            shape=bias_shape, initializer=self.bias_initializer, name="bias"
        )

    def gates(self, inputs, h_prev) -> GRUTrace:
        """One step and all it computes: ``z, r, h_tilde, h``, each (B, H).

        ``inputs`` (B, D) and ``h_prev`` (B, H) are converted to the
        cell's dtype.
        """
        if not self.built:
            raise ValueError(
                "the cell must be built before gates() is called: "
                "call it on an "
                "input, or cell.build((None, input_dim))"
            )
        inputs = tf.convert_to_tensor(inputs, dtype=self.compute_dtype)
        h_prev = tf.convert_to_tensor(h_prev, dtype=self.compute_dtype)
        input_bias, recurrent_bias = (
            (self.bias[0], self.bias[1])
            if self.reset_after
            else (self.bias, None)
        )
        x_z, x_r, x_h = tf.split(
            tf.matmul(inputs, self.kernel) + input_bias, 3, axis=-1
        )
        u_zr = self.recurrent_kernel[:, : 2 * self.units]
        u_h = self.recurrent_kernel[:, 2 * self.units :]
        if self.reset_after:
            h_z, h_r, h_h = tf.split(
                tf.matmul(h_prev, self.recurrent_kernel) + recurrent_bias,
                3,
                axis=-1,
            )
        else:
            h_z, h_r = tf.split(tf.matmul(h_prev, u_zr), 2, axis=-1)
        z = tf.sigmoid(x_z + h_z)
        r = tf.sigmoid(x_r + h_r)
        if self.reset_after:
            h_tilde = tf.tanh(x_h + r * h_h)
        else:
            h_tilde = tf.tanh(x_h + tf.matmul(r * h_prev, u_h))
        h = (1.0 - z) * h_prev + z * h_tilde
        return GRUTrace(z=z, r=r, h_tilde=h_tilde, h=h)

    def call(self, inputs, states, training=None):
        """``inputs`` (B, D), ``states`` [(B, H)] -> (B, H), [(B, H)]."""
        h_prev = states[0] if isinstance(states, (list, tuple)) else states
        h = self.gates(inputs, h_prev).h
        return h, [h]

    def get_config(self):
        return {
            **super().get_config(),
            "units": self.units,
            "reset_after": self.reset_after,
            "kernel_initializer": keras.initializers.serialize(
                self.kernel_initializer
            ),
            "recurrent_initializer": keras.initializers.serialize(
                self.recurrent_initializer
            ),
            "bias_initializer": keras.initializers.serialize(
                self.bias_initializer
            ),
        }


def get_params(cell) -> GRUParams:
    """The weights of a built cell (ours or Keras's) as NumPy arrays."""
    return GRUParams(
        kernel=keras.ops.convert_to_numpy(cell.kernel),
        recurrent_kernel=keras.ops.convert_to_numpy(cell.recurrent_kernel),
        bias=keras.ops.convert_to_numpy(cell.bias),
    )


def set_params(cell: GRUCell, params: GRUParams) -> None:
    """Assign ``params`` (Keras layout) to a built cell; check shapes."""
    for variable, value in zip(
        (cell.kernel, cell.recurrent_kernel, cell.bias), params, strict=True
    ):
        value = np.asarray(value)
        if tuple(variable.shape) != value.shape:
            raise ValueError(
                f"{variable.name} must have shape "
                f"{tuple(variable.shape)}, got {value.shape}"
            )
        variable.assign(value.astype(variable.dtype))


def _keras_cell(keras_layer):
    cell = getattr(keras_layer, "cell", keras_layer)
    if not isinstance(cell, keras.layers.GRUCell):
        raise TypeError(
            "keras_cell must be a keras.layers.GRU or "
            "keras.layers.GRUCell, "
            f"got {type(keras_layer).__name__}"
        )
    if not cell.built:
        raise ValueError(
            "keras_cell must be built (call it on an input) before copying"
        )
    if not cell.use_bias or cell.activation is not keras.activations.tanh:
        raise ValueError(
            "keras_cell must use biases and the default tanh activation"
        )
    if cell.recurrent_activation is not keras.activations.sigmoid:
        raise ValueError(
            "keras_cell must use the sigmoid recurrent activation"
        )
    return cell


def copy_weights_from_keras(cell: GRUCell, keras_cell) -> None:
    """Make ``cell`` compute what ``keras_cell`` (GRU or GRUCell) computes.

    Keras keeps the old state with weight ``z``, the book with ``1 - z``;
    negating the z-block of the kernel, recurrent kernel and bias maps one
    to the other. ``cell`` is built with the Keras cell's input size if
    needed.
    """
    source = _keras_cell(keras_cell)
    if source.units != cell.units or source.reset_after != cell.reset_after:
        raise ValueError(
            f"cell (units={cell.units}, reset_after={cell.reset_after}) "
            "must match keras_cell "
            f"(units={source.units}, reset_after={source.reset_after})"
        )
    if not cell.built:
        cell.build((None, source.kernel.shape[0]))
    set_params(cell, flip_update_gate(get_params(source)))
