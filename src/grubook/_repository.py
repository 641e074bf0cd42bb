"""Where the book lives: one setting, ``repository`` in ``_config.yml``.

The launch buttons, the Colab cell of every notebook (which installs
``grubook`` from the repository's branch, the one the launch buttons open),
the site's footer and ``CITATION.cff`` all name the repository;
:func:`occurrences` finds every address of a GitHub repository in the book's
files, and ``tests/test_repository.py`` checks that each is the setting's.
To point the book at a fork: ``python -m grubook._repository
https://github.com/OWNER/NAME [--branch BRANCH]`` rewrites them all.
Not part of the library's API.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

__all__ = ["ROOT", "FILES", "setting", "occurrences", "point_at", "main"]

ROOT = Path(__file__).resolve().parents[2]
FILES = ("_config.yml", "CITATION.cff", "book/*.ipynb", "tests/test_colab_cell.py")
"""The files that may name the book's repository (globs, relative to the root)."""

_GITHUB = re.compile(r"https://github\.com/([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+?)(?=[/\"'\s@)>]|$)")
_URL = re.compile(r"^https://github\.com/[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")


def setting(root: Path = ROOT) -> tuple[str, str]:
    """The repository's URL and branch, from ``_config.yml``."""
    import yaml

    repository = yaml.safe_load((root / "_config.yml").read_text(encoding="utf8"))["repository"]
    return repository["url"], repository["branch"]


def _files(root: Path) -> list[Path]:
    return sorted({path for pattern in FILES for path in root.glob(pattern)})


def _own_text(path: Path) -> str:
    """The part of ``path`` that may only name the book's own repository.

    A notebook's first cell (the Colab cell); all of any other file. A
    chapter's prose may cite other repositories.
    """
    if path.suffix == ".ipynb":
        import nbformat

        return nbformat.read(path, as_version=4).cells[0].source
    return path.read_text(encoding="utf8")


def occurrences(root: Path = ROOT) -> dict[str, list[str]]:
    """Every GitHub repository address where only the book's may be: ``{file: [url, ...]}``."""
    found = {}
    for path in _files(root):
        urls = [m.group(0) for m in _GITHUB.finditer(_own_text(path))]
        if urls:
            found[str(path.relative_to(root))] = urls
    return found


def point_at(url: str, branch: str | None = None, root: Path = ROOT) -> list[str]:
    """Rewrite every address of the current repository (and branch) to ``url``.

    Returns the files changed. ``url`` must look like
    ``https://github.com/OWNER/NAME``.
    """
    if not isinstance(url, str) or not _URL.match(url):
        raise ValueError(f"url must look like https://github.com/OWNER/NAME, got {url!r}")
    old_url, old_branch = setting(root)
    branch = old_branch if branch is None else branch
    if not re.fullmatch(r"[A-Za-z0-9_./-]+", branch):
        raise ValueError(f"branch must be a git branch name, got {branch!r}")
    changed = []
    for path in _files(root):
        text = path.read_text(encoding="utf8")
        new = text.replace(f"{old_url}@{old_branch}", f"{url}@{branch}").replace(old_url, url)
        if path.name == "_config.yml":
            new = re.sub(r"(?m)^(  branch: ).*$", rf"\g<1>{branch}", new)
        if new != text:
            path.write_text(new, encoding="utf8")
            changed.append(str(path.relative_to(root)))
    return changed


def main(argv=None) -> None:
    """Point the book at another repository (a fork): rewrite every address of it."""
    parser = argparse.ArgumentParser(prog="python -m grubook._repository", description=main.__doc__)
    parser.add_argument("url", help="https://github.com/OWNER/NAME")
    parser.add_argument("--branch", help="the branch the launch buttons and Colab cells use")
    args = parser.parse_args(argv)
    for name in point_at(args.url, args.branch):
        print("rewrote", name)


if __name__ == "__main__":
    main()
