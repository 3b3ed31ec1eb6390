"""Cohorts and enrollment by coordinators. Plain functions; views and the CLI call them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import joinedload, selectinload

from courses.audit.services import Actor, record
from courses.auth.emails import fold, normalise_email
from courses.auth.models import User
from courses.catalog.models import Course
from courses.coordination.models import RUNNING, Cohort, CsvImport
from courses.database import utcnow
from courses.extensions import db
from courses.learning import services as learning
from courses.learning.models import Enrollment
from courses.service_errors import ServiceError


class CoordinationError(ServiceError):
    """A rule about sessions and imports (capacity, closed session, file state) refused the action."""


@dataclass(frozen=True)
class CohortFields:
    course: Course
    name: str
    starts_on: date
    ends_on: date
    place: str = ""
    capacity: int | None = None
    trainers: tuple[User, ...] = ()
    min_attendance: int | None = None  # percent of the session's days, for the certificate
    region: str | None = None  # where it happens (auth.territory.REGIONS), for the calendar's filter


def _apply(cohort: Cohort, fields: CohortFields) -> None:
    if fields.ends_on < fields.starts_on:
        raise CoordinationError("dates")
    cohort.course_id = fields.course.id
    cohort.name = fields.name.strip()
    cohort.starts_on, cohort.ends_on = fields.starts_on, fields.ends_on
    cohort.place = fields.place.strip()
    cohort.region = fields.region or None
    cohort.capacity = fields.capacity
    cohort.min_attendance = fields.min_attendance
    cohort.trainers = list(fields.trainers)


def create_cohort(fields: CohortFields, actor: Actor) -> Cohort:
    cohort = Cohort()
    _apply(cohort, fields)
    db.session.add(cohort)
    db.session.flush()
    record(actor, "cohort.create", "cohort", cohort.id, cohort.name, **_course_of(fields.course))
    return cohort


def update_cohort(cohort: Cohort, fields: CohortFields, actor: Actor) -> None:
    if fields.course.id != cohort.course_id and enrolled_count(cohort):
        raise CoordinationError("course_locked")
    _apply(cohort, fields)
    record(actor, "cohort.update", "cohort", cohort.id, cohort.name, **_course_of(fields.course))


def close_cohort(cohort: Cohort, actor: Actor) -> bool:
    """Close the session to enrollment (one by one and imports); False if it was already closed.

    A conditional UPDATE: of two closings at once, one closes and is audited.
    """
    closed = db.session.execute(
        update(Cohort).where(Cohort.id == cohort.id, Cohort.closed_at.is_(None)).values(closed_at=utcnow())
    ).rowcount
    if closed:
        record(actor, "cohort.close", "cohort", cohort.id, cohort.name, **_course_of(cohort.course))
    return bool(closed)


def reopen_cohort(cohort: Cohort, actor: Actor) -> bool:
    """Open a closed session to enrollment again; False if it was open."""
    reopened = db.session.execute(
        update(Cohort).where(Cohort.id == cohort.id, Cohort.closed_at.is_not(None)).values(closed_at=None)
    ).rowcount
    if reopened:
        record(actor, "cohort.reopen", "cohort", cohort.id, cohort.name, **_course_of(cohort.course))
    return bool(reopened)


def may_view_cohort(user: User, cohort: Cohort) -> bool:
    """Who may open a session's page: coordinators and admins, and the session's own trainers."""
    return may_manage_cohort(user) or user in cohort.trainers


def may_manage_cohort(user: User) -> bool:
    """Who may create, edit and close sessions and enroll or import learners: coordinators and admins."""
    return user.has_role("coordinator")


def claim_import(
    pending: CsvImport, now: datetime | None = None, status: str = RUNNING, actor: User | None = None
) -> bool:
    """Mark a checked CSV file as being imported; True for the one caller that wins it.

    The claim is a conditional UPDATE whose row count tells who won, so a double click or two
    servers at once import the file once. The caller imports in the same transaction (a rollback
    releases the claim) and commits; or, with `status=WAITING`, commits the claim and leaves the
    import to a worker (a failed import gives its claim back: see `import_jobs`).
    """
    claimed = db.session.execute(
        update(CsvImport)
        .where(CsvImport.id == pending.id, CsvImport.confirmed_at.is_(None))
        .values(
            confirmed_at=now or utcnow(),
            status=status,
            failure=None,
            confirmed_by_id=actor.id if actor is not None else None,
        )
    )
    return claimed.rowcount == 1


def lock_cohort(cohort: Cohort) -> None:
    """Lock the cohort's row for this transaction: whoever counts its seats next waits for the commit.

    SELECT … FOR UPDATE on PostgreSQL. SQLite has no row locks: there the transaction's first
    write takes the database's write lock, so callers write first (the import's claim does).
    """
    db.session.execute(select(Cohort.id).where(Cohort.id == cohort.id).with_for_update())


def _check_capacity(cohort: Cohort) -> None:
    # Lock the cohort while counting so two coordinators cannot both take the last seat.
    lock_cohort(cohort)
    if cohort.capacity is not None and enrolled_count(cohort) >= cohort.capacity:
        raise CoordinationError("full")


def enrolled_count(cohort: Cohort) -> int:
    return db.session.scalar(select(func.count()).select_from(Enrollment).where(Enrollment.cohort_id == cohort.id))


def enroll_in_cohort(cohort: Cohort, user: User, actor: Actor, source: str = "coordinator") -> str:
    """Enroll a learner in the cohort's course and attach them to the cohort.

    Returns what happened: "enrolled", "attached" (was enrolled without a cohort), "already"
    (already in this cohort) or "other_cohort" (left in the cohort they follow).
    """
    if not cohort.is_open:
        raise CoordinationError("closed")
    if not cohort.course.is_public:
        raise CoordinationError("course_closed")
    enrollment = learning.get_enrollment(user, cohort.course)
    if enrollment is not None:
        if enrollment.cohort_id == cohort.id:
            return "already"
        if enrollment.cohort_id is not None:
            return "other_cohort"
        _check_capacity(cohort)
        enrollment.cohort_id = cohort.id
        record(
            actor,
            "enrollment.attach",
            "enrollment",
            enrollment.id,
            _label(user, cohort),
            **_enrollment_data(user, cohort),
        )
        return "attached"
    _check_capacity(cohort)
    enrollment = learning.enroll(user, cohort.course, source=source)
    enrollment.cohort_id = cohort.id
    record(
        actor, "enrollment.create", "enrollment", enrollment.id, _label(user, cohort),
        **_enrollment_data(user, cohort), source=source,
    )  # fmt: skip
    return "enrolled"


def _label(user: User, cohort: Cohort) -> str:
    """How an enrollment reads in the audit log: whose, in which course."""
    return f"{user.email} · {cohort.course.slug}"


def _course_of(course: Course) -> dict[str, str]:
    """What a session's audit events keep of its course (the sentence names it by its title)."""
    return {"course": course.slug, "course_title": course.title}


