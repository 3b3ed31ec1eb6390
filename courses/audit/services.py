"""Recording audit events (reading them is the admin's audit log page)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert

from courses.audit.models import AuditEvent
from courses.auth.models import User
from courses.database import BULK_ROWS, utcnow
from courses.extensions import db


def record(
    actor: User | None, action: str, subject_type: str, subject_id: int, subject_label: str, **data: Any
) -> AuditEvent:
    """Append an event in the current transaction (it commits or rolls back with the action).

    The subject is named by its row id, plus a readable label (an email, a code, a name) kept as
    it was then; neither depends on how long the subject's own values are.
    """
    event = AuditEvent(
        actor_id=actor.id if actor is not None else None,
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        subject_label=subject_label,
        at=utcnow(),
        data=data,
    )
    db.session.add(event)
    return event


def record_many(actor: User | None, action: str, subject_type: str, subjects: list[tuple[int, str, dict]]) -> int:
    """Append one event per (subject id, label, data) in the current transaction, in bulk (no ORM objects).

    For work on thousands of rows at once (a CSV import); the events read as `record()` writes them.
    """
    at = utcnow()
    rows = [
        {"actor_id": actor.id if actor is not None else None, "action": action, "subject_type": subject_type,
         "subject_id": subject_id, "subject_label": label, "at": at, "data": data}
        for subject_id, label, data in subjects
    ]  # fmt: skip
    for start in range(0, len(rows), BULK_ROWS):
        db.session.execute(insert(AuditEvent.__table__), rows[start : start + BULK_ROWS])
    return len(rows)
