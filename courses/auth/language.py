"""The language to write to someone in, and the interface language each account last used.

Every outgoing message (password links, activation, invitations, reminders, "you were added",
certificates) is composed in `message_language(user, …)`: one rule for all of them.
"""

from __future__ import annotations

from flask import current_app, request
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy import update

from courses.auth.models import User
from courses.extensions import db


def message_language(user: User, visit: str | None = None, session: str | None = None) -> str:
    """The language to write to `user` in.

    Their saved preference; else `visit`, the interface language of the request that asks for the
    message (a reset asked for on the Arabic page); else the interface language of their last
    signed-in visit; else `session`, the language of the training session the message is about;
    else the site's default (French).
    """
    languages = current_app.config["LANGUAGES"]
    for candidate in (user.preferred_language, visit, user.last_language, session):
        if candidate in languages:
            return candidate
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def remember_language() -> None:
    """Record the interface language on the signed-in user's account when it changed since their last visit."""
    if request.endpoint in (None, "static") or not current_user.is_authenticated:
        return
    language = str(get_locale())
    if current_user.last_language != language:
        # One UPDATE when the language changes and none on the visits after: most requests write nothing.
        db.session.execute(update(User).where(User.id == current_user.id).values(last_language=language))
        db.session.commit()
