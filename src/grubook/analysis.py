"""Inside a trained adder: gate traces, the carry, numbers of any length.

Everything here works on the *weights* of an adder
(``grubook.model.build_adder``) as NumPy arrays, so that sequences of
thousands of steps run fast:

    params   GRUParams in Keras layout (kernel (2, 3H),
             recurrent_kernel (H, 3H), bias (3H,)), the book's update-gate
             convention
    readout  (w (H,), b ()) of the Dense(1, sigmoid) readout

Shapes: a batch of ``B`` problems of ``T`` steps is ``x`` ``(B, T, 2)``;
hidden states and gates are ``(B, T, H)``; bits are ``uint8`` ``(B, T)``.

Run ``python -m grubook.analysis extrapolation --seeds 10 --out FILE`` for
the ten-seed length-generalisation study and ``python -m grubook.analysis
sizes --out FILE`` for the sweep over hidden sizes (``--help`` for options).
"""

from __future__ import annotations

import argparse
import json
import time
from typing import NamedTuple

import numpy as np

from grubook._checks import as_rng, check_int, check_positive_int, check_rank
from grubook.cell import GRUCell
from grubook.data import add_bits, addition_batch, check_bits, encode_pair
from grubook.hard_cases import hard_pairs
from grubook.reference import (
    GRUParams,
    GRUTrace,
    gru_sequence,
    sigmoid,
    split_gates,
)

__all__ = [
    "Readout",
    "adder_weights",
    "trace_adder",
    "run_adder",
    "adder_bits",
    "exact_match_bits",
    "fit_probe",
    "ProbeResult",
    "single_unit_accuracy",
    "adversarial_pairs",
    "hard_pairs",
    "ADVERSARIAL_CASES",
    "length_sweep",
    "hand_built_adder",
    "all_pairs",
    "all_exact",
    "RECIPES",
    "STUDY_LENGTHS",
    "NoisyStateGRUCell",
    "build_noisy_adder",
    "train_with_recipe",
    "extrapolation_study",
    "size_sweep",
    "main",
]


class Readout(NamedTuple):
    """The readout of an adder: ``p_t = sigmoid(h_t @ w + b)``.

    ``w`` (H,), ``b`` float.
    """

    w: np.ndarray
    b: float


def adder_weights(model) -> tuple[GRUParams, Readout]:
    """The GRU weights and readout of a ``build_adder(cell="custom")`` model."""
    from grubook.cell import get_params

    cell = model.get_layer("gru").cell
    if not isinstance(cell, GRUCell) or cell.reset_after:
        raise TypeError(
            "model must come from build_adder(cell='custom', reset_after=False)"
        )
    kernel, bias = (
        np.asarray(v) for v in model.get_layer("readout").get_weights()
    )
    return get_params(cell), Readout(w=kernel[:, 0], b=float(bias[0]))


def _check_inputs(x) -> np.ndarray:
    x = check_rank(np.asarray(x), 3, "x", "(batch, time, 2)")
    if x.shape[2] != 2 or x.shape[1] == 0:
        raise ValueError(
            f"x must have shape (batch, time >= 1, 2), got {x.shape}"
        )
    return x


def trace_adder(params: GRUParams, x) -> GRUTrace:
    """The adder's gates on ``x`` ``(B, T, 2)`` from ``h_0 = 0``, in float64.

    Returns a :class:`~grubook.reference.GRUTrace` of ``(B, T, H)`` arrays,
    exactly what ``keras.layers.RNN(GRUCell)`` computes (to rounding).
    """
    x = _check_inputs(x).astype(np.float64)
    params = GRUParams(*(np.asarray(p, dtype=np.float64) for p in params))
    h0 = np.zeros((x.shape[0], params.recurrent_kernel.shape[0]))
    return gru_sequence(x, h0, params)


