"""Noisy cells: the book's GRU and the baselines, jittering their state in training.

A cell of :data:`NOISY_CELLS` adds ``state_noise * N(0, 1)`` to each state
``(B, H)`` it reads at every training step, and is the plain cell outside
training; :func:`build_noisy_adder` builds an adder with one.
"""

from __future__ import annotations

import keras

from grubook._checks import check_real
from grubook.cell import GRUCell


def _checked_noise(state_noise) -> float:
    """``state_noise`` as a float >= 0 (a TypeError for a non-number, a ValueError if < 0)."""
    return check_real(state_noise, "state_noise", low=0)


def _jitter(h, state_noise: float, seed_generator, training):
    """``h + state_noise * N(0, 1)`` in training, else ``h``: (B, H) -> (B, H)."""
    if training and state_noise > 0:
        noise = keras.random.normal(keras.ops.shape(h), seed=seed_generator)
        return h + state_noise * noise
    return h


class StateNoiseMixin:
    """What a noisy cell adds to its parent: ``state_noise``, a seeded noise
    source (``noise_seed``, an int or None) and :meth:`jittered_states`."""

    def __init__(
        self,
        units: int,
        state_noise: float = 0.1,
        noise_seed: int | None = None,
        **kwargs,
    ):
        super().__init__(units, **kwargs)
        self.state_noise = _checked_noise(state_noise)
        self.noise_seed = noise_seed
        self.seed_generator = keras.random.SeedGenerator(noise_seed)

    def jittered_states(self, states, training) -> list:
        """The states to read, each ``(B, H)``: jittered in training, else as
        they are; each state gets its own fresh noise, in order."""
        states = list(states) if isinstance(states, (list, tuple)) else [states]
        return [
            _jitter(state, self.state_noise, self.seed_generator, training)
            for state in states
        ]

    def get_config(self):
        return {
            **super().get_config(),
            "state_noise": self.state_noise,
            "noise_seed": self.noise_seed,
        }


class NoisyStateGRUCell(StateNoiseMixin, GRUCell):
    """The book's ``GRUCell`` that jitters the state it reads, in training only.

    At every step it computes the GRU from ``h_{t-1} + state_noise * N(0, 1)``
    instead of ``h_{t-1}`` (``(B, H)`` Gaussian noise, fresh at each step);
    outside training it is exactly ``GRUCell``. A state that must survive
    the noise has to be pulled back to where it belongs at every step.
    ``noise_seed`` (an int or None) seeds Keras's seed generator, so that a
    seeded run draws the same noise every time.
    """

    def call(self, inputs, states, training=None):
        """``inputs`` (B, D), ``states`` [(B, H)] -> output, new states.

        The output is (B, H), the new states [(B, H)].
        """
        h = self.gates(inputs, self.jittered_states(states, training)[0]).h
        return h, [h]


class NoisyStateSimpleRNNCell(StateNoiseMixin, keras.layers.SimpleRNNCell):
    """Keras's plain RNN cell, jittering the state it reads in training only.

    The same noise as :class:`NoisyStateGRUCell`, for the baseline:
    ``h_t = tanh(W x_t + U (h_{t-1} + state_noise * N(0, 1)) + b)`` in
    training, the plain ``SimpleRNNCell`` otherwise. States are (B, H).
    """

    def call(self, sequence, states, training=False):
        """``sequence`` (B, D), ``states`` [(B, H)] -> (B, H), [(B, H)]."""
        return super().call(
            sequence, self.jittered_states(states, training), training=training
        )


class NoisyStateLSTMCell(StateNoiseMixin, keras.layers.LSTMCell):
    """Keras's LSTM cell, jittering both of its states in training only.

    An LSTM's state is two vectors, ``h`` (what the readout and the gates
    read) and the cell ``c`` (its direct path,
    ``c_t = f_t * c_{t-1} + i_t * c~_t``). Each gets its own fresh
    ``state_noise * N(0, 1)`` before the step, so the whole state is
    jittered, as the GRU's is; outside training it is the plain
    ``LSTMCell``. States are [(B, H), (B, H)].
    """

    def call(self, inputs, states, training=False):
        """``inputs`` (B, D), ``states`` [h, c] (B, H) -> (B, H), [h, c]."""
        return super().call(
            inputs, self.jittered_states(states, training), training=training
        )


NOISY_CELLS = {
    "custom": NoisyStateGRUCell,
    "simple_rnn": NoisyStateSimpleRNNCell,
    "lstm": NoisyStateLSTMCell,
}
"""The cells the recipes with state noise can train, by ``build_adder`` name."""


def build_noisy_adder(
    units: int = 16,
    state_noise: float = 0.1,
    seed: int | None = None,
    cell: str = "custom",
    n_inputs: int = 2,
):
    """``build_adder(units, cell=cell, seed=seed)`` with a noisy cell.

    The cell is ``NOISY_CELLS[cell]``: same layers, names and initial
    weights as the plain adder; only training differs. Inputs
    ``(B, T, n_inputs)``, outputs ``(B, T, 1)``.
    """
    from grubook.model import build_adder

    if cell not in NOISY_CELLS:
        raise ValueError(
            f"state noise needs cell in {tuple(NOISY_CELLS)}, got cell={cell!r}"
        )
    plain = build_adder(units, cell=cell, seed=seed, n_inputs=n_inputs)
    inputs = keras.Input(shape=(None, n_inputs), name="bit_pairs")
    noisy = NOISY_CELLS[cell](units, state_noise, noise_seed=seed)
    name = "gru" if cell == "custom" else cell
    states = keras.layers.RNN(noisy, return_sequences=True, name=name)(inputs)
    outputs = keras.layers.Dense(1, activation="sigmoid", name="readout")(
        states
    )
    model = keras.Model(inputs, outputs, name=f"noisy_adder_{cell}_{units}")
    model.set_weights(plain.get_weights())
    return model

