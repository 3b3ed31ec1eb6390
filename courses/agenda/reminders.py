"""What `flask notifications send-due` sends, once each: the day before an in-person day, a reminder
with its time and place to the session's learners; two days before a module deadline, the modules
still to finish to the learners who have not; during a running session, a nudge to a learner with
no activity for a week (one per idle spell; they may stop these, not the session's logistics).

Each message is recorded in `reminder_sent` with a key that names what it is about (the day; the
session and the last activity) and queued in the same transaction: a second run finds the record
and sends nothing; a run that fails sends nothing and records nothing. Delivery is the mail
queue's job (sent after the commit, retried on failure); the command retries what is pending.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import groupby

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import and_, func, select

from courses.agenda.models import ModuleDeadline, NudgeOptOut, ReminderSent, SessionDay
from courses.agenda.services import local_zone
from courses.auth.language import message_language
from courses.auth.models import User
from courses.catalog.models import Course, Module
from courses.coordination.models import Cohort
from courses.database import insert_ignoring_conflicts, utcnow
from courses.extensions import db
from courses.learning.models import Enrollment, ModuleProgress
from courses.mail import queue_template
from courses.urls import public_url

DAY_BEFORE, DEADLINE, NUDGE = "day_before", "deadline", "nudge"
IDLE = timedelta(days=7)
DEADLINE_NOTICE = timedelta(days=2)  # how long before a module deadline its reminder goes
SUBJECTS = {
    DAY_BEFORE: _l("Tadbir: your session meets tomorrow"),
    DEADLINE: _l("Tadbir: modules to finish for your session"),
    NUDGE: _l("Tadbir: your course is waiting for you"),
}


@dataclass(frozen=True)
class Sent:
    day_before: int = 0
    nudges: int = 0
    deadlines: int = 0


def send_due(now: datetime | None = None) -> Sent:
    """Queue every reminder due at `now` and not sent before; the caller commits."""
    now = now or utcnow()
    return Sent(_day_before(now), _nudges(now), _deadlines(now))


def _claim(kind: str, user_id: int, key: str, now: datetime) -> bool:
    """Record the reminder; False when it was sent before (the unique key settles two runs at once)."""
    values = {"kind": kind, "user_id": user_id, "key": key, "sent_at": now}
    return insert_ignoring_conflicts(db.session, ReminderSent, values)


def _day_before(now: datetime) -> int:
    """Learners of a session whose in-person day is tomorrow, where the session happens."""
    zone = local_zone()
    tomorrow = now.astimezone(zone).date() + timedelta(days=1)
    start = datetime.combine(tomorrow, datetime.min.time(), zone)
    rows = db.session.execute(
        select(SessionDay, User)
        .join(Enrollment, Enrollment.cohort_id == SessionDay.cohort_id)
        .join(User, User.id == Enrollment.user_id)
        .where(
            SessionDay.starts_at >= start,
            SessionDay.starts_at < start + timedelta(days=1),
            SessionDay.place != "",
            User.is_active,
            User.password_hash.is_not(None),  # an invitation not taken up: its reminder is the invitation
        )
        .order_by(SessionDay.starts_at, User.id)
    ).all()
    sent = 0
    for day, user in rows:
        if not _claim(DAY_BEFORE, user.id, f"day:{day.id}", now):
            continue
        cohort = day.cohort
        queue_template(
            user.email, message_language(user, session=cohort.course.language), SUBJECTS[DAY_BEFORE],
            "session_day_reminder", user=user, cohort=cohort, day=day, zone=zone,
            dashboard=public_url("learning.dashboard"),
        )  # fmt: skip
        sent += 1
    return sent


def _deadlines(now: datetime) -> int:
    """Learners with modules not finished that are due within two days: one message per session and
    date, listing them (a deadline set later, or moved, is reminded once more for its new date)."""
    today = now.astimezone(local_zone()).date()
    rows = db.session.execute(
        select(User, Cohort, ModuleDeadline.due_on, Module.title, Module.slug, Course)
        .select_from(ModuleDeadline)
        .join(Cohort, Cohort.id == ModuleDeadline.cohort_id)
        .join(Course, Course.id == Cohort.course_id)
        .join(Module, and_(Module.id == ModuleDeadline.module_id, Module.course_id == Cohort.course_id))
        .join(Enrollment, Enrollment.cohort_id == ModuleDeadline.cohort_id)
        .join(User, User.id == Enrollment.user_id)
        .outerjoin(ModuleProgress, and_(ModuleProgress.enrollment_id == Enrollment.id,
                                        ModuleProgress.module_id == Module.id))
        .where(
            ModuleDeadline.due_on >= today,
            ModuleDeadline.due_on <= today + DEADLINE_NOTICE,
            Module.archived_at.is_(None),
            ModuleProgress.completed_at.is_(None),
            Enrollment.completed_at.is_(None),
            User.is_active,
            User.password_hash.is_not(None),
        )
        .order_by(User.id, Cohort.id, ModuleDeadline.due_on, Module.position)
    ).all()  # fmt: skip
    sent = 0
    for (user, cohort, due_on), group in groupby(rows, key=lambda row: (row[0], row[1], row[2])):
        if not _claim(DEADLINE, user.id, f"cohort:{cohort.id}:due:{due_on.isoformat()}", now):
            continue
        course = cohort.course  # loaded by the query above: the identity map answers
        modules = [
            (title, public_url("catalog.module", slug=course.slug, module_slug=slug))
            for *_, title, slug, _course in group
        ]
        queue_template(
            user.email, message_language(user, session=course.language), SUBJECTS[DEADLINE], "deadline_reminder",
            user=user, cohort=cohort, due_on=due_on, modules=modules, dashboard=public_url("learning.dashboard"),
        )  # fmt: skip
        sent += 1
    return sent


def _nudges(now: datetime) -> int:
    """Learners of a running session, not complete, with no activity for a week, who did not opt out."""
    today = now.astimezone(local_zone()).date()
    last_view = (
        select(func.max(ModuleProgress.last_viewed_at))
        .where(ModuleProgress.enrollment_id == Enrollment.id)
        .correlate(Enrollment)
        .scalar_subquery()
    )
    activity = func.coalesce(last_view, Enrollment.enrolled_at)
    opted_out = select(NudgeOptOut.user_id).where(NudgeOptOut.user_id == User.id).exists()
    rows = db.session.execute(
        select(User, Cohort, Course, activity.label("activity"))
        .select_from(Enrollment)
        .join(User, User.id == Enrollment.user_id)
        .join(Cohort, Cohort.id == Enrollment.cohort_id)
        .join(Course, Course.id == Enrollment.course_id)
        .where(
            Cohort.starts_on <= today,
            Cohort.ends_on >= today,
            Enrollment.completed_at.is_(None),
            User.is_active,
            User.password_hash.is_not(None),
            ~opted_out,
            activity <= now - IDLE,
        )
        .order_by(User.id)
    ).all()
    sent = 0
    for user, cohort, course, last in rows:
        last = last if last.tzinfo else last.replace(tzinfo=now.tzinfo)
        if not _claim(NUDGE, user.id, f"cohort:{cohort.id}:since:{last.date().isoformat()}", now):
            continue  # one nudge per idle spell: a new activity, then a week more, makes a new one
        queue_template(
            user.email, message_language(user, session=course.language), SUBJECTS[NUDGE], "activity_nudge",
            user=user, course=course, cohort=cohort, days=(now - last).days,
            link=public_url("catalog.course", slug=course.slug),
            stop=public_url("agenda.stop_nudges", stop=stop_token(user)),
        )  # fmt: skip
        sent += 1
    return sent


# -- Stopping the nudges ------------------------------------------------------------------------------


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="stop-nudges")


def stop_token(user: User) -> str:
    """What the nudge's "stop" link carries: the account, signed (it only ever stops nudges)."""
    return _serializer().dumps(user.id)


def user_of_stop_token(token: str) -> User | None:
    try:
        user_id = _serializer().loads(token)
    except BadSignature:
        return None
    return db.session.get(User, user_id) if isinstance(user_id, int) else None


def wants_nudges(user: User) -> bool:
    return db.session.get(NudgeOptOut, user.id) is None


def set_nudges(user: User, wanted: bool) -> None:
    """Stop (or allow again) the nudges for the person; the session's logistics are always sent."""
    if wanted:
        db.session.execute(NudgeOptOut.__table__.delete().where(NudgeOptOut.user_id == user.id))
    else:
        insert_ignoring_conflicts(db.session, NudgeOptOut, {"user_id": user.id, "created_at": utcnow()})
