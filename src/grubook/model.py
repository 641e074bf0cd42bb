"""The adder: a GRU that reads bit pairs and writes the bits of their sum."""

from __future__ import annotations

import keras
import numpy as np

from grubook._checks import check_bool, check_int, check_positive_int
from grubook.cell import GRUCell
from grubook.data import encode_pair, from_bits
from grubook.fused import FusedGRU

__all__ = [
    "CELLS",
    "GRU_CELLS",
    "BASELINES",
    "build_adder",
    "make_recurrent_layer",
    "add",
    "predict_bits",
]

CELLS = ("custom", "keras", "fused", "simple_rnn", "lstm")
"""The recurrent layers ``build_adder`` can use: three GRUs, two baselines."""

GRU_CELLS = ("custom", "keras", "fused")
"""The cells that compute the book's GRU (same weights, same outputs)."""

BASELINES = {"simple_rnn": keras.layers.SimpleRNN, "lstm": keras.layers.LSTM}
"""Keras's plain RNN (``h_t = tanh(W x_t + U h_{t-1} + b)``) and its LSTM."""


def _initializers(seed: int | None) -> dict:
    """Seeded Keras initializers, one seed per weight so they differ."""
    if seed is None:
        return {}
    return {
        "kernel_initializer": keras.initializers.GlorotUniform(seed=seed),
        "recurrent_initializer": keras.initializers.Orthogonal(seed=seed + 1),
    }


def make_recurrent_layer(
    units: int,
    cell: str,
    reset_after: bool,
    seed: int | None,
    jit_compile: bool = False,
    layer_options: dict | None = None,
):
    """The adder's recurrent layer, returning the whole sequence ``(B, T, H)``.

    ``jit_compile`` (only with ``cell="fused"``) compiles the layer with XLA;
    ``reset_after`` applies to the GRU cells only. ``layer_options`` go to
    the layer's constructor (``keras.layers.RNN``, ``keras.layers.GRU`` or
    ``FusedGRU``), for example ``{"unroll": True}``.
    """
    init = {**_initializers(seed), **(layer_options or {})}
    if jit_compile and cell != "fused":
        raise ValueError(
            f'jit_compile=True needs cell="fused", got cell={cell!r}'
        )
    if cell in BASELINES:
        if reset_after:
            raise ValueError(
                f"reset_after=True needs a GRU cell {GRU_CELLS}, "
                f"got cell={cell!r}"
            )
        return BASELINES[cell](
            units, return_sequences=True, name=cell, **init
        )
    if cell == "fused":
        return FusedGRU(
            units,
            reset_after=reset_after,
            jit_compile=jit_compile,
            name="gru",
            **init,
        )
    if cell == "custom":
        return keras.layers.RNN(
            GRUCell(units, reset_after=reset_after, **_initializers(seed)),
            return_sequences=True,
            name="gru",
            **(layer_options or {}),
        )
    if cell == "keras":
        return keras.layers.GRU(
            units,
            reset_after=reset_after,
            return_sequences=True,
            name="gru",
            **init,
        )
    raise ValueError(f"cell must be one of {CELLS!r}, got {cell!r}")


def build_adder(
    units: int = 16,
    cell: str = "custom",
    reset_after: bool = False,
    seed: int | None = None,
    jit_compile: bool = False,
    n_inputs: int = 2,
    layer_options: dict | None = None,
) -> keras.Model:
    """A model from bit pairs ``(B, T, 2)`` to sum probabilities ``(B, T, 1)``.

    A GRU layer (``cell="custom"``: the book's ``GRUCell`` in
    ``keras.layers.RNN``; ``cell="keras"``: ``keras.layers.GRU``) followed
    by a ``Dense(1, sigmoid)`` readout at every step; ``cell="fused"``:
    ``grubook.fused.FusedGRU``, the same GRU computed faster, which
    ``jit_compile=True`` compiles with XLA (forward and gradient), even
    inside a training step that is not compiled. All three GRU cells have
    the same weights and compute the same outputs. The baselines
    ``cell="simple_rnn"`` and ``cell="lstm"`` put Keras's ``SimpleRNN`` or
    ``LSTM`` with the same number of units in place of the GRU. ``seed``
    (an int >= 0) makes the initial weights reproducible; ``None`` leaves
    them random. ``n_inputs`` is the number of input channels: 2 for bit
    pairs, 3 for the paused pairs of ``grubook.data.with_pauses``.
    ``layer_options`` go to the recurrent layer (see
    :func:`make_recurrent_layer`).
    """
    units = check_positive_int(units, "units")
    n_inputs = check_positive_int(n_inputs, "n_inputs")
    if seed is not None:
        seed = check_int(seed, "seed", minimum=0)
    reset_after = check_bool(reset_after, "reset_after")
    jit_compile = check_bool(jit_compile, "jit_compile")
    readout_init = (
        {}
        if seed is None
        else {
            "kernel_initializer": keras.initializers.GlorotUniform(
                seed=seed + 2
            )
        }
    )
    inputs = keras.Input(shape=(None, n_inputs), name="bit_pairs")
    states = make_recurrent_layer(
        units, cell, bool(reset_after), seed, bool(jit_compile), layer_options
    )(inputs)
    outputs = keras.layers.Dense(
        1, activation="sigmoid", name="readout", **readout_init
    )(states)
    return keras.Model(inputs, outputs, name=f"adder_{cell}_{units}")


def predict_bits(model: keras.Model, x) -> np.ndarray:
    """The model's bits for inputs ``x`` ``(B, T, 2)``: ``uint8`` ``(B, T)``."""
    probabilities = keras.ops.convert_to_numpy(
        model(np.asarray(x, dtype=np.float32))
    )
    return (probabilities[..., 0] > 0.5).astype(np.uint8)


def add(model: keras.Model, a: int, b: int) -> int:
    """The model's sum of the non-negative ints ``a`` and ``b``, of any size.

    The operands are encoded with as many bits as the wider one needs, plus
    one step for the carry-out, so the answer is never truncated.
    """
    x = encode_pair(a, b)[None]
    return from_bits(predict_bits(model, x)[0])
