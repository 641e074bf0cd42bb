"""Tools for the book's notebooks (``python -m grubook.notebooks --help``).

``execute`` runs notebooks top to bottom in place, in their own folder and
with a fresh ``python3`` kernel, so that the stored outputs are what the code
prints today (strict nbval then checks them on every test run).

``student`` writes the student edition, for instructors to hand out: a copy of
each notebook with every solution removed and everything else (exercises
included) kept. A solution is a MyST ``{solution}`` directive in a markdown
cell, fenced with backticks or colons; everything from a ``{solution-start}``
directive to its ``{solution-end}`` (cells included); and any cell tagged
``solution``. ``make student`` writes them into ``student/``.
"""

from __future__ import annotations

import argparse
import copy
import difflib
import json
import numbers
import os
import re
import shutil
import time
from pathlib import Path

__all__ = [
    "as_shown",
    "glue_shown",
    "glue_words",
    "execute",
    "execute_in_place",
    "merge_streams",
    "output_texts",
    "changed_outputs",
    "compare",
    "strip_solutions",
    "strip_solution_text",
    "write_student_edition",
    "main",
]

SOLUTION_TAG = "solution"
# The opening line of a MyST directive: a fence of 3+ backticks or colons, then {name}.
_DIRECTIVE = re.compile(r"^[ ]{0,3}(?P<fence>`{3,}|:{3,})\{(?P<name>[a-z-]+)\}")


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


def as_shown(value, spec: str):
    """The number the page shows for ``value`` formatted with ``spec``.

    ``spec`` is a format specification as in ``{glue:text}`name:spec```, for
    example ``".2f"``, ``".1e"``, ``".1%"`` or ``","``. Returns an ``int`` when
    the shown text has no decimal point or exponent, else the ``float`` whose
    shortest repr is the shown number (a percentage divided by 100):
    ``as_shown(0.41800357, ".2f") == 0.42``, ``as_shown(0.88671875, ".1%") ==
    0.887``. Gluing this instead of ``value`` stores only the digits the text
    shows, so the stored output does not change with the last bits of
    ``value`` on another machine.
    """
    from decimal import Decimal

    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"value must be a real number, got {type(value).__name__}")
    text = format(value, spec).replace(",", "")
    if text.endswith("%"):
        return float(Decimal(text[:-1]) / 100)
    if any(mark in text for mark in ".eEn"):
        return float(text)
    return int(text)


GLUE_PREFIX = "application/papermill.record/"
"""The mimetype prefix under which myst-nb finds a glued value."""


def _glue(name: str, value) -> None:
    """Store ``value`` under ``name`` for ``{glue:text}``, displaying nothing.

    Writes the output that ``myst_nb.glue(name, value, display=False)``
    writes, with IPython alone, so that the notebooks also run where
    myst-nb is not installed (in Colab, say).
    """
    from IPython.core.formatters import format_display_data
    from IPython.display import display

    bundle, metadata = format_display_data(value)
    metadata["scrapbook"] = {"name": name, "mime_prefix": GLUE_PREFIX}
    display({GLUE_PREFIX + k: v for k, v in bundle.items()}, raw=True, metadata=metadata)


def glue_shown(name: str, value, spec: str) -> None:
    """Glue the number ``value`` under ``name`` as the page shows it with ``spec``.

    The text pastes it with ``{glue:text}`name:spec```; see :func:`as_shown`.
    Returns nothing, so that a cell ending with it displays nothing.
    """
    _glue(name, as_shown(value, spec))


def glue_words(name: str, text: str) -> None:
    """Glue the words ``text`` (a str, no number of machine-dependent digits) under ``name``."""
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    _glue(name, text)


def _fence_end(lines: list[str], start: int, fence: str) -> int:
    """The index of the line closing the directive opened at ``lines[start]``.

    A closing fence is the fence character alone, at least as long as the
    opening one (CommonMark), so shorter fences nested inside are skipped.
    Raises ``ValueError`` when the directive is never closed.
    """
    closing = re.compile(rf"^[ ]{{0,3}}{re.escape(fence[0])}{{{len(fence)},}}\s*$")
    for index in range(start + 1, len(lines)):
        if closing.match(lines[index]):
            return index
    raise ValueError(f"unclosed {fence} directive opened on line {start + 1}: {lines[start]!r}")


