"""Session days: checking and saving a session's schedule, reading it for people, its calendar file.

Times are typed and shown where sessions happen (`BABEL_DEFAULT_TIMEZONE`, Africa/Casablanca,
whose offset changes around Ramadan) and stored in UTC. A schedule is saved whole: every row is
checked first, and one problem anywhere saves nothing.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from itertools import pairwise
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask import current_app
from icalendar import Calendar, Event
from sqlalchemy import and_, case, delete, func, select, update
from sqlalchemy.orm import selectinload

from courses.agenda.deadlines import DueDate, by_date, dues_of
from courses.agenda.models import ATTENDANCE_STATES, CAME, Attendance, CalendarFeed, SessionDay
from courses.audit.services import Actor, record
from courses.auth.models import User
from courses.certificates import issue_on_completion
from courses.coordination.models import Cohort
from courses.coordination.services import may_view_cohort
from courses.database import insert_ignoring_conflicts, utcnow
from courses.extensions import db
from courses.learning.models import Enrollment
from courses.service_errors import ServiceError


class ScheduleError(ServiceError):
    """Some rows of a schedule break a rule: `problems` holds (row index, code) pairs."""

    def __init__(self, problems: list[tuple[int, str]]):
        super().__init__("schedule")
        self.problems = problems


@dataclass(frozen=True)
class DayFields:
    """One row of the schedule form: a day as typed (local date and times)."""

    on: date
    starts: time
    ends: time
    place: str = ""
    link: str = ""
    topic: str = ""
    trainer: User | None = None
    day_id: int | None = None  # an existing day to change; None: a new one
    remove: bool = False


def local_today() -> date:
    """Today where sessions happen."""
    return utcnow().astimezone(local_zone()).date()


def local_zone() -> ZoneInfo:
    """Where sessions happen: the time zone days are typed and shown in."""
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def _instant(on: date, at: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(on, at, tzinfo=zone).astimezone(ZoneInfo("UTC"))


def check_schedule(
    cohort: Cohort, rows: Sequence[DayFields], marked: frozenset[int] = frozenset()
) -> list[tuple[int, str]]:
    """Every problem of the rows: a day whose attendance was taken (its id in `marked`) removed; of
    the rows kept, end before start, a day outside the session's dates, a link that is not a web
    address, two days at the same time (the later row is named)."""
    problems: list[tuple[int, str]] = []
    kept: list[tuple[datetime, datetime, int]] = []
    zone = local_zone()
    for index, row in enumerate(rows):
        if row.remove:
            if row.day_id in marked:
                problems.append((index, "has_attendance"))  # learners' marks would go with it
            continue
        times_ok, day_ok = row.ends > row.starts, cohort.starts_on <= row.on <= cohort.ends_on
        if not times_ok:
            problems.append((index, "ends_before_start"))
        if not day_ok:
            problems.append((index, "outside_session"))
        if times_ok and day_ok:
            kept.append((_instant(row.on, row.starts, zone), _instant(row.on, row.ends, zone), index))
        if row.link and urlsplit(row.link).scheme not in ("http", "https"):
            problems.append((index, "link"))
    kept.sort()
    for (_start, previous_end, _), (start, _end, index) in pairwise(kept):
        if start < previous_end:
            problems.append((index, "overlap"))
    return sorted(problems)


def save_schedule(cohort: Cohort, rows: Sequence[DayFields], actor: Actor) -> int:
    """Replace the session's days by `rows` (changed, added, removed), all or nothing; the count kept.

    Raises ScheduleError, having written nothing, when any row breaks a rule.
    """
    marked = frozenset(
        db.session.scalars(
            select(Attendance.day_id).join(SessionDay, SessionDay.id == Attendance.day_id)
            .where(SessionDay.cohort_id == cohort.id).distinct()
        )
    )  # fmt: skip
    problems = check_schedule(cohort, rows, marked)
    if problems:
        raise ScheduleError(problems)
    zone = local_zone()
    existing = {day.id: day for day in days_of(cohort)}
    removed = [row.day_id for row in rows if row.remove and row.day_id in existing]
    if removed:
        db.session.execute(delete(SessionDay).where(SessionDay.id.in_(removed), SessionDay.cohort_id == cohort.id))
        db.session.flush()  # a day moved into a removed day's time must not meet its old row
    for row in rows:
        if row.remove:
            continue
        day = existing.get(row.day_id) if row.day_id else None
        if day is None:
            day = SessionDay(cohort_id=cohort.id)
            db.session.add(day)
        day.starts_at, day.ends_at = _instant(row.on, row.starts, zone), _instant(row.on, row.ends, zone)
        day.place, day.link, day.topic = row.place.strip(), row.link.strip(), row.topic.strip()
        day.trainer_id = row.trainer.id if row.trainer else None
    db.session.flush()
    count = len([row for row in rows if not row.remove])
    record(actor, "cohort.days", "cohort", cohort.id, cohort.name, count=count, course_title=cohort.course.title)
    return count


def days_of(cohort: Cohort) -> list[SessionDay]:
    """The session's days, first first, with their trainers (one query)."""
    return days_by_cohort([cohort.id])[cohort.id]


