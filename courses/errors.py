"""Error pages in the site's look, in the user's language."""

from __future__ import annotations

import math
import time

from flask import Flask, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_limiter.errors import RateLimitExceeded
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from courses.extensions import db, limiter

SHOWN = (400, 403, 404, 405, 413, 429, 500)


def _render(error: HTTPException):
    code = error.code or 500
    # A view may fail half-way through a transaction (PostgreSQL then refuses every statement
    # until a rollback): start clean so the page, which may load the signed-in user, renders.
    try:
        db.session.rollback()
    except Exception:  # the database itself is unreachable: the page needs none of it
        current_app.logger.exception("rollback before the error page failed")
    context = _rate_limit_context(error) if isinstance(error, RateLimitExceeded) else {}
    return render_template("errors/error.html", code=code, error=error, **context), code


def _rate_limit_context(error: RateLimitExceeded) -> dict:
    """How long to wait (whole minutes, at least one) and the limit's own message, if it has one."""
    current = limiter.current_limit
    seconds = current.reset_at - time.time() if current else 60
    return {
        "wait_minutes": max(1, math.ceil(seconds / 60)),
        "limit_message": error.description if error.limit.error_message else None,
    }


def resumes_after_login(view):
    """Mark a form's view whose POST, sent after the session expired, should lead to the login page
    and back (through the view's GET), rather than to "request not understood": a phone keeps a
    page open for days, and the learner's text is kept by the browser meanwhile."""
    view.resumes_after_login = True
    return view


def _expired_session(error: CSRFError):
    """A form sent without a valid session: log in again and come back, when the view allows it."""
    view = current_app.view_functions.get(request.endpoint or "")
    if request.method == "POST" and not current_user.is_authenticated and getattr(view, "resumes_after_login", False):
        flash(_("Your session had expired: log in again to continue. Nothing was saved."), "warning")
        return redirect(url_for("auth.login", next=request.path))
    return _render(error)


def init_app(app: Flask) -> None:
    for code in SHOWN:
        app.register_error_handler(code, _render)
    app.register_error_handler(CSRFError, _expired_session)
