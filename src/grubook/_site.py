"""A small Sphinx extension for the book's site (not part of the library's API).

Loaded from ``_config.yml`` (``sphinx.extra_extensions``). Jupyter Book always
loads ``sphinx_thebe``, whose scripts point at a CDN. And Sphinx 7.4 writes
every inline script registered by an extension twice (once with file name
``None``, once with ``""``), so the browser reports "Identifier
'THEBE_JS_URL' has already been declared". The book runs no remote kernels,
so this extension

- removes thebe's event handlers (no thebe configuration in the pages), and
- drops thebe's scripts and styles from each page and any script or style
  sheet added twice, and
- adds the book's own style sheet (``site_static/book.css``), and
- adds the ``chapter-times`` directive (:mod:`grubook._times_directive`),
  the ``release-file`` role (:mod:`grubook._release`), and
- serves the live adder: its ES module (``site_static/gru_adder.js``, loaded
  on every page; it acts only where an element has ``data-gru-adder``) and
  the network it runs, ``book/data/proved_adder.json``, copied into
  ``_static/`` so that the page fetches it from the site itself, and
- renders hidden-input cells in the one-page build of the PDF edition.
"""

from __future__ import annotations

from pathlib import Path

from grubook._release import release_file_role
from grubook._times_directive import ChapterTimes

__all__ = ["setup"]


def _drop_thebe_handlers(app, config) -> None:
    """Disconnect every ``sphinx_thebe`` event handler except its static-path one."""
    for listeners in app.events.listeners.values():
        for listener in list(listeners):
            module = getattr(listener.handler, "__module__", "") or ""
            name = getattr(listener.handler, "__name__", "")
            if module.startswith("sphinx_thebe") and name != "st_static_path":
                app.disconnect(listener.id)


def _asset_key(asset) -> tuple:
    """What makes two scripts (or style sheets) the same, whatever their priority."""
    attributes = getattr(asset, "attributes", {}) or {}
    filename = getattr(asset, "filename", asset) or ""  # Sphinx 7.4 adds None and ""
    return (str(filename), tuple(sorted((k, str(v)) for k, v in attributes.items())))


def _is_thebe(asset) -> bool:
    attributes = getattr(asset, "attributes", {}) or {}
    text = f"{getattr(asset, 'filename', asset)} {attributes.get('body', '')}".lower()
    return "thebe" in text


def _clean_assets(app, pagename, templatename, context, doctree) -> None:
    """Remove thebe's assets and duplicates from the page's scripts and styles."""
    for key in ("script_files", "css_files"):
        assets = context.get(key)
        if not assets:
            continue
        seen, kept = set(), []
        for asset in assets:
            identity = _asset_key(asset)
            if _is_thebe(asset) or identity in seen:
                continue
            seen.add(identity)
            kept.append(asset)
        assets[:] = kept


STATIC = Path(__file__).parent / "site_static"
NETWORK = Path("book") / "data" / "proved_adder.json"
"""The network the live adder runs, relative to the book's source folder."""


def _add_book_static(app, config) -> None:
    """Serve ``site_static/`` (style sheet, live adder) and the adder's network."""
    config.html_static_path.append(str(STATIC))
    network = Path(app.srcdir) / NETWORK
    if not network.is_file():
        raise FileNotFoundError(
            f"{network} is missing: the live adder on the landing page runs it"
            " (python -m grubook.verify export writes it)"
        )
    config.html_static_path.append(str(network))


def _note_adder_assets(app, docname, source) -> None:
    """A page with the live adder is rebuilt when its module or network changes.

    Sphinx copies static files only when some page is rebuilt, so without
    this a changed ``proved_adder.json`` alone would leave the old one served.
    """
    if "data-gru-adder" in source[0]:
        app.env.note_dependency(str(Path(app.srcdir) / NETWORK))
        app.env.note_dependency(str(STATIC / "gru_adder.js"))


def _hidden_input_in_one_page(app) -> None:
    """Render myst-nb's hidden-input cells in the one-page build (the PDF edition) too.

    myst-nb registers the node for the ``html`` builder only; the ``singlehtml``
    builder falls back to those handlers only when no extension registered any
    for it by name, and one does.
    """
    from myst_nb.sphinx_ import HideCodeCellNode, depart_HideCellInput, visit_HideCellInput

    handlers = (visit_HideCellInput, depart_HideCellInput)
    app.add_node(HideCodeCellNode, override=True, html=handlers, singlehtml=handlers)


def setup(app):
    """Register the handlers; the extension keeps no state and is parallel-safe."""
    _hidden_input_in_one_page(app)
    app.connect("config-inited", _add_book_static)
    app.add_css_file("book.css")
    app.add_js_file("gru_adder.js", type="module")
    app.connect("source-read", _note_adder_assets)
    app.connect("config-inited", _drop_thebe_handlers)
    app.connect("html-page-context", _clean_assets, priority=900)
    app.add_directive("chapter-times", ChapterTimes)
    app.add_role("release-file", release_file_role)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
