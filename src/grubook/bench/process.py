"""A timing process's own settings: XLA's threads and TensorFlow's CPU memory.

Two settings hold for a whole process and must be made before TensorFlow
runs anything, so every study makes them first (:func:`prepare_process`):

- XLA on one thread per matrix product (:func:`~grubook.bench.xla.single_threaded_xla`);
- freed CPU memory kept for the next call (:func:`pooled_allocator`).

By default TensorFlow hands each CPU buffer to the C library's ``malloc``,
which gives a large freed buffer back to the operating system: glibc maps
a request above its mmap threshold straight from the system and unmaps it
when freed. The threshold starts at 128 KiB and rises to the size of each
mapped buffer freed, up to 32 MiB, so what a process ran before decides
where buffers below 32 MiB come from, while larger ones are always mapped
fresh. A call that gets fresh pages touches each one for the first time,
and the kernel zeroes it then (a minor page fault). The fused training
step at 64 × 1,000 faults about 17,000 times per call this way
(``page_faults``).
TensorFlow's own allocator (BFC, as on a GPU) keeps freed memory in a pool
instead, and the next call reuses it.

Where TensorFlow runs its oneDNN kernels (:func:`onednn_enabled`; on by
default on some x86 CPUs, those with AVX-512 VNNI among them, and set by
``TF_ENABLE_ONEDNN_OPTS=0`` or ``1``), its default CPU allocator is
oneDNN's, which keeps every buffer of 4 KiB or more in a BFC pool already:
there the default allocator pools too, and the process records it.
"""

from __future__ import annotations

import argparse
import os

from grubook.bench.xla import single_threaded_xla

POOL_VARIABLE = "TF_CPU_ALLOCATOR_USE_BFC"
"""TensorFlow reads it once, when it makes its CPU allocator (at its first operation)."""
WITHOUT_ONEDNN = {"TF_ENABLE_ONEDNN_OPTS": "0"}
"""The environment of a process whose default allocator must be malloc's (read at import)."""


def pooled_allocator() -> bool:
    """Ask TensorFlow to keep freed CPU memory for reuse; return whether it does.

    Sets :data:`POOL_VARIABLE`. It takes effect only before TensorFlow's
    first operation in the process; after that the process keeps the
    allocator it has, and this returns whether that one pools (it does
    where oneDNN is on, :func:`onednn_enabled`).
    """
    os.environ[POOL_VARIABLE] = "true"
    return allocator_pools()


def allocator_pools() -> bool:
    """Whether TensorFlow's CPU allocator keeps freed memory in a pool.

    Only a pooling allocator counts its memory in use (the BFC allocator,
    or oneDNN's, which holds a BFC pool), so this asks for that count.
    Asking makes the allocator, if TensorFlow has not yet.
    """
    import tensorflow as tf

    try:
        tf.config.experimental.get_memory_info("CPU:0")
    except ValueError:
        return False
    return True


def onednn_enabled() -> bool | None:
    """Whether TensorFlow runs its oneDNN kernels in this process (None: it cannot tell).

    Reads TensorFlow's own answer (``IsMklEnabled``, not a public API; None
    if a release drops it). With oneDNN on, the default CPU allocator pools.
    """
    try:
        from tensorflow.python.util import _pywrap_util_port
    except ImportError:
        return None
    return bool(_pywrap_util_port.IsMklEnabled())


def check_recorded_allocator(label: str, pooled: bool, recorded: dict) -> None:
    """Raise RuntimeError if a process asked for ``pooled`` recorded another allocator.

    ``recorded`` is the process's stored settings (:func:`process_settings`);
    ``label`` names the process in the message (``"pair 3"``).
    """
    if recorded["pooled_allocator"] is pooled:
        return
    reason = (" (TensorFlow ran oneDNN there, whose default allocator pools; "
              "TF_ENABLE_ONEDNN_OPTS=0 turns it off, with its kernels)"
              if not pooled and recorded.get("onednn") else "")
    raise RuntimeError(f"{label}: asked for pooled={pooled}, the process recorded "
                       f"{recorded['pooled_allocator']}{reason}")


def add_process_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``--xla-multi-thread`` and ``--default-allocator``: each keeps a default."""
    parser.add_argument("--xla-multi-thread", action="store_true",
                        help="keep XLA's default of splitting matrix products across threads")
    parser.add_argument("--default-allocator", action="store_true",
                        help="keep TensorFlow's default CPU allocator, which gives large "
                        "freed buffers back to the system, instead of its pooling one")


def process_flags(multi_thread: bool, default_allocator: bool) -> list[str]:
    """The options of :func:`add_process_arguments` asking a child process for these settings."""
    return ((["--xla-multi-thread"] if multi_thread else [])
            + (["--default-allocator"] if default_allocator else []))


def prepare_process(args: argparse.Namespace) -> dict:
    """Make the process's settings that ``args`` asks for; return them, as a study records them.

    ``args`` holds ``xla_multi_thread`` and ``default_allocator``
    (:func:`add_process_arguments`). Raises RuntimeError if the pooling
    allocator was asked for too late (TensorFlow had already run).
    Returns ``{"xla_flags": str, "pooled_allocator": bool, "onednn": bool | None}``.
    """
    if not args.xla_multi_thread:
        single_threaded_xla()
    if not args.default_allocator and not pooled_allocator():
        raise RuntimeError(
            f"{POOL_VARIABLE} was set after TensorFlow's first operation in this process, "
            "so the allocator did not change; prepare the process before running anything"
        )
    return process_settings()


def process_settings() -> dict:
    """The process's XLA flags, whether its CPU allocator pools memory, and whether oneDNN is on."""
    return {"xla_flags": os.environ.get("XLA_FLAGS", ""), "pooled_allocator": allocator_pools(),
            "onednn": onednn_enabled()}
