"""Tools for the book's notebooks (``python -m grubook.notebooks --help``).

``execute`` runs notebooks top to bottom in place, in their own folder and
with a fresh ``python3`` kernel, so that the stored outputs are what the code
prints today (strict nbval then checks them on every test run).

``student`` writes the student edition, for instructors to hand out: a copy of
each notebook with every solution removed and everything else (exercises
included) kept. A solution is a MyST ``{solution}`` directive in a markdown
cell, fenced with backticks or colons; everything from a ``{solution-start}``
directive to its ``{solution-end}`` (cells included); and any cell tagged
``solution``. ``make student`` writes them into ``student/``.

Submodules:

- ``glue``: ``glue_shown`` and ``glue_words`` paste values into the text,
  rounded as the page shows them (``as_shown``).
- ``execution``: run a notebook (``execute``, ``execute_in_place``) and list
  the outputs a run today changes (``compare``, ``report_changes``).
- ``reading``: how long a chapter takes (``prose_words``, ``chapter_time``),
  for the instructors' page.
- ``student``: remove the solutions (``strip_solutions``,
  ``write_student_edition``).
- ``cli``: ``main``, the command line; ``__main__`` runs it.
"""

from grubook.notebooks.cli import main
from grubook.notebooks.execution import (
    UNCHECKED_TAGS,
    changed_outputs,
    compare,
    execute,
    execute_in_place,
    merge_streams,
    output_texts,
    report_changes,
)
from grubook.notebooks.glue import GLUE_PREFIX, as_shown, glue_shown, glue_words
from grubook.notebooks.student import (
    ASSET_FOLDERS,
    SOLUTION_TAG,
    strip_solution_text,
    strip_solutions,
    write_student_edition,
)

__all__ = [
    "as_shown",
    "glue_shown",
    "glue_words",
    "execute",
    "execute_in_place",
    "merge_streams",
    "output_texts",
    "changed_outputs",
    "compare",
    "report_changes",
    "strip_solutions",
    "strip_solution_text",
    "write_student_edition",
    "main",
    "GLUE_PREFIX",
    "UNCHECKED_TAGS",
    "SOLUTION_TAG",
    "ASSET_FOLDERS",
]
