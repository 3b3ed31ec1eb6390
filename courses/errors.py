"""Error pages in the site's look, in the user's language."""

from __future__ import annotations

from flask import Flask, current_app, render_template
from werkzeug.exceptions import HTTPException

from courses.extensions import db

SHOWN = (400, 403, 404, 405, 413, 429, 500)


def _render(error: HTTPException):
    code = error.code or 500
    # A view may fail half-way through a transaction (PostgreSQL then refuses every statement
    # until a rollback): start clean so the page, which may load the signed-in user, renders.
    try:
        db.session.rollback()
    except Exception:  # the database itself is unreachable: the page needs none of it
        current_app.logger.exception("rollback before the error page failed")
    return render_template("errors/error.html", code=code, error=error), code


def init_app(app: Flask) -> None:
    for code in SHOWN:
        app.register_error_handler(code, _render)
