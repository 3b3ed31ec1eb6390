"""Who may do what: the login manager's hooks and the role check used by every protected view."""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from courses.auth.models import User
from courses.extensions import db, login_manager

login_manager.login_view = "auth.login"
login_manager.login_message = _l("Please log in to continue.")
login_manager.login_message_category = "info"
login_manager.session_protection = "basic"  # "strong" would log phones out when they change network


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """The active user a session belongs to, if the password has not changed since it began."""
    user_id, _, _fingerprint = session_id.partition(":")
    user = db.session.get(User, int(user_id)) if user_id.isdigit() and len(user_id) < 10 else None
    if user is None or not user.is_active or user.get_id() != session_id:
        return None
    return user


def role_required(*roles: str):
    """Anonymous users go to the login page; users without one of `roles` get 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator
