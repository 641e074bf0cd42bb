"""The JSON every command writes: its command, fields, commit, versions, wall time, rows.

``python -m grubook.studies``, ``grubook.bench``, ``grubook.peers`` and
``grubook.verify`` each write one file with :func:`write_results`, so that
every stored number says what produced it.
"""

from __future__ import annotations

import json
import platform
import subprocess
import sys
import time
from pathlib import Path


def processor(cpuinfo: str = "/proc/cpuinfo") -> str:
    """The processor's model name (Linux's ``/proc/cpuinfo``), else ``platform.processor()``.

    ``"unknown"`` when neither names it. Timings from two files can only be
    compared if they say which processor made them.
    """
    try:
        with open(cpuinfo, encoding="utf8") as file:
            for line in file:
                key, _, value = line.partition(":")
                if key.strip() == "model name" and value.strip():
                    return value.strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def versions() -> dict:
    """The versions, and the processor, that produced a study's numbers."""
    import keras
    import numpy
    import tensorflow

    return {
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "tensorflow": tensorflow.__version__,
        "keras": keras.__version__,
        "machine": platform.machine(),
        "processor": processor(),
    }


def git_commit() -> str:
    """The git commit of the library's source tree (``git rev-parse HEAD``).

    ``"unknown"`` when the library does not sit in a git checkout (an
    installed copy), so that a study's file never claims a commit it lacks.
    """
    try:
        done = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=Path(__file__).parent,
            capture_output=True, text=True, timeout=10, check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return done.stdout.strip()


def write_results(path: str, program: str, argv, start: float, fields: dict, rows: list,
                  noun: str = "rows", commit: str | None = None) -> None:
    """Write a study's JSON: its command, ``fields``, commit, versions, wall time and ``rows``.

    ``program`` is the module run with ``python -m``; ``argv`` its arguments
    (None: ``sys.argv[1:]``); ``start`` the ``time.perf_counter()`` at which
    the study began; ``noun`` names the rows in the line printed at the end;
    ``commit`` the :func:`git_commit` taken when the study began (None: the
    one at the time of writing, which differs if a commit came in between).
    """
    arguments = argv if argv is not None else sys.argv[1:]
    result = {
        "command": f"python -m {program} " + " ".join(arguments),
        **fields,
        "commit": git_commit() if commit is None else commit,
        "versions": versions(),
        "wall_seconds": round(time.perf_counter() - start, 1),
        "rows": rows,
    }
    with open(path, "w") as file:
        json.dump(result, file, indent=1)
    print(f"wrote {path}: {len(rows)} {noun} in {result['wall_seconds']:.0f} s")

