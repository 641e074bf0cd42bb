"""Every notebook opens with the Colab cell and uses the ``python3`` kernel.

The cell installs ``grubook`` only when the notebook runs in Colab; the site
hides it (``remove-cell``) and nbval skips it (``nbval-skip``).
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "book").glob("*.ipynb"))
COLAB_CELL = """\
# Only in Colab: install the book's library, grubook (nbval-skip: it does nothing elsewhere).
import sys

if "google.colab" in sys.modules:
    %pip install --quiet "grubook @ git+https://github.com/gru-book/gru-book@main"
"""
KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}


def test_there_are_notebooks():
    assert NOTEBOOKS, "no notebooks in book/"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_first_cell_is_the_colab_cell(path):
    first = nbformat.read(path, as_version=4).cells[0]
    assert first.cell_type == "code"
    assert first.source.strip() == COLAB_CELL.strip()
    assert sorted(first.metadata.get("tags", [])) == ["nbval-skip", "remove-cell"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_kernelspec_is_python3(path):
    assert nbformat.read(path, as_version=4).metadata.get("kernelspec") == KERNELSPEC


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_colab_cell_installs_from_the_configured_repository(path):
    """The cell's repository is the one the site's launch buttons point at."""
    import yaml

    repository = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf8"))["repository"]
    first = nbformat.read(path, as_version=4).cells[0]
    # The branch the launch buttons open, so the library matches the notebook.
    assert f'"grubook @ git+{repository["url"]}@{repository["branch"]}"' in first.source
    # Exactly one package, and nothing else installed.
    assert first.source.count("%pip install") == 1 and first.source.count("grubook @") == 1


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_the_page_opens_with_the_chapter_title(path):
    """The first cell the site shows is the H1; the set-up cell comes after it."""
    cells = nbformat.read(path, as_version=4).cells
    shown = [c for c in cells if "remove-cell" not in c.metadata.get("tags", [])]
    assert shown[0].cell_type == "markdown" and shown[0].source.startswith("# ")