def run_adder(
    params: GRUParams, readout: Readout, x, dtype=np.float32
) -> np.ndarray:
    """The adder's sum probabilities ``(B, T)`` for ``x`` ``(B, T, 2)``, fast.

    The book's equations in a plain NumPy loop over time that keeps only the
    current state, in ``dtype`` (float32 like Keras, or float64), so that
    batches of thousands of problems and sequences of thousands of steps fit.
    """
    x = _check_inputs(x)
    kernel, recurrent, bias = (np.asarray(p, dtype=dtype) for p in params)
    units = recurrent.shape[0]
    u_zr, u_h = recurrent[:, : 2 * units], recurrent[:, 2 * units :]
    w = np.asarray(readout.w, dtype=dtype)
    h = np.zeros((x.shape[0], units), dtype=dtype)
    logits = np.empty(x.shape[:2], dtype=dtype)
    for t in range(x.shape[1]):
        x_z, x_r, x_h = split_gates(x[:, t].astype(dtype) @ kernel + bias)
        zr = sigmoid(np.concatenate([x_z, x_r], axis=1) + h @ u_zr)
        z, r = zr[:, :units], zr[:, units:]
        h_tilde = np.tanh(x_h + (r * h) @ u_h)
        h = (1 - z) * h + z * h_tilde
        logits[:, t] = h @ w
    return sigmoid(logits + dtype(readout.b))


def adder_bits(
    params: GRUParams, readout: Readout, x, dtype=np.float32
) -> np.ndarray:
    """The adder's sum bits ``uint8`` ``(B, T)`` for ``x`` ``(B, T, 2)``."""
    return (run_adder(params, readout, x, dtype) > 0.5).astype(np.uint8)


def exact_match_bits(predicted, x) -> np.ndarray:
    """Per problem, whether ``predicted`` ``(B, T)`` is the sum of ``x``.

    A problem counts only if every one of its bits equals the true sum bit.
    """
    sum_bits, _ = add_bits(_check_inputs(x))
    return np.all(check_bits(predicted, "predicted") == sum_bits, axis=1)


# --- Where is the carry? A linear probe ---------------------------------------


class ProbeResult(NamedTuple):
    """A logistic probe ``p = sigmoid(h @ w + b)`` and its held-out accuracy.

    ``w`` (H,) and ``b`` act on *standardised* states ``(h - mean) / std``
    (``mean``, ``std`` (H,), from the training states).
    """

    w: np.ndarray
    b: float
    mean: np.ndarray
    std: np.ndarray
    train_accuracy: float
    test_accuracy: float

    def predict(self, states) -> np.ndarray:
        """The 0/1 decisions for ``states`` ``(N, H)``: ``uint8`` ``(N,)``."""
        scores = ((np.asarray(states) - self.mean) / self.std) @ self.w + self.b
        return (scores > 0).astype(np.uint8)


def _check_states_labels(states, labels, name: str):
    states = check_rank(
        np.asarray(states, dtype=np.float64), 2, f"{name}_states", "(N, H)"
    )
    labels = check_bits(labels, f"{name}_labels")
    if labels.shape != states.shape[:1]:
        raise ValueError(
            f"{name}_labels must have shape ({states.shape[0]},) to match "
            f"{name}_states, got {labels.shape}"
        )
    return states, labels


def fit_probe(
    train_states,
    train_labels,
    test_states,
    test_labels,
    *,
    steps: int = 500,
    learning_rate: float = 0.5,
) -> ProbeResult:
    """Logistic regression of 0/1 ``labels`` ``(N,)`` on ``states`` ``(N, H)``.

    Plain full-batch gradient descent on the mean cross-entropy, from zero
    weights (so the result is deterministic), on standardised states.
    Accuracy is measured on the training states and on separate test states.
    """
    x, y = _check_states_labels(train_states, train_labels, "train")
    x_test, y_test = _check_states_labels(test_states, test_labels, "test")
    steps = check_positive_int(steps, "steps")
    mean, std = x.mean(axis=0), x.std(axis=0) + 1e-8
    x = (x - mean) / std
    w, b = np.zeros(x.shape[1]), 0.0
    for _ in range(steps):
        error = sigmoid(x @ w + b) - y  # d(loss)/d(score) for every state
        w -= learning_rate * (x.T @ error) / len(y)
        b -= learning_rate * float(error.mean())
    probe = ProbeResult(w, b, mean, std, 0.0, 0.0)
    return probe._replace(
        train_accuracy=float(np.mean(probe.predict(train_states) == y)),
        test_accuracy=float(np.mean(probe.predict(x_test) == y_test)),
    )


