"""The book's GRU weights in the layouts of other GRUs, and back.

The book's weights (:class:`grubook.reference.GRUParams`) keep Keras's
layout, gate blocks z, r, h, and the book's update gate (Chung et al. 2014),
which keeps the old state with weight 1 - z::

    kernel (D, 3H)   recurrent_kernel (H, 3H)   bias (3H,), or (2, 3H) with reset_after

Each other implementation stores the same numbers differently::

    implementation  gates    matrices                           biases             old state  reset
    Keras GRU       z, r, h  kernel (D, 3H), recurrent (H, 3H)  (3H,) or (2, 3H)   z          either
    PyTorch GRU     r, z, n  weight_ih (3H, D), weight_hh       bias_ih, bias_hh   z          after
                             (3H, H): transposed                (3H,) each
    cuDNN GRU       r, z, h  W_* (H, D), R_* (H, H) per gate    b_W*, b_R* (H,)    z          after
    2017 tutorial   z, r, h  Wz, Wr, Wh (D, H); Uz, Ur, Uh      bz, br, bh (H,)    1 - z      before
                             (H, H): one variable each

("old state": the weight that keeps h_{t-1}; "reset": the reset gate before
or after the recurrent product.)

Converting to Keras negates the z-block (:func:`grubook.reference.flip_update_gate`);
to PyTorch it negates, reorders the blocks (:func:`swap_gate_order`) and
transposes; cuDNN's canonical layout is PyTorch's cut into one matrix per
gate; the tutorial's is the book's cut into nine variables. Every ``to_*``
has a ``from_*`` that inverts it exactly (the maps only move entries and flip
signs). :func:`cudnn_sequence` and :func:`tutorial_sequence` run the
equations those two document, in their own notation, to check the maps
without a GPU or TensorFlow 1. NumPy only: Keras and PyTorch are never
imported here.
"""

from __future__ import annotations

import numpy as np

from grubook._checks import check_bool, check_rank
from grubook.reference import GRUParams, flip_update_gate, sigmoid

__all__ = [
    "TORCH_NAMES",
    "CUDNN_NAMES",
    "TUTORIAL_NAMES",
    "swap_gate_order",
    "to_keras",
    "from_keras",
    "to_torch",
    "from_torch",
    "to_cudnn",
    "from_cudnn",
    "cudnn_sequence",
    "to_tutorial",
    "from_tutorial",
    "tutorial_sequence",
]

TORCH_NAMES = ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0")
"""The arrays of a one-layer ``torch.nn.GRU``'s ``state_dict``."""
CUDNN_NAMES = ("W_r", "W_z", "W_h", "R_r", "R_z", "R_h",
               "b_Wr", "b_Wz", "b_Wh", "b_Rr", "b_Rz", "b_Rh")
"""cuDNN's GRU weights in its order (``linLayerID`` 0 to 5: input matrices for
the reset, update and new-memory gates, then the recurrent ones; biases alike)."""
TUTORIAL_NAMES = ("Wz", "Wr", "Wh", "Uz", "Ur", "Uh", "bz", "br", "bh")
"""The variables of the 2017 tutorial's ``GRU`` class."""


def _units(params: GRUParams, reset_after: bool, name: str = "params") -> int:
    """Check ``params`` is a book ``GRUParams`` of one reset convention; return H."""
    if not isinstance(params, tuple) or len(params) != 3:
        raise ValueError(f"{name} must be a GRUParams (kernel, recurrent_kernel, bias), "
                         f"got {type(params).__name__}")
    kernel, recurrent, bias = (np.asarray(p) for p in params)
    check_rank(kernel, 2, f"{name}.kernel", "(input_dim, 3 * units)")
    check_rank(recurrent, 2, f"{name}.recurrent_kernel", "(units, 3 * units)")
    units = recurrent.shape[0]
    if recurrent.shape != (units, 3 * units) or kernel.shape[1] != 3 * units:
        raise ValueError(f"{name} must hold a kernel (D, 3H) and a recurrent_kernel (H, 3H), "
                         f"got {kernel.shape} and {recurrent.shape}")
    want = (2, 3 * units) if reset_after else (3 * units,)
    if bias.shape != want:
        kind = "reset-after" if reset_after else "reset-before"
        raise ValueError(f"{name} must be {kind} weights (bias of shape {want}), "
                         f"got a bias of shape {bias.shape}")
    return units


