"""Which modules count for completion: a course's live modules marked `required`, or all its live
modules when none is.

The rule is written three times, side by side here, because each caller needs it in another
form and a shared query would cost queries per page:

- `counted_modules` — in Python, over modules already loaded (course and module pages);
- `counted_condition` — a SQL condition on `Module` (completing an enrollment, modules done);
- `counted_totals` — SQL, how many modules count per course in one GROUP BY (the dashboard).

**They must agree.** Change one, change the three; tests/learning/test_counted.py checks them
against each other.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.orm import aliased

from courses.catalog.models import Module
from courses.extensions import db


def counted_modules(modules: Sequence[Module]) -> list[Module]:
    """Of one course's live modules, those that count, in the given order."""
    return [m for m in modules if m.is_required] or list(modules)


def counted_condition(course_id: int | ColumnElement[int]) -> ColumnElement[bool]:
    """A `Module` row that counts for the course `course_id` (an id, or a column such as `Enrollment.course_id`)."""
    other = aliased(Module)
    has_required = (
        select(other.id).where(other.course_id == course_id, other.archived_at.is_(None), other.is_required).exists()
    )
    return and_(Module.course_id == course_id, Module.archived_at.is_(None), Module.is_required | ~has_required)


def counted_totals(course_ids: Sequence[int]) -> dict[int, int]:
    """How many modules count in each of the courses (one query); a course without live modules is absent."""
    required = func.sum(case((Module.is_required, 1), else_=0))
    rows = db.session.execute(
        select(Module.course_id, func.count(Module.id), required)
        .where(Module.course_id.in_(course_ids), Module.archived_at.is_(None))
        .group_by(Module.course_id)
    ).all()
    return {course_id: (required_count or total) for course_id, total, required_count in rows}
