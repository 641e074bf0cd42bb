"""Running notebooks and comparing their outputs with the stored ones.

``execute`` runs a notebook top to bottom in a fresh ``python3`` kernel, in
its own folder; ``execute_in_place`` stores what it printed. ``compare`` and
``report_changes`` list the code cells whose outputs strict nbval would find
changed, without touching the files.
"""

from __future__ import annotations

import copy
import difflib
import json
import os
import time
from pathlib import Path

__all__ = [
    "execute",
    "merge_streams",
    "execute_in_place",
    "UNCHECKED_TAGS",
    "output_texts",
    "changed_outputs",
    "compare",
    "report_changes",
]


def execute(path: Path, timeout: int = 600):
    """Execute the notebook at ``path`` in its own folder; returns (notebook, seconds).

    The file is not changed. The notebook runs top to bottom in a fresh
    ``python3`` kernel, and no timestamps are kept in its cells' metadata.
    """
    import nbformat
    from nbclient import NotebookClient

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        record_timing=False,  # no timestamps in cell metadata: diffs show real changes only
    )
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)  # timestamps left by earlier runs
        merge_streams(cell)
    return notebook, seconds


def merge_streams(cell) -> None:
    """Join consecutive writes to one stream of a code cell into one output.

    How a kernel splits a cell's printing into messages depends on timing,
    so the stored notebook keeps one output per stream run, and the page
    shows one block per run of printing. Empty writes are dropped.
    """
    merged = []
    for output in cell.get("outputs", []):
        if output.output_type == "stream":
            if not output.text:
                continue
            last = merged[-1] if merged else None
            if last is not None and last.output_type == "stream" and last.name == output.name:
                last.text += output.text
                continue
        merged.append(output)
    if "outputs" in cell:
        cell.outputs = merged


def execute_in_place(path: Path, timeout: int = 600) -> float:
    """Execute the notebook at ``path`` and store its outputs; returns the seconds taken."""
    import nbformat

    notebook, seconds = execute(path, timeout)
    # How long the whole notebook took, for the instructors' page (whole seconds:
    # nbval compares outputs, not metadata, so this never fails a test).
    notebook.metadata["grubook"] = {"execution_seconds": round(seconds), "cores": os.cpu_count()}
    nbformat.write(notebook, path)
    return seconds


UNCHECKED_TAGS = {"nbval-ignore-output", "nbval-skip"}
"""Cell tags under which strict nbval does not compare a cell's outputs."""


def output_texts(cell) -> list[str]:
    """The parts of a code cell's outputs that strict nbval compares, as text.

    One string per stream, error and data entry (mimetype first), after
    :func:`merge_streams` (as nbval, which also joins a stream's writes);
    images and metadata are left out, as nbval leaves them out.
    """
    cell = copy.deepcopy(cell)
    merge_streams(cell)
    texts = []
    for output in cell.get("outputs", []):
        if output.output_type == "stream":
            texts.append(f"{output.name}: {output.text}")
        if output.output_type == "error":
            texts.append(f"error: {output.ename}: {output.evalue}")
        for mimetype, value in sorted(output.get("data", {}).items()):
            if not mimetype.startswith("image/"):
                text = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
                texts.append(f"{mimetype}: {text}")
    return texts


def changed_outputs(stored, executed) -> list[tuple[int, str]]:
    """The checked code cells whose outputs differ between two runs of a notebook.

    ``stored`` and ``executed`` are ``nbformat`` notebooks with the same
    cells. Returns (index among the code cells, as nbval numbers them, and a
    unified diff of the outputs) for each cell strict nbval would fail.
    """
    stored_code = [c for c in stored.cells if c.cell_type == "code"]
    executed_code = [c for c in executed.cells if c.cell_type == "code"]
    if len(stored_code) != len(executed_code):
        raise ValueError(
            f"the notebooks have {len(stored_code)} and {len(executed_code)} code cells"
        )
    changes = []
    for number, (old, new) in enumerate(zip(stored_code, executed_code, strict=True)):
        if UNCHECKED_TAGS & set(old.metadata.get("tags", [])):
            continue
        before, after = output_texts(old), output_texts(new)
        if before != after:
            diff = difflib.unified_diff(
                "\n".join(before).splitlines(),
                "\n".join(after).splitlines(),
                "stored",
                "executed",
                lineterm="",
            )
            changes.append((number, "\n".join(diff)))
    return changes


def compare(path: Path, timeout: int = 600) -> list[tuple[int, str]]:
    """Execute the notebook at ``path`` (file unchanged) and list changed outputs.

    Returns what :func:`changed_outputs` returns for the stored notebook
    against the run made now, in this process's environment.
    """
    import nbformat

    executed, _ = execute(path, timeout)
    return changed_outputs(nbformat.read(path, as_version=4), executed)

def report_changes(paths: list[Path], timeout: int = 600) -> int:
    """Execute each notebook in ``paths`` unchanged on disk and print what changed.

    Prints, for every code cell whose checked outputs differ from the stored
    ones, the notebook, nbval's cell number and a diff. Returns the number of
    changed cells.
    """
    total = 0
    for path in paths:
        changes = compare(path, timeout)
        print(f"{path}: {len(changes)} changed cell(s)")
        for number, diff in changes:
            print(f"--- {path}::Cell {number}\n{diff}\n")
        total += len(changes)
    return total
