"""Messages to a session's learners: invitations, "you were added", reminders.

Each is queued in the caller's transaction (`queue_template`): no message without the enrollment
or the reminder batch it announces. Every message names the course, the session, its dates and
place, its trainers and the coordinator to write to, in the recipient's language
(`session_language`).
"""

from __future__ import annotations

from babel.lists import format_list
from flask import render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from courses.audit.services import Actor, record
from courses.auth.language import message_language
from courses.auth.models import User
from courses.auth.notifications import password_link
from courses.coordination.models import NOT_ACTIVATED, NOT_STARTED, Cohort
from courses.mail import queue_template
from courses.text import isolate
from courses.urls import public_url

SUBJECTS = {
    "invitation": _l("Tadbir: you are invited to a training session"),
    "added": _l("Tadbir: you have been added to a training session"),
    NOT_ACTIVATED: _l("Tadbir: reminder, your account is waiting to be activated"),
    NOT_STARTED: _l("Tadbir: reminder, your course is waiting for you"),
}


def session_language(user: User, cohort: Cohort) -> str:
    """The language to write to `user` about `cohort` in (`message_language`): their preference (for
    an imported account, the file's language column), else their last visit's, else the session's
    (its course's language), else the site's default (French)."""
    return message_language(user, session=cohort.course.language)


def _context(user: User, cohort: Cohort, coordinator: User | None, language: str) -> dict:
    names = [t.name_in(language) for t in cohort.trainers] or [
        t["name"] for t in cohort.course.trainers if t.get("name")
    ]
    return {
        "name": user.name_in(language),
        "cohort": cohort,
        "course": cohort.course,
        "trainers": format_list([isolate(n) for n in names], locale=language) if names else "",
        "coordinator": coordinator,
        "course_link": public_url("catalog.course", slug=cohort.course.slug),
    }


def _queue(user: User, cohort: Cohort, coordinator: User | None, subject, template: str, **context) -> None:
    language = session_language(user, cohort)
    queue_template(user.email, language, subject, template, **_context(user, cohort, coordinator, language), **context)


def send_invitation(user: User, cohort: Cohort, coordinator: User | None, actor: Actor | None = None) -> None:
    """Invite an account without a password: the session, and a link to activate the account.

    `actor` (who invites: the coordinator, or COMMAND_LINE) is recorded in the audit log.
    """
    link = password_link(user, "invitation")
    _queue(user, cohort, coordinator, SUBJECTS["invitation"], "session_invitation", link=link)
    if actor is not None:
        record(actor, "user.invite", "user", user.id, user.email)


def send_added(user: User, cohort: Cohort, coordinator: User | None) -> None:
    """Tell someone who already uses their account that they are in the session, with the course's link."""
    _queue(user, cohort, coordinator, SUBJECTS["added"], "session_added")


def welcome(user: User, cohort: Cohort, coordinator: User | None, actor: Actor | None = None) -> None:
    """Announce to someone just put in `cohort` (by `coordinator`, or a command when None).

    An account nobody activated yet (new, or created earlier and never activated) gets the
    invitation with its activation link; an account in use gets "you have been added". A
    deactivated account gets nothing.
    """
    if not user.is_active:
        return
    if user.password_hash is None:
        send_invitation(user, cohort, coordinator, actor or coordinator)
    else:
        send_added(user, cohort, coordinator)


def send_reminder(user: User, cohort: Cohort, kind: str, coordinator: User | None) -> None:
    """A reminder: activate your account (with a new link), or start the course (with its link)."""
    link = password_link(user, "invitation") if kind == NOT_ACTIVATED else None
    _queue(user, cohort, coordinator, SUBJECTS[kind], "session_reminder", kind=kind, link=link)


def _placeholder_link() -> str:
    """The address of the activation page with "…" where each learner's own token will be."""
    return public_url("auth.reset", token="-").removesuffix("-") + "…"  # noqa: S106  # nosec B106 - a placeholder


def reminder_preview(cohort: Cohort, kind: str, coordinator: User | None, sample: User, language: str = "fr"):
    """The subject and text of the reminder as `sample` would read it in `language`, for the coordinator.

    The activation link is a placeholder: a working link would let the reader activate someone
    else's account.
    """
    with force_locale(language):
        link = _placeholder_link() if kind == NOT_ACTIVATED else None
        context = _context(sample, cohort, coordinator, language)
        return str(SUBJECTS[kind]), render_template("email/session_reminder.txt", kind=kind, link=link, **context)
