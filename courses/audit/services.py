"""Recording audit events (reading them is the admin's audit log page; wording them is wording.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeAlias

from sqlalchemy import insert

from courses.audit.models import ActorKind, AuditEvent
from courses.database import BULK_ROWS, utcnow
from courses.extensions import db

if TYPE_CHECKING:  # accounts record events (logins, invitations): the log does not import them back
    from courses.auth.models import User

# Who acted, when it was not an account. Callers say so explicitly: there is no "None" actor.
COMMAND_LINE = ActorKind.COMMAND_LINE
SYSTEM = ActorKind.SYSTEM
VISITOR = ActorKind.VISITOR

Actor: TypeAlias = "User | ActorKind"  # the type of `actor` in record() and the services that pass it on


def _actor(actor: Actor) -> tuple[int | None, ActorKind]:
    """The account id (or None) and kind of an actor; refuses None and anything else."""
    if isinstance(actor, ActorKind):
        if actor is ActorKind.ACCOUNT:
            raise TypeError("pass the account itself, not ActorKind.ACCOUNT")
        return None, actor
    if isinstance(getattr(actor, "id", None), int):  # an account (or the proxy current_user is)
        return actor.id, ActorKind.ACCOUNT
    raise TypeError(f"an audit actor is an account, COMMAND_LINE, SYSTEM or VISITOR, not {actor!r}")


def record(
    actor: Actor, action: str, subject_type: str, subject_id: int | None, subject_label: str, **data: Any
) -> AuditEvent:
    """Append an event in the current transaction (it commits or rolls back with the action).

    `actor` is the account that acted, or COMMAND_LINE, SYSTEM or VISITOR. The subject is named
    by its row id (None when it has no row), plus a readable label (an email, a code, a name) kept
    as it was then; neither depends on how long the subject's own values are. `data` holds the
    details the action's sentence uses (wording.py): plain JSON values, codes rather than labels.
    """
    actor_id, kind = _actor(actor)
    event = AuditEvent(
        actor_id=actor_id,
        actor_kind=kind.value,
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        subject_label=subject_label,
        at=utcnow(),
        data=data,
    )
    db.session.add(event)
    return event


def record_many(actor: Actor, action: str, subject_type: str, subjects: list[tuple[int, str, dict]]) -> int:
    """Append one event per (subject id, label, data) in the current transaction, in bulk (no ORM objects).

    For work on thousands of rows at once (a CSV import); the events read as `record()` writes them.
    """
    at = utcnow()
    actor_id, kind = _actor(actor)
    rows = [
        {"actor_id": actor_id, "actor_kind": kind.value, "action": action, "subject_type": subject_type,
         "subject_id": subject_id, "subject_label": label, "at": at, "data": data}
        for subject_id, label, data in subjects
    ]  # fmt: skip
    for start in range(0, len(rows), BULK_ROWS):
        db.session.execute(insert(AuditEvent.__table__), rows[start : start + BULK_ROWS])
    return len(rows)
