"""Chapter 7: training an adder so that boxes can prove it.

Interval-bound propagation (Gowal et al. 2018) in the GRU's recurrence: at
every training step and every time step, the box of radius ``box_radius``
around the current state is pushed through the next GRU step in interval
arithmetic (in TensorFlow, differentiable, without outward rounding: this
is training, and :func:`grubook.verify.certify` checks the result soundly).
The loss adds two terms to the cross-entropy of the bits:

* the cross-entropy of the *worst* logit over the image box, so that the
  readout is right on every state near a reached one, and
* how far each unit of the image box is wider than ``shrink`` times the
  box it came from, so that one interval step shrinks a box.

Shapes, for a batch of ``B`` problems of ``T`` steps: ``x`` (B, T, 2),
``y`` (B, T, 1); states and boxes (B, H).
"""

from __future__ import annotations

import numpy as np

from grubook._checks import check_int, check_positive_int

__all__ = [
    "CERTIFIED_RECIPE",
    "interval_step_tf",
    "worst_logits",
    "certified_loss",
    "train_for_certificate",
]

CERTIFIED_RECIPE = {
    "steps": 2000,
    "learning_rate": 1e-2,
    "final_learning_rate": 1e-4,
    "state_noise": 0.1,
    "box_radius": 0.05,
    "shrink": 0.5,
    "bound_weight": 1.0,
    "width_weight": 10.0,
}
"""The recipe designed on seeds 0 and 1: the ``robust`` recipe's steps,
rates and state noise, plus the two interval terms."""


def _affine_tf(lo, hi, matrix, offset):
    """The box of ``h @ matrix + offset`` over ``[lo, hi]`` (centre-radius)."""
    import tensorflow as tf

    centre = (lo + hi) / 2 @ matrix + offset
    radius = (hi - lo) / 2 @ tf.abs(matrix)
    return centre - radius, centre + radius


def _corners_tf(values):
    import tensorflow as tf

    stacked = tf.stack(values)
    return tf.reduce_min(stacked, axis=0), tf.reduce_max(stacked, axis=0)


def interval_step_tf(kernel, recurrent, bias, x, lo, hi):
    """The box one GRU step maps ``[lo, hi]`` (B, H) to, on inputs ``x`` (B, 2).

    The same bounds as :func:`grubook.verify.interval_step`, without its
    outward rounding, and differentiable. Returns ``(lo, hi)`` (B, H).
    """
    import tensorflow as tf

    units = recurrent.shape[0]
    inputs = x @ kernel + bias
    zr_lo, zr_hi = _affine_tf(lo, hi, recurrent[:, : 2 * units], inputs[:, : 2 * units])
    zr_lo, zr_hi = tf.sigmoid(zr_lo), tf.sigmoid(zr_hi)
    z_lo, z_hi = zr_lo[:, :units], zr_hi[:, :units]
    r_lo, r_hi = zr_lo[:, units:], zr_hi[:, units:]
    rh_lo, rh_hi = _corners_tf([r_lo * lo, r_lo * hi, r_hi * lo, r_hi * hi])
    g_lo, g_hi = _affine_tf(rh_lo, rh_hi, recurrent[:, 2 * units :], inputs[:, 2 * units :])
    g_lo, g_hi = tf.tanh(g_lo), tf.tanh(g_hi)
    return _corners_tf(
        [h + z * (g - h) for z in (z_lo, z_hi) for h in (lo, hi) for g in (g_lo, g_hi)]
    )


def worst_logits(readout_kernel, readout_bias, lo, hi, bits):
    """The readout logit over ``[lo, hi]`` (B, H) farthest on the wrong side.

    For a target bit 1 the smallest logit, for 0 the largest: (B,).
    """
    import tensorflow as tf

    low, high = _affine_tf(lo, hi, readout_kernel, readout_bias)
    return tf.where(bits > 0.5, low[:, 0], high[:, 0])


def certified_loss(cell, readout, x, y, recipe: dict, noise):
    """The training loss of :data:`CERTIFIED_RECIPE` on one batch.

    ``cell`` is the adder's built :class:`grubook.cell.GRUCell` (reset before
    the product); ``readout`` its readout's (kernel (H, 1), bias (1,));
    ``noise`` (B, T, H) is the state noise added after each step. Returns
    ``(total, bits, bound, width)``, each averaged over steps.
    """
    import tensorflow as tf

    kernel, recurrent, bias = cell.kernel, cell.recurrent_kernel, cell.bias
    readout_kernel, readout_bias = readout
    radius = recipe["box_radius"]
    h = tf.zeros((tf.shape(x)[0], cell.units), dtype=x.dtype)
    bits_loss = bound_loss = width_loss = 0.0
    for t in range(x.shape[1]):
        lo, hi = interval_step_tf(kernel, recurrent, bias, x[:, t], h - radius, h + radius)
        h = cell.gates(x[:, t], h).h
        target = y[:, t, 0]
        logits = (h @ readout_kernel + readout_bias)[:, 0]
        bits_loss += tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(target, logits))
        worst = worst_logits(readout_kernel, readout_bias, lo, hi, target)
        bound_loss += tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(target, worst))
        width_loss += tf.reduce_mean(tf.nn.relu(hi - lo - 2 * recipe["shrink"] * radius))
        h = h + noise[:, t]
    steps = x.shape[1]
    bound_terms = bound_loss + recipe["width_weight"] * width_loss
    total = (bits_loss + recipe["bound_weight"] * bound_terms) / steps
    return total, bits_loss / steps, bound_loss / steps, width_loss / steps


def train_for_certificate(seed: int, units: int = 16, **overrides):
    """Train a new adder with :data:`CERTIFIED_RECIPE`; returns the model.

    ``overrides`` replace entries of the recipe. The model is
    ``build_adder(units, seed=seed)`` (the book's cell, reset before the
    product), trained with Adam on fresh 8-bit problems of batches of 64,
    the rate decaying along a cosine; ``keras.utils.set_random_seed(seed)``
    first, so that a seed always gives the same network.
    """
    import keras
    import tensorflow as tf

    from grubook.data import addition_batch
    from grubook.model import build_adder

    seed = check_int(seed, "seed", minimum=0)
    unknown = set(overrides) - set(CERTIFIED_RECIPE)
    if unknown:
        raise ValueError(
            f"overrides must be keys of CERTIFIED_RECIPE {tuple(CERTIFIED_RECIPE)}, "
            f"got {sorted(unknown)}"
        )
    recipe = {**CERTIFIED_RECIPE, **overrides}
    steps = check_positive_int(recipe["steps"], "steps")
    keras.utils.set_random_seed(seed)
    model = build_adder(units, seed=seed)
    cell, readout = model.get_layer("gru").cell, model.get_layer("readout")
    weights = [cell.kernel, cell.recurrent_kernel, cell.bias, readout.kernel, readout.bias]
    final_share = recipe["final_learning_rate"] / recipe["learning_rate"]
    schedule = keras.optimizers.schedules.CosineDecay(
        recipe["learning_rate"], steps, alpha=final_share
    )
    optimizer = keras.optimizers.Adam(schedule)

    @tf.function
    def train_step(x, y, noise):
        with tf.GradientTape() as tape:
            readout_weights = (readout.kernel, readout.bias)
            total, *_ = certified_loss(cell, readout_weights, x, y, recipe, noise)
        optimizer.apply_gradients(zip(tape.gradient(total, weights), weights, strict=True))
        return total

    rng = np.random.default_rng(seed)
    for _ in range(steps):
        x, y = addition_batch(64, 8, rng)
        noise = rng.normal(0.0, recipe["state_noise"], (64, x.shape[1], units))
        train_step(tf.constant(x), tf.constant(y), tf.constant(noise, tf.float32))
    return model
