"""Releases: one version in every file, and the same files built and attached."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from grubook import _release

ROOT = Path(__file__).resolve().parents[1]


def test_every_file_states_one_version():
    stated = _release.versions()
    assert len(set(stated.values())) == 1, stated
    assert _release.check_tag(f"v{stated['grubook']}") == stated["grubook"]


@pytest.mark.parametrize("tag", ["0.1.0", "v0.1", "v0.1.0-rc1", "", None, "v9.9.9"])
def test_a_tag_that_does_not_name_the_version_is_refused(tag):
    with pytest.raises(ValueError, match="tag"):
        _release.check_tag(tag)


def test_the_release_builds_and_attaches_exactly_its_assets():
    makefile = (ROOT / "Makefile").read_text()
    recipe = re.search(r"(?ms)^release:.*?(?=^\S)", makefile).group(0)
    built = set(re.findall(r"\$\(RELEASE\)/(\S+?)(?=\s|$)", recipe)) | {"SHA256SUMS"}
    workflow = (ROOT / ".github/workflows/release.yml").read_text()
    attached = set(re.findall(r"_build/release/(\S+)", workflow))
    assert built == attached == set(_release.ASSETS)


def test_release_links_point_at_the_latest_release_of_the_repository():
    url = _release.release_url("https://github.com/o/n/", "gru-book.pdf")
    assert url == "https://github.com/o/n/releases/latest/download/gru-book.pdf"
    with pytest.raises(ValueError, match="name must be one of"):
        _release.release_url("https://github.com/o/n", "other.zip")
