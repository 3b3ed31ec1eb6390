"""How an audit event reads: one sentence per action, in the interface language.

`ACTIONS` is the one table to extend when a feature records a new action: its code, then one or
more sentences (English msgids, marked with `N_` so the catalogs pick them up) using
`%(actor)s`, `%(subject)s` (the subject's label) and the event's data keys. The first sentence
whose every field is known is used, so an entry can list a detailed sentence, then a shorter one
for events recorded before a detail was. Data values that are codes read through a formatter
given by keyword (`old=role_name`) or the table of well-known keys (`VALUES`); a formatter that
returns None makes the field unknown. An action missing from the table still reads as a sentence
with its details as "label: value" pairs (`KEY_LABELS`), never as JSON.

The family of an action (the log page's filter) is its code's prefix (`FAMILIES`): name a new
action after its family (`cohort.reopen`, `user.invite`) and it is filtered with it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import get_locale, gettext, ngettext
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from courses.audit.models import ActorKind, AuditEvent
from courses.auth.labels import organisation_type_name, region_name, role_name
from courses.i18n import dateformat, datetimeformat
from courses.text import elide, isolate


def N_(message: str) -> str:  # the name gettext tools know for "translate later"
    """Mark a msgid for the catalogs without translating it now (it is translated when an event is read)."""
    return message


Format = Callable[[Any], "str | None"]


@dataclass(frozen=True)
class Wording:
    sentences: tuple[str, ...]
    formats: Mapping[str, Format] = field(default_factory=dict)


def wording(*sentences: str, **formats: Format) -> Wording:
    return Wording(sentences, formats)


# Value formatters (counts are lambdas calling ngettext in the table, so pybabel extracts plurals).
def _source(code: Any) -> str:
    return str(SOURCES.get(code, code))


def _state(code: Any) -> str:
    return str(STATES.get(code, code))


def _holder(value: Any) -> str | None:
    """A certificate holder's names, as a snapshot keeps them ({"name": …, "name_ar": …})."""
    if isinstance(value, dict):
        names = [value.get("name"), value.get("name_ar")]
        return " / ".join(str(name) for name in names if name) or None
    return str(value) if value else None


def _day(value: Any) -> str | None:
    try:
        return dateformat(date.fromisoformat(str(value)), "long")
    except ValueError:
        return str(value)


def _decision(code: Any) -> str | None:
    return str(DECISIONS[code]) if code in DECISIONS else None


DECISIONS = {"passed": _l("passed"), "revise": _l("revision asked"), "not_passed": _l("not passed")}
REMINDER_KINDS = {"not_activated": _l("account not activated yet"), "not_started": _l("course not started yet")}
SOURCES = {"self": _l("self-enrollment"), "coordinator": _l("by a coordinator"), "import": _l("file import")}
STATES = {
    "open": _l("open"),
    "closed": _l("closed"),
    "valid": _l("valid"),
    "revoked": _l("revoked"),
    "replaced": _l("replaced"),
}

# Well-known data keys whose values are codes (used by every sentence and by the fallback).
VALUES: dict[str, Format] = {
    "role": role_name,
    "old_role": role_name,
    "new_role": role_name,
    "region": region_name,
    "organisation_type": organisation_type_name,
    "source": _source,
    "state": _state,
    "old_state": _state,
    "new_state": _state,
    "since": _day,
    "holder": _holder,
    "old_name": _holder,
    "new_name": _holder,
}

