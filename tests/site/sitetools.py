"""Helpers of the browser tests: where things are, which pages, opening a page.

Settings (environment variables): ``GRUBOOK_SITE`` the built site (default
``_build/html``), ``GRUBOOK_TOC`` the table of contents (default ``_toc.yml``),
``GRUBOOK_SCREENSHOTS`` where screenshots go (default ``screenshots/`` next to
the site's folder), ``GRUBOOK_CHROMIUM`` the browser (default ``chromium`` on
the PATH).
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SITE = Path(os.environ.get("GRUBOOK_SITE", ROOT / "_build" / "html")).resolve()
TOC = Path(os.environ.get("GRUBOOK_TOC", ROOT / "_toc.yml")).resolve()
SCREENSHOTS = Path(os.environ.get("GRUBOOK_SCREENSHOTS", SITE.parent / "screenshots")).resolve()
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PAGE_TIMEOUT_MS = 60_000


def missing(reason: str):
    """Fail under CI (the tests must run there), skip elsewhere, with the reason."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so this is a failure, not a skip)", pytrace=False)
    pytest.skip(reason)


def toc_documents(toc_path: Path = TOC) -> list[str]:
    """The documents of the table of contents, root first, without suffix (``book/intro``)."""
    toc = yaml.safe_load(toc_path.read_text(encoding="utf8"))
    documents = [toc["root"]]

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                documents.append(node["file"])
            for key in ("parts", "chapters", "sections"):
                for child in node.get(key, []) or []:
                    walk(child)

    walk(toc)
    return [str(Path(d).with_suffix("")) if Path(d).suffix in {".md", ".ipynb"} else d
            for d in documents]


def notebook_documents(toc_path: Path = TOC) -> list[str]:
    """The documents of the table of contents that are notebooks (``book/NN_name.ipynb``)."""
    return [d for d in toc_documents(toc_path) if (ROOT / f"{d}.ipynb").is_file()]


def repository_url() -> str:
    """The repository that _config.yml's launch buttons point at."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf8"))
    return config["repository"]["url"]


def chapter_documents(toc_path: Path = TOC) -> list[str]:
    """The documents of the ``Chapters`` part of the table of contents."""
    toc = yaml.safe_load(toc_path.read_text(encoding="utf8"))
    for part in toc.get("parts", []):
        if part.get("caption") == "Chapters":
            return [entry["file"] for entry in part.get("chapters", []) or []]
    return []


def chromium_path() -> str | None:
    """Debian's Chromium: ``GRUBOOK_CHROMIUM``, else ``chromium`` on the PATH."""
    configured = os.environ.get("GRUBOOK_CHROMIUM")
    if configured:
        return configured if Path(configured).is_file() else None
    return shutil.which("chromium") or shutil.which("chromium-browser")


@dataclass
class Visit:
    """What one page did and showed in the browser."""

    url: str
    status: int | None = None
    console_errors: list[str] = field(default_factory=list)
    external_requests: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    facts: dict = field(default_factory=dict)


# Collected in the page once MathJax has finished typesetting.
FACTS_JS = """
() => {
  const article = document.querySelector('main article') || document.querySelector('main');
  const clone = article.cloneNode(true);
  clone.querySelectorAll('pre, code, script, style, mjx-container, .MathJax')
       .forEach((e) => e.remove());
  const maths = Array.from(article.querySelectorAll('.math'));
  const links = Array.from(document.querySelectorAll('a[href]'))
       .map((a) => a.href)
       .filter((h) => h.startsWith('http'));
  return {
    mathjax_version: window.MathJax && window.MathJax.version ? window.MathJax.version : null,
    math_elements: maths.length,
    untypeset_math: maths.filter((m) => !m.querySelector('mjx-container'))
                         .map((m) => m.textContent.slice(0, 80)),
    mjx_containers: document.querySelectorAll('mjx-container').length,
    text: clone.textContent,
    images_without_alt: Array.from(document.querySelectorAll('img'))
       .filter((i) => !(i.getAttribute('alt') || '').trim())
       .map((i) => i.getAttribute('src')),
    images: document.querySelectorAll('img').length,
    broken_images: Array.from(document.querySelectorAll('img'))
       .filter((i) => !(i.complete && i.naturalWidth > 0))
       .map((i) => i.getAttribute('src')),
    headings: Array.from(article.querySelectorAll('h1, h2, h3, h4, h5, h6'))
       .map((h) => [Number(h.tagName[1]), h.textContent.trim()]),
    links: links,
    exercises: article.querySelectorAll('div.exercise').length,
    solutions: article.querySelectorAll('div.solution').length,
    open_solutions: Array.from(article.querySelectorAll('div.solution'))
       .filter((d) => !d.classList.contains('dropdown') || d.classList.contains('toggle-shown'))
       .map((d) => d.id),
  };
}
"""

