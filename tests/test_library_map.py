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


def test_no_module_is_over_400_lines():
    """One idea per module: a file that grows past 400 lines holds more than one."""
    long = {str(path.relative_to(ROOT)): n for path in (ROOT / "src" / "grubook").rglob("*.py")
            if (n := len(path.read_text().splitlines())) > 400}
    assert long == {}


def test_no_private_name_is_imported_from_another_module():
    """``from grubook.x import _y`` across modules couples them through internals."""
    import ast

    found = []
    for path in (ROOT / "src" / "grubook").rglob("*.py"):
        package = ".".join(path.relative_to(ROOT / "src").with_suffix("").parts[:-1])
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                inside = node.module.startswith(package + ".") or node.module == package
                if node.module.startswith("grubook") and not inside:
                    found += [f"{path.name}: {node.module}.{a.name}" for a in node.names
                              if a.name.startswith("_") and not a.name.startswith("__")]
    assert found == []