ACTIONS: dict[str, Wording] = {
    # Accounts
    "user.role": wording(
        N_("%(actor)s changed the role of %(subject)s from %(old)s to %(new)s"), old=role_name, new=role_name
    ),
    "user.activate": wording(N_("%(actor)s reactivated the account %(subject)s")),
    "user.deactivate": wording(N_("%(actor)s deactivated the account %(subject)s")),
    "user.reset_link": wording(N_("%(actor)s sent %(subject)s a link to set a new password")),
    "user.invite": wording(N_("%(actor)s sent %(subject)s an invitation to activate their account")),
    "user.activated": wording(
        N_("%(actor)s activated their account from %(address)s"), N_("%(actor)s activated their account")
    ),
    "user.password_reset": wording(
        N_("%(actor)s set a new password from an emailed link, from %(address)s"),
        N_("%(actor)s set a new password from an emailed link"),
    ),
    "user.calendar_feed": wording(N_("%(actor)s made a new calendar subscription address")),
    # Logins
    "login.success": wording(N_("%(actor)s logged in from %(address)s"), N_("%(actor)s logged in")),
    "login.failure": wording(N_("Failed login as %(subject)s from %(address)s"), N_("Failed login as %(subject)s")),
    # Sessions
    "cohort.create": wording(
        N_("%(actor)s created the session “%(subject)s” (%(course_title)s)"),
        N_("%(actor)s created the session “%(subject)s” (%(course)s)"),
    ),
    "cohort.update": wording(
        N_("%(actor)s edited the session “%(subject)s” (%(course_title)s)"),
        N_("%(actor)s edited the session “%(subject)s”"),
    ),
    "cohort.days": wording(
        N_("%(actor)s set the days of the session “%(subject)s” (%(course_title)s): %(count)s"),
        N_("%(actor)s set the days of the session “%(subject)s”"),
        count=lambda n: ngettext("%(num)d day", "%(num)d days", int(n)),
    ),
    "cohort.deadlines": wording(
        N_("%(actor)s set the module deadlines of the session “%(subject)s” (%(course_title)s): %(count)s"),
        N_("%(actor)s set the module deadlines of the session “%(subject)s”"),
        count=lambda n: ngettext("%(num)d module", "%(num)d modules", int(n)),
    ),
    "cohort.attendance": wording(
        N_(
            "%(actor)s took the attendance of %(day)s in the session “%(subject)s”: "
            "%(present)s present, %(late)s late, %(excused)s excused, %(absent)s absent"
        ),
        N_("%(actor)s took the attendance of a day in the session “%(subject)s”"),
        day=_day,
    ),
    "cohort.close": wording(
        N_("%(actor)s closed the session “%(subject)s” (%(course_title)s)"),
        N_("%(actor)s closed the session “%(subject)s”"),
    ),
    "cohort.reopen": wording(
        N_("%(actor)s reopened the session “%(subject)s” (%(course_title)s)"),
        N_("%(actor)s reopened the session “%(subject)s”"),
    ),
    "cohort.remind": wording(
        N_("%(actor)s sent a reminder to %(recipients)s of the session “%(subject)s”: %(kind)s"),
        N_("%(actor)s sent a reminder to learners of the session “%(subject)s”"),
        recipients=lambda n: ngettext("%(num)d recipient", "%(num)d recipients", int(n)),
        kind=lambda code: str(REMINDER_KINDS.get(code, code)),
    ),
    "cohort.resend_invitation": wording(
        N_("%(actor)s sent %(user)s the invitation to the session “%(subject)s” again"),
        N_("%(actor)s sent an invitation to the session “%(subject)s” again"),
    ),
    "cohort.import": wording(
        N_("%(actor)s imported %(rows)s into “%(subject)s”: %(created)s, %(enrolled)s, %(unchanged)s"),
        N_("%(actor)s imported %(rows)s into “%(subject)s”: %(created)s, %(enrolled)s"),
        rows=lambda n: ngettext("%(num)d person", "%(num)d people", n),
        created=lambda n: ngettext("%(num)d account created", "%(num)d accounts created", n),
        enrolled=lambda n: ngettext("%(num)d enrolled", "%(num)d enrolled", n),
        unchanged=lambda n: ngettext("%(num)d already enrolled", "%(num)d already enrolled", n) if n else None,
    ),
    # Enrollments
    "enrollment.create": wording(
        N_("%(actor)s enrolled %(user)s in the session “%(cohort_name)s” (%(course_title)s)"),
        N_("%(actor)s enrolled %(subject)s"),
    ),
    "enrollment.attach": wording(
        N_("%(actor)s added %(user)s, already enrolled, to the session “%(cohort_name)s” (%(course_title)s)"),
        N_("%(actor)s added %(subject)s to a session"),
    ),
    # Certificates
    "certificate.issue": wording(
        N_("%(actor)s issued the certificate %(subject)s to %(holder)s for “%(course_title)s”"),
        N_("%(actor)s issued the certificate %(subject)s"),
    ),
    "certificate.reissue": wording(
        N_("%(actor)s re-issued the certificate %(subject)s as %(replacement)s (name: %(old_name)s → %(new_name)s)"),
        N_("%(actor)s re-issued the certificate %(subject)s as %(replacement)s"),
    ),
    "certificate.revoke": wording(
        N_("%(actor)s revoked the certificate %(subject)s (reason: %(reason)s)"),
        N_("%(actor)s revoked the certificate %(subject)s"),
    ),
    # Exports
    "export.report_csv": wording(
        N_("%(actor)s exported the learners of the session “%(cohort_name)s” (%(course_title)s) as CSV"),
        N_("%(actor)s exported the learners of “%(course_title)s” as CSV"),
        N_("%(actor)s exported the learners of %(subject)s as CSV"),
    ),
    "export.report_xlsx": wording(
        N_("%(actor)s exported the learners of the session “%(cohort_name)s” (%(course_title)s) as Excel"),
        N_("%(actor)s exported the learners of “%(course_title)s” as Excel"),
        N_("%(actor)s exported the learners of %(subject)s as Excel"),
    ),
    "export.certificates_zip": wording(
        N_("%(actor)s downloaded the certificates of the session “%(cohort_name)s” (%(course_title)s) as a ZIP"),
        N_("%(actor)s downloaded the certificates of “%(course_title)s” as a ZIP"),
        N_("%(actor)s downloaded the certificates of %(subject)s as a ZIP"),
    ),
    "export.exercises_zip": wording(
        N_("%(actor)s downloaded the exercises of the session “%(cohort_name)s” (%(course_title)s) as a ZIP"),
        N_("%(actor)s downloaded the exercises of “%(course_title)s” as a ZIP"),
    ),
    # Exercises
    "exercise.review": wording(
        N_(
            "%(actor)s reviewed the exercise of %(subject)s in “%(module)s” (%(course_title)s): %(decision)s, "
            "%(points)s of %(max_points)s points"
        ),
        N_("%(actor)s reviewed the exercise of %(subject)s in “%(module)s” (%(course_title)s): %(decision)s"),
        decision=_decision,
    ),
    "export.certificates_pdf": wording(
        N_("%(actor)s printed the certificates of the session “%(cohort_name)s” (%(course_title)s)"),
        N_("%(actor)s printed the certificates of “%(course_title)s”"),
        N_("%(actor)s printed the certificates of %(subject)s"),
    ),
}

