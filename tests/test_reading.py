"""Chapter times for the instructors' page: words of prose, and the recorded run time."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from grubook.notebooks.reading import chapter_time, prose_words

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "book").glob("*.ipynb"))


def _notebook(*cells):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_markdown_cell(c) if isinstance(c, str) else c for c in cells]
    return notebook


def test_prose_words_skip_math_code_labels_and_exercises():
    notebook = _notebook(
        "# Title here\n\n(a-label)=\nOne two three.",
        "$$\nx = y + z\n$$ (eq)\n\nfour five\n\n```python\nnot counted at all\n```",
        nbformat.v4.new_code_cell("print('code is not prose')"),
        "## Summary\n\nsix seven\n\n## Exercises\n\nthese words are not counted",
        "nor these",
    )
    assert prose_words(notebook) == 2 + 3 + 2 + 1 + 2  # "# Title here" counts its words


def test_chapter_time_reads_the_recorded_run_and_rounds_reading_up(tmp_path):
    notebook = _notebook("# A chapter\n\n" + "word " * 151)
    notebook.metadata["grubook"] = {"execution_seconds": 42, "cores": 2}
    path = tmp_path / "chapter.ipynb"
    nbformat.write(notebook, path)
    times = chapter_time(path, words_per_minute=150)
    assert times == {"title": "A chapter", "words": 153, "reading_minutes": 2,
                     "run_seconds": 42, "cores": 2}
    with pytest.raises(ValueError, match="words_per_minute"):
        chapter_time(path, words_per_minute=0)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_notebook_records_its_last_run(path):
    """`python -m grubook.notebooks execute` stores the run time the instructors' page shows."""
    recorded = nbformat.read(path, as_version=4).metadata.get("grubook", {})
    assert isinstance(recorded.get("execution_seconds"), int) and recorded["execution_seconds"] >= 0

