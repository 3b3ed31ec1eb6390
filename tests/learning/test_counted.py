"""The three forms of "which modules count for completion" agree, whatever the course's shape."""

from __future__ import annotations

import itertools

from sqlalchemy import select, update

from courses.catalog.models import Course, Module
from courses.database import utcnow
from courses.extensions import db
from courses.learning.counted import counted_condition, counted_modules, counted_totals


def test_python_condition_and_totals_agree_on_every_shape(ctx, make_course, synced):
    make_course(modules={"01-a": ("A", "a"), "02-b": ("B", "b"), "03-c": ("C", "c")})
    make_course(slug="autre", modules={"01-x": ("X", "x")})  # another course: never counted for the first
    synced()
    course = db.session.scalar(select(Course).where(Course.slug == "gouvernance"))
    ids = [m.id for m in sorted(course.modules, key=lambda m: m.position)]
    for required, archived in itertools.product(itertools.product((True, False), repeat=3), repeat=2):
        for module_id, is_required, is_archived in zip(ids, required, archived, strict=True):
            db.session.execute(
                update(Module)
                .where(Module.id == module_id)
                .values(is_required=is_required, archived_at=utcnow() if is_archived else None)
            )
        db.session.expire_all()
        live = list(
            db.session.scalars(
                select(Module)
                .where(Module.course_id == course.id, Module.archived_at.is_(None))
                .order_by(Module.position)
            )
        )
        in_python = [m.id for m in counted_modules(live)]
        in_sql = list(
            db.session.scalars(select(Module.id).where(counted_condition(course.id)).order_by(Module.position))
        )
        total = counted_totals([course.id]).get(course.id, 0)
        shape = (required, archived)
        assert in_python == in_sql, shape
        assert total == len(in_python), shape
        live_required = [i for i, r, a in zip(ids, required, archived, strict=True) if r and not a]
        assert in_python == (live_required or [m.id for m in live]), shape


def test_the_condition_also_takes_a_column(ctx, make_course, synced, make_user):
    from courses.auth.models import User
    from courses.learning import services
    from courses.learning.models import Enrollment

    make_course(modules={"01-a": ("A", "a"), "02-b": "---\ntitle: B\nrequired: false\n---\nb\n"})
    synced()
    course = db.session.scalar(select(Course))
    enrollment = services.enroll(db.session.get(User, make_user().id), course)
    rows = db.session.scalars(
        select(Module.slug)
        .join(Enrollment, Enrollment.id == enrollment.id)
        .where(counted_condition(Enrollment.course_id))
    ).all()
    assert rows == ["a"]