# The log page's filter: an action belongs to the family its code starts with.
FAMILIES: dict[str, tuple[Any, str]] = {
    "accounts": (_l("Accounts"), "user."),
    "logins": (_l("Logins"), "login."),
    "sessions": (_l("Sessions"), "cohort."),
    "enrollments": (_l("Enrollments"), "enrollment."),
    "certificates": (_l("Certificates"), "certificate."),
    "exports": (_l("Exports"), "export."),
    "exercises": (_l("Exercises"), "exercise."),
}
HIDDEN_BY_DEFAULT = ("logins",)  # one row per login attempt: shown when asked for

# How data keys read in the fallback ("label: value"); unknown keys read as their words.
KEY_LABELS = {
    "address": _l("Client address"),
    "cohort": _l("Session number"),
    "cohort_name": _l("Session"),
    "course": _l("Course"),
    "course_title": _l("Course"),
    "created": _l("Accounts created"),
    "enrolled": _l("Enrolled"),
    "holder": _l("Holder"),
    "new": _l("After"),
    "new_name": _l("New name"),
    "new_role": _l("New role"),
    "new_state": _l("New state"),
    "old": _l("Before"),
    "old_name": _l("Former name"),
    "old_role": _l("Former role"),
    "old_state": _l("Former state"),
    "organisation_type": _l("Type of organisation"),
    "reason": _l("Reason"),
    "region": _l("Region"),
    "replacement": _l("Replacement"),
    "role": _l("Role"),
    "rows": _l("Rows"),
    "since": _l("Since"),
    "source": _l("Source"),
    "state": _l("State"),
    "unchanged": _l("Unchanged"),
    "user": _l("Account"),
}
SUBJECT_TYPES = {
    "user": _l("the account"),
    "cohort": _l("the session"),
    "enrollment": _l("the enrollment"),
    "certificate": _l("the certificate"),
    "course": _l("the course"),
    "exercise_submission": _l("the exercise of"),
}