def single_unit_accuracy(states, labels) -> np.ndarray:
    """For each unit, the best accuracy of one threshold on that unit alone.

    ``states`` ``(N, H)``, ``labels`` 0/1 ``(N,)``. Unit ``j`` predicts
    ``h_j > theta`` (or ``h_j < theta``) with the best ``theta``; returns
    float ``(H,)`` accuracies in [0.5, 1].
    """
    states, labels = _check_states_labels(states, labels, "probe")
    order = np.argsort(states, axis=0, kind="stable")
    sorted_labels = labels[order].astype(
        np.int64
    )  # (N, H): labels in order of each unit
    # Predict 1 above the split: correct = zeros below it + ones above it.
    zeros_below = np.cumsum(1 - sorted_labels, axis=0)
    ones_above = sorted_labels.sum(axis=0) - np.cumsum(sorted_labels, axis=0)
    correct = np.vstack(
        [sorted_labels.sum(axis=0)[None], zeros_below + ones_above]
    )
    accuracy = correct.max(axis=0) / len(labels)
    return np.maximum(accuracy, 1 - correct.min(axis=0) / len(labels))


# --- Numbers of any length ----------------------------------------------------

ADVERSARIAL_CASES = (
    "2**n-1 + 1",
    "2**n-1 + 2**n-1",
    "2**n-1 + 0",
    "a + a",
    "0 + 0",
)
"""The named hard cases of :func:`adversarial_pairs`."""


def adversarial_pairs(n_bits: int, seed: int = 0) -> dict[str, tuple[int, int]]:
    """Hand-picked operand pairs of ``n_bits`` bits that stress the carry.

    ``2**n-1 + 1``: a carry rippling through all ``n`` steps.
    ``2**n-1 + 2**n-1``: a carry generated at every step.
    ``2**n-1 + 0``: ``n`` steps where carry must *stay* 0 while ``a + b = 1``.
    ``a + a``: equal operands (a random ``a``, top bit set, from ``seed``).
    ``0 + 0``: all zeros.
    """
    n_bits = check_positive_int(n_bits, "n_bits")
    ones = 2**n_bits - 1
    rng = as_rng(seed, "seed")
    bits = rng.integers(0, 2, size=n_bits)
    bits[-1] = 1
    a = int("".join(map(str, bits[::-1])), 2)
    pairs = {
        "2**n-1 + 1": (ones, 1),
        "2**n-1 + 2**n-1": (ones, ones),
        "2**n-1 + 0": (ones, 0),
        "a + a": (a, a),
        "0 + 0": (0, 0),
    }
    assert tuple(pairs) == ADVERSARIAL_CASES
    return pairs


def length_sweep(
    params: GRUParams,
    readout: Readout,
    lengths,
    *,
    n_samples: int = 1000,
    seed: int = 0,
) -> dict:
    """Exact-match accuracy by operand length, on random and adversarial pairs.

    For each ``n`` in ``lengths``: ``n_samples`` random ``n``-bit pairs (drawn
    from ``seed``) and every case of :func:`adversarial_pairs`. Returns
    ``{"lengths": [n, ...], "random": [accuracy, ...],
    "cases": {name: [bool, ...]}}``.
    """
    lengths = [check_positive_int(n, "lengths[i]") for n in lengths]
    n_samples = check_positive_int(n_samples, "n_samples")
    rng = as_rng(seed, "seed")
    result = {
        "lengths": lengths,
        "random": [],
        "cases": {name: [] for name in ADVERSARIAL_CASES},
    }
    for n in lengths:
        x, _ = addition_batch(n_samples, n, rng)
        result["random"].append(
            float(exact_match_bits(adder_bits(params, readout, x), x).mean())
        )
        pairs = adversarial_pairs(n, seed)
        x = np.stack([encode_pair(a, b, n) for a, b in pairs.values()])
        for name, ok in zip(
            pairs,
            exact_match_bits(adder_bits(params, readout, x), x),
            strict=True,
        ):
            result["cases"][name].append(bool(ok))
    return result


def all_exact(sweep: dict) -> bool:
    """Whether a :func:`length_sweep` result is exact everywhere.

    That is, on every length and every case.
    """
    return all(a == 1.0 for a in sweep["random"]) and all(
        all(oks) for oks in sweep["cases"].values()
    )


# --- An adder built by hand ---------------------------------------------------


