"""Tools for the book's notebooks (``python -m grubook.notebooks --help``).

``execute`` runs notebooks top to bottom in place, in their own folder and
with a fresh ``python3`` kernel, so that the stored outputs are what the code
prints today (strict nbval then checks them on every test run).
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

__all__ = ["execute_in_place", "main"]


def execute_in_place(path: Path, timeout: int = 600) -> float:
    """Execute the notebook at ``path`` and store its outputs; returns the seconds taken."""
    import nbformat
    from nbclient import NotebookClient

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    nbformat.write(notebook, path)
    return seconds


def main(argv=None) -> None:
    """Execute notebooks in place: ``python -m grubook.notebooks execute book/*.ipynb``."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("command", choices=["execute"])
    parser.add_argument("paths", nargs="+", type=Path)
    parser.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    args = parser.parse_args(argv)
    for path in args.paths:
        seconds = execute_in_place(path, args.timeout)
        print(f"{path}: executed in {seconds:.1f} s")


if __name__ == "__main__":
    main()
