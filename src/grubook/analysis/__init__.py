"""Inside a trained adder: gate traces, the carry, numbers of any length.

Everything here works on the *weights* of an adder
(``grubook.model.build_adder``) as NumPy arrays, so that sequences of
thousands of steps run fast; importing it does not import TensorFlow.

- ``adder``: the weights of an adder, its gates traced, the fast NumPy loop, its bits.
- ``probes``: where the carry is: a linear probe and single-unit thresholds.
- ``lengths``: named hard cases, length sweeps and their verdicts, every pair.
- ``holds``: how firmly a held carry stays: the step Jacobian at a held state.
- ``hand_built``: a three-unit adder whose every weight is chosen by hand.

The multi-seed studies that train many adders live in
:mod:`grubook.studies`.
"""

from grubook.analysis.adder import (
    Readout,
    adder_bits,
    adder_weights,
    exact_match_bits,
    run_adder,
    trace_adder,
)
from grubook.analysis.hand_built import hand_built_adder
from grubook.analysis.holds import held_state, hold_contraction, step_jacobian
from grubook.analysis.lengths import (
    ADVERSARIAL_CASES,
    adversarial_pairs,
    all_exact,
    all_pairs,
    exact_at_each_length,
    length_sweep,
)
from grubook.analysis.probes import ProbeResult, fit_probe, single_unit_accuracy
from grubook.hard_cases import hard_pairs
from grubook.reference import GRUParams as GRUParams  # chapter 5 reads it from here

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
    "step_jacobian",
    "held_state",
    "hold_contraction",
    "all_pairs",
    "all_exact",
    "exact_at_each_length",
]