def days_by_cohort(cohort_ids: Sequence[int]) -> dict[int, list[SessionDay]]:
    """The days of several sessions, first first, with their trainers; every id gets a list (one query)."""
    days: dict[int, list[SessionDay]] = {cohort_id: [] for cohort_id in cohort_ids}
    if days:
        statement = (
            select(SessionDay)
            .options(selectinload(SessionDay.trainer))
            .where(SessionDay.cohort_id.in_(list(days)))
            .order_by(SessionDay.starts_at)
        )
        for day in db.session.scalars(statement):
            days[day.cohort_id].append(day)
    return days


@dataclass
class MySession:
    """A session as its learner sees it: the days to come (the next first) and the days past."""

    cohort: Cohort
    upcoming: list[SessionDay] = field(default_factory=list)
    past: list[SessionDay] = field(default_factory=list)
    deadlines: list[DueDate] = field(default_factory=list)  # modules to finish, by date
    marks: dict[int, str] = field(default_factory=dict)  # the learner's attendance, by day id

    @property
    def next_day(self) -> SessionDay | None:
        return self.upcoming[0] if self.upcoming else None


def sessions_of(user: User, now: datetime | None = None) -> list[MySession]:
    """The sessions `user` is enrolled through, with their days, their attendance marks and module
    deadlines: the next meeting first, then sessions without days to come (four queries, whatever the
    number of sessions)."""
    now = now or utcnow()
    cohorts = db.session.scalars(
        select(Cohort)
        .join(Enrollment, Enrollment.cohort_id == Cohort.id)
        .options(selectinload(Cohort.course))
        .where(Enrollment.user_id == user.id)
    ).all()
    sessions = {cohort.id: MySession(cohort) for cohort in cohorts}
    for cohort_id, days in days_by_cohort(list(sessions)).items():
        session = sessions[cohort_id]
        for day in days:
            (session.upcoming if day.ends_at > now else session.past).append(day)
    if sessions:
        marks = db.session.execute(
            select(SessionDay.cohort_id, Attendance.day_id, Attendance.status)
            .join(SessionDay, SessionDay.id == Attendance.day_id)
            .where(Attendance.user_id == user.id, SessionDay.cohort_id.in_(list(sessions)))
        )
        for cohort_id, day_id, status in marks:
            sessions[cohort_id].marks[day_id] = status
    zone = local_zone()
    for cohort_id, dues in dues_of(user.id, list(sessions)).items():
        session = sessions[cohort_id]
        days = [*session.past, *session.upcoming]
        session.deadlines = by_date(dues, days, lambda moment: moment.astimezone(zone).date())
    never = datetime.max.replace(tzinfo=now.tzinfo)
    return sorted(sessions.values(), key=lambda s: (s.next_day.starts_at if s.next_day else never, s.cohort.starts_on))


