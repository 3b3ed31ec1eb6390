"""Module deadlines: the modules a session's learners are to finish by a date.

A coordinator gives some of the course's modules a date within the session (often the eve of a
day, so that the day can build on them). Learners see them on `/me/` with what they have done;
`flask notifications send-due` reminds those who have not finished (see `reminders`). A deadline
says what is expected; it never locks a module or holds back a certificate.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, delete, select

from courses.agenda.models import ModuleDeadline, SessionDay
from courses.audit.services import Actor, record
from courses.catalog.models import Course, Module
from courses.catalog.services import live_modules
from courses.coordination.models import Cohort
from courses.database import insert_ignoring_conflicts
from courses.extensions import db
from courses.learning.models import Enrollment, ModuleProgress
from courses.service_errors import ServiceError


class DeadlineError(ServiceError):
    """Some dates break a rule: `problems` holds (module id, code) pairs."""

    def __init__(self, problems: list[tuple[int, str]]):
        super().__init__("deadlines")
        self.problems = problems


def outside(cohort: Cohort, starts_on: date, ends_on: date) -> list[date]:
    """The dates of the session's deadlines that new dates `starts_on`–`ends_on` would leave out."""
    return sorted({due_on for due_on, _title in listed(cohort) if not starts_on <= due_on <= ends_on})


def deadlines_of(cohort: Cohort) -> dict[int, date]:
    """The session's deadlines by module id (one query)."""
    rows = db.session.execute(
        select(ModuleDeadline.module_id, ModuleDeadline.due_on).where(ModuleDeadline.cohort_id == cohort.id)
    )
    return dict(rows.tuples().all())


def listed(cohort: Cohort) -> list[tuple[date, str]]:
    """The session's deadlines as (date, module title), by date then the course's order (one query)."""
    rows = db.session.execute(
        select(ModuleDeadline.due_on, Module.title)
        .join(Module, Module.id == ModuleDeadline.module_id)
        .where(
            ModuleDeadline.cohort_id == cohort.id, Module.course_id == cohort.course_id, Module.archived_at.is_(None)
        )
        .order_by(ModuleDeadline.due_on, Module.position)
    )  # a deadline of the course the session had before is not the session's any more
    return list(rows.tuples())


def check_deadlines(cohort: Cohort, dues: Mapping[int, date | None]) -> list[tuple[int, str]]:
    """Every problem: a module that is not one of the course's, a date outside the session's dates."""
    modules = {module.id for module in live_modules(cohort.course)}
    problems = []
    for module_id, due_on in dues.items():
        if module_id not in modules:
            problems.append((module_id, "unknown_module"))
        elif due_on is not None and not cohort.starts_on <= due_on <= cohort.ends_on:
            problems.append((module_id, "outside_session"))
    return problems


def save_deadlines(cohort: Cohort, dues: Mapping[int, date | None], actor: Actor) -> int:
    """Replace the session's deadlines by `dues` (module id → date, None for none), all or nothing;
    the count set. Raises DeadlineError, having written nothing, when a date breaks a rule.

    Two coordinators saving at once: each replaces the rows, and the unique key keeps the first
    one's where both insert (no error, no duplicate)."""
    problems = check_deadlines(cohort, dues)
    if problems:
        raise DeadlineError(problems)
    db.session.execute(delete(ModuleDeadline).where(ModuleDeadline.cohort_id == cohort.id))
    kept = {module_id: due_on for module_id, due_on in dues.items() if due_on is not None}
    for module_id, due_on in kept.items():
        insert_ignoring_conflicts(
            db.session, ModuleDeadline, {"cohort_id": cohort.id, "module_id": module_id, "due_on": due_on}
        )
    record(
        actor, "cohort.deadlines", "cohort", cohort.id, cohort.name, count=len(kept), course_title=cohort.course.title
    )
    return len(kept)


@dataclass(frozen=True)
class Due:
    """A module a learner is to finish by `due_on`, and whether they have."""

    due_on: date
    course_slug: str
    module_slug: str
    module_title: str
    done: bool


@dataclass(frozen=True)
class DueDate:
    """The modules due on one date, and the session's day that follows it (its number), if any."""

    due_on: date
    modules: list[Due]
    before_day: int | None

    @property
    def all_done(self) -> bool:
        return all(due.done for due in self.modules)


def dues_of(user_id: int, cohort_ids: Sequence[int]) -> dict[int, list[Due]]:
    """The deadlines of the learner's sessions, with what they finished, by session (one query)."""
    dues: dict[int, list[Due]] = {cohort_id: [] for cohort_id in cohort_ids}
    if not dues:
        return dues
    rows = db.session.execute(
        select(ModuleDeadline.cohort_id, ModuleDeadline.due_on, Course.slug, Module.slug, Module.title,
               ModuleProgress.completed_at)
        .join(Module, Module.id == ModuleDeadline.module_id)
        .join(Course, Course.id == Module.course_id)
        .join(Enrollment, and_(Enrollment.cohort_id == ModuleDeadline.cohort_id, Enrollment.user_id == user_id,
                               Enrollment.course_id == Module.course_id))
        .outerjoin(ModuleProgress, and_(ModuleProgress.enrollment_id == Enrollment.id,
                                        ModuleProgress.module_id == Module.id))
        .where(ModuleDeadline.cohort_id.in_(list(dues)), Module.archived_at.is_(None))
        .order_by(ModuleDeadline.due_on, Module.position)
    )  # fmt: skip
    for cohort_id, due_on, course_slug, module_slug, title, completed_at in rows:
        dues[cohort_id].append(Due(due_on, course_slug, module_slug, title, completed_at is not None))
    return dues


def by_date(dues: Sequence[Due], days: Sequence[SessionDay], local_date) -> list[DueDate]:
    """Dues grouped by date, each with the number of the first day after it (`local_date` gives a
    day's date where the session happens)."""
    dates = [local_date(day.starts_at) for day in days]
    grouped: dict[date, list[Due]] = {}
    for due in dues:
        grouped.setdefault(due.due_on, []).append(due)
    return [
        DueDate(on, modules, next((number for number, day in enumerate(dates, 1) if day > on), None))
        for on, modules in grouped.items()
    ]
