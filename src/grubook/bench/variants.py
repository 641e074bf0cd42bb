"""The versions of the adder the harness times, and the models they run on.

:data:`VARIANT_SPECS` names every version (a :class:`Variant`: which model,
which runtime, a Python loop or the model's layer, unrolled or not);
:data:`MODELS` says how each model is built. :func:`build_variant_models`
builds the models a list of versions needs, all with the same weights, and
:func:`timed_at` says which versions are timed on sequences of a length.
"""

from __future__ import annotations

from dataclasses import dataclass

from grubook.cell import get_params, set_params
from grubook.fused import DEFAULT_UNROLL_LIMIT
from grubook.model import build_adder
from grubook.reference import flip_update_gate


@dataclass(frozen=True)
class Variant:
    """How one version of the adder runs.

    ``model`` is a key of :data:`MODELS`; ``runtime`` is ``"eager"``,
    ``"function"`` (``tf.function``) or ``"xla"`` (``tf.function`` with
    ``jit_compile=True``); ``loop`` runs :func:`loop_sequence` over the
    model's cell instead of the model's layer; ``unrolled`` variants are
    timed only on sequences of at most ``DEFAULT_UNROLL_LIMIT`` steps.
    """

    model: str
    runtime: str
    loop: bool = False
    unrolled: bool = False


_OFF = {"hoist": False, "fuse_gates": False, "unroll": False, "hand_gradient": False}
MODELS = {
    "book": ("custom", False, {}),
    "book, unrolled": ("custom", False, {"unroll": True}),
    "book, reset after": ("custom", True, {}),
    "fused: all off": ("fused", False, _OFF),
    "fused: + hoisted": ("fused", False, {**_OFF, "hoist": True}),
    "fused: + fused gates": ("fused", False, {**_OFF, "hoist": True, "fuse_gates": True}),
    "fused: + unrolled": ("fused", False, {"unroll": True, "hand_gradient": False}),
    "fused": ("fused", False, {}),
    "fused, reset after": ("fused", True, {}),
    "keras": ("keras", False, {}),
    "keras, unrolled": ("keras", False, {"unroll": True}),
    "keras, reset after": ("keras", True, {}),
}
"""Model key -> (``build_adder`` cell, ``reset_after``, ``layer_options``)."""


def _both_runtimes(name: str, model: str, unrolled: bool = False) -> dict[str, Variant]:
    """``name`` in a plain ``tf.function`` and ``name + XLA``."""
    return {name: Variant(model, "function", unrolled=unrolled),
            f"{name} + XLA": Variant(model, "xla", unrolled=unrolled)}


VARIANT_SPECS: dict[str, Variant] = {
    "eager loop": Variant("book", "eager", loop=True),
    "tf.function loop": Variant("book", "function", loop=True),
    **_both_runtimes("RNN(GRUCell)", "book"),
    **_both_runtimes("RNN(GRUCell), unrolled", "book, unrolled", unrolled=True),
    **_both_runtimes("fused: all off", "fused: all off"),
    **_both_runtimes("fused: + hoisted", "fused: + hoisted"),
    **_both_runtimes("fused: + fused gates", "fused: + fused gates"),
    **_both_runtimes("fused: + unrolled", "fused: + unrolled", unrolled=True),
    **_both_runtimes("fused", "fused"),
    **_both_runtimes("fused, reset after", "fused, reset after"),
    **_both_runtimes("Keras GRU", "keras"),
    **_both_runtimes("Keras GRU, unrolled", "keras, unrolled", unrolled=True),
    **_both_runtimes("Keras GRU, reset after", "keras, reset after"),
}
"""Every version the harness can time, by name."""

