"""The PDF edition: the single-page build printed by Debian's Chromium.

``make pdf`` builds the book with Sphinx's ``singlehtml`` builder (every
chapter on one page, MathJax served by the site itself), then
:func:`print_pdf` opens that page in Chromium, waits until MathJax has
typeset every equation, and prints it: A4, page numbers in the footer,
the section headings as PDF bookmarks, links kept. Chromium is Debian's
(``/usr/bin/chromium``), never a downloaded browser, and every request
that leaves the build folder is refused, so the PDF is made offline.

Not part of the library's API: ``python -m grubook._pdf HTML PDF``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

__all__ = ["print_pdf", "main"]

CHROMIUM = "/usr/bin/chromium"
"""Debian's Chromium, the only browser the book's tools drive."""

FOOTER = (
    '<div style="font-size: 8px; width: 100%; text-align: center; color: #555;">'
    '<span class="pageNumber"></span> / <span class="totalPages"></span></div>'
)
"""Chromium's footer template: 'page / pages', centred."""

PRINT_CSS = """
/* The PDF shows the chapters only: no navigation, buttons or search. */
.bd-header, .bd-sidebar-primary, .bd-sidebar-secondary, .bd-footer,
.bd-header-article, .prev-next-area, .headerlink, .copybtn,
.bd-footer-article, .bd-footer-content, #pst-back-to-top { display: none !important; }
.bd-main .bd-content .bd-article-container { max-width: 100% !important; }
.bd-page-width { max-width: 100% !important; }
img { max-width: 100% !important; break-inside: avoid; }
/* Long code lines wrap rather than run off the page. */
pre { white-space: pre-wrap !important; word-break: break-word; }
figure, .cell_output, pre, table, mjx-container { break-inside: avoid; }
h1, h2, h3 { break-after: avoid; }
/* Each page of the book (a chapter, the appendix, a reference page) starts a PDF page. */
.toctree-wrapper > section > h2 { break-before: page; }
"""
"""Style added to the page before printing (the theme's own print styles stay)."""


def _offline(route) -> None:
    """Let a request through only if it stays on this machine's files."""
    if route.request.url.startswith(("file://", "data:")):
        route.continue_()
    else:
        route.abort()


def print_pdf(html: Path, pdf: Path, chromium: str = CHROMIUM, timeout_ms: int = 120_000) -> int:
    """Print the page ``html`` to ``pdf`` with Chromium; return the PDF's size in bytes.

    Waits for MathJax to finish typesetting (the page loads it from the
    build's ``_static``), and raises ``RuntimeError`` if an equation is left
    as raw TeX (MathJax's ``mjx-merror``) or the page asked for anything
    outside the build folder.
    """
    from playwright.sync_api import sync_playwright

    html, pdf = Path(html).resolve(), Path(pdf)
    if not html.is_file():
        raise ValueError(f"html must be an existing file, got {str(html)!r}")
    pdf.parent.mkdir(parents=True, exist_ok=True)
    refused: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        try:
            page = browser.new_page()
            page.on("requestfailed", lambda request: refused.append(request.url))
            page.route("**/*", _offline)
            page.goto(html.as_uri(), wait_until="load", timeout=timeout_ms)
            page.wait_for_function(
                "() => window.MathJax && MathJax.startup && MathJax.startup.promise",
                timeout=timeout_ms,
            )
            page.evaluate("() => MathJax.startup.promise")
            if page.locator("mjx-merror").count():
                raise RuntimeError("MathJax could not typeset an equation (mjx-merror)")
            page.add_style_tag(content=PRINT_CSS)
            page.emulate_media(media="print")
            page.pdf(
                path=str(pdf),
                format="A4",
                margin={"top": "18mm", "bottom": "18mm", "left": "16mm", "right": "16mm"},
                print_background=False,
                display_header_footer=True,
                header_template="<span></span>",
                footer_template=FOOTER,
                outline=True,
                tagged=True,
            )
        finally:
            browser.close()
    outside = [url for url in refused if not url.startswith(("file://", "data:"))]
    if outside:
        raise RuntimeError(
            f"the page asked for {len(outside)} address(es) off the site: {outside[:3]}"
        )
    return pdf.stat().st_size


def main(argv=None) -> None:
    """Print a single-page build of the book to a PDF."""
    parser = argparse.ArgumentParser(prog="python -m grubook._pdf", description=main.__doc__)
    parser.add_argument("html", type=Path, help="the singlehtml build's page (book/intro.html)")
    parser.add_argument("pdf", type=Path, help="the PDF to write")
    args = parser.parse_args(argv)
    size = print_pdf(args.html, args.pdf)
    print(f"wrote {args.pdf} ({size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
