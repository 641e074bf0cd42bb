"""The map of the library (``grubook.__doc__`` and the README) matches the files.

A reader who opens ``src/grubook/`` finds each chapter's code through the
package docstring; these tests fail when a module is added, moved or removed
and the map is not, so the map cannot go stale.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import pytest

import grubook

ROOT = Path(__file__).resolve().parents[1]
NAMED = re.compile(r"``(grubook(?:\.\w+)+)``")


def _top_level() -> set[str]:
    """Every module and package directly under ``grubook``."""
    return {f"grubook.{info.name}" for info in pkgutil.iter_modules(grubook.__path__)}


def _packages() -> list[str]:
    return sorted(
        f"grubook.{info.name}" for info in pkgutil.iter_modules(grubook.__path__) if info.ispkg
    )


def test_the_package_docstring_names_every_module_and_nothing_else():
    named = set(NAMED.findall(grubook.__doc__))
    assert named == _top_level()


def test_the_package_docstring_maps_every_chapter():
    for chapter in range(1, 8):
        assert re.search(rf"^Chapter {chapter}\b", grubook.__doc__, flags=re.M), chapter


def test_the_readme_lists_every_public_module():
    readme = (ROOT / "README.md").read_text()
    listed = set(re.findall(r"^\| `(grubook\.\w+)(?:/)?` \|", readme, flags=re.M))
    public = {name for name in _top_level() if not name.split(".")[1].startswith("_")}
    assert listed == public


@pytest.mark.parametrize("package", _packages())
def test_each_package_docstring_names_its_modules(package):
    module = importlib.import_module(package)
    doc = module.__doc__ or ""
    for info in pkgutil.iter_modules(module.__path__):
        if info.name == "__main__":
            continue
        assert re.search(rf"``{info.name}``|``{package}\.{info.name}``", doc), (
            f"{package}.__doc__ does not name its module {info.name}"
        )
