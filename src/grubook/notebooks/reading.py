"""How long each chapter takes: reading time from its words, run time from its last execution.

The instructors' page shows these; the site computes them when it is built
(``grubook._site``'s ``chapter-times`` directive), so they are never typed.
"""

from __future__ import annotations

import re
from pathlib import Path

from grubook._checks import check_positive_int

__all__ = ["WORDS_PER_MINUTE", "prose_words", "chapter_time"]

WORDS_PER_MINUTE = 150
"""Reading speed for technical prose with equations (a careful, not a skimming, rate)."""

_MATH = re.compile(r"\$\$.*?\$\$(?:[ \t]*\([A-Za-z0-9-]+\))?", re.S)
_HEADING = re.compile(r"^#+[ \t]", re.M)
_FENCE = re.compile(r"```.*?```", re.S)
_LABEL = re.compile(r"^\(.*?\)=\s*$", re.M)
_EXERCISES = re.compile(r"^#+ Exercises", re.M)


def prose_words(notebook) -> int:
    """Words of prose before the Exercises heading of an ``nbformat`` notebook.

    A cell that holds the heading counts up to it (a Summary often shares
    the cell).

    Display math (with its label), fenced blocks, target labels and heading
    marks are not prose; code cells
    are not counted (their run time is counted instead).
    """
    words = 0
    for cell in notebook.cells:
        if cell.cell_type != "markdown":
            continue
        exercises = _EXERCISES.search(cell.source)
        source = cell.source[:exercises.start()] if exercises else cell.source
        text = _HEADING.sub(" ", _LABEL.sub(" ", _FENCE.sub(" ", _MATH.sub(" ", source))))
        words += len(text.split())
        if exercises:
            break
    return words


def chapter_time(path, words_per_minute: int = WORDS_PER_MINUTE) -> dict:
    """The time a chapter takes: ``{"title", "words", "reading_minutes", "run_seconds", "cores"}``.

    ``run_seconds`` and ``cores`` come from the notebook's metadata, written
    by ``python -m grubook.notebooks execute``; they are ``None`` for a
    notebook not executed that way.
    """
    import nbformat

    path = Path(path)
    words_per_minute = check_positive_int(words_per_minute, "words_per_minute")
    notebook = nbformat.read(path, as_version=4)
    title = next(
        (m.group(1).strip() for cell in notebook.cells if cell.cell_type == "markdown"
         for m in [re.search(r"^# (.+)$", cell.source, re.M)] if m),
        path.stem,
    )
    words = prose_words(notebook)
    recorded = notebook.metadata.get("grubook", {})
    return {
        "title": title,
        "words": words,
        "reading_minutes": -(-words // words_per_minute),  # rounded up
        "run_seconds": recorded.get("execution_seconds"),
        "cores": recorded.get("cores"),
    }