def _check_names(weights, names: tuple[str, ...], name: str) -> dict[str, np.ndarray]:
    """``weights`` as a dict of arrays with exactly the keys ``names``."""
    if not hasattr(weights, "keys"):
        raise ValueError(f"{name} must be a dict with the keys {list(names)}, "
                         f"got {type(weights).__name__}")
    missing, unexpected = set(names) - set(weights), set(weights) - set(names)
    if missing or unexpected:
        raise ValueError(f"{name} must have the keys {list(names)}: "
                         f"missing {sorted(missing)}, unexpected {sorted(unexpected)}")
    return {key: np.asarray(weights[key]) for key in names}


def _check_shapes(arrays: dict[str, np.ndarray], shapes: dict[str, tuple], name: str) -> None:
    for key, shape in shapes.items():
        if arrays[key].shape != shape:
            raise ValueError(f"{name}[{key!r}] must have shape {shape}, "
                             f"got {arrays[key].shape}")


def swap_gate_order(array, units: int) -> np.ndarray:
    """Keras's gate blocks z, r, h of the last axis as PyTorch's r, z, n, or back.

    ``array`` is (rows, 3H) or (3H,). Swapping the first two blocks is its
    own inverse, so the same function maps both ways.
    """
    array = np.asarray(array)
    if array.shape[-1:] != (3 * units,):
        raise ValueError(f"array must have a last axis of 3 * units = {3 * units}, "
                         f"got shape {array.shape}")
    first, second, third = (array[..., i * units:(i + 1) * units] for i in range(3))
    return np.concatenate([second, first, third], axis=-1)


def to_keras(params: GRUParams, *, reset_after: bool) -> list[np.ndarray]:
    """The book's weights as ``keras.layers.GRU(reset_after=...).set_weights`` takes them.

    Same layout; the z-block negated, because Keras keeps the old state with
    weight z. Returns ``[kernel (D, 3H), recurrent_kernel (H, 3H), bias]``.
    """
    _units(params, check_bool(reset_after, "reset_after"))
    return list(flip_update_gate(params))


def from_keras(weights, *, reset_after: bool) -> GRUParams:
    """``keras.layers.GRU(...).get_weights()`` as the book's :class:`GRUParams`."""
    if not isinstance(weights, (list, tuple)) or len(weights) != 3:
        raise ValueError("weights must be the list [kernel, recurrent_kernel, bias] "
                         f"of a keras.layers.GRU, got {type(weights).__name__}")
    params = GRUParams(*(np.asarray(w) for w in weights))
    _units(params, check_bool(reset_after, "reset_after"), "weights")
    return flip_update_gate(params)


def to_torch(params: GRUParams) -> dict[str, np.ndarray]:
    """The book's reset-after weights as ``torch.nn.GRU``'s state dict (NumPy arrays).

    ``params`` in Keras's layout (kernel (D, 3H), recurrent kernel (H, 3H),
    bias (2, 3H): input and recurrent) in the book's convention (old state
    kept with weight 1 - z). Negating the z-block gives Keras's convention,
    which is PyTorch's; then each block moves to PyTorch's order r, z, n and
    each matrix is transposed: ``weight_ih_l0`` (3H, D), ``weight_hh_l0``
    (3H, H), ``bias_ih_l0`` and ``bias_hh_l0`` (3H,).
    """
    units = _units(params, True)
    keras_side = flip_update_gate(params)
    return {
        "weight_ih_l0": swap_gate_order(keras_side.kernel, units).T,
        "weight_hh_l0": swap_gate_order(keras_side.recurrent_kernel, units).T,
        "bias_ih_l0": swap_gate_order(keras_side.bias[0], units),
        "bias_hh_l0": swap_gate_order(keras_side.bias[1], units),
    }


