"""Recording audit events (reading them is the admin's audit log page; wording them is wording.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeAlias

from courses.audit.models import ActorKind, AuditEvent
from courses.database import utcnow
from courses.extensions import db

if TYPE_CHECKING:  # accounts record events (logins, invitations): the log does not import them back
    from courses.auth.models import User

# Who acted, when it was not an account. Callers say so explicitly: there is no "None" actor.
COMMAND_LINE = ActorKind.COMMAND_LINE
SYSTEM = ActorKind.SYSTEM
VISITOR = ActorKind.VISITOR

Actor: TypeAlias = "User | ActorKind"  # the type of `actor` in record() and the services that pass it on


def record(
    actor: Actor, action: str, subject_type: str, subject_id: int | None, subject_label: str, **data: Any
) -> AuditEvent:
    """Append an event in the current transaction (it commits or rolls back with the action).

    `actor` is the account that acted, or COMMAND_LINE, SYSTEM or VISITOR. The subject is named
    by its row id (None when it has no row), plus a readable label (an email, a code, a name) kept
    as it was then; neither depends on how long the subject's own values are. `data` holds the
    details the action's sentence uses (wording.py): plain JSON values, codes rather than labels.
    """
    if isinstance(actor, ActorKind):
        if actor is ActorKind.ACCOUNT:
            raise TypeError("pass the account itself, not ActorKind.ACCOUNT")
        actor_id, kind = None, actor
    elif isinstance(getattr(actor, "id", None), int):  # an account (or the proxy current_user is)
        actor_id, kind = actor.id, ActorKind.ACCOUNT
    else:
        raise TypeError(f"an audit actor is an account, COMMAND_LINE, SYSTEM or VISITOR, not {actor!r}")
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
