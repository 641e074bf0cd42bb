"""Chapter 2's self-checks: a Jacobian, a running average, a parameter count.

- ``ch2-ex-reset-after-jacobian``: a function ``jacobian(x, h, params)``,
  ``x`` (D,), ``h`` (H,), ``params`` a ``GRUParams`` with bias (2, 3H),
  returning ``dh_t/dh_{t-1}`` (H, H) (row i holds the derivatives of unit i);
  compared with central finite differences of ``grubook.reference.gru_step``
  in float64 on hidden weights.
- ``ch2-ex-running-average``: a function ``z(t)``, the update gate at step
  ``t = 1, 2, ...``; run in eq. (ch2-state) against the running mean.
- ``ch2-ex-count``: a tuple of two ints, the adder's parameters with
  ``reset_after=False`` and with ``reset_after=True``.
"""

from __future__ import annotations

import numpy as np

from grubook.exercises._core import (
    Wrong,
    array,
    call,
    function,
    number,
    parts,
    registry,
    whole,
    worst,
)
from grubook.reference import GRUParams, gru_step, random_params


def _step_jacobian(x, h, params: GRUParams, reset_after: bool) -> np.ndarray:
    """``dh_t/dh_{t-1}`` (H, H) by central differences; x (D,), h (H,)."""
    eps = 1e-6
    columns = []
    for j in range(h.size):
        shift = np.zeros_like(h)
        shift[j] = eps
        up, down = (gru_step(x[None], (h + s)[None], params, reset_after=reset_after).h[0]
                    for s in (shift, -shift))
        columns.append((up - down) / (2 * eps))
    return np.stack(columns, axis=1)


def check_reset_after_jacobian(answer) -> str:
    """``answer(x, h, params)`` must be the reset-after step's Jacobian (H, H)."""
    jacobian = function(answer, "your Jacobian function")
    rng = np.random.default_rng(2902)
    for input_dim, units in ((3, 5), (2, 1), (2, 4)):
        params = random_params(input_dim, units, rng, reset_after=True)
        x, h = rng.normal(size=input_dim), rng.uniform(-1, 1, units)
        got = array(call(jacobian, "your Jacobian function", x, h, params), (units, units),
                    "your Jacobian", f"(H, H) with H = {units}")
        expected = _step_jacobian(x, h, params, reset_after=True)
        error, index = worst(got, expected)
        if error <= 1e-7:
            continue
        before = [GRUParams(*params[:2], params.bias[0]),
                  GRUParams(*params[:2], params.bias.sum(axis=0))]
        if any(worst(got, _step_jacobian(x, h, p, False))[0] <= 1e-7 for p in before):
            raise Wrong("that is the Jacobian with the reset gate before the product; "
                        "the exercise places it after the product")
        if units > 1 and worst(got.T, expected)[0] <= 1e-7:
            raise Wrong("your Jacobian is transposed: row i should hold the derivatives "
                        "of unit i of h_t")
        raise Wrong(f"with D = {input_dim}, H = {units}, your Jacobian differs from finite "
                    f"differences by {error:.2g} at entry {index}")
    return "agrees with finite differences to 1e-7 on three random cells"


def check_running_average(answer) -> str:
    """``answer(t)``: the update gate at step t that gives the running mean."""
    gate = function(answer, "z")
    candidates = np.random.default_rng(17).normal(size=(50, 3))
    h = np.full(3, 7.0)
    for t, h_tilde in enumerate(candidates, start=1):
        z = number(call(gate, f"z({t})", t), f"z({t})", low=0, high=1)
        h = (1 - z) * h + z * h_tilde
        if np.abs(h - candidates[:t].mean(axis=0)).max() > 1e-9:
            where = "still holds some of h_0" if t == 1 else (
                f"is not the average of the first {t} candidates")
            raise Wrong(f"after step {t}, h {where}")
    return "h_t is the mean of the candidates at every one of 50 steps"


def check_count(answer) -> str:
    """``answer``: (parameters with reset_after=False, with reset_after=True)."""
    before, after = (whole(value, f"the count {name}") for value, name in
                     zip(parts(answer, 2, "your answer"),
                         ("with reset_after=False", "with reset_after=True"), strict=True))
    units, inputs = 16, 2
    gru = (3 * (units * inputs + units**2 + units), 3 * (units * inputs + units**2 + 2 * units))
    expected = tuple(count + units + 1 for count in gru)
    if (before, after) == expected:
        return "right, for both conventions"
    if (before, after) == gru:
        raise Wrong("those count the GRU layer alone: the whole model has a readout too")
    if (after, before) == expected:
        raise Wrong("the two counts are swapped")
    wrong = [f"the count {name} is too {'small' if got < want else 'large'}"
             for name, got, want in (("with reset_after=False", before, expected[0]),
                                     ("with reset_after=True", after, expected[1]))
             if got != want]
    raise Wrong("; ".join(wrong))


CHECKERS = registry(
    ("ch2-ex-reset-after-jacobian", check_reset_after_jacobian),
    ("ch2-ex-running-average", check_running_average),
    ("ch2-ex-count", check_count),
)
