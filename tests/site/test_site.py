"""The built site in a real browser: every page of the table of contents.

Each page must load with status 200, log no console error, request nothing
outside the local server, have its math typeset by the site's own MathJax,
give every image alt text, keep its headings in order, and link only to
pages and anchors that exist. The search page must find "reset gate".
Screenshots of every page are saved (see conftest.py) for a human to look at.
"""

from __future__ import annotations

import re
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from sitetools import (
    ROOT,
    SITE,
    chapter_documents,
    notebook_documents,
    open_page,
    repository_url,
    toc_documents,
)

DOCUMENTS = toc_documents()
RAW_TEX = re.compile(r"\$\$|\\begin\{|\\end\{|\\\(|\\\)|\\\[|\\\]")


class _Anchors(HTMLParser):
    def __init__(self):
        super().__init__()
        self.anchors: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name == "id" or (tag == "a" and name == "name"):
                self.anchors.add(value)


@cache
def anchors_of(path: Path) -> frozenset[str]:
    """The ids (and ``<a name>``) in the HTML file at ``path``."""
    parser = _Anchors()
    parser.feed(path.read_text(encoding="utf8"))
    return frozenset(parser.anchors)


def test_toc_lists_pages():
    assert "book/intro" in DOCUMENTS
    assert {"book/notation", "book/glossary", "book/bibliography"} <= set(DOCUMENTS)


@pytest.mark.parametrize("document", DOCUMENTS)
def test_page_is_built(site, document):
    assert (site / f"{document}.html").is_file(), f"{document} is in the toc but was not built"


@pytest.mark.parametrize("document", DOCUMENTS)
def test_page_loads_cleanly(visits, document):
    visit = visits(document)
    assert visit.status == 200, f"{visit.url} answered {visit.status}"
    assert not visit.failed_requests, f"local requests failed: {visit.failed_requests}"
    assert not visit.console_errors, f"console errors: {visit.console_errors}"


@pytest.mark.parametrize("document", DOCUMENTS)
def test_page_makes_no_external_request(visits, document):
    visit = visits(document)
    assert not visit.external_requests, f"requests outside the site: {visit.external_requests}"


@pytest.mark.parametrize("document", DOCUMENTS)
def test_math_is_typeset(visits, document):
    facts = visits(document).facts
    if facts["math_elements"]:  # Sphinx loads MathJax only on pages with math
        assert facts["mathjax_version"], "the page has math but MathJax did not load"
        assert facts["mathjax_version"].startswith("3."), facts["mathjax_version"]
    assert not facts["untypeset_math"], f"math left as TeX: {facts['untypeset_math']}"
    assert facts["mjx_containers"] >= facts["math_elements"]
    raw = sorted(set(RAW_TEX.findall(facts["text"])))
    assert not raw, f"raw TeX delimiters left in the text: {raw}"


def test_math_pages_have_math(visits):
    """The notation page is mostly math: guard against a test that finds nothing."""
    facts = visits("book/notation").facts
    assert facts["math_elements"] >= 20
    assert facts["mjx_containers"] >= facts["math_elements"]


@pytest.mark.parametrize("document", DOCUMENTS)
def test_images_have_alt_text(visits, document):
    facts = visits(document).facts
    no_alt = facts["images_without_alt"]
    assert not no_alt, f"images without alt text: {no_alt}"
    assert not facts["broken_images"], f"images that did not load: {facts['broken_images']}"


@pytest.mark.parametrize("document", DOCUMENTS)
def test_headings_in_order(visits, document):
    headings = visits(document).facts["headings"]
    assert headings, "the page has no heading"
    levels = [level for level, _ in headings]
    assert levels[0] == 1 and levels.count(1) == 1, f"one H1 first, got {headings}"
    skips = [(a, b) for a, b in zip(headings[:-1], headings[1:], strict=True) if b[0] > a[0] + 1]
    assert not skips, f"heading levels skipped: {skips}"


@pytest.mark.parametrize("document", DOCUMENTS)
def test_internal_links_resolve(visits, server, document):
    visit = visits(document)
    local = urlsplit(server).netloc
    broken = []
    for link in visit.facts["links"]:
        parts = urlsplit(link)
        if parts.netloc != local:
            continue  # links to other sites are links, not requests
        path = unquote(parts.path).lstrip("/")
        target = SITE / path
        if not path or path.endswith("/"):
            target = target / "index.html"
        if not target.is_file():
            broken.append(f"{link} (no such file)")
        elif parts.fragment and target.suffix == ".html":
            if unquote(parts.fragment) not in anchors_of(target):
                broken.append(f"{link} (no such anchor)")
    assert not broken, f"broken internal links: {broken}"


@pytest.mark.parametrize("document", chapter_documents())
def test_chapters_link_to_glossary(visits, document):
    links = visits(document).facts["links"]
    assert any("/book/glossary.html#" in link for link in links), (
        f"{document} links to no glossary term (use {{term}}`hidden state` in the text)"
    )


@pytest.mark.parametrize("document", DOCUMENTS)
def test_solutions_are_collapsed(visits, document):
    facts = visits(document).facts
    assert facts["solutions"] <= facts["exercises"]
    assert not facts["open_solutions"], f"solutions shown open: {facts['open_solutions']}"


@pytest.mark.parametrize("document", notebook_documents())
def test_notebook_has_launch_and_download_buttons(visits, server, document):
    links = set(visits(document).facts["links"])
    repository = urlsplit(repository_url()).path.strip("/")
    assert f"{server}_sources/{document}.ipynb" in links, "no .ipynb download"
    colab = f"https://colab.research.google.com/github/{repository}/blob/main/{document}.ipynb"
    assert colab in links, "no Colab launch button"
    binder = f"https://mybinder.org/v2/gh/{repository}/main?urlpath=tree/{document}.ipynb"
    assert binder in links, "no Binder launch button"


def test_search_finds_reset_gate(browser, server):
    visit, context, page = open_page(browser, server + "search.html?q=reset+gate")
    try:
        page.wait_for_selector("#search-results ul.search li", timeout=30_000)
        results = page.locator("#search-results ul.search li").all_inner_texts()
    finally:
        context.close()
    assert results, "the search found nothing for 'reset gate'"
    assert any("reset gate" in text.lower() for text in results), results
    assert not visit.console_errors, visit.console_errors
    assert not visit.external_requests, visit.external_requests


def test_instructors_page_shows_every_chapters_time(site):
    """The chapter-times table is computed at build time: a row per listed page, numbers in it."""
    html = (site / "book" / "instructors.html").read_text(encoding="utf8")
    table = re.search(r'<table class="[^"]*chapter-times.*?</table>', html, re.S)
    assert table, "no chapter-times table on the instructors' page"
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table.group(0), re.S)[1:]
    cells = [[re.sub(r"<[^>]+>", "", cell).strip()
              for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)] for row in rows]
    listed = re.search(r"```\{chapter-times\}\n(.*?)```",
                       (ROOT / "book" / "instructors.md").read_text(encoding="utf8"), re.S)
    # one row per listed page, and every notebook listed
    assert len(cells) == len(listed.group(1).split()) == len(list((ROOT / "book").glob("*.ipynb")))
    for page, words, read, run, total in cells:
        assert int(words.replace(",", "")) > 500 and 0 < int(read) <= int(total), page
        assert run.isdigit(), f"{page}: run time not recorded ({run!r})"
