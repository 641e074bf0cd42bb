"""The timing harness behind the speed chapter (``python -m grubook.bench --help``).

Versions of the same GRU adder (the recurrent layer, then a
``Dense(1, sigmoid)`` readout at every step), which :func:`check_variants`
proves compute the same outputs and gradients before any is timed. The
chapter's seven (:data:`CHAPTER_VARIANTS`):

    eager loop        a Python loop over time steps calling the book's cell, eager
    tf.function loop  the same Python code in ``tf.function`` (AutoGraph: a while loop)
    RNN(GRUCell)      ``keras.layers.RNN`` around the book's cell, in ``tf.function``
    fused             ``grubook.fused.FusedGRU``, in ``tf.function``
    fused + XLA       the same, compiled with XLA (``jit_compile=True``)
    Keras GRU         ``keras.layers.GRU``, in ``tf.function``
    Keras GRU + XLA   the same, compiled with XLA

and 17 more settings of them (:data:`VARIANT_SPECS`, 24 in all): Keras's GRU
unrolled and reset-after, ``RNN(GRUCell)`` with XLA and unrolled, the fused
layer reset-after, and the fused layer's changes switched on one at a time
(:data:`LADDER`), each with and without XLA.

Each is timed in two modes: ``forward`` (the model's outputs ``(B, T, 1)``)
and ``train`` (forward, binary cross-entropy, gradient and an Adam update).
Timing is *interleaved* (:func:`time_interleaved`): after a warm-up, every
round times a block of repetitions of each variant in turn, in a random
order per round, so that a slow minute on a shared machine hits every
variant alike. Ratios are taken round by round (:func:`ratio_spread`), with
their quartiles and a sign test (:class:`Spread`, :func:`ratio_verdict`).

- ``variants``: the versions and the models they run on (:data:`VARIANT_SPECS`, :data:`MODELS`).
- ``runners``: running a version once (:func:`make_runner`, :func:`training_step`), the check.
- ``timing``: interleaved timing (:func:`time_interleaved`) and :func:`benchmark`.
- ``xla``: XLA's single-thread setting and the buffers its while loops copy.
- ``process``: a timing process's settings: XLA's threads, TensorFlow's pooling allocator.
- ``rows``: the rows of timings (:class:`Timing`), as JSON and as a table.
- ``compare``: ratios of two versions round by round, with a sign test.
- ``cli``: the command line (``main``), run by ``__main__``; ``python -m grubook.bench
  STUDY`` runs one of :data:`~grubook.bench.cli.STUDIES`:
- ``floor``: the per-call floor (``python -m grubook.bench floor``).
- ``adder_time``: time to a trained adder (``python -m grubook.bench time_to_adder``).
- ``roofline``: the training step against its matrix products alone, by hidden size.
- ``long_inference``: inference on numbers of thousands of bits (``... bench long``).
- ``headline``: the benchmark in several fresh processes, for the spread across runs.
- ``pairs``: pairs of fresh processes that differ in one process-wide setting, and their ratios.
- ``allocator``: the pooling allocator against the default, in pairs of fresh processes.
- ``page_faults``: page faults per training step under each allocator (``... bench faults``).
- ``onednn``: oneDNN's kernels off and on, in pairs of fresh processes, with the programs' digests.
- ``xla_copies``: the whole-buffer copies XLA plans per loop iteration, by length.
- ``op_profile``: an XLA step's time by instruction: products, moving data, the rest.
- ``budget``: the studies' ``--budget`` and their JSON, written after every round.
"""

from grubook.bench.cli import main, parse_args, parse_shape
from grubook.bench.compare import (
    REPORT_ROUNDS,
    SELECTION_ROUNDS,
    Spread,
    family_ratio,
    fastest,
    ladder,
    median_ms,
    ratio_spread,
    ratio_verdict,
    sign,
    spread_of,
)
from grubook.bench.process import POOL_VARIABLE, pooled_allocator, prepare_process
from grubook.bench.rows import (
    Timing,
    format_table,
    load_rows,
    rows_from_json,
    rows_to_json,
    timings_to_rows,
)
from grubook.bench.runners import (
    check_variants,
    loop_sequence,
    make_runner,
    outputs_and_gradients,
    problems,
    quiet_retracing,
    training_step,
)
from grubook.bench.timing import (
    CHECK_STEPS,
    EAGER_MAX_STEPS,
    MIN_BLOCK_SECONDS,
    benchmark,
    time_interleaved,
)
from grubook.bench.variants import (
    BASELINES,
    CHAPTER_VARIANTS,
    DEFAULT_SHAPES,
    FAMILIES,
    LADDER,
    MODELS,
    MODES,
    VARIANT_SPECS,
    VARIANTS,
    Variant,
    build_variant_models,
    timed_at,
)
from grubook.bench.xla import XLA_SINGLE_THREAD, single_threaded_xla, xla_loop_buffers

__all__ = [
    "Variant",
    "MODELS",
    "VARIANT_SPECS",
    "VARIANTS",
    "CHAPTER_VARIANTS",
    "LADDER",
    "FAMILIES",
    "MODES",
    "DEFAULT_SHAPES",
    "BASELINES",
    "Timing",
    "CHECK_STEPS",
    "XLA_SINGLE_THREAD",
    "single_threaded_xla",
    "POOL_VARIABLE",
    "pooled_allocator",
    "prepare_process",
    "EAGER_MAX_STEPS",
    "MIN_BLOCK_SECONDS",
    "problems",
    "loop_sequence",
    "build_variant_models",
    "make_runner",
    "check_variants",
    "timed_at",
    "time_interleaved",
    "xla_loop_buffers",
    "benchmark",
    "format_table",
    "timings_to_rows",
    "rows_to_json",
    "rows_from_json",
    "load_rows",
    "Spread",
    "median_ms",
    "ratio_spread",
    "spread_of",
    "sign",
    "ratio_verdict",
    "fastest",
    "family_ratio",
    "ladder",
    "parse_shape",
    "parse_args",
    "main",
    "SELECTION_ROUNDS",
    "REPORT_ROUNDS",
    "outputs_and_gradients",
    "quiet_retracing",
    "training_step",
]