def hand_built_adder(
    scale: float = 20.0, gate_bias: float = 20.0, readout_scale: float = 20.0
) -> tuple[GRUParams, Readout]:
    """A three-unit GRU adder whose every weight is chosen by hand.

    Unit ``k`` (k = 1, 2, 3) answers "is ``a + b + c >= k``?" with ``h ~ +1``
    (yes) or ``h ~ -1`` (no), where ``c = (h_2 + 1) / 2`` is the carry held
    by unit 2 from the previous step. Its candidate is
    ``tanh(scale * (a + b + c - k + 1/4))``, that is
    ``tanh(scale * (a + b) + scale / 2 * h_2 + scale * (3/4 - k))``; the
    threshold sits at ``k - 1/4`` so that the empty start state ``h = 0``
    (``c = 1/2``) counts as no carry. Both gates are held open by
    ``gate_bias`` (``z ~ 1``: the new state is the candidate; ``r ~ 1``).
    The readout adds the units: ``sum = [>=1] - [>=2] + [>=3]``, i.e. the
    logit ``readout_scale / 2 * (h_1 - h_2 + h_3)``.

    Returns float64 ``GRUParams`` (kernel (2, 9), recurrent_kernel (3, 9),
    bias (9,)) and a :class:`Readout` (w (3,), b).
    """
    for value, name in (
        (scale, "scale"),
        (gate_bias, "gate_bias"),
        (readout_scale, "readout_scale"),
    ):
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not value > 0
        ):
            raise ValueError(f"{name} must be a number > 0, got {value!r}")
    units = 3
    kernel = np.zeros((2, 3 * units))
    recurrent = np.zeros((units, 3 * units))
    bias = np.zeros(3 * units)
    bias[:units] = gate_bias  # z: take the candidate
    bias[units : 2 * units] = (
        gate_bias  # r: let the old state into the candidate
    )
    kernel[:, 2 * units :] = scale  # a and b count once for every unit
    recurrent[1, 2 * units :] = (
        scale / 2
    )  # the carry c = (h_2 + 1) / 2 counts once
    bias[2 * units :] = scale * (0.75 - np.arange(1, units + 1))
    readout = Readout(w=readout_scale / 2 * np.array([1.0, -1.0, 1.0]), b=0.0)
    return GRUParams(kernel, recurrent, bias), readout


def all_pairs(n_bits: int) -> np.ndarray:
    """All ``n_bits``-bit operand pairs: float32 ``(4**n_bits, n_bits + 1, 2)``.

    Row ``i`` holds ``a = i // 2**n_bits`` and ``b = i % 2**n_bits``.
    """
    n_bits = check_int(n_bits, "n_bits", minimum=1)
    if n_bits > 12:
        raise ValueError(
            f"n_bits must be in [1, 12] (4**n_bits pairs), got {n_bits}"
        )
    index = np.arange(4**n_bits, dtype=np.int64)
    operands = np.stack(
        [index >> n_bits, index & (2**n_bits - 1)], axis=-1
    )  # (N, 2)
    x = np.zeros((len(index), n_bits + 1, 2), dtype=np.float32)
    x[:, :n_bits, :] = (
        operands[:, None, :] >> np.arange(n_bits)[None, :, None]
    ) & 1
    return x


# --- Studies over seeds and sizes (the command line) --------------------------

RECIPES = {
    "first-exact": {"steps": 1000, "stop_at_exact": True},
    "decay-only": {"steps": 2000, "final_learning_rate": 1e-4},
    "robust": {"steps": 2000, "final_learning_rate": 1e-4, "state_noise": 0.1},
}
"""Training recipes: keyword arguments of ``grubook.train.train_adder``, plus
``state_noise`` for :func:`build_noisy_adder`.

``first-exact``: chapter 4's recipe, stopped at the first 100 % held-out
exact-match on 32-bit pairs. ``decay-only``: 2,000 steps, the learning rate
decaying along a cosine from 1e-2 to 1e-4. ``robust``: the same plus Gaussian
noise of standard deviation 0.1 added to the state at every step during
training. All three train on operands of 8 bits, batches of 64, with Adam
starting at 1e-2.
"""


