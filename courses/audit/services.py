"""Recording audit events (reading them is the admin's audit log page)."""

from __future__ import annotations

from typing import Any

from courses.audit.models import AuditEvent
from courses.auth.models import User
from courses.database import utcnow
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
