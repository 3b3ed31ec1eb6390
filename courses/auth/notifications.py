"""Messages about accounts: password links, sign-up. Queued in the caller's transaction."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l

from courses.audit.services import Actor, record
from courses.auth import services
from courses.auth.language import message_language
from courses.auth.models import User
from courses.mail import queue_template
from courses.urls import public_url

SUBJECTS = {"reset": _l("Tadbir: set your password"), "activation": _l("Tadbir: activate your account")}
TEMPLATES = {"reset": "password_reset", "activation": "signup_activation"}
# Invitations to a training session (links of the "invitation" kind) are composed by
# coordination/notifications.py: they name the session, its dates, place, trainers and coordinator.


def password_link(user: User, kind: str) -> str:
    token = services.reset_token(user, current_app.config["SECRET_KEY"], kind)
    return public_url("auth.reset", token=token)


# Links sent by someone else than their recipient, and the audit action that records them.
AUDITED = {"reset": "user.reset_link"}


def send_password_link(
    user: User, kind: str = "reset", language: str | None = None, *, sent_by: Actor | None = None
) -> None:
    """Queue a link that lets `user` set a password: a reset or a sign-up activation.

    Written in `message_language(user, language)`: `language` is the interface language of the
    request that asks for it, None when someone else sends it (an admin's language is not theirs).
    `sent_by` is who sends it when it is not the user asking for it themself (an admin's reset
    link); it is then recorded in the audit log, in the caller's transaction like the message.
    """
    language = message_language(user, language)
    queue_template(user.email, language, SUBJECTS[kind], TEMPLATES[kind], user=user, link=password_link(user, kind))
    if sent_by is not None:
        record(sent_by, AUDITED[kind], "user", user.id, user.email)


def send_password_changed(user: User, language: str | None = None) -> None:
    """Tell the owner their password changed (if it was not them, the reset link lets them take the account back)."""
    queue_template(
        user.email,
        message_language(user, language),
        _l("Tadbir: your password was changed"),
        "password_changed",
        user=user,
        reset=public_url("auth.reset_request"),
    )


def send_account_exists(user: User) -> None:
    """Tell the owner of an address that someone tried to sign up with it (they already have an account)."""
    queue_template(
        user.email,
        message_language(user),
        _l("Tadbir: you already have an account"),
        "signup_existing",
        user=user,
        login=public_url("auth.login"),
        link=password_link(user, "reset"),
    )