STUDY_LENGTHS = (8, 16, 32, 64, 128, 256, 512, 1000, 1024)
"""Operand lengths (bits) of the extrapolation study."""


class NoisyStateGRUCell(GRUCell):
    """The book's ``GRUCell`` that jitters the state it reads, in training only.

    At every step it computes the GRU from ``h_{t-1} + state_noise * N(0, 1)``
    instead of ``h_{t-1}`` (``(B, H)`` Gaussian noise, fresh at each step);
    outside training it is exactly ``GRUCell``. A state that must survive
    the noise has to be pulled back to where it belongs at every step.
    ``noise_seed`` (an int or None) seeds Keras's seed generator, so that a
    seeded run draws the same noise every time.
    """

    def __init__(
        self,
        units: int,
        state_noise: float = 0.1,
        noise_seed: int | None = None,
        **kwargs,
    ):
        import keras

        super().__init__(units, **kwargs)
        if (
            isinstance(state_noise, bool)
            or not isinstance(state_noise, int | float)
            or not (state_noise >= 0)
        ):
            raise ValueError(
                f"state_noise must be a number >= 0, got {state_noise!r}"
            )
        self.state_noise = float(state_noise)
        self.noise_seed = noise_seed
        self.seed_generator = keras.random.SeedGenerator(noise_seed)

    def call(self, inputs, states, training=None):
        """``inputs`` (B, D), ``states`` [(B, H)] -> output, new states.

        The output is (B, H), the new states [(B, H)].
        """
        import keras

        h_prev = states[0] if isinstance(states, (list, tuple)) else states
        if training and self.state_noise > 0:
            noise = keras.random.normal(
                keras.ops.shape(h_prev), seed=self.seed_generator
            )
            h_prev = h_prev + self.state_noise * noise
        h = self.gates(inputs, h_prev).h
        return h, [h]

    def get_config(self):
        return {
            **super().get_config(),
            "state_noise": self.state_noise,
            "noise_seed": self.noise_seed,
        }


def build_noisy_adder(
    units: int = 16, state_noise: float = 0.1, seed: int | None = None
):
    """``build_adder(units, seed=seed)`` with a :class:`NoisyStateGRUCell`.

    The noisy cell is in its GRU layer. Same layers, names ("gru",
    "readout") and initial weights as the plain adder; only training
    differs. Inputs ``(B, T, 2)``, outputs ``(B, T, 1)``.
    """
    import keras

    from grubook.model import build_adder

    plain = build_adder(units, seed=seed)
    inputs = keras.Input(shape=(None, 2), name="bit_pairs")
    cell = NoisyStateGRUCell(units, state_noise, noise_seed=seed)
    states = keras.layers.RNN(cell, return_sequences=True, name="gru")(inputs)
    outputs = keras.layers.Dense(1, activation="sigmoid", name="readout")(
        states
    )
    model = keras.Model(inputs, outputs, name=f"noisy_adder_{units}")
    model.set_weights(plain.get_weights())
    return model


def train_with_recipe(recipe: str, seed: int, units: int = 16, **overrides):
    """Train a new adder with ``RECIPES[recipe]``; returns ``(model, history)``.

    ``overrides`` replace entries of the recipe (such as ``steps``). Seeds
    Keras (``keras.utils.set_random_seed(seed)``) first, so that a recipe and
    a seed always give the same network.
    """
    import keras

    from grubook.model import build_adder
    from grubook.train import train_adder

    if recipe not in RECIPES:
        raise ValueError(
            f"recipe must be one of {tuple(RECIPES)}, got {recipe!r}"
        )
    seed = check_int(seed, "seed", minimum=0)
    keras.utils.set_random_seed(seed)
    options = {**RECIPES[recipe], **overrides}
    state_noise = options.pop("state_noise", 0.0)
    if state_noise:
        model = build_noisy_adder(units, state_noise, seed=seed)
    else:
        model = build_adder(units, seed=seed)
    history = train_adder(model, seed=seed, **options)
    return model, history