VARIANTS = tuple(VARIANT_SPECS)
CHAPTER_VARIANTS = (
    "eager loop",
    "tf.function loop",
    "RNN(GRUCell)",
    "fused",
    "fused + XLA",
    "Keras GRU",
    "Keras GRU + XLA",
)
"""The seven versions the chapter introduces one by one."""
LADDER = ("fused: all off", "fused: + hoisted", "fused: + fused gates", "fused: + unrolled",
          "fused")
"""The fused layer's changes switched on one at a time (each rung adds one)."""
FAMILIES = {
    "book": tuple(v for v in VARIANTS if v.startswith("fused")),
    "Keras": tuple(v for v in VARIANTS if v.startswith("Keras GRU")),
    "PyTorch": ("torch GRU", "torch GRU, compiled"),
}
"""The book's fast layer, ``keras.layers.GRU`` and ``torch.nn.GRU``, each in all
its settings (PyTorch's are timed by ``grubook.peers``, an optional extra)."""
MODES = ("forward", "train")
DEFAULT_SHAPES = ((64, 9), (64, 1000), (4096, 9))
"""(batch, time steps): the training shape, long numbers, a large batch."""
BASELINES = ("Keras GRU", "Keras GRU + XLA")
"""The variants every other one is compared with (ratios = time / baseline time)."""


def _check_variants(variants) -> tuple[str, ...]:
    variants = tuple(variants)
    unknown = [v for v in variants if v not in VARIANTS]
    if unknown or not variants:
        raise ValueError(
            f"variants must be a non-empty subset of {VARIANTS}, got {variants!r}"
        )
    return variants



def _models_needed(variants) -> list[str]:
    """The :data:`MODELS` keys ``variants`` run on, with each convention's reference."""
    needed = {VARIANT_SPECS[v].model for v in variants} | {"book"}
    if any(MODELS[m][1] for m in needed):
        needed.add("book, reset after")
    return [m for m in MODELS if m in needed]


def _reference_model(model: str) -> str:
    """The model whose eager loop ``model`` is checked against (same convention)."""
    return "book, reset after" if MODELS[model][1] else "book"


def build_variant_models(units: int = 16, seed: int = 0, variants=VARIANTS) -> dict:
    """The adders ``variants`` run on, keyed as :data:`MODELS`, with the same weights.

    Each convention (reset before or after the product) gets the weights of
    a seeded ``keras.layers.GRU``; the book's cells take them with the z-block
    negated (the Keras GRU keeps the old state with weight z, the book with
    1 - z; ``grubook.reference.flip_update_gate``). All share one readout.
    """
    needed = _models_needed(_check_variants(variants))
    models = {
        m: build_adder(units, cell=cell, reset_after=after, seed=seed, layer_options=options)
        for m, (cell, after, options) in MODELS.items() if m in needed
    }
    readout = models["book"].get_layer("readout").get_weights()
    for reset_after in (False, True):
        source = build_adder(units, cell="keras", reset_after=reset_after, seed=seed)
        params = get_params(source.get_layer("gru").cell)
        for m, model in models.items():
            if MODELS[m][1] == reset_after:
                keras_side = MODELS[m][0] == "keras"
                set_params(_gru_of(model), flip_update_gate(params) if not keras_side
                           else params)
                model.get_layer("readout").set_weights(readout)
    return models


def _gru_of(model):
    """The cell holding a model's GRU weights (the layer itself for ``FusedGRU``)."""
    layer = model.get_layer("gru")
    return getattr(layer, "cell", layer)



def timed_at(variants, steps: int, eager_max_steps: int) -> list[str]:
    """The ``variants`` timed on sequences of ``steps`` steps.

    The eager loop only up to ``eager_max_steps``; variants that unroll only
    up to ``DEFAULT_UNROLL_LIMIT`` (beyond, their graphs grow with the length).
    """
    return [
        v for v in variants
        if (VARIANT_SPECS[v].runtime != "eager" or steps <= eager_max_steps)
        and (not VARIANT_SPECS[v].unrolled or steps <= DEFAULT_UNROLL_LIMIT)
    ]

