"""Error pages in the site's look, in the user's language."""

from __future__ import annotations

from flask import Flask, render_template
from werkzeug.exceptions import HTTPException

SHOWN = (400, 403, 404, 405, 413, 429, 500)


def _render(error: HTTPException):
    code = error.code or 500
    return render_template("errors/error.html", code=code, error=error), code


def init_app(app: Flask) -> None:
    for code in SHOWN:
        app.register_error_handler(code, _render)
