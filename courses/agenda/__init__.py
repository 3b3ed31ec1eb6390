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
from flask_login import current_user

from courses import hooks
from courses.agenda import services
from courses.agenda.views import bp


def dashboard_sessions(user) -> dict:
    """Provides `learning.dashboard_context`: the sessions the user is enrolled through, with their days."""
    return {"sessions": services.sessions_of(user)}


def cohort_days(cohort) -> dict:
    """Provides `coordination.cohort_context`: the session's days, how many came to each, and whether
    the current user takes attendance."""
    days = services.days_of(cohort)
    return {
        "session_days": days, "attendance_counts": services.present_counts(days),
        "takes_attendance": services.may_take_attendance(current_user, cohort),
    }  # fmt: skip


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    hooks.register(app, "learning.dashboard_context", dashboard_sessions)
    hooks.register(app, "learning.dashboard_panel", "agenda/_my_sessions.html")
    hooks.register(app, "coordination.cohort_context", cohort_days)
    hooks.register(app, "coordination.cohort_panel", "agenda/_cohort_days.html")