WAIT_FOR_MATHJAX_JS = """
async () => {
  if (!window.MathJax || !window.MathJax.startup || !window.MathJax.startup.promise) {
    return false;
  }
  await window.MathJax.startup.promise;
  return true;
}
"""


def _wait_until_quiet(page, in_flight: dict, quiet_ms: int = 500) -> None:
    """Wait until no request of ``in_flight`` (request -> URL) has been open for ``quiet_ms``;
    raises TimeoutError naming the open ones after ``PAGE_TIMEOUT_MS``."""
    waited = quiet = 0
    while quiet < quiet_ms:
        if waited > PAGE_TIMEOUT_MS:
            raise TimeoutError(f"requests still open after {PAGE_TIMEOUT_MS} ms: "
                               f"{sorted(in_flight.values())}")
        page.wait_for_timeout(100)
        waited += 100
        quiet = quiet + 100 if not in_flight else 0


def open_page(browser, url: str, screenshot: Path | None = None) -> tuple[Visit, object, object]:
    """Open ``url`` with every non-local request blocked; returns (visit, context, page)."""
    local = urlsplit(url).netloc
    visit = Visit(url=url)
    context = browser.new_context(
        service_workers="block", viewport={"width": 1280, "height": 900}
    )

    def route(route):
        parts = urlsplit(route.request.url)
        if parts.scheme in {"data", "blob", "about"} or parts.netloc == local:
            route.continue_()
        else:
            visit.external_requests.append(route.request.url)
            route.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    page.on(
        "console",
        lambda msg: visit.console_errors.append(f"{msg.text} ({msg.location.get('url')})")
        if msg.type == "error"
        else None,
    )
    page.on("pageerror", lambda error: visit.console_errors.append(f"uncaught: {error}"))

    def on_response(response):
        if urlsplit(response.url).netloc == local and response.status >= 400:
            visit.failed_requests.append(f"{response.status} {response.url}")

    page.on("response", on_response)
    page.on(
        "requestfailed",
        lambda request: visit.failed_requests.append(f"failed {request.url}")
        if urlsplit(request.url).netloc == local
        else None,
    )
    in_flight: dict[object, str] = {}
    page.on("request", lambda request: in_flight.__setitem__(request, request.url))
    page.on("requestfinished", lambda request: in_flight.pop(request, None))
    page.on("requestfailed", lambda request: in_flight.pop(request, None))
    # Playwright's own "load" and "networkidle" waits follow Chromium's
    # lifecycle events, and about one load in eight of the longest page it
    # missed an event Chromium had sent, then waited out its timeout. So the
    # page's own state is polled instead.
    response = page.goto(url, wait_until="commit")
    visit.status = response.status if response else None
    page.wait_for_function("document.readyState === 'complete'")
    page.evaluate(WAIT_FOR_MATHJAX_JS)
    page.evaluate("document.fonts.ready.then(() => true)")
    _wait_until_quiet(page, in_flight)
    if screenshot is not None:
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(screenshot), full_page=True)
    return visit, context, page
