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
"""

from __future__ import annotations

import argparse
import os

from grubook.bench.xla import single_threaded_xla

POOL_VARIABLE = "TF_CPU_ALLOCATOR_USE_BFC"
"""TensorFlow reads it once, when it makes its CPU allocator (at its first operation)."""


def pooled_allocator() -> bool:
    """Ask TensorFlow to keep freed CPU memory for reuse; return whether it does.

    Sets :data:`POOL_VARIABLE`. It takes effect only before TensorFlow's
    first operation in the process; after that it returns False and the
    process keeps the allocator it has.
    """
    os.environ[POOL_VARIABLE] = "true"
    return allocator_pools()


def allocator_pools() -> bool:
    """Whether TensorFlow's CPU allocator keeps freed memory in a pool.

    Only the pooling allocator counts its memory in use, so this asks for
    that count. Asking makes the allocator, if TensorFlow has not yet.
    """
    import tensorflow as tf

    try:
        tf.config.experimental.get_memory_info("CPU:0")
    except ValueError:
        return False
    return True


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
    Returns ``{"xla_flags": str, "pooled_allocator": bool}``.
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
    """The process's XLA flags and whether its CPU allocator pools memory."""
    return {"xla_flags": os.environ.get("XLA_FLAGS", ""), "pooled_allocator": allocator_pools()}