def from_torch(state) -> GRUParams:
    """A ``torch.nn.GRU`` state dict (the :data:`TORCH_NAMES`, as arrays) as book weights.

    The inverse of :func:`to_torch`. The map only moves entries and flips
    signs, so it also carries gradients with respect to PyTorch's arrays
    back to the book's layout.
    """
    state = _check_names(state, TORCH_NAMES, "state")
    check_rank(state["weight_hh_l0"], 2, "state['weight_hh_l0']", "(3 * units, units)")
    units = state["weight_hh_l0"].shape[1]
    inputs = state["weight_ih_l0"].shape[-1]
    _check_shapes(state, {"weight_ih_l0": (3 * units, inputs), "weight_hh_l0": (3 * units, units),
                          "bias_ih_l0": (3 * units,), "bias_hh_l0": (3 * units,)}, "state")
    keras_side = GRUParams(
        swap_gate_order(state["weight_ih_l0"].T, units),
        swap_gate_order(state["weight_hh_l0"].T, units),
        np.stack([swap_gate_order(state[key], units) for key in TORCH_NAMES[2:]]),
    )
    return flip_update_gate(keras_side)


def to_cudnn(params: GRUParams) -> dict[str, np.ndarray]:
    """The book's reset-after weights in cuDNN's canonical GRU layout.

    One matrix per gate and kind: ``W_r``, ``W_z``, ``W_h`` (H, D) for the
    input, ``R_r``, ``R_z``, ``R_h`` (H, H) for the recurrent state, and
    the biases ``b_W*``, ``b_R*`` (H,), in :data:`CUDNN_NAMES` order. It is
    PyTorch's layout (:func:`to_torch`) cut into blocks: PyTorch hands these
    arrays to cuDNN as they are.
    """
    torch_side = to_torch(params)
    blocks = [np.split(torch_side[key], 3) for key in TORCH_NAMES]
    return dict(zip(CUDNN_NAMES, (block for group in blocks for block in group), strict=True))


def from_cudnn(weights) -> GRUParams:
    """cuDNN's twelve GRU arrays (:data:`CUDNN_NAMES`) as book weights; inverts :func:`to_cudnn`."""
    weights = _check_names(weights, CUDNN_NAMES, "weights")
    check_rank(weights["R_r"], 2, "weights['R_r']", "(units, units)")
    units, inputs = weights["R_r"].shape[0], weights["W_r"].shape[-1]
    _check_shapes(weights, {key: (units, inputs) if key[0] == "W" else
                            (units, units) if key[0] == "R" else (units,)
                            for key in CUDNN_NAMES}, "weights")
    stacked = [np.concatenate([weights[key] for key in CUDNN_NAMES[i:i + 3]])
               for i in range(0, 12, 3)]
    return from_torch(dict(zip(TORCH_NAMES, stacked, strict=True)))


def _check_sequence(xs, h0, inputs: int, units: int) -> tuple[np.ndarray, np.ndarray]:
    xs = check_rank(np.asarray(xs, dtype=np.float64), 3, "xs", "(batch, time, input_dim)")
    h0 = check_rank(np.asarray(h0, dtype=np.float64), 2, "h0", "(batch, units)")
    if xs.shape[2] != inputs or h0.shape != (xs.shape[0], units):
        raise ValueError(f"xs must be (batch, time, {inputs}) and h0 (batch, {units}), "
                         f"got {xs.shape} and {h0.shape}")
    return xs, h0


