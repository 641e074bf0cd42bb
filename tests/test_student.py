"""The student edition (``make student``): every solution removed, nothing else.

The solutions are found here with an independent parser (markdown-it, the
parser MyST itself uses) so that the test does not trust the tool's own
reading of the fences.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from markdown_it import MarkdownIt
from mdit_py_plugins.colon_fence import colon_fence_plugin

from grubook.notebooks import main, strip_solution_text, strip_solutions

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "book").glob("*.ipynb"))
MARKDOWN = MarkdownIt("commonmark").use(colon_fence_plugin)
SOLUTION_DIRECTIVES = ("{solution}", "{solution-start}", "{solution-end}")


def directives(source: str) -> list[tuple[str, str]]:
    """The (name, body) of every fenced directive in a markdown source."""
    found = []
    for token in MARKDOWN.parse(source):
        if token.type in {"fence", "colon_fence"} and token.info.startswith("{"):
            found.append((token.info.split()[0], token.content))
    return found


def markdown_text(notebook) -> str:
    return "\n\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")


def solution_lines(notebook) -> set[str]:
    """Lines of solution text that occur nowhere else in the notebook's markdown."""
    solutions, others = set(), set()
    for cell in notebook.cells:
        if cell.cell_type != "markdown":
            continue
        inside = set()
        for name, body in directives(cell.source):
            if name == "{solution}":
                inside |= {line.strip() for line in body.splitlines()}
        solutions |= inside
        others |= {line.strip() for line in cell.source.splitlines()} - inside
    return {line for line in solutions - others if len(line) >= 20 and not line.startswith(":")}


def notebook(*cells):
    nb = nbformat.v4.new_notebook()
    nb.cells = list(cells)
    return nb


EXERCISE = "```{exercise}\n:label: ex-a\nAdd 1 and 1.\n```"
SOLUTION = "```{solution} ex-a\n:class: dropdown\nThe answer is two, written 10.\n```"


def test_backtick_solution_removed_exercise_kept():
    text, open_gate = strip_solution_text(f"## Exercises\n\n{EXERCISE}\n\n{SOLUTION}\n\nAfter.")
    assert not open_gate
    assert "answer is two" not in text and "{solution}" not in text
    assert EXERCISE in text and text.startswith("## Exercises") and text.endswith("After.")


def test_colon_and_nested_fences():
    source = (
        "::::{solution} ex-b\n:class: dropdown\nUse this:\n:::{note}\nsecret note\n:::\n"
        "still secret\n::::\n\n"
        "`````{solution} ex-c\n```python\nsecret_code = 1\n```\nsecret tail\n`````\n\nKept."
    )
    text, _ = strip_solution_text(source)
    assert text == "Kept."


def test_text_without_solutions_is_unchanged():
    source = f"\n\n{EXERCISE}\n\n\n\nSome text.\n"
    assert strip_solution_text(source) == (source, False)


def test_unclosed_solution_is_an_error():
    with pytest.raises(ValueError, match="unclosed"):
        strip_solution_text("```{solution} ex-a\nno end")


def test_gated_solution_and_tagged_cells_removed():
    nb = notebook(
        nbformat.v4.new_markdown_cell(EXERCISE),
        nbformat.v4.new_markdown_cell("Intro.\n\n```{solution-start} ex-a\n```\nGated text."),
        nbformat.v4.new_code_cell("gated_code = 2"),
        nbformat.v4.new_markdown_cell("More gated.\n```{solution-end}\n```\nAfter the gate."),
        nbformat.v4.new_code_cell("tagged = 3", metadata={"tags": ["solution"]}),
        nbformat.v4.new_markdown_cell(SOLUTION),
        nbformat.v4.new_code_cell("kept = 4"),
    )
    student = strip_solutions(nb)
    sources = [c.source for c in student.cells]
    assert sources == [EXERCISE, "Intro.", "After the gate.", "kept = 4"]
    assert len(nb.cells) == 7, "the original notebook is not modified"


def test_unclosed_gate_is_an_error():
    nb = notebook(nbformat.v4.new_markdown_cell("```{solution-start} ex-a\n```\n"))
    with pytest.raises(ValueError, match="solution-end"):
        strip_solutions(nb)


@pytest.fixture(scope="module")
def edition(tmp_path_factory):
    if not NOTEBOOKS:
        pytest.skip("no notebooks in book/ yet")
    out = tmp_path_factory.mktemp("student")
    main(["student", *map(str, NOTEBOOKS), "--out", str(out)])
    return out


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_student_edition_of_the_book(edition, path):
    original = nbformat.read(path, as_version=4)
    student = nbformat.read(edition / path.name, as_version=4)
    nbformat.validate(student)

    before = [name for name, _ in directives(markdown_text(original))]
    after = [name for name, _ in directives(markdown_text(student))]
    assert "{exercise}" in before, f"{path.name} has no exercises"
    assert "{solution}" in before, f"{path.name} has no solutions"
    assert not set(after) & set(SOLUTION_DIRECTIVES), f"solutions survive: {after}"
    assert after.count("{exercise}") == before.count("{exercise}")
    assert after == [n for n in before if n not in SOLUTION_DIRECTIVES]

    text = markdown_text(student)
    assert "{solution" not in text
    student_lines = {line.strip() for line in text.splitlines()}
    assert solution_lines(original), "no solution text found to look for"
    survivors = solution_lines(original) & student_lines
    assert not survivors, f"solution text survives: {survivors}"
    assert not any("solution" in c.metadata.get("tags", []) for c in student.cells)

    # Code cells after the exercises check their solutions, so they are
    # tagged `solution` and dropped; every other code cell is kept as it is,
    # so the student edition runs top to bottom as the original does (nbval).
    code = [(c.source, c.metadata.get("tags", [])) for c in original.cells
            if c.cell_type == "code" and "solution" not in c.metadata.get("tags", [])]
    assert [(c.source, c.metadata.get("tags", [])) for c in student.cells
            if c.cell_type == "code"] == code
    assert student.metadata == original.metadata


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_code_after_the_exercises_is_tagged_solution(path):
    """Hidden cells after the exercises hold solution code: the student edition drops them."""
    cells = nbformat.read(path, as_version=4).cells
    start = next(i for i, c in enumerate(cells) if c.cell_type == "markdown"
                 and re.search(r"^#+ Exercises", c.source, re.M))
    assert all("solution" not in c.metadata.get("tags", []) for c in cells[:start])
    untagged = [i for i, c in enumerate(cells[start:], start) if c.cell_type == "code"
                and "solution" not in c.metadata.get("tags", [])]
    assert not untagged, f"code cells after the exercises not tagged solution: {untagged}"
