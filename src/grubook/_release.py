"""Releases: one version everywhere, and links to a release's files.

A release is a git tag ``vX.Y.Z``. ``.github/workflows/release.yml`` builds
the site, the PDF, the executed notebooks and the student edition
(``make release``), writes their SHA-256 checksums, and attaches them all
to the GitHub release under fixed names (:data:`ASSETS`), so the latest
release's files have fixed addresses. :func:`versions` reads the version
from ``pyproject.toml``, ``CITATION.cff`` and ``grubook.__version__``;
``python -m grubook._release check vX.Y.Z`` fails unless all three equal
the tag. The ``release-file`` role links to a file of the latest release
of the repository in ``_config.yml``, so no page types the address.
Not part of the library's API.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import tomllib

__all__ = ["ASSETS", "versions", "check_tag", "release_url", "release_file_role", "main"]

ROOT = Path(__file__).resolve().parents[2]

ASSETS = {
    "gru-book.pdf": "the PDF edition",
    "gru-book-site.tar.gz": "the site, to serve or read offline",
    "gru-book-notebooks.tar.gz": "the executed notebooks and their data",
    "gru-book-student.tar.gz": "the student edition: the notebooks without solutions",
    "SHA256SUMS": "the SHA-256 checksum of each file",
}
"""The files every release carries, by name, and what each holds."""


def versions(root: Path = ROOT) -> dict[str, str]:
    """The version each place states.

    Returns ``{"pyproject.toml": v, "CITATION.cff": v, "grubook": v}``.
    """
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf8"))["project"]
    citation = re.search(r"(?m)^version:\s*(\S+)\s*$", (root / "CITATION.cff").read_text())
    init = (root / "src/grubook/__init__.py").read_text()
    package = re.search(r'(?m)^__version__ = "([^"]+)"', init)
    return {
        "pyproject.toml": project["version"],
        "CITATION.cff": citation.group(1) if citation else "",
        "grubook": package.group(1) if package else "",
    }


def check_tag(tag: str, root: Path = ROOT) -> str:
    """The version ``tag`` (``vX.Y.Z``) names; raise ``ValueError`` unless every place states it."""
    match = re.fullmatch(r"v(\d+\.\d+\.\d+)", tag or "")
    if not match:
        raise ValueError(f"tag must look like v1.2.3, got {tag!r}")
    stated = versions(root)
    wrong = {place: version for place, version in stated.items() if version != match.group(1)}
    if wrong:
        raise ValueError(f"tag {tag} names version {match.group(1)}, but {wrong} state otherwise")
    return match.group(1)


def release_url(repository_url: str, name: str) -> str:
    """The address of file ``name`` (one of :data:`ASSETS`) in the latest release."""
    if name not in ASSETS:
        raise ValueError(f"name must be one of {sorted(ASSETS)}, got {name!r}")
    return f"{repository_url.rstrip('/')}/releases/latest/download/{name}"


def release_file_role(name, rawtext, text, lineno, inliner, options=None, content=()):
    """``{release-file}`gru-book.pdf``: a link to that file of the latest release."""
    from docutils import nodes

    config = inliner.document.settings.env.config
    repository = (config.html_theme_options or {}).get("repository_url", "")
    try:
        url = release_url(repository, text.strip())
    except ValueError as error:
        message = inliner.reporter.error(f"release-file: {error}", line=lineno)
        return [inliner.problematic(rawtext, rawtext, message)], [message]
    return [nodes.reference(rawtext, text.strip(), refuri=url)], []


def main(argv=None) -> None:
    """Check that a release tag names the version every file states."""
    parser = argparse.ArgumentParser(prog="python -m grubook._release", description=main.__doc__)
    parser.add_argument("command", choices=["check"])
    parser.add_argument("tag", help="the release tag, vX.Y.Z")
    args = parser.parse_args(argv)
    try:
        print("release", check_tag(args.tag))
    except ValueError as error:
        sys.exit(f"error: {error}")


if __name__ == "__main__":
    main()
