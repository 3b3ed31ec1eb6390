"""The schedule of a training session: its days, and the calendar files people put them in.

A session (`coordination.Cohort`) has a start and an end date; its *days* are the in-person (or
online) meetings between them, each with a time, a place or a link, and optionally a topic and
a trainer. Coordinators set them on the session's days page; learners find theirs on `/me/` and
take them into their calendars as an .ics file. Its own package, not `coordination/`, which
already holds enrollment, imports, reports and exports: days and calendars are a concern of
their own that depends on sessions, never the other way round (coordination shows the days
through the hooks). Named `agenda`, not `sessions`, so it is never mistaken for Flask's session.
"""

from __future__ import annotations

from flask import Flask
from flask_babel import format_percent, get_locale
from flask_babel import gettext as _
from flask_login import current_user

from courses import hooks
from courses.agenda import deadlines, reminders, services
from courses.agenda.cli import notifications_cli
from courses.agenda.labels import ATTENDANCE_NAMES
from courses.agenda.models import CAME
from courses.agenda.views import bp
from courses.certificates.services import current_certificate
from courses.forms import ActionForm
from courses.i18n import comma, dateformat
from courses.urls import public_url


def dashboard_sessions(user) -> dict:
    """Provides `learning.dashboard_context`: the sessions the user is enrolled through, with their days."""
    sessions = services.sessions_of(user)
    token = services.feed_token(user) if sessions else None
    return {
        "sessions": sessions, "feed_url": public_url("agenda.calendar_feed", feed=token) if token else None,
        "feed_form": ActionForm(), "session_today": services.local_today(),
    }  # fmt: skip


def cohort_days(cohort) -> dict:
    """Provides `coordination.cohort_context`: the session's days, how many came to each, its module
    deadlines, and whether the current user takes attendance."""
    days = services.days_of(cohort)
    return {
        "session_days": days, "attendance_counts": services.present_counts(days),
        "module_deadlines": deadlines.listed(cohort),
        "takes_attendance": services.may_take_attendance(current_user, cohort),
    }  # fmt: skip


def completion_attendance(enrollment) -> dict:
    """Provides `learning.completion_context`: the attendance still missing for the certificate, if any."""
    found = services.standing(enrollment)
    if found is None or found.is_met or current_certificate(enrollment) is not None:
        return {}  # a certificate issued stays issued, whatever days are added later
    return {"attendance_due": found}


def export_columns(scope):
    """Provides `coordination.export_columns`: for a session, each day's mark; for everyone, the days
    attended of the session's days and the rate."""
    days = _scope_days(scope)
    if days is None:
        return None  # no day to attend: no column
    zone = services.local_zone()
    header = [
        _(
            "Attendance — %(day)s",
            day=f"{dateformat(day.starts_at.astimezone(zone).date(), 'short')} {day.starts_at.astimezone(zone):%H:%M}",
        )
        for day in days
    ]  # two days on one date differ by their time
    header += [_("Days attended"), _("Attendance rate (%)")]

    def cells(enrollment_ids) -> dict[int, list]:
        rows = {}
        for enrollment_id, (marks, total) in services.attendance_by_enrollment(enrollment_ids).items():
            came = _came(marks)
            row = [str(ATTENDANCE_NAMES[marks[day.id]]) if day.id in marks else "" for day in days]
            rows[enrollment_id] = [*row, came if total else None, round(100 * came / total) if total else None]
        return rows

    return header, cells


def _scope_days(scope) -> list | None:
    """A session's days (or [] for a whole course), or None when there is no day to attend."""
    if scope.cohort is not None:
        return services.days_of(scope.cohort) or None
    return [] if services.has_days(scope.course) else None


def _came(marks: dict[int, str]) -> int:
    return sum(1 for status in marks.values() if status in CAME)


def roster_columns(scope):
    """Provides `coordination.roster_columns`: each learner's days attended of their session's days,
    and the rate, where sessions have days."""
    if _scope_days(scope) is None:
        return None

    def cell(marks: dict[int, str], total: int) -> str:
        came = _came(marks)
        return _("%(came)d/%(days)d days · %(rate)s", came=came, days=total, rate=format_percent(came / total))

    def cells(enrollment_ids) -> dict[int, list[str]]:
        found = services.attendance_by_enrollment(enrollment_ids)
        return {enrollment_id: [cell(marks, total)] for enrollment_id, (marks, total) in found.items() if total}

    return [_("Attendance")], cells


def report_attendance(scope) -> dict:
    """Provides `coordination.report_context`: for a session with days, how many came to each day."""
    if scope.cohort is None:
        return {}
    days = services.days_of(scope.cohort)
    return {"attendance_days": days, "attendance_counts": services.present_counts(days)} if days else {}


def dates_problems(cohort, starts_on, ends_on) -> list[str]:
    """Provides `coordination.dates_problems`: new dates must keep the session's days and module
    deadlines (else the days page could no longer be saved)."""
    zone, separator = services.local_zone(), comma(str(get_locale()))
    days = sorted({day.starts_at.astimezone(zone).date() for day in services.days_of(cohort)})
    left_out = [day for day in days if not starts_on <= day <= ends_on]
    due = deadlines.outside(cohort, starts_on, ends_on)

    def named(dates) -> str:
        return separator.join(dateformat(day, "long") for day in dates)

    problems = []
    if left_out:
        problems.append(_(
            "The session has days on %(dates)s, outside these dates: move or remove them first on the days page.",
            dates=named(left_out),
        ))  # fmt: skip
    if due:
        problems.append(
            _("Module deadlines fall on %(dates)s, outside these dates: change them first.", dates=named(due))
        )
    return problems


def reminder_preference(user) -> dict:
    """Provides `auth.profile_context`: whether the person gets nudges, and the form to change it."""
    return {"wants_nudges": reminders.wants_nudges(user), "reminder_form": ActionForm()}


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.add_template_global(ATTENDANCE_NAMES, "attendance_names")
    hooks.register(app, "learning.dashboard_context", dashboard_sessions)
    hooks.register(app, "learning.dashboard_panel", "agenda/_my_sessions.html")
    hooks.register(app, "coordination.cohort_context", cohort_days)
    hooks.register(app, "coordination.cohort_panel", "agenda/_cohort_days.html")
    # A session's attendance rule for certificates, and attendance in the learners' exports.
    hooks.register(app, "certificates.requirements", services.attendance_met)
    hooks.register(app, "learning.completion_context", completion_attendance)
    hooks.register(app, "learning.completion_panel", "agenda/_attendance_due.html")
    hooks.register(app, "coordination.export_columns", export_columns)
    hooks.register(app, "coordination.roster_columns", roster_columns)
    hooks.register(app, "coordination.dates_problems", dates_problems)
    hooks.register(app, "coordination.report_context", report_attendance)
    hooks.register(app, "coordination.report_panel", "agenda/_report_attendance.html")
    # Reminders: the nudges' preference on the account page; `flask notifications send-due`.
    hooks.register(app, "auth.profile_context", reminder_preference)
    hooks.register(app, "auth.profile_panel", "agenda/_reminder_preference.html")
    app.cli.add_command(notifications_cli)
