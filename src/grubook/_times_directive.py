"""The ``chapter-times`` directive: a table of each chapter's reading and run time.

Part of the book's Sphinx extension (:mod:`grubook._site` registers it).
The directive's content lists pages, one per line, relative to the page
that holds it (``01_adding_numbers``); each row reads the notebook when the
site is built (:func:`grubook.notebooks.reading.chapter_time`), so no time
on the page is ever typed. A rebuild follows any change to a notebook.
"""

from __future__ import annotations

from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import Directive
from sphinx import addnodes

from grubook.notebooks.reading import WORDS_PER_MINUTE, chapter_time

__all__ = ["ChapterTimes", "HEADERS"]

HEADERS = ("Page", "Words", "Read", "Run", "Total")
"""The table's columns."""


def _row(cells) -> nodes.row:
    row = nodes.row()
    for cell in cells:
        entry = nodes.entry()
        entry += cell if isinstance(cell, nodes.Node) else nodes.paragraph(text=str(cell))
        row += entry
    return row


def _link(docname: str, title: str) -> nodes.paragraph:
    """A paragraph holding a link to ``docname`` titled ``title``."""
    xref = addnodes.pending_xref(
        "", refdomain="std", reftype="doc", reftarget=docname, refexplicit=True, refwarn=True
    )
    xref += nodes.inline(text=title)
    paragraph = nodes.paragraph()
    paragraph += xref
    return paragraph


class ChapterTimes(Directive):
    """Render the table for the pages listed in the directive's content."""

    has_content = True

    def run(self):
        env = self.state.document.settings.env
        here = Path(env.doc2path(env.docname)).parent
        table = nodes.table(classes=["chapter-times"])
        group = nodes.tgroup(cols=len(HEADERS))
        table += group
        group.extend(nodes.colspec(colwidth=1) for _ in HEADERS)
        head = nodes.thead()
        head += _row(HEADERS)
        body = nodes.tbody()
        for name in (line.strip() for line in self.content if line.strip()):
            path = here / f"{name}.ipynb"
            if not path.is_file():
                raise self.error(f"chapter-times: no notebook {path}")
            env.note_dependency(str(path))
            times = chapter_time(path)
            run = times["run_seconds"]
            total = times["reading_minutes"] + (0 if run is None else -(-run // 60))
            docname = str(Path(env.docname).parent / name)
            body += _row([
                _link(f"/{docname}", times["title"]),
                f"{times['words']:,}",
                times["reading_minutes"],
                "not recorded" if run is None else run,
                total,
            ])
        group += head
        group += body
        note = nodes.paragraph(
            text=f"Read and Total in minutes, Run in seconds. Reading at {WORDS_PER_MINUTE} "
            "words a minute; the run time is the notebook's last execution on the machine "
            "that built this site."
        )
        scroll = nodes.container(classes=["chapter-times-scroll"])
        scroll += table
        return [scroll, note]
