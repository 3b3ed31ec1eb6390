"""Requests carrying control characters are refused before any view runs.

No field, query argument or path of ours needs a C0 control character other than tab, line
feed and carriage return, nor DEL; NUL cannot even be stored in PostgreSQL text. One check here,
on the path, every query argument and every form field (names, values and uploaded file names),
answers such a request with the ordinary 400 page, which says why, instead of letting the value
reach the database. (Uploaded file contents are data: the CSV import checks its cells itself.)
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from flask import Flask, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import BadRequest

# C0 controls except tab (09), line feed (0A) and carriage return (0D); and DEL (7F).
DISALLOWED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def has_disallowed(text: str) -> bool:
    """True if `text` holds a character no request or imported cell may carry."""
    return DISALLOWED.search(text) is not None


class DisallowedCharacters(BadRequest):
    """A 400 whose page tells the user what was wrong."""

    page_message = _l("The request contained characters that are not allowed. Remove them and try again.")


def _texts() -> Iterator[str]:
    yield request.path
    for key, values in request.args.lists():
        yield key
        yield from values
    for key, values in request.form.lists():
        yield key
        yield from values
    for key, storage in request.files.items(multi=True):
        yield key
        yield storage.filename or ""


def refuse_control_characters() -> None:
    if any(has_disallowed(text) for text in _texts()):
        raise DisallowedCharacters()


def init_app(app: Flask) -> None:
    app.before_request(refuse_control_characters)
