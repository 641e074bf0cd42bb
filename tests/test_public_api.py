"""Every library name a reader's code uses still imports from where it is used.

The chapters, the README's commands, the Makefile, the tests and the library
itself import ``grubook`` names in three ways: ``from grubook.X import a``,
``import grubook.X as m`` (or ``from grubook import X``) followed by
``m.a``, and ``python -m grubook.X``. This test reads every such use from
the sources as they are today and checks each one resolves, so moving code
between modules cannot break a notebook a reader has already downloaded.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
COMMAND = re.compile(r"python3? -m (grubook(?:\.\w+)*)")


def _notebook_code(path: Path) -> str:
    """The code cells of a notebook, IPython magics and shell lines dropped."""
    cells = json.loads(path.read_text())["cells"]
    lines = []
    for cell in cells:
        if cell["cell_type"] != "code":
            continue
        for line in "".join(cell["source"]).splitlines():
            stripped = line.lstrip()
            magic = stripped.startswith(("%", "!"))
            lines.append(line[: len(line) - len(stripped)] + "pass" if magic else line)
        lines.append("")
    return "\n".join(lines)


def _markdown_code(text: str) -> str:
    """The ```python blocks of a Markdown file, joined."""
    return "\n".join(re.findall(r"```python\n(.*?)```", text, flags=re.S))


def _sources() -> dict[str, str]:
    """Every Python source that uses the library, by a readable name."""
    sources = {}
    for path in sorted((ROOT / "book").glob("*.ipynb")):
        sources[path.name] = _notebook_code(path)
    for path in sorted((ROOT / "tests").rglob("*.py")) + sorted((ROOT / "src").rglob("*.py")):
        sources[str(path.relative_to(ROOT))] = path.read_text()
    for path in [ROOT / "README.md", *sorted((ROOT / "book").glob("*.md"))]:
        sources[str(path.relative_to(ROOT))] = _markdown_code(path.read_text())
    return sources


def _uses(tree: ast.AST, package: str | None) -> set[tuple[str, str]]:
    """``(module, name)`` pairs: each name used as an attribute of a library module."""
    uses, aliases = set(), {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if package else ""
                module = f"{base}.{module}" if module else base
            if not module.startswith("grubook"):
                continue
            for alias in node.names:
                if alias.name == "*":
                    continue
                uses.add((module, alias.name))
                aliases[alias.asname or alias.name] = f"{module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("grubook"):
                    aliases[alias.asname or alias.name] = alias.name
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            chain, value = [node.attr], node.value
            while isinstance(value, ast.Attribute):
                chain.append(value.attr)
                value = value.value
            if isinstance(value, ast.Name) and value.id in aliases:
                target = aliases[value.id]
                for attr in reversed(chain):
                    uses.add((target, attr))
                    target = f"{target}.{attr}"
    return uses


def _package_of(name: str) -> str | None:
    """The package a library source file belongs to, for relative imports."""
    if not name.startswith("src/"):
        return None
    parts = Path(name).with_suffix("").parts[1:]
    return ".".join(parts[:-1])


def _all_uses() -> list[tuple[str, str, str]]:
    found = set()
    for name, code in _sources().items():
        for module, attr in _uses(ast.parse(code, filename=name), _package_of(name)):
            found.add((module, attr, name))
    return sorted(found)


def _resolve(dotted: str):
    """The object at a dotted path: modules imported, attributes followed."""
    parts = dotted.split(".")
    obj = importlib.import_module(parts[0])
    path = parts[0]
    for part in parts[1:]:
        path = f"{path}.{part}"
        if hasattr(obj, part):
            obj = getattr(obj, part)
        else:
            obj = importlib.import_module(path)
    return obj


USES = _all_uses()


def test_the_scan_finds_the_chapters_uses():
    """The scan itself works: it sees names every reader's notebook imports."""
    seen = {(module, attr) for module, attr, _ in USES}
    for use in [("grubook.data", "to_bits"), ("grubook.cell", "GRUCell"),
                ("grubook.model", "build_adder"), ("grubook.verify", "certify")]:
        assert use in seen
    assert len(seen) > 200


@pytest.mark.parametrize("module, attr, where", USES, ids=lambda v: str(v))
def test_every_used_name_imports(module, attr, where):
    obj = _resolve(module)
    if not hasattr(obj, attr):
        importlib.import_module(f"{module}.{attr}")


def _commands() -> list[str]:
    texts = [ROOT / "README.md", ROOT / "Makefile", ROOT / ".ci" / "run"]
    texts += sorted((ROOT / "book").glob("*.ipynb"))
    return sorted({m for path in texts for m in COMMAND.findall(path.read_text())})


def test_the_command_scan_finds_commands():
    assert {"grubook.verify", "grubook.studies", "grubook.bench"} <= set(_commands())


@pytest.mark.parametrize("module", _commands())
def test_every_command_runs_as_a_module(module):
    """``python -m grubook.X``: a module with ``main``, or a package with ``__main__``."""
    spec = importlib.util.find_spec(module)
    assert spec is not None, module
    if spec.submodule_search_locations is not None:
        assert importlib.util.find_spec(f"{module}.__main__") is not None, module
    else:
        assert "__main__" in spec.loader.get_source(module), module
