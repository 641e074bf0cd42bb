"""Gluing values into a chapter's text, as the page shows them.

``glue_shown`` stores a number rounded as ``{glue:text}`` prints it
(:func:`as_shown`), so that stored outputs do not change with its last bits;
``glue_words`` stores words. Both write what ``myst_nb.glue`` writes, with
IPython alone.
"""

from __future__ import annotations

from grubook._checks import check_real

__all__ = [
    "as_shown",
    "GLUE_PREFIX",
    "glue_shown",
    "glue_words",
]


def as_shown(value, spec: str):
    """The number the page shows for ``value`` formatted with ``spec``.

    ``spec`` is a format specification as in ``{glue:text}`name:spec```, for
    example ``".2f"``, ``".1e"``, ``".1%"`` or ``","``. Returns an ``int`` when
    the shown text has no decimal point or exponent, else the ``float`` whose
    shortest repr is the shown number (a percentage divided by 100):
    ``as_shown(0.41800357, ".2f") == 0.42``, ``as_shown(0.88671875, ".1%") ==
    0.887``. Gluing this instead of ``value`` stores only the digits the text
    shows, so the stored output does not change with the last bits of
    ``value`` on another machine.
    """
    from decimal import Decimal

    check_real(value, "value")
    text = format(value, spec).replace(",", "")
    if text.endswith("%"):
        return float(Decimal(text[:-1]) / 100)
    if any(mark in text for mark in ".eEn"):
        return float(text)
    return int(text)


GLUE_PREFIX = "application/papermill.record/"
"""The mimetype prefix under which myst-nb finds a glued value."""


def _glue(name: str, value) -> None:
    """Store ``value`` under ``name`` for ``{glue:text}``, displaying nothing.

    Writes the output that ``myst_nb.glue(name, value, display=False)``
    writes, with IPython alone, so that the notebooks also run where
    myst-nb is not installed (in Colab, say).
    """
    from IPython.core.formatters import format_display_data
    from IPython.display import display

    bundle, metadata = format_display_data(value)
    metadata["scrapbook"] = {"name": name, "mime_prefix": GLUE_PREFIX}
    display({GLUE_PREFIX + k: v for k, v in bundle.items()}, raw=True, metadata=metadata)


def glue_shown(name: str, value, spec: str) -> None:
    """Glue the number ``value`` under ``name`` as the page shows it with ``spec``.

    The text pastes it with ``{glue:text}`name:spec```; see :func:`as_shown`.
    Returns nothing, so that a cell ending with it displays nothing.
    """
    _glue(name, as_shown(value, spec))


def glue_words(name: str, text: str) -> None:
    """Glue the words ``text`` (a str, no number of machine-dependent digits) under ``name``."""
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    _glue(name, text)