def strip_solution_text(source: str, in_gated: bool = False) -> tuple[str, bool]:
    """Remove solutions from one markdown cell's ``source``.

    Removes every ``{solution}`` directive block and every line from a
    ``{solution-start}`` directive to the end of its ``{solution-end}``
    directive. ``in_gated`` says whether an earlier cell opened a
    ``{solution-start}`` that is not closed yet. Returns the new source and
    whether a gated solution is still open at the end of this cell.
    """
    lines = source.splitlines(keepends=True)
    kept: list[str] = []
    index, removed = 0, in_gated
    while index < len(lines):
        match = _DIRECTIVE.match(lines[index])
        name = match["name"] if match else None
        if name in {"solution", "solution-start", "solution-end"}:
            end = _fence_end(lines, index, match["fence"])
            if name == "solution-start":
                in_gated = True
            elif name == "solution-end":
                in_gated = False
            index, removed = end + 1, True
            continue
        if not in_gated:
            kept.append(lines[index])
        index += 1
    if not removed:
        return source, in_gated
    text = re.sub(r"\n{3,}", "\n\n", "".join(kept)).strip("\n")
    return text, in_gated


def strip_solutions(notebook):
    """A copy of ``notebook`` (an ``nbformat`` notebook) with every solution removed.

    Markdown cells lose their solution directives (a cell left empty is
    dropped); cells tagged ``solution`` and cells inside a
    ``{solution-start}``/``{solution-end}`` pair are dropped. All other
    cells, their outputs and the notebook's metadata are kept unchanged.
    """
    student = copy.deepcopy(notebook)
    cells, in_gated = [], False
    for cell in student.cells:
        if SOLUTION_TAG in cell.get("metadata", {}).get("tags", []):
            continue
        if cell.cell_type == "markdown":
            cell.source, in_gated = strip_solution_text(cell.source, in_gated)
            if cell.source.strip():
                cells.append(cell)
        elif not in_gated:
            cells.append(cell)
    if in_gated:
        raise ValueError("a {solution-start} directive has no {solution-end}")
    student.cells = cells
    return student


ASSET_FOLDERS = ("images", "data")
"""Folders next to the notebooks that the student edition copies."""


def write_student_edition(paths: list[Path], out: Path) -> list[Path]:
    """Write the student edition of each notebook in ``paths`` into the folder ``out``.

    Each notebook keeps its file name; the ``images`` and ``data`` folders
    next to the notebooks are copied too, so that linked figures still show
    and the notebooks still run (chapter 5 reads ``data/``). Returns the
    paths written.
    """
    import nbformat

    out.mkdir(parents=True, exist_ok=True)
    written = []
    for path in paths:
        if path.suffix != ".ipynb":
            raise ValueError(f"paths must be .ipynb notebooks, got {path}")
        student = strip_solutions(nbformat.read(path, as_version=4))
        target = out / path.name
        nbformat.write(student, target)
        written.append(target)
    for folder in sorted({path.parent / name for path in paths for name in ASSET_FOLDERS}):
        if folder.is_dir():
            shutil.copytree(folder, out / folder.name, dirs_exist_ok=True)
    return written


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


def main(argv=None) -> None:
    """Execute notebooks in place: ``python -m grubook.notebooks execute book/*.ipynb``.

    Or list the stored outputs that a run today would change, without
    changing the files (exit status 1 if any did):
    ``python -m grubook.notebooks compare book/*.ipynb``.

    Or write the student edition (solutions removed):
    ``python -m grubook.notebooks student book/*.ipynb --out student``.
    """
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("command", choices=["execute", "compare", "student"])
    parser.add_argument("paths", nargs="+", type=Path)
    parser.add_argument(
        "--timeout", type=int, default=600, help="seconds per cell (execute, compare)"
    )
    parser.add_argument(
        "--out", type=Path, default=Path("student"), help="output folder (student)"
    )
    args = parser.parse_args(argv)
    if args.command == "student":
        for target in write_student_edition(args.paths, args.out):
            print(f"{target}: written without solutions")
        return
    if args.command == "compare":
        raise SystemExit(1 if report_changes(args.paths, args.timeout) else 0)
    for path in args.paths:
        seconds = execute_in_place(path, args.timeout)
        print(f"{path}: executed in {seconds:.1f} s")


if __name__ == "__main__":
    main()
