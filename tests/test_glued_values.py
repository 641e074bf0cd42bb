"""Glued values hold only the digits the text shows.

A value glued at full float precision changes in its last digits on another
CPU, and strict nbval then fails on a notebook nobody touched. Every
``application/papermill.record`` output must therefore be exactly the number
that the page pastes with ``{glue:text}`name:spec``` (formatted the way
myst-nb formats it), and every glued value must be pasted somewhere.
"""

from __future__ import annotations

import ast
import re
from decimal import Decimal
from pathlib import Path

import nbformat
import pytest
from myst_nb.core.variables import format_plain_text

from grubook.notebooks import as_shown

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "book").glob("*.ipynb"))
PAGES = sorted((ROOT / "book").glob("*.md"))
RECORD = "application/papermill.record/text/plain"
# {glue:text}`name`, {glue:text}`name:spec` or {glue:text}`doc::name:spec`
GLUE_ROLE = re.compile(r"\{glue(?::[a-z]+)?\}`(?:[^`:]+::)?(?P<name>[^`:]+)(?::(?P<spec>[^`]*))?`")
# ```{glue:figure} name (a figure pasted whole, from this notebook or with :doc:)
GLUE_DIRECTIVE = re.compile(r"^```\{glue(?::[a-z]+)?\}\s+(?P<name>\S+)", re.M)


def glued_records(path: Path) -> dict[str, str]:
    """Every value glued by the notebook at ``path``: name -> stored text/plain."""
    records = {}
    for cell in nbformat.read(path, as_version=4).cells:
        for output in cell.get("outputs", []):
            if RECORD in output.get("data", {}):
                name = output["metadata"]["scrapbook"]["name"]
                records[name] = output["data"][RECORD]
    return records


def markdown_sources() -> dict[str, str]:
    """The markdown of every page of the book: a label -> its text."""
    sources = {str(p.relative_to(ROOT)): p.read_text() for p in PAGES}
    for path in NOTEBOOKS:
        cells = nbformat.read(path, as_version=4).cells
        text = "\n\n".join(c.source for c in cells if c.cell_type == "markdown")
        sources[str(path.relative_to(ROOT))] = text
    return sources


def pastes() -> list[tuple[str, str, str]]:
    """Every glue role in the book: (page, name, format spec)."""
    found = []
    for page, text in markdown_sources().items():
        for match in GLUE_ROLE.finditer(text):
            found.append((page, match["name"], match["spec"] or ""))
    return found


def number_in(shown: str) -> Decimal:
    """The number a pasted text stands for: '88.7%' -> 0.887, '56,320' -> 56320."""
    text = shown.replace(",", "")
    if text.endswith("%"):
        return Decimal(text[:-1]) / 100
    return Decimal(text)


def holds_only_shown_digits(stored: str, spec: str) -> bool:
    """Whether the stored text/plain is exactly the value its paste shows."""
    value = ast.literal_eval(stored)
    if isinstance(value, str) or isinstance(value, bool):
        return True  # words: what is stored is what is shown
    if isinstance(value, int) and spec[-1:] not in {"e", "E", "%"}:
        return True  # an integer shown without an exponent loses no digits
    return number_in(format_plain_text(stored, spec)) == Decimal(stored)


RECORDS = {
    name: (path.name, text) for path in NOTEBOOKS for name, text in glued_records(path).items()
}
PASTES = pastes()


def test_the_book_glues_and_pastes_values():
    assert len(RECORDS) > 50 and len(PASTES) >= len(RECORDS)


@pytest.mark.parametrize("page, name, spec", PASTES, ids=[f"{p}:{n}" for p, n, _ in PASTES])
def test_pasted_value_is_stored_with_the_digits_shown(page, name, spec):
    assert name in RECORDS, f"{page} pastes {name!r}, which no notebook glues"
    notebook, stored = RECORDS[name]
    shown = format_plain_text(stored, spec)
    assert holds_only_shown_digits(stored, spec), (
        f"{notebook} glues {name} = {stored}, but {page} shows it as {shown!r}"
        f" (spec {spec!r}): glue grubook.notebooks.as_shown(value, {spec!r})"
    )


@pytest.mark.parametrize("name", sorted(RECORDS))
def test_every_glued_value_is_pasted(name):
    figures = {m["name"] for text in markdown_sources().values()
               for m in GLUE_DIRECTIVE.finditer(text)}
    pasted = {n for _, n, _ in PASTES} | figures
    assert name in pasted, f"{RECORDS[name][0]} glues {name!r}, which no page shows"


@pytest.mark.parametrize(
    "stored, spec, expected",
    [
        ("0.42", ".2f", True),
        ("0.41800357965603213", ".2f", False),
        ("0.887", ".1%", True),
        ("0.88671875", ".1%", False),
        ("6.4e-15", ".1e", True),
        ("6.443005834813458e-15", ".1e", False),
        ("56320", ",", True),
        ("2524", ".0f", True),
        ("2523.797666678244", ".0f", False),
        ("1.0", ".3f", True),
        ("'met'", "", True),
        ("162.5", "", True),
    ],
)
def test_the_digit_check_tells_rounded_from_full_precision(stored, spec, expected):
    assert holds_only_shown_digits(stored, spec) is expected


@pytest.mark.parametrize(
    "value, spec",
    [(0.41800357965603213, ".2f"), (0.88671875, ".1%"), (6.443e-15, ".1e"), (2523.79, ".0f")],
)
def test_as_shown_glues_what_the_check_accepts(value, spec):
    assert holds_only_shown_digits(repr(as_shown(value, spec)), spec)


@pytest.mark.parametrize("value", ["0.5", None, True])
def test_as_shown_refuses_what_is_not_a_number(value):
    with pytest.raises(TypeError, match="value must be a real number"):
        as_shown(value, ".2f")


def run_cells(tmp_path, *sources):
    """Execute code cells in a fresh kernel; returns the executed notebook."""
    from nbclient import NotebookClient
    from nbformat.v4 import new_code_cell, new_notebook

    notebook = new_notebook(cells=[new_code_cell(s) for s in sources])
    NotebookClient(notebook, kernel_name="python3", timeout=60).execute()
    return notebook


def test_glue_shown_writes_what_myst_nb_glue_writes(tmp_path):
    notebook = run_cells(
        tmp_path,
        "from grubook.notebooks import glue_shown, glue_words\n"
        "glue_shown('rate', 0.41800357965603213, '.2f')\nglue_words('verdict', 'met')",
        "from myst_nb import glue\n"
        "glue('rate', 0.42, display=False)\nglue('verdict', 'met', display=False)",
    )
    ours, myst_nb = (cell.outputs for cell in notebook.cells)
    assert ours == myst_nb and len(ours) == 2
    assert ours[0]["data"] == {RECORD: "0.42"}


def test_glue_words_refuses_numbers():
    from grubook.notebooks import glue_words

    with pytest.raises(TypeError, match="text must be a str"):
        glue_words("rate", 0.42)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebooks_need_no_myst_nb_to_run(path):
    """In Colab only grubook and its dependencies are installed: no myst-nb."""
    cells = nbformat.read(path, as_version=4).cells
    code = "\n".join(c.source for c in cells if c.cell_type == "code")
    assert not re.search(r"^\s*(from|import)\s+myst_nb", code, re.M)
