"""Fixtures for the browser tests of the built site.

The site is served from ``GRUBOOK_SITE`` (default ``_build/html``, which
``make test`` builds first) on 127.0.0.1 and opened in Debian's headless
Chromium (``GRUBOOK_CHROMIUM``, default ``chromium`` on the PATH) through
the ``playwright`` package; ``playwright install`` is never needed. Every
request that leaves the local server is blocked and recorded.

The pages are those of the table of contents (``GRUBOOK_TOC``, default
``_toc.yml``). Screenshots go to ``GRUBOOK_SCREENSHOTS`` (default
``screenshots/`` next to the site's folder, so ``_build/screenshots``).

When the site, playwright or Chromium is missing, the tests fail if the
``CI`` environment variable is set and are skipped otherwise.
"""

from __future__ import annotations

import functools
import os
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sitetools import (
    CHROMIUM_ARGS,
    FACTS_JS,
    SCREENSHOTS,
    SITE,
    Visit,
    chromium_path,
    missing,
    open_page,
)


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


@pytest.fixture(scope="session")
def site() -> Path:
    """The built site's folder; fails (CI) or skips when it has not been built."""
    if not (SITE / "index.html").is_file():
        missing(f"no built site at {SITE}: run `make test` (or build it and set GRUBOOK_SITE)")
    return SITE


@pytest.fixture(scope="session")
def server(site):
    """The site served on 127.0.0.1 (a free port); yields the base URL ``http://127.0.0.1:N/``."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium driven by playwright (never a downloaded browser)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("the playwright package is not installed (it is in requirements.txt)")
    executable = chromium_path()
    if executable is None:
        where = os.environ.get("GRUBOOK_CHROMIUM") or "chromium on the PATH"
        missing(f"Chromium not found ({where}); on Debian: apt-get install chromium")
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
    except Exception as error:  # noqa: BLE001 - report any launch failure as such
        playwright.stop()
        pytest.fail(f"Chromium at {executable} did not start: {error}", pytrace=False)
    yield chromium
    chromium.close()
    playwright.stop()


@pytest.fixture(scope="session")
def visits(browser, server):
    """Opens each page once (cached): ``visits("book/intro")`` returns its :class:`Visit`."""
    cache: dict[str, Visit] = {}

    def visit(document: str) -> Visit:
        if document not in cache:
            screenshot = SCREENSHOTS / (document.replace("/", "__") + ".png")
            result, context, page = open_page(browser, server + document + ".html", screenshot)
            try:
                result.facts = page.evaluate(FACTS_JS)
            finally:
                context.close()
            cache[document] = result
        return cache[document]

    return visit