def may_download_calendar(user: User, cohort: Cohort) -> bool:
    """The session's learners, and whoever may open the session's page (its trainers, coordinators)."""
    if may_view_cohort(user, cohort):
        return True
    enrolled = select(Enrollment.id).where(Enrollment.user_id == user.id, Enrollment.cohort_id == cohort.id)
    return db.session.scalar(enrolled.limit(1)) is not None


def calendar(cohort: Cohort, days: Sequence[SessionDay], host: str, online: str, language: str) -> bytes:
    """The session's days as an iCalendar file (RFC 5545), times in the session's time zone with its
    VTIMEZONE; `host` makes the events' UIDs unique, `online` names a day without a place, trainers
    are named as `language` reads them."""
    return _calendar(f"{cohort.course.title} — {cohort.name}", [(cohort, days)], host, online, language)


def _calendar(name: str, sessions, host: str, online: str, language: str) -> bytes:
    zone = local_zone()
    document = Calendar()
    document.add("prodid", "-//Tadbir//Sessions//FR")
    document.add("version", "2.0")
    document.add("x-wr-calname", name)
    stamp = utcnow()
    for cohort, days in sessions:
        for day in days:
            document.add_component(_event(cohort, day, zone, stamp, host, online, language))
    document.add_missing_timezones()
    return document.to_ical()


def _event(cohort: Cohort, day: SessionDay, zone, stamp: datetime, host: str, online: str, language: str) -> Event:
    """One day as an event with a stable UID (a feed and a file name the same day alike)."""
    event = Event()
    event.add("uid", f"session-day-{day.id}@{host}")
    event.add("dtstamp", stamp)
    event.add("dtstart", day.starts_at.astimezone(zone))
    event.add("dtend", day.ends_at.astimezone(zone))
    topic = f" — {day.topic}" if day.topic else ""
    event.add("summary", f"{cohort.course.title} — {cohort.name}{topic}")  # two sessions of a course differ
    event.add("location", day.place or (f"{online} {day.link}".strip()))
    if day.link:
        event.add("url", day.link)
    if day.trainer is not None:
        event.add("description", day.trainer.name_in(language))
    return event


# -- Calendar feeds (a subscription address per person) -------------------------------------------

FEED_TOKEN_BYTES = 32


def feed_token(user: User) -> str | None:
    """The person's feed token, if they asked for a subscription address (read only)."""
    return db.session.scalar(select(CalendarFeed.token).where(CalendarFeed.user_id == user.id))


def renew_feed(user: User) -> str:
    """Make the person's feed token, or replace it: the old address stops working at once."""
    token = secrets.token_urlsafe(FEED_TOKEN_BYTES)
    if not db.session.execute(
        update(CalendarFeed).where(CalendarFeed.user_id == user.id).values(token=token, created_at=utcnow())
    ).rowcount:
        insert_ignoring_conflicts(
            db.session, CalendarFeed, {"user_id": user.id, "token": token, "created_at": utcnow()}
        )
    record(user, "user.calendar_feed", "user", user.id, user.email)
    return token


def feed_owner(token: str) -> User | None:
    """Whose feed a token is; None for an unknown or renewed one."""
    if not token or len(token) > 64:
        return None
    return db.session.scalar(
        select(User)
        .join(CalendarFeed, CalendarFeed.user_id == User.id)
        .where(CalendarFeed.token == token, User.is_active)
    )


def feed(user: User, host: str, online: str, language: str, name: str) -> bytes:
    """Every day of every session the person is enrolled through, one calendar (two queries)."""
    sessions = sessions_of(user)
    return _calendar(name, [(s.cohort, [*s.past, *s.upcoming]) for s in sessions], host, online, language)


# -- Attendance ----------------------------------------------------------------------------------


# Who takes attendance: whoever may open the session's page (its trainers, coordinators, admins).
may_take_attendance = may_view_cohort


def attendees(cohort: Cohort) -> list[User]:
    """The learners enrolled through the session, by name (one query)."""
    statement = (
        select(User)
        .join(Enrollment, Enrollment.user_id == User.id)
        .where(Enrollment.cohort_id == cohort.id)
        .order_by(func.lower(func.coalesce(func.nullif(User.full_name, ""), User.full_name_ar, "")), User.id)
    )
    return list(db.session.scalars(statement))


