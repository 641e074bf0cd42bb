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

The multi-seed studies that train many adders live in
:mod:`grubook.studies`.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from grubook._checks import as_rng, check_int, check_positive_int, check_rank
from grubook.cell import GRUCell
from grubook.data import add_bits, check_bits, encode_pair
from grubook.hard_cases import hard_pair_count, hard_pairs
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
    "exact_at_each_length",
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
    "1 + 2**n-1",
    "2**n-1 + 2**n-1",
    "2**n-1 + 0",
    "0 + 2**n-1",
    "a + a",
    "0 + 0",
)
"""The named hard cases of :func:`adversarial_pairs`."""


def adversarial_pairs(n_bits: int, seed: int = 0) -> dict[str, tuple[int, int]]:
    """Hand-picked operand pairs of ``n_bits`` bits that stress the carry.

    ``2**n-1 + 1`` and ``1 + 2**n-1``: a carry rippling through all ``n``
    steps, its propagate columns (1, 0) or (0, 1).
    ``2**n-1 + 2**n-1``: a carry generated at every step.
    ``2**n-1 + 0`` and ``0 + 2**n-1``: ``n`` steps where the carry must
    *stay* 0 while ``a_t + b_t = 1``; the input weights see a and b apart,
    so both orders are asked.
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
        "1 + 2**n-1": (1, ones),
        "2**n-1 + 2**n-1": (ones, ones),
        "2**n-1 + 0": (ones, 0),
        "0 + 2**n-1": (0, ones),
        "a + a": (a, a),
        "0 + 0": (0, 0),
    }
    assert tuple(pairs) == ADVERSARIAL_CASES
    return pairs


def _exact_on_pairs(adder, pairs, n_bits: int) -> np.ndarray:
    """Whether ``adder`` is exact on each ``(a, b)`` of ``pairs``: bool (N,)."""
    x = np.stack([encode_pair(a, b, n_bits) for a, b in pairs])
    return exact_match_bits(adder(x), x)


def _validation_hard_pairs(n_bits: int, n_hard: int) -> list[tuple[int, int]]:
    """``n_hard`` hard pairs from the validation seed that the test never asks.

    The test's hard pairs at ``n_bits`` (from the test seed) are left out,
    the few fixed "pure" pairs that every seed starts with among them.
    """
    from grubook.train import SPLITS

    test = set(hard_pairs(n_bits, n_hard, seed=SPLITS["test"]))
    pool_size = min(n_hard + len(test), hard_pair_count(n_bits))
    pool = hard_pairs(n_bits, pool_size, seed=SPLITS["validation"])
    fresh = [pair for pair in pool if pair not in test][:n_hard]
    if len(fresh) < n_hard:  # only when n_hard > hard_pair_count // 2
        raise ValueError(
            f"n_hard must be at most {hard_pair_count(n_bits) // 2} for a "
            f"validation sweep at {n_bits} bits (hard pairs the test set does "
            f"not ask), got {n_hard}"
        )
    return fresh


def length_sweep(
    adder,
    lengths,
    *,
    n_random: int = 1000,
    n_hard: int = 100,
    split: str = "test",
) -> dict:
    """Exact-match counts by operand length: random, hard and named pairs.

    ``adder`` maps inputs ``x`` float32 ``(B, T, 2)`` to sum bits ``uint8``
    ``(B, T)``: for example ``functools.partial(adder_bits, params,
    readout)`` or ``grubook.studies.compiled_bits(model)``. For each ``n``
    in ``lengths`` (each >= 4), with ``split="test"``: the ``n_random``
    pairs of the test set ``grubook.train.held_out_set(n, n_random,
    "test")``, ``n_hard`` pairs of :func:`hard_pairs` (drawn from the test
    seed) and every case of :func:`adversarial_pairs`. With
    ``split="validation"``, for decisions: the validation set's random
    pairs, ``n_hard`` hard pairs from the validation seed that the test does
    not ask, and no named cases (they are fixed pairs, the same for every
    seed, so they stay with the test). Returns ``{"lengths": [n, ...],
    "split": split, "n_random": N, "random": [exact count per length],
    "n_hard": M, "hard": [exact count per length], "cases": {name: [bool
    per length]}}``.
    """
    from grubook.train import SPLITS, held_out_set

    if split not in ("validation", "test"):
        raise ValueError(
            f"split must be 'validation' or 'test', got {split!r}"
        )
    lengths = [check_int(n, "lengths[i]", minimum=4) for n in lengths]
    result = {
        "lengths": lengths,
        "split": split,
        "n_random": check_positive_int(n_random, "n_random"),
        "random": [],
        "n_hard": check_positive_int(n_hard, "n_hard"),
        "hard": [],
        "cases": {name: [] for name in ADVERSARIAL_CASES}
        if split == "test"
        else {},
    }
    for n in lengths:
        x, _ = held_out_set(n, n_random, split)
        result["random"].append(int(exact_match_bits(adder(x), x).sum()))
        hard = (
            hard_pairs(n, n_hard, seed=SPLITS["test"])
            if split == "test"
            else _validation_hard_pairs(n, n_hard)
        )
        result["hard"].append(int(_exact_on_pairs(adder, hard, n).sum()))
        if split == "test":
            named = adversarial_pairs(n, SPLITS["test"])
            for name, ok in zip(
                named, _exact_on_pairs(adder, named.values(), n), strict=True
            ):
                result["cases"][name].append(bool(ok))
    return result


def exact_at_each_length(sweep: dict) -> list[bool]:
    """Per length of a :func:`length_sweep` result: exact on every random
    pair, every hard pair and every named case there?"""
    return [
        random == sweep["n_random"]
        and hard == sweep["n_hard"]
        and all(oks[i] for oks in sweep["cases"].values())
        for i, (random, hard) in enumerate(
            zip(sweep["random"], sweep["hard"], strict=True)
        )
    ]


def all_exact(sweep: dict) -> bool:
    """Whether a :func:`length_sweep` result is exact everywhere.

    That is, on every random, hard and named pair at every length.
    """
    return all(exact_at_each_length(sweep))


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
