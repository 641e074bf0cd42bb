"""XLA's settings and what its compiled program does with long buffers.

:func:`single_threaded_xla` asks XLA's CPU backend for one thread per
matrix product; :func:`xla_loop_buffers` reads XLA's optimised program and
counts, in each while loop, the writes of one step and the copies of whole
buffers.
"""

from __future__ import annotations

import os
import re

from grubook._checks import check_positive_int

XLA_SINGLE_THREAD = "--xla_cpu_multi_thread_eigen=false"
"""XLA flag: run each matrix product on one thread (XLA's CPU default splits them)."""


def single_threaded_xla() -> str:
    """Ask XLA's CPU backend for one thread per matrix product.

    Returns the new ``XLA_FLAGS``. By default XLA's CPU backend may hand
    even a ``(64, 16) @ (16, 32)`` product to Eigen's multi-threaded
    routines, and sharing such a small product between threads costs more
    than it saves. Takes effect only if called before the first
    XLA compilation in the process (XLA reads ``XLA_FLAGS`` then).
    """
    flags = os.environ.get("XLA_FLAGS", "")
    if XLA_SINGLE_THREAD not in flags.split():
        os.environ["XLA_FLAGS"] = f"{flags} {XLA_SINGLE_THREAD}".strip()
    return os.environ["XLA_FLAGS"]



def _hlo_computations(hlo: str) -> dict[str, list[str]]:
    """The instructions of each computation in an HLO module's text, by name."""
    computations, current = {}, None
    for line in hlo.splitlines():
        match = re.match(r"^(?:ENTRY )?%?([\w.\-]+) .*\{$", line)
        if match:
            current = computations.setdefault(match.group(1), [])
        elif current is not None:
            current.append(line)
    return computations


def xla_loop_buffers(function, x, y, steps: int) -> list[dict]:
    """What each XLA while loop of a compiled step does with buffers ``steps`` long.

    ``function`` is a ``tf.function(jit_compile=True)`` taking ``x, y``. For
    each while loop in XLA's optimised program (forward loops first, as XLA
    lists them), counts the instructions of its body that write one step into
    a ``(steps, ...)`` buffer (``dynamic-update-slice``: cheap, in place) and
    those that ``copy`` a whole ``(steps, ...)`` buffer (every iteration: a
    cost that grows with the length, so a loop of T steps costs O(T²)).
    Returns ``[{"writes": int, "copies": int}, ...]``.
    """
    hlo = function.experimental_get_compiler_ir(x, y)(stage="optimized_hlo")
    computations = _hlo_computations(hlo)
    long_buffer = rf"= f32\[{check_positive_int(steps, 'steps')},[^\]]*\]\S*"
    loops = []
    for body in re.findall(r"body=%?([\w.\-]+)", hlo):
        lines = computations.get(body, [])
        loops.append(
            {
                "writes": sum(
                    bool(re.search(long_buffer + r" fusion\(", line))
                    and "dynamic-update-slice" in line
                    for line in lines
                ),
                "copies": sum(
                    bool(re.search(long_buffer + r" copy\(", line))
                    for line in lines
                ),
            }
        )
    return loops
