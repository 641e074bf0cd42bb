"""Chapter 7: the automaton inside a trained adder, and a proof for every length.

Addition, least significant bit first, is a two-state machine: the carry.
:func:`certify` looks for sets of hidden states, one per *key* (the carry
before the last ``history`` steps and those steps' input pairs), that the
GRU step maps into each other as the carry machine says, and on whose
images the readout gives the right sum bit. If they exist, induction over
the time steps proves the adder exact on every input of every length.

The sets are boxes (one interval per unit), and every bound is computed in
interval arithmetic that rounds outward, so that floating-point rounding
can only make a box larger, never hide a state:

    Box        lo, hi  float64 (..., H): the states with lo <= h <= hi

Shapes: ``params`` is a :class:`~grubook.reference.GRUParams` in Keras
layout with the book's update gate (kernel (2, 3H), recurrent_kernel
(H, 3H), bias (3H,)), ``readout`` an :class:`~grubook.analysis.Readout`
(w (H,), b), as :func:`grubook.analysis.adder_weights` returns them.

Importing it does not import TensorFlow (only training a seed does).

- ``intervals``: Box and the outward-rounded interval operations, one GRU step, the readout.
- ``keys``: the carry before a window of inputs and the window; the carry machine on keys.
- ``rounding``: bounds on the error of a float32 step and a float32 readout; float32 weights.
- ``leaky``: the hand-built adder with a carry that leaks, failing only at long lengths.
- ``certificate``: Certificate and certify: growing boxes until they prove the adder.
- ``automaton``: k-means on the states, the Mealy machine they form, minimised; the keys' machine.
- ``portrait``: the plane of the carry, fixed points, one phase-portrait panel.
- ``jacobians``: the step's Jacobians and why boxes wrap.
- ``long_inputs``: long structured inputs and the first step an adder gets wrong.
- ``seeds``: train, certify and test many seeds of a recipe.
- ``export``: a proved adder and its boxes as a file anyone can re-check.
- ``cli``: the command line, ``python -m grubook.verify``.
"""

from grubook.verify.automaton import (
    CARRY_AUTOMATON,
    Automaton,
    is_carry_automaton,
    key_machine,
    kmeans,
    mealy_machine,
    minimize,
    read_machine,
)
from grubook.verify.certificate import Certificate, certify
from grubook.verify.cli import main
from grubook.verify.export import (
    COVERS,
    EXPORT_SEED,
    FORMAT,
    certificate_document,
    export_adder,
    prove_first,
)
from grubook.verify.intervals import (
    UNIT_ROUNDOFF,
    Box,
    interval_affine,
    interval_mix,
    interval_product,
    interval_readout,
    interval_sigmoid,
    interval_step,
    interval_tanh,
)
from grubook.verify.jacobians import Wrapping, step_jacobian, wrapping
from grubook.verify.keys import (
    INPUT_PAIRS,
    KeyTable,
    carries_after,
    describe_key,
    key_table,
    key_window,
    state_keys,
)
from grubook.verify.leaky import leaky_adder, leaky_gap
from grubook.verify.long_inputs import first_wrong_steps, structured_inputs
from grubook.verify.portrait import Plane, carry_plane, fixed_points, portrait_panel
from grubook.verify.rounding import (
    FLOAT32_STATE_BOUND,
    READOUT_FLOOR,
    check_float32,
    float32_readout_error,
    float32_step_error,
    float32_weights,
)
from grubook.verify.seeds import CERTIFY_RECIPES, HISTORIES, LONG_STEPS, certify_seed

__all__ = [
    "Box",
    "UNIT_ROUNDOFF",
    "interval_affine",
    "interval_sigmoid",
    "interval_tanh",
    "interval_product",
    "interval_mix",
    "interval_step",
    "interval_readout",
    "INPUT_PAIRS",
    "carries_after",
    "KeyTable",
    "key_table",
    "describe_key",
    "float32_step_error",
    "float32_readout_error",
    "FLOAT32_STATE_BOUND",
    "READOUT_FLOOR",
    "check_float32",
    "float32_weights",
    "leaky_adder",
    "leaky_gap",
    "Certificate",
    "certify",
    "kmeans",
    "Automaton",
    "mealy_machine",
    "minimize",
    "read_machine",
    "is_carry_automaton",
    "Plane",
    "carry_plane",
    "fixed_points",
    "portrait_panel",
    "step_jacobian",
    "Wrapping",
    "wrapping",
    "structured_inputs",
    "certify_seed",
    "first_wrong_steps",
    "HISTORIES",
    "CERTIFY_RECIPES",
    "LONG_STEPS",
    "main",
    "CARRY_AUTOMATON",
    "state_keys",
    "key_window",
    "FORMAT",
    "COVERS",
    "EXPORT_SEED",
    "certificate_document",
    "export_adder",
    "prove_first",
    "key_machine",
]
