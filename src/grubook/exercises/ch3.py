"""Chapter 3's self-checks: two TensorFlow steps, a count of multiply-adds, a norm.

- ``ch3-ex-reset-switch``: a function ``my_step(x, h, params, reset_after=...)``
  on float32 tensors (``x`` (B, D), ``h`` (B, H), ``params`` a ``GRUParams``
  of tensors, bias (3H,) or (2, 3H)) returning the new state ``h`` (B, H)
  (or a trace with ``.h``); compared with ``grubook.reference.gru_step`` to
  1e-5 in both reset conventions.
- ``ch3-ex-three-products``: a function ``step(x, h, params)``, the same for
  the reset gate before the product, at B = 256, H = 16.
- ``ch3-ex-multiply-adds``: a function ``multiply_adds(D, H, reset_after)``
  returning the int count for one step of one problem (the matrix products).
- ``ch3-ex-orthogonal``: a number, the largest singular value of the whole
  (H, 3H) matrix, to 1e-3.

The two steps need TensorFlow, imported when their checker runs.
"""

from __future__ import annotations

import numpy as np

from grubook.exercises._core import (
    Wrong,
    array,
    call,
    function,
    number,
    registry,
    too_far,
    whole,
    worst,
)
from grubook.reference import GRUParams, gru_step, random_params


def _check_step(step, what: str, rng, *, batch: int, units: int, after: bool,
                keywords: dict) -> None:
    """Run ``step(x, h, params, **keywords)`` on float32 tensors; compare its new state.

    ``after`` is the reset convention the step must compute.
    """
    import tensorflow as tf

    params = random_params(2, units, rng, reset_after=after)
    x, h = rng.normal(size=(batch, 2)), rng.uniform(-1, 1, size=(batch, units))
    x32, h32, *p32 = (tf.constant(v, tf.float32) for v in (x, h, *params))
    result = call(step, what, x32, h32, GRUParams(*p32), **keywords)
    result = getattr(result, "h", result)
    got = array(result, (batch, units), f"the state from {what}", f"(B, H) = {(batch, units)}")
    error, _ = worst(got, gru_step(x, h, params, reset_after=after).h)
    if error <= 1e-5:
        return
    keras_h = gru_step(x, h, params, reset_after=after, update_gate="keras").h
    if worst(got, keras_h)[0] < 1e-5:
        raise Wrong(f"{what} keeps the old state with weight z (Keras's convention); the "
                    "book's step keeps it with weight 1 - z")
    merged = GRUParams(*params[:2], params.bias.sum(axis=0)) if after else params
    if after and worst(got, gru_step(x, h, merged).h)[0] < 1e-5:
        raise Wrong(f"{what} applies the reset gate before the product")
    raise Wrong(f"{what} differs from reference.gru_step by up to {error:.2g}")


def check_reset_switch(answer) -> str:
    """``answer(x, h, params, reset_after=...)`` must compute the book's step."""
    step = function(answer, "my_step")
    rng = np.random.default_rng(303)
    for after in (False, True):
        _check_step(step, f"my_step(..., reset_after={after})", rng, batch=5, units=8,
                    after=after, keywords={"reset_after": after})
    return "equal to reference.gru_step to 1e-5 in both reset conventions"


def check_three_products(answer) -> str:
    """``answer(x, h, params)`` must compute the step with the reset gate before."""
    step = function(answer, "your step")
    _check_step(step, "your step", np.random.default_rng(304), batch=256, units=16,
                after=False, keywords={})
    return "equal to reference.gru_step to 1e-5 at B = 256, H = 16"


def check_multiply_adds(answer) -> str:
    """``answer(D, H, reset_after)``: multiply-adds of the products of one step."""
    count = function(answer, "multiply_adds")
    extra = set()
    for after in (False, True):
        for inputs, units in ((2, 16), (1, 1), (5, 4), (3, 33)):
            what = f"multiply_adds({inputs}, {units}, {after})"
            got = whole(call(count, what, inputs, units, after), what)
            expected = 3 * units * (inputs + units)
            if got == expected:
                continue
            if got > expected and (got - expected) % units == 0 and got - expected <= 20 * units:
                extra.add((got - expected) // units)
                continue
            raise Wrong(f"{what} is {got}: too {'few' if got < expected else 'many'}")
    if extra:
        raise Wrong("your counts exceed the matrix products' by a multiple of H: count only "
                    "the multiply-adds of the matrix products, the part that grows as H^2")
    return "right for both conventions, every D and H tried"


def check_orthogonal(answer) -> str:
    """``answer``: the largest singular value of three orthogonal blocks side by side."""
    value = number(answer, "the singular value", low=0)
    expected = float(np.sqrt(3.0))
    if abs(value - expected) <= 1e-3:
        return "right: the whole matrix stretches, each block alone does not"
    if abs(value - 1) <= 1e-3:
        raise Wrong("that is each block's; the exercise asks for the whole (H, 3H) matrix")
    too_far("the singular value", value, expected)


CHECKERS = registry(
    ("ch3-ex-reset-switch", check_reset_switch),
    ("ch3-ex-three-products", check_three_products),
    ("ch3-ex-multiply-adds", check_multiply_adds),
    ("ch3-ex-orthogonal", check_orthogonal),
)
