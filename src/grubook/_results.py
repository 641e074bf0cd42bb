"""The JSON every command writes: its command, fields, versions, wall time, rows.

``python -m grubook.studies``, ``grubook.bench``, ``grubook.peers`` and
``grubook.verify`` each write one file with :func:`write_results`, so that
every stored number says what produced it.
"""

from __future__ import annotations

import json
import platform
import sys
import time


def _versions() -> dict:
    """The versions that produced a study's numbers."""
    import keras
    import numpy
    import tensorflow

    return {
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "tensorflow": tensorflow.__version__,
        "keras": keras.__version__,
        "machine": platform.machine(),
    }


def write_results(path: str, program: str, argv, start: float, fields: dict, rows: list,
                  noun: str = "rows") -> None:
    """Write a study's JSON: its command, ``fields``, versions, wall time and ``rows``.

    ``program`` is the module run with ``python -m``; ``argv`` its arguments
    (None: ``sys.argv[1:]``); ``start`` the ``time.perf_counter()`` at which
    the study began; ``noun`` names the rows in the line printed at the end.
    """
    arguments = argv if argv is not None else sys.argv[1:]
    result = {
        "command": f"python -m {program} " + " ".join(arguments),
        **fields,
        "versions": _versions(),
        "wall_seconds": round(time.perf_counter() - start, 1),
        "rows": rows,
    }
    with open(path, "w") as file:
        json.dump(result, file, indent=1)
    print(f"wrote {path}: {len(rows)} {noun} in {result['wall_seconds']:.0f} s")

