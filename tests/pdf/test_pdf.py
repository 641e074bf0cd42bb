"""The PDF edition (`make pdf`): every chapter, typeset equations, figures, pages.

Run by `make test-pdf` (in .ci/run), which builds the PDF first and sets
GRUBOOK_REQUIRE_PDF so that a missing PDF fails; elsewhere the tests skip
when no PDF has been built.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PDF = ROOT / "_build" / "pdf" / "gru-book.pdf"

if not PDF.is_file():
    if os.environ.get("GRUBOOK_REQUIRE_PDF"):
        raise FileNotFoundError(f"{PDF} is missing: run `make pdf`")
    pytest.skip("no PDF built (make test-pdf builds and checks it)", allow_module_level=True)
if shutil.which("pdftotext") is None:
    raise FileNotFoundError("pdftotext is missing: apt-get install poppler-utils")


def _run(*command: str) -> str:
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def text() -> str:
    return _run("pdftotext", "-layout", str(PDF), "-")


def _pages() -> list[Path]:
    """The book's pages in the table of contents' order."""
    toc = (ROOT / "_toc.yml").read_text()
    return [ROOT / f"{name}" for name in re.findall(r"file:\s*(\S+)", toc)]


def _source(page: Path) -> str:
    """A page's Markdown: a notebook's markdown cells, or the .md file."""
    notebook = page.with_suffix(".ipynb")
    if notebook.is_file():
        cells = json.loads(notebook.read_text())["cells"]
        return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    return page.with_suffix(".md").read_text()


def _title(page: Path) -> str:
    """A page's first level-one heading."""
    return re.search(r"^# (.+)$", _source(page), re.M).group(1).strip()


def _labelled_equations() -> int:
    """How many numbered (labelled) display equations the pages hold."""
    return sum(len(re.findall(r"^\$\$\s*\(([a-z0-9-]+)\)", _source(page), re.M))
               for page in _pages())


def _figures() -> int:
    """How many images the chapters' stored outputs hold."""
    total = 0
    for notebook in sorted((ROOT / "book").glob("*.ipynb")):
        cells = json.loads(notebook.read_text())["cells"]
        total += sum("image/png" in output.get("data", {})
                     for cell in cells for output in cell.get("outputs", []))
    return total


def test_the_pdf_has_every_page_title(text):
    titles = [_title(page) for page in _pages()]
    assert len(titles) >= 10
    flat = " ".join(text.split())
    missing = [title for title in titles if flat.count(title) < 2]  # contents, then page
    assert not missing, f"titles missing from the PDF: {missing}"


def test_equations_are_typeset_and_numbered(text):
    assert "$$" not in text and "\\begin" not in text and "\\frac" not in text
    numbers = re.findall(r"\((\d+)\)\s*$", text, re.M)
    labelled = _labelled_equations()
    assert labelled >= 20
    assert len(numbers) >= labelled, f"{len(numbers)} equation numbers for {labelled} equations"


def test_the_pdf_has_every_figure_and_enough_pages():
    images = _run("pdfimages", "-list", str(PDF)).splitlines()[2:]
    assert len(images) >= _figures() >= 20
    pages = int(re.search(r"^Pages:\s+(\d+)", _run("pdfinfo", str(PDF)), re.M).group(1))
    assert pages >= 40


def test_pages_are_numbered(text):
    pages = int(re.search(r"^Pages:\s+(\d+)", _run("pdfinfo", str(PDF)), re.M).group(1))
    footers = re.findall(rf"^\s*(\d+) / {pages}\s*$", text, re.M)
    assert [int(n) for n in footers] == list(range(1, pages + 1))