def cudnn_sequence(xs, h0, weights) -> np.ndarray:
    """cuDNN's documented GRU equations over ``xs`` (B, T, D) from ``h0`` (B, H).

    In cuDNN's notation (column vectors; the code multiplies rows by W.T)::

        r_t  = sigmoid(W_r x_t + b_Wr + R_r h_{t-1} + b_Rr)
        z_t  = sigmoid(W_z x_t + b_Wz + R_z h_{t-1} + b_Rz)
        h'_t = tanh(W_h x_t + b_Wh + r_t * (R_h h_{t-1} + b_Rh))
        h_t  = (1 - z_t) * h'_t + z_t * h_{t-1}

    Returns every state, (B, T, H), in float64.
    """
    w = _check_names(weights, CUDNN_NAMES, "weights")
    xs, h = _check_sequence(xs, h0, w["W_r"].shape[-1], w["R_r"].shape[0])
    states = []
    for x in np.moveaxis(xs, 1, 0):
        r = sigmoid(x @ w["W_r"].T + w["b_Wr"] + h @ w["R_r"].T + w["b_Rr"])
        z = sigmoid(x @ w["W_z"].T + w["b_Wz"] + h @ w["R_z"].T + w["b_Rz"])
        h_new = np.tanh(x @ w["W_h"].T + w["b_Wh"] + r * (h @ w["R_h"].T + w["b_Rh"]))
        h = (1 - z) * h_new + z * h
        states.append(h)
    return np.stack(states, axis=1)


def to_tutorial(params: GRUParams) -> dict[str, np.ndarray]:
    """The book's reset-before weights as the 2017 tutorial's nine variables.

    The tutorial's ``GRU`` class keeps one variable per gate: ``Wz``, ``Wr``,
    ``Wh`` (D, H), ``Uz``, ``Ur``, ``Uh`` (H, H), ``bz``, ``br``, ``bh``
    (H,), multiplied as rows (``x_t @ Wz``), in the book's update convention:
    the blocks of the book's arrays, unchanged.
    """
    _units(params, False)
    blocks = [np.split(np.asarray(p), 3, axis=-1) for p in params]
    return dict(zip(TUTORIAL_NAMES, (block for group in blocks for block in group), strict=True))


def from_tutorial(weights) -> GRUParams:
    """The tutorial's nine variables (:data:`TUTORIAL_NAMES`) as book weights."""
    weights = _check_names(weights, TUTORIAL_NAMES, "weights")
    check_rank(weights["Uz"], 2, "weights['Uz']", "(units, units)")
    units, inputs = weights["Uz"].shape[0], weights["Wz"].shape[0]
    _check_shapes(weights, {key: (inputs, units) if key[0] == "W" else
                            (units, units) if key[0] == "U" else (units,)
                            for key in TUTORIAL_NAMES}, "weights")
    return GRUParams(*(np.concatenate([weights[key] for key in TUTORIAL_NAMES[i:i + 3]], axis=-1)
                       for i in range(0, 9, 3)))


def tutorial_sequence(xs, h0, weights) -> np.ndarray:
    """The tutorial's ``forward_pass`` over ``xs`` (B, T, D) from ``h0`` (B, H), in NumPy.

    Its code, line for line (``tf.matmul`` as ``@``)::

        z_t = sigmoid(x_t @ Wz + h_tm1 @ Uz + bz)
        r_t = sigmoid(x_t @ Wr + h_tm1 @ Ur + br)
        h_proposal = tanh(x_t @ Wh + (r_t * h_tm1) @ Uh + bh)
        h_t = (1 - z_t) * h_tm1 + z_t * h_proposal

    Returns every state, (B, T, H), in float64.
    """
    w = _check_names(weights, TUTORIAL_NAMES, "weights")
    xs, h = _check_sequence(xs, h0, w["Wz"].shape[0], w["Uz"].shape[0])
    states = []
    for x in np.moveaxis(xs, 1, 0):
        z = sigmoid(x @ w["Wz"] + h @ w["Uz"] + w["bz"])
        r = sigmoid(x @ w["Wr"] + h @ w["Ur"] + w["br"])
        h_proposal = np.tanh(x @ w["Wh"] + (r * h) @ w["Uh"] + w["bh"])
        h = (1 - z) * h + z * h_proposal
        states.append(h)
    return np.stack(states, axis=1)
