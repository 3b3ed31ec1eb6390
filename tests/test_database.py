"""SQL helpers shared by features, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Integer, cast, literal, null, select

from courses.database import UTCDateTime, greatest
from courses.extensions import db


@pytest.mark.parametrize(
    ("values", "expected"),
    [((1, 2, 3), 3), ((3, None, 2), 3), ((None, None, 2), 2), ((None, 5), 5), ((4,), 4), ((None, None), None)],
)
def test_greatest_ignores_nulls(ctx, values, expected):
    arguments = [cast(null(), Integer) if value is None else literal(value, Integer) for value in values]
    assert db.session.scalar(select(greatest(*arguments))) == expected


def test_greatest_keeps_the_type_of_its_arguments(ctx):
    early, late = datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 6, 1, 12, tzinfo=UTC)
    found = db.session.scalar(select(greatest(literal(early, UTCDateTime), literal(late, UTCDateTime))))
    assert found == late and found.tzinfo is not None