def extrapolation_study(
    recipes,
    seeds,
    *,
    lengths=STUDY_LENGTHS,
    n_samples: int = 1000,
    eval_seed: int = 12345,
    log=print,
) -> dict:
    """Train an adder per recipe and seed; measure :func:`length_sweep` on each.

    Returns ``{"lengths": [...], "n_samples": N, "recipes": {recipe:
    {"seeds": [...], "exact_everywhere": [bool, ...],
    "random": [[accuracy per length] per seed],
    "cases": [{case: [bool per length]} per seed], "steps": [...],
    "seconds": [...]}}}``.
    """
    result = {
        "lengths": list(lengths),
        "n_samples": n_samples,
        "eval_seed": eval_seed,
        "recipes": {},
    }
    for recipe in recipes:
        rows = {
            "seeds": [],
            "exact_everywhere": [],
            "random": [],
            "cases": [],
            "steps": [],
            "seconds": [],
        }
        for seed in seeds:
            start = time.perf_counter()
            model, history = train_with_recipe(recipe, seed)
            sweep = length_sweep(
                *adder_weights(model),
                lengths,
                n_samples=n_samples,
                seed=eval_seed,
            )
            rows["seeds"].append(seed)
            rows["exact_everywhere"].append(all_exact(sweep))
            rows["random"].append(sweep["random"])
            rows["cases"].append(sweep["cases"])
            rows["steps"].append(len(history.loss))
            rows["seconds"].append(round(time.perf_counter() - start, 1))
            failed = [
                name for name, oks in sweep["cases"].items() if not all(oks)
            ]
            log(
                f"{recipe:>12} seed {seed}: {len(history.loss):>5} steps, "
                f"exact everywhere: {all_exact(sweep)!s:>5}; "
                f"random at {lengths[-1]} bits "
                f"{sweep['random'][-1]:.3f}; failed cases {failed}"
            )
        result["recipes"][recipe] = rows
    return result


def size_sweep(sizes, seeds, *, steps: int = 3000, log=print) -> dict:
    """Train adders with ``units`` in ``sizes`` (chapter 4's recipe).

    Training runs for up to ``steps`` steps and stops at the first 100 %
    held-out exact-match on 32-bit pairs. Returns ``{"sizes": [...],
    "seeds": [...], "steps_to_exact": [[int or None per seed] per size],
    "final_exact": [[float per seed] per size], "steps": steps}``.
    """
    result = {
        "sizes": list(sizes),
        "seeds": list(seeds),
        "steps": steps,
        "steps_to_exact": [],
        "final_exact": [],
    }
    for units in sizes:
        reached, final = [], []
        for seed in seeds:
            _, history = train_with_recipe(
                "first-exact", seed, units=units, steps=steps
            )
            reached.append(history.steps_to_exact)
            final.append(history.eval_exact[-1])
        result["steps_to_exact"].append(reached)
        result["final_exact"].append(final)
        log(
            f"units {units}: steps to 100 % per seed {reached}; "
            f"final exact-match {final}"
        )
    return result


def main(argv=None) -> None:
    """Run a study and write its results as JSON: ``extrapolation`` or
    ``sizes``.
    """
    parser = argparse.ArgumentParser(
        prog="python -m grubook.analysis", description=main.__doc__
    )
    parser.add_argument("study", choices=["extrapolation", "sizes"])
    parser.add_argument(
        "--seeds", type=int, default=10, help="how many seeds (0, 1, ...)"
    )
    parser.add_argument(
        "--recipes", nargs="+", default=list(RECIPES), choices=list(RECIPES)
    )
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=list(range(1, 9))
    )
    parser.add_argument(
        "--steps", type=int, default=3000, help="most steps (sizes study)"
    )
    parser.add_argument("--out", required=True, help="the JSON file to write")
    args = parser.parse_args(argv)
    import tensorflow as tf

    tf.config.experimental.enable_op_determinism()
    start = time.perf_counter()
    seeds = list(range(check_positive_int(args.seeds, "--seeds")))
    if args.study == "extrapolation":
        result = extrapolation_study(args.recipes, seeds)
    else:
        result = size_sweep(args.sizes, seeds, steps=args.steps)
    result["command"] = "python -m grubook.analysis " + " ".join(
        argv if argv is not None else __import__("sys").argv[1:]
    )
    result["wall_seconds"] = round(time.perf_counter() - start, 1)
    with open(args.out, "w") as file:
        json.dump(result, file, indent=1)
    print(f"wrote {args.out} in {result['wall_seconds']:.0f} s")


if __name__ == "__main__":
    main()