def attendance_of(day: SessionDay) -> dict[int, str]:
    """The marks taken for a day, by learner id."""
    rows = db.session.execute(select(Attendance.user_id, Attendance.status).where(Attendance.day_id == day.id))
    return dict(rows.all())


def has_begun(day: SessionDay, now: datetime | None = None) -> bool:
    """Attendance is taken from the morning of the day on (its local date), never for a day to come."""
    zone = local_zone()
    return day.starts_at.astimezone(zone).date() <= (now or utcnow()).astimezone(zone).date()


def present_counts(days: Sequence[SessionDay]) -> dict[int, tuple[int, int]]:
    """By day id: (learners who came — present or late —, learners marked at all); one query."""
    if not days:
        return {}
    came = func.sum(case((Attendance.status.in_(CAME), 1), else_=0))
    rows = db.session.execute(
        select(Attendance.day_id, came, func.count())
        .where(Attendance.day_id.in_([d.id for d in days]))
        .group_by(Attendance.day_id)
    )
    return {day_id: (int(present or 0), int(marked)) for day_id, present, marked in rows}


def record_attendance(day: SessionDay, marks: dict[int, str], actor: User) -> int:
    """Save the marks of a day (learner id -> state) for the session's own learners; returns how many
    changed. A mark may be corrected later: the row is updated and each saving is audited."""
    allowed = {user.id for user in attendees(day.cohort)}
    if any(state not in ATTENDANCE_STATES for state in marks.values()) or not set(marks) <= allowed:
        raise ScheduleError([(0, "attendance")])
    existing = {row.user_id: row for row in db.session.scalars(select(Attendance).where(Attendance.day_id == day.id))}
    changed = 0
    now = utcnow()
    for user_id, state in marks.items():
        row = existing.get(user_id)
        if row is None:
            db.session.add(
                Attendance(day_id=day.id, user_id=user_id, status=state, recorded_by_id=actor.id, recorded_at=now)
            )
        elif row.status != state:
            row.status, row.recorded_by_id, row.recorded_at = state, actor.id, now
        else:
            continue
        changed += 1
    db.session.flush()
    if changed:
        counts = {state: sum(1 for s in marks.values() if s == state) for state in ATTENDANCE_STATES}
        record(
            actor, "cohort.attendance", "cohort", day.cohort_id, day.cohort.name,
            day=day.starts_at.astimezone(local_zone()).date().isoformat(), **counts,
        )  # fmt: skip
        if day.cohort.min_attendance:  # a correction may meet the rule: the certificate is issued now, once
            for enrollment in completed_enrollments(day.cohort, list(marks)):
                issue_on_completion(enrollment)
    return changed


# -- The attendance rule for certificates ----------------------------------------------------------


@dataclass(frozen=True)
class Standing:
    """Where a learner stands against their session's attendance rule."""

    came: int  # days attended (present or late)
    days: int  # the session's days
    required: int  # days to attend for the certificate

    @property
    def is_met(self) -> bool:
        return self.came >= self.required