def _enrollment_data(user: User, cohort: Cohort) -> dict[str, object]:
    return {"cohort": cohort.id, "cohort_name": cohort.name, "user": user.email, **_course_of(cohort.course)}


def search_users(text: str, limit: int = 20) -> list[User]:
    """Active accounts whose email or names contain `text`."""
    pattern = f"%{text.strip().lower()}%"
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.is_active,
                or_(
                    User.email.like(f"%{fold(text)}%"),  # addresses are stored folded
                    func.lower(User.full_name).like(pattern),
                    User.full_name_ar.like(pattern),
                ),
            )
            .order_by(User.full_name)
            .limit(limit)
        )
    )


def cohorts_for(user: User) -> list[Cohort]:
    """Every cohort for coordinators and admins; a trainer's own cohorts otherwise."""
    statement = (
        select(Cohort)
        .options(joinedload(Cohort.course), selectinload(Cohort.trainers))
        .order_by(Cohort.closed_at.is_not(None), Cohort.starts_on.desc())
    )
    if not user.has_role("coordinator"):
        statement = statement.where(Cohort.trainers.any(User.id == user.id))
    return list(db.session.scalars(statement))


def _named_trainer(user: User, course: Course) -> bool:
    """`user` is among the trainers the course's file names (by email, compared in stored form)."""
    return any(t.get("email") and normalise_email(t["email"]) == user.email for t in course.trainers)


def trained_courses(user: User) -> list[Course]:
    """The courses whose reports `user` may read (two queries, whatever the number of courses)."""
    courses = list(db.session.scalars(select(Course).order_by(Course.title)))
    if user.has_role("coordinator"):
        return courses
    if not user.has_role("trainer"):
        return []
    through_cohorts = set(
        db.session.scalars(select(Cohort.course_id).where(Cohort.trainers.any(User.id == user.id)).distinct())
    )
    return [
        c for c in courses
        if c.id in through_cohorts or _named_trainer(user, c)
    ]  # fmt: skip


def trains(user: User, course: Course) -> bool:
    """Whose reports `user` may read: coordinators and admins every course's; a trainer their own courses'."""
    return user.has_role("coordinator") or is_trainer_of(user, course)


def is_trainer_of(user: User, course: Course) -> bool:
    """A trainer (or admin) whose email is in the course's `trainers`, or who trains one of its cohorts.

    The one rule for "the course's own trainers": reports use it (through `trains`), and so do
    previews of drafts (the `catalog.may_preview` extension point), where coordinators get no exception.
    """
    if not user.has_role("trainer"):
        return False
    if _named_trainer(user, course):
        return True
    return (
        db.session.scalar(
            select(Cohort.id).where(Cohort.course_id == course.id, Cohort.trainers.any(User.id == user.id)).limit(1)
        )
        is not None
    )
