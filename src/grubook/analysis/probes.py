"""Where is the carry? A linear probe, and one threshold on one unit.

States are ``(N, H)``: one hidden state of ``H`` units per row; labels are
0/1 ``(N,)``.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from grubook._checks import check_positive_int, check_rank
from grubook.data import check_bits
from grubook.reference import sigmoid


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