_FIELD = re.compile(r"%\((\w+)\)s")


def family_of(action: str) -> str | None:
    return next((name for name, (_label, prefix) in FAMILIES.items() if action.startswith(prefix)), None)


def actor_name(event: AuditEvent) -> str:
    """Who acted, as a person reads it: the account's name (in Arabic script in Arabic when known)."""
    if event.actor_kind == ActorKind.COMMAND_LINE:
        return gettext("An operator (command line)")
    if event.actor_kind == ActorKind.SYSTEM:
        return gettext("The platform")
    if event.actor_kind == ActorKind.VISITOR:
        return gettext("A visitor")
    user = event.actor
    if user is None:
        return gettext("An unknown account")
    return user.name_in(str(get_locale())) or user.email


def when(event: AuditEvent) -> str:
    """The event's date and time in the site's time zone, in the interface language."""
    return datetimeformat(event.at, "medium")


def _readable(value: Any) -> str | None:
    """A data value with no formatter of its own: text as it is, lists and mappings spelled out."""
    if value is None or value == "" or value == [] or value == {}:
        return None
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, dict):
        parts = (f"{_key_label(k)}: {_readable(v)}" for k, v in value.items() if _readable(v) is not None)
        return ", ".join(parts) or None
    if isinstance(value, list | tuple):
        return ", ".join(r for r in map(_readable, value) if r is not None) or None
    return str(value)


def _key_label(key: str) -> str:
    label = KEY_LABELS.get(key)
    return str(label) if label is not None else key.replace("_", " ").capitalize()


def _facts(event: AuditEvent, formats: Mapping[str, Format]) -> dict[str, str]:
    facts = {"actor": actor_name(event)}
    if event.subject_label:
        facts["subject"] = event.subject_label
    for key, value in (event.data or {}).items():
        if key in ("actor", "subject"):
            continue
        if value is None:
            continue
        form = formats.get(key) or VALUES.get(key) or _readable
        try:
            text = form(value)
        except (TypeError, ValueError, KeyError):  # not the shape the formatter expects: say it as it is
            text = _readable(value)
        if text is not None and str(text) != "":
            facts[key] = str(text)
    return facts


def _wrap(facts: dict[str, str], markup: bool) -> dict[str, str]:
    """Every field isolated from the sentence around it (names in another script cannot reorder it)."""
    if markup:
        return {key: Markup("<bdi>{}</bdi>").format(value) for key, value in facts.items()}
    return {key: isolate(value) for key, value in facts.items()}


def _say(translated: str, values: Mapping[str, Any], markup: bool) -> str:
    """A translated sentence with its fields: HTML-escaped around the (already escaped) fields, or plain."""
    return elide((escape(translated) if markup else translated) % values, str(get_locale()))


def _fallback(event: AuditEvent, markup: bool) -> str:
    facts = _facts(event, {})
    subject = facts.pop("subject", "")
    details = [(_key_label(key), value) for key, value in facts.items() if key != "actor"]
    fields = _wrap({"actor": facts["actor"], "action": event.action, "subject": subject}, markup)
    if subject:
        fields["subject_type"] = str(SUBJECT_TYPES.get(event.subject_type, event.subject_type))
        sentence = _say(gettext("%(actor)s performed “%(action)s” on %(subject_type)s %(subject)s"), fields, markup)
    else:
        sentence = _say(gettext("%(actor)s performed “%(action)s”"), fields, markup)
    if not details:
        return sentence
    pairs = [
        _say(gettext("%(label)s: %(value)s"), {"label": label, **_wrap({"value": value}, markup)}, markup)
        for label, value in details
    ]
    joined = _say("; ", {}, markup).join(pairs)
    return _say(gettext("%(event)s (%(details)s)"), {"event": sentence, "details": joined}, markup)


def describe(event: AuditEvent, markup: bool = True) -> str:
    """The event as a sentence in the current locale: HTML (fields in <bdi>) or plain text (fields isolated)."""
    entry = ACTIONS.get(event.action)
    if entry is None:
        return _fallback(event, markup)
    facts = _facts(event, entry.formats)
    for msgid in entry.sentences:
        if set(_FIELD.findall(msgid)) <= facts.keys():
            return _say(gettext(msgid), _wrap(facts, markup), markup)
    return _fallback(event, markup)
