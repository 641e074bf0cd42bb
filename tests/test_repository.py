"""One setting holds the book's repository; every address of it agrees."""

from __future__ import annotations

import shutil

import pytest

from grubook import _repository


def test_every_repository_address_is_the_setting():
    url, branch = _repository.setting()
    found = _repository.occurrences()
    assert "_config.yml" in found and "CITATION.cff" in found
    assert sum(name.endswith(".ipynb") for name in found) >= 8  # every Colab cell
    wrong = {name: [u for u in urls if u != url] for name, urls in found.items()}
    assert not any(wrong.values()), f"addresses that are not {url}: {wrong}"


def test_pointing_at_a_fork_rewrites_every_address(tmp_path):
    root = tmp_path / "book-copy"
    for pattern in _repository.FILES:
        for path in _repository.ROOT.glob(pattern):
            target = root / path.relative_to(_repository.ROOT)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, target)
    changed = _repository.point_at("https://github.com/someone/fork", "teaching", root)
    assert "_config.yml" in changed and "CITATION.cff" in changed
    assert _repository.setting(root) == ("https://github.com/someone/fork", "teaching")
    for urls in _repository.occurrences(root).values():
        assert set(urls) == {"https://github.com/someone/fork"}
    colab = (root / "book" / "01_adding_numbers.ipynb").read_text()
    assert "git+https://github.com/someone/fork@teaching" in colab


@pytest.mark.parametrize("url", ["github.com/a/b", "https://gitlab.com/a/b", "", None])
def test_a_bad_address_is_refused(url):
    with pytest.raises(ValueError, match="url must look like"):
        _repository.point_at(url)
