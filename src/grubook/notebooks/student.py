"""The student edition: each notebook with every solution removed.

A solution is a MyST ``{solution}`` directive in a markdown cell, fenced with
backticks or colons; everything from a ``{solution-start}`` directive to its
``{solution-end}`` (cells included); and any cell tagged ``solution``.
Everything else, exercises included, is kept.
"""

from __future__ import annotations

import copy
import re
import shutil
from pathlib import Path

__all__ = [
    "SOLUTION_TAG",
    "strip_solution_text",
    "strip_solutions",
    "ASSET_FOLDERS",
    "write_student_edition",
]

SOLUTION_TAG = "solution"
# The opening line of a MyST directive: a fence of 3+ backticks or colons, then {name}.
_DIRECTIVE = re.compile(r"^[ ]{0,3}(?P<fence>`{3,}|:{3,})\{(?P<name>[a-z-]+)\}")


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
