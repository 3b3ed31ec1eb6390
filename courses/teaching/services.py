"""What a trainer's home shows about each course they train, in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from courses.catalog import services as catalog
from courses.catalog.models import Course, Module
from courses.coordination.services import trained_courses
from courses.extensions import db
from courses.learning.models import Enrollment

if TYPE_CHECKING:
    from courses.auth.models import User


@dataclass(frozen=True)
class TaughtCourse:
    course: Course
    modules: int
    learners: int
    completions: int
    last_import: datetime | None  # the last sync or watch round that covered the course
    failed: bool  # that round failed: the course's pages show its last valid version
    errors: int  # the round's errors in this course (the others block it too)

    @property
    def state(self) -> str:
        """published, draft, archived (in its file) or removed (its folder is gone from the content)."""
        return "removed" if self.course.archived_at is not None else self.course.status


def taught_courses(user: User) -> list[TaughtCourse]:
    """The courses `user` trains — named in `trainers:` or training one of their cohorts — drafts included.

    Admins get every course (they preview and report on all). Live courses first, by title. Five
    queries whatever the number of courses: the courses, cohorts, module counts, enrollment
    counts and sync rounds.
    """
    courses = sorted(trained_courses(user), key=lambda c: (c.archived_at is not None, c.title.casefold()))
    if not courses:
        return []
    ids = [c.id for c in courses]
    modules = dict(
        db.session.execute(
            select(Module.course_id, func.count())
            .where(Module.course_id.in_(ids), Module.archived_at.is_(None))
            .group_by(Module.course_id)
        ).all()
    )
    enrollments = {
        course_id: (learners, completions)
        for course_id, learners, completions in db.session.execute(
            select(Enrollment.course_id, func.count(), func.count(Enrollment.completed_at))
            .where(Enrollment.course_id.in_(ids))
            .group_by(Enrollment.course_id)
        )
    }
    runs = catalog.last_runs([c.slug for c in courses])
    return [_taught(course, modules, enrollments, runs) for course in courses]


def _taught(course: Course, modules: dict, enrollments: dict, runs: dict) -> TaughtCourse:
    learners, completions = enrollments.get(course.id, (0, 0))
    run = runs.get(course.slug)
    return TaughtCourse(
        course=course,
        modules=modules.get(course.id, 0),
        learners=learners,
        completions=completions,
        last_import=run.ran_at if run is not None else None,
        failed=run is not None and not run.ok,
        errors=catalog.own_errors(run, course.slug) if run is not None else 0,
    )
