"""The automaton inside a trained adder: clusters of its states read as a Mealy machine.

:func:`read_machine` clusters the states an adder reaches (:func:`kmeans`),
:func:`mealy_machine` reads the clusters' transitions and outputs, and
:func:`is_carry_automaton` checks that the minimised machine is addition's
two-state carry machine; :func:`key_machine` is the machine on the keys that
:func:`certify` proves the network follows.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from grubook._checks import check_int, check_rank
from grubook.analysis import trace_adder
from grubook.verify.keys import key_table


def kmeans(points, clusters: int, seed: int = 0, rounds: int = 50):
    """Lloyd's k-means with k-means++ starts: ``points`` (N, H).

    Returns ``(centres (clusters, H), labels int (N,))``. ``clusters`` must
    be at most the number of distinct points (a ValueError otherwise).
    """
    points = check_rank(np.asarray(points, np.float64), 2, "points", "(N, H)")
    clusters = check_int(clusters, "clusters", minimum=1)
    distinct = len(np.unique(points, axis=0))
    if clusters > distinct:
        raise ValueError(
            f"clusters must be at most the {distinct} distinct points "
            f"(of {len(points)}), got {clusters}"
        )
    rng = np.random.default_rng(seed)
    centres = points[rng.integers(len(points))][None]
    while len(centres) < clusters:
        distance = ((points[:, None] - centres[None]) ** 2).sum(-1).min(1)
        pick = rng.choice(len(points), p=distance / distance.sum())
        centres = np.vstack([centres, points[pick]])
    for _ in range(rounds):
        labels = _nearest(points, centres)
        centres = np.stack(
            [
                points[labels == k].mean(0) if (labels == k).any() else centres[k]
                for k in range(clusters)
            ]
        )
    return centres, _nearest(points, centres)


def _nearest(points, centres) -> np.ndarray:
    return ((points[:, None] - centres[None]) ** 2).sum(-1).argmin(1)


class Automaton(NamedTuple):
    """A Mealy machine read off an adder's states (or minimised).

    transitions  int (S, 4)  the state after each input pair (2 a + b)
    outputs      int (S, 4)  the sum bit the adder writes on that input
    start        int         the state of h_0 = 0
    agreement    float       the fraction of observed steps that follow the
                             table (1.0: the clusters are a machine)
    """

    transitions: np.ndarray
    outputs: np.ndarray
    start: int
    agreement: float


def mealy_machine(labels, x, bits, clusters: int) -> Automaton:
    """The machine whose states are clusters of hidden states, and h_0.

    ``labels`` int (B, T): the cluster (0 .. clusters - 1) of the state
    after each step of ``x`` (B, T, 2); ``bits`` (B, T) the adder's sum
    bits. The start state ``h_0 = 0`` is a state of its own, numbered
    ``clusters``. Each (state, input) gets its most frequent next state and
    output; ``agreement`` is the fraction of steps that agree with both.
    """
    labels = np.asarray(labels, dtype=np.int64)
    before = np.concatenate(
        [np.full((len(labels), 1), clusters), labels[:, :-1]], axis=1
    )
    inputs = (2 * np.asarray(x)[..., 0] + np.asarray(x)[..., 1]).astype(np.int64)
    cell = (before * 4 + inputs).ravel()
    transitions = _most_frequent(cell, labels.ravel(), clusters + 1)
    outputs = _most_frequent(cell, np.asarray(bits, np.int64).ravel(), clusters + 1)
    agree = (transitions.ravel()[cell] == labels.ravel()) & (
        outputs.ravel()[cell] == np.asarray(bits).ravel()
    )
    return Automaton(transitions, outputs, clusters, float(agree.mean()))


def _most_frequent(cell, values, clusters: int) -> np.ndarray:
    """For each (cluster, input) cell, its most frequent value (-1: unseen)."""
    counts = np.zeros((clusters * 4, values.max() + 1), dtype=np.int64)
    np.add.at(counts, (cell, values), 1)
    best = counts.argmax(1)
    best[counts.sum(1) == 0] = -1
    return best.reshape(clusters, 4)


def minimize(machine: Automaton) -> Automaton:
    """The smallest machine that writes the same bits from ``start``.

    Keeps the states reachable from ``start``, then merges states that
    no input sequence tells apart (partition refinement, Moore's method).
    Unseen transitions (-1) must not be reachable.
    """
    reachable = _reachable(machine)
    block = {s: tuple(machine.outputs[s]) for s in reachable}
    while True:
        signature = {
            s: (block[s], tuple(block[t] for t in machine.transitions[s]))
            for s in reachable
        }
        names = {sig: i for i, sig in enumerate(sorted(set(signature.values())))}
        refined = {s: names[signature[s]] for s in reachable}
        if len(names) == len(set(block.values())):
            break
        block = refined
    size = len(names)
    transitions = np.zeros((size, 4), dtype=np.int64)
    outputs = np.zeros((size, 4), dtype=np.int64)
    for s in reachable:
        transitions[refined[s]] = [refined[t] for t in machine.transitions[s]]
        outputs[refined[s]] = machine.outputs[s]
    return Automaton(transitions, outputs, refined[machine.start], machine.agreement)


def _reachable(machine: Automaton) -> list[int]:
    seen, todo = {machine.start}, [machine.start]
    while todo:
        state = todo.pop()
        for nxt in machine.transitions[state]:
            if nxt < 0:
                raise ValueError(
                    f"state {state} has an unseen transition: collect the "
                    "states on more inputs"
                )
            if int(nxt) not in seen:
                seen.add(int(nxt))
                todo.append(int(nxt))
    return sorted(seen)


CARRY_AUTOMATON = Automaton(
    transitions=np.array([[0, 0, 0, 1], [0, 1, 1, 1]]),
    outputs=np.array([[0, 1, 1, 0], [1, 0, 0, 1]]),
    start=0,
    agreement=1.0,
)
"""Addition: state = the carry; on (a, b) write (a + b + c) mod 2."""


def read_machine(params, readout, x, clusters: int):
    """Cluster the states ``params`` reaches on ``x`` (B, T, 2); read their machine.

    Returns ``(centres (clusters, H), Automaton)``: the k-means centres of the
    states and the :func:`mealy_machine` of the clusters, with the bits the
    adder writes.
    """
    from grubook.analysis import adder_bits

    x = np.asarray(x, dtype=np.float64)
    states = trace_adder(params, x).h
    centres, labels = kmeans(states.reshape(-1, states.shape[-1]), clusters)
    bits = adder_bits(params, readout, x, np.float64)
    return centres, mealy_machine(labels.reshape(states.shape[:2]), x, bits, clusters)


def is_carry_automaton(machine: Automaton) -> bool:
    """Whether the minimised ``machine`` is the two-state carry machine."""
    small = minimize(machine)
    if small.transitions.shape != (2, 4):
        return False
    other = 1 - small.start
    order = [small.start, other]
    relabel = {small.start: 0, other: 1}
    transitions = np.array([[relabel[t] for t in small.transitions[s]] for s in order])
    outputs = small.outputs[order]
    return bool(
        np.array_equal(transitions, CARRY_AUTOMATON.transitions)
        and np.array_equal(outputs, CARRY_AUTOMATON.outputs)
    )


def key_machine(history: int) -> Automaton:
    """The machine on the keys of :func:`key_table`, from ``h_0``: what a certificate proves.

    Its states are the prefixes of fewer than ``history`` input pairs read
    from carry 0 (the first ``(4**history - 1) / 3``, the empty prefix
    first: the start), then the ``2 * 4**history`` keys; its transitions and
    outputs are the key table's. Minimised, it is :data:`CARRY_AUTOMATON`.
    """
    table = key_table(history)
    prefixes = (4**history - 1) // 3
    transitions = np.zeros((prefixes + len(table.successor), 4), dtype=np.int64)
    outputs = np.zeros_like(transitions)
    transitions[prefixes:] = prefixes + table.successor
    outputs[prefixes:] = table.sum_bit
    start, carry = 0, {0: 0}  # prefix node -> the carry after it
    for length in range(history):
        first = (4**length - 1) // 3
        for code in range(4**length):
            node = first + code
            for index in range(4):
                total = index // 2 + index % 2 + carry[node]
                outputs[node, index] = total % 2
                if length + 1 < history:
                    nxt = (4 ** (length + 1) - 1) // 3 + code * 4 + index
                    carry[nxt] = total // 2
                else:
                    nxt = prefixes + code * 4 + index  # carry 0 before the window
                transitions[node, index] = nxt
    return Automaton(transitions, outputs, start, 1.0)
