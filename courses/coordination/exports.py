"""Exports of the report tables: the learners of a course or session, read in batches.

Writing them (CSV with a BOM for Excel, XLSX) is `courses.tabular`'s job; certificates in bulk
are `courses.certificates.batch`'s.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select

from courses.auth.models import User
from courses.catalog.models import Course
from courses.extensions import db
from courses.learning.models import Enrollment

BATCH = 500


def learner_rows(course: Course, cohort_id: int | None) -> Iterator[list]:
    """One row per enrollment for exports, read in batches."""
    statement = (
        select(Enrollment, User)
        .join(User, User.id == Enrollment.user_id)
        .where(Enrollment.course_id == course.id)
        .order_by(User.full_name, Enrollment.id)
        .execution_options(yield_per=BATCH)
    )
    if cohort_id is not None:
        statement = statement.where(Enrollment.cohort_id == cohort_id)
    for enrollment, user in db.session.execute(statement):
        yield [
            user.full_name, user.full_name_ar or "", user.email, user.organisation, user.organisation_type or "",
            user.region or "", user.job_title, enrollment.enrolled_at.date().isoformat(),
            enrollment.completed_at.date().isoformat() if enrollment.completed_at else "",
        ]  # fmt: skip


LEARNER_HEADER = [
    "full_name", "full_name_ar", "email", "organisation", "organisation_type", "region", "function",
    "enrolled_on", "completed_on",
]  # fmt: skip
