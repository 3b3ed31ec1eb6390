"""Account requests answered off the request, so the answer takes the same time whoever asks.

Sign-up and reset requests only queue one of these tasks; whether the address has an account
shows in the mailbox, never in the page or its timing.
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from courses.auth import notifications, services
from courses.extensions import db
from courses.tasks import task
from courses.urls import links_from


@task()
def signup_requested(email: str, profile: dict, language: str, base_url: str | None = None) -> None:
    """Create the account and queue its activation link; or tell the owner they already have one."""
    with links_from(base_url):
        _answer_signup(email, profile, language)


def _answer_signup(email: str, profile: dict, language: str) -> None:
    user = services.find_user(email)
    if user is not None:
        if user.is_active and user.password_hash is None:  # signed up (or invited) before, never activated
            notifications.send_password_link(user, "activation", language)
        elif user.is_active:
            notifications.send_account_exists(user)
        db.session.commit()
        return
    try:
        user = services.create_user(email, services.Profile(**profile), None)
    except (services.AccountError, IntegrityError):
        db.session.rollback()  # created meanwhile by a second request: that one sends the link
        return
    notifications.send_password_link(user, "activation", language)
    db.session.commit()


@task()
def password_reset_requested(email: str, language: str, base_url: str | None = None) -> None:
    user = services.find_user(email)
    if user is not None and user.is_active:
        with links_from(base_url):
            notifications.send_password_link(user, "reset", language)
        db.session.commit()
