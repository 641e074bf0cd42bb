"""Training recipes, one adder trained by a recipe, and its bits read fast."""

from __future__ import annotations

from grubook._checks import check_int
from grubook.studies.noisy import NOISY_CELLS, build_noisy_adder

RECIPES = {
    "first-exact": {"steps": 3000, "stop_at_exact": True},
    "constant": {"steps": 2000},
    "decay-only": {"steps": 2000, "final_learning_rate": 1e-4},
    "noise-only": {"steps": 2000, "state_noise": 0.1},
    "robust": {"steps": 2000, "final_learning_rate": 1e-4, "state_noise": 0.1},
}
"""Training recipes: keyword arguments of ``grubook.train.train_adder``,
plus ``state_noise`` for :func:`build_noisy_adder`.

``first-exact``: chapter 4's recipe, stopped at the first 100 % exact-match
on the validation set (at most 3,000 steps). The others train a fixed
2,000 steps: ``constant`` at the starting rate, ``decay-only`` with the rate
decaying along a cosine to 1e-4, ``noise-only`` with Gaussian noise of
standard deviation 0.1 added to the state at every training step, and
``robust`` with both. All train on operands of 8 bits, batches of 64, with
Adam starting at 1e-2 unless a task says otherwise.
"""


def train_with_recipe(
    recipe: str,
    seed: int,
    units: int = 16,
    cell: str = "custom",
    pause: int = 0,
    **overrides,
):
    """Train a new adder with ``RECIPES[recipe]``; returns ``(model, history)``.

    ``cell`` is any of ``grubook.model.CELLS`` (the recipes with state noise
    need one of :data:`NOISY_CELLS`). ``overrides`` replace entries of
    the recipe (such as ``steps`` or ``learning_rate``). ``pause`` > 0
    trains on the paused task (``grubook.data.with_pauses``). Seeds Keras
    (``keras.utils.set_random_seed(seed)``) first, so that a recipe and a
    seed always give the same network.
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
    if state_noise and cell not in NOISY_CELLS:
        raise ValueError(
            f"recipe {recipe!r} adds state noise and needs cell in "
            f"{tuple(NOISY_CELLS)}, got cell={cell!r}"
        )
    n_inputs = 3 if pause else 2
    if state_noise:
        model = build_noisy_adder(
            units, state_noise, seed=seed, cell=cell, n_inputs=n_inputs
        )
    else:
        model = build_adder(units, cell=cell, seed=seed, n_inputs=n_inputs)
    history = train_adder(model, seed=seed, pause=pause, **options)
    return model, history


def compiled_bits(model, pause: int = 0):
    """``x`` float32 ``(B, T, 2)`` -> the model's sum bits ``uint8`` ``(B, T)``.

    (With ``pause=0``, any ``(B, T, D)`` the model reads.) The model runs
    inside one ``tf.function`` (traced again only when the shape of ``x``
    changes), which is much faster on long sequences than
    calling it eagerly step by step. With ``pause`` > 0 the model reads
    ``with_pauses(x, pause)`` and its column steps are returned.
    """
    import numpy as np
    import tensorflow as tf

    from grubook.data import answer_steps, with_pauses

    pause = check_int(pause, "pause", minimum=0)
    predict = tf.function(
        lambda x: answer_steps(model(x, training=False), pause),
        reduce_retracing=True,
    )

    def bits(x):
        if pause:
            x = with_pauses(x, pause)
        probabilities = predict(tf.constant(x, dtype=tf.float32)).numpy()
        return (probabilities[..., 0] > 0.5).astype(np.uint8)

    return bits