def standing(enrollment: Enrollment) -> Standing | None:
    """The learner's attendance against their session's rule; None when no rule applies (no session,
    no rule, or no days yet). One query."""
    cohort = enrollment.cohort
    if cohort is None or not cohort.min_attendance:
        return None
    # A day counts once it has begun: a mark given in advance never issues a certificate early.
    began = SessionDay.starts_at <= utcnow()
    came = and_(Attendance.day_id == SessionDay.id, Attendance.user_id == enrollment.user_id, began)
    days, attended = db.session.execute(
        select(func.count(SessionDay.id), func.count(Attendance.id))
        .outerjoin(Attendance, and_(came, Attendance.status.in_(CAME)))
        .where(SessionDay.cohort_id == cohort.id)
    ).one()
    if not days:
        return None
    return Standing(attended, days, -(-days * cohort.min_attendance // 100))


def attendance_met(enrollment: Enrollment) -> bool:
    """Provides `certificates.requirements`: the session's attendance rule, when it has one, is met."""
    found = standing(enrollment)
    return found is None or found.is_met


def completed_enrollments(cohort: Cohort, user_ids: Sequence[int]) -> list[Enrollment]:
    """The enrollments through the session of these learners that are complete (one query)."""
    if not user_ids:
        return []
    return list(
        db.session.scalars(
            select(Enrollment).where(
                Enrollment.cohort_id == cohort.id,
                Enrollment.user_id.in_(user_ids),
                Enrollment.completed_at.is_not(None),
            )
        )
    )


def has_days(course) -> bool:
    """Whether a session of the course has days (one query)."""
    found = select(SessionDay.id).join(Cohort, Cohort.id == SessionDay.cohort_id).where(Cohort.course_id == course.id)
    return db.session.scalar(found.limit(1)) is not None


def attendance_by_enrollment(enrollment_ids: Sequence[int]) -> dict[int, tuple[dict[int, str], int]]:
    """By enrollment: (its learner's marks by day id in its session, the session's number of days);
    two queries, for the exports."""
    rows = db.session.execute(
        select(Enrollment.id, Enrollment.user_id, Enrollment.cohort_id).where(
            Enrollment.id.in_(enrollment_ids), Enrollment.cohort_id.is_not(None)
        )
    ).all()
    if not rows:
        return {}
    cohort_ids = {row.cohort_id for row in rows}
    marks = db.session.execute(
        select(SessionDay.cohort_id, SessionDay.id, Attendance.user_id, Attendance.status)
        .outerjoin(Attendance, Attendance.day_id == SessionDay.id)
        .where(SessionDay.cohort_id.in_(cohort_ids))
    ).all()
    days: dict[int, set[int]] = {}
    by_person: dict[tuple[int, int], dict[int, str]] = {}
    for cohort_id, day_id, user_id, status in marks:
        days.setdefault(cohort_id, set()).add(day_id)
        if user_id is not None:
            by_person.setdefault((cohort_id, user_id), {})[day_id] = status
    return {row.id: (by_person.get((row.cohort_id, row.user_id), {}), len(days.get(row.cohort_id, ()))) for row in rows}


# -- The coordinators' calendar ----------------------------------------------------------------------

UPCOMING, RUNNING, PAST = "upcoming", "running", "past"


@dataclass
class Month:
    first: date  # the month's first day
    sessions: list = field(default_factory=list)  # (cohort, its days, its state)


def phase(cohort: Cohort, today: date) -> str:
    """Where a session stands on `today`: to come, under way, or over."""
    if cohort.starts_on > today:
        return UPCOMING
    return RUNNING if cohort.ends_on >= today else PAST


def months(cohorts: Sequence[Cohort], today: date) -> dict[str, list[Month]]:
    """The sessions by phase, then by the month they start in (upcoming and running soonest first,
    past most recent first), each with its days (one query for every session's days)."""
    days = days_by_cohort([cohort.id for cohort in cohorts])
    grouped: dict[str, dict[date, Month]] = {UPCOMING: {}, RUNNING: {}, PAST: {}}
    for cohort in cohorts:
        first = cohort.starts_on.replace(day=1)
        month = grouped[phase(cohort, today)].setdefault(first, Month(first))
        month.sessions.append((cohort, days[cohort.id]))
    ordered = {}
    for name, by_month in grouped.items():
        keys = sorted(by_month, reverse=name == PAST)
        for key in keys:
            by_month[key].sessions.sort(key=lambda item: item[0].starts_on, reverse=name == PAST)
        ordered[name] = [by_month[key] for key in keys]
    return ordered


def all_sessions_calendar(cohorts: Sequence[Cohort], host: str, online: str, language: str, name: str) -> bytes:
    """Every day of these sessions, one calendar (the coordinators' subscription)."""
    days = days_by_cohort([cohort.id for cohort in cohorts])
    return _calendar(name, [(cohort, days[cohort.id]) for cohort in cohorts], host, online, language)
