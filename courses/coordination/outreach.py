"""Writing to a session's learners again: resend one invitation, remind many.

Who is who (per enrollment in the session, deactivated accounts left out):
- *not activated*: the account has no password yet (it was invited and never used its link);
- *not started*: the account is activated, but no module of the course was opened
  (no `module_progress` row for the enrollment).

Every sending is a `ReminderBatch` row inserted with the key of the form that asked for it
(ON CONFLICT DO NOTHING on a unique column): the same form submitted twice, or two clicks at
once, insert one row, and only the request that inserted it sends. Reminders to many are written
by a task (`send_reminders`), so the request answers at once; the task claims its batch with a
conditional UPDATE, so a task run twice sends once. Services take the actor explicitly and leave
the commit to the caller.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, func, select, update

from courses.audit.services import record
from courses.auth.models import User
from courses.coordination import notifications
from courses.coordination.models import INVITATION, NOT_ACTIVATED, NOT_STARTED, Cohort, ReminderBatch
from courses.database import insert_ignoring_conflicts, utcnow
from courses.extensions import db
from courses.learning.models import Enrollment, ModuleProgress
from courses.service_errors import ServiceError
from courses.tasks import task
from courses.urls import links_from

REMINDERS = (NOT_ACTIVATED, NOT_STARTED)
PANEL_LIMIT = 200  # learners listed with a "resend" button on the session's page


class OutreachError(ServiceError):
    """Resending or reminding was refused: `not_in_session`, `activated`, `inactive`, `nobody`."""


def _in_state(statement: Select, cohort: Cohort, kind: str) -> Select:
    statement = statement.join(User, User.id == Enrollment.user_id).where(
        Enrollment.cohort_id == cohort.id, User.is_active
    )
    if kind == NOT_ACTIVATED:
        return statement.where(User.password_hash.is_(None))
    started = select(ModuleProgress.id).where(ModuleProgress.enrollment_id == Enrollment.id).exists()
    return statement.where(User.password_hash.is_not(None), ~started)


def recipients(cohort: Cohort, kind: str, user_ids: list[int] | None = None) -> list[User]:
    """The learners of `cohort` in state `kind` (NOT_ACTIVATED or NOT_STARTED), by name;
    only among `user_ids` when given (a batch re-checks its recipients when it sends)."""
    statement = _in_state(select(User).select_from(Enrollment), cohort, kind).order_by(User.full_name, User.id)
    if user_ids is not None:
        statement = statement.where(User.id.in_(user_ids))
    return list(db.session.scalars(statement))


def count(cohort: Cohort, kind: str) -> int:
    return db.session.scalar(_in_state(select(func.count()).select_from(Enrollment), cohort, kind))


@dataclass(frozen=True)
class Overview:
    """What the session's page shows: how many to remind, and who has not activated (with when invited)."""

    not_activated: int
    not_started: int
    waiting: list[tuple[User, Enrollment]]  # not activated, at most PANEL_LIMIT


def overview(cohort: Cohort) -> Overview:
    """Three queries, whatever the size of the session."""
    waiting = db.session.execute(
        _in_state(select(User, Enrollment).select_from(Enrollment), cohort, NOT_ACTIVATED)
        .order_by(User.full_name, User.id)
        .limit(PANEL_LIMIT)
    ).all()
    return Overview(count(cohort, NOT_ACTIVATED), count(cohort, NOT_STARTED), [tuple(row) for row in waiting])


def _claim(cohort: Cohort, kind: str, key: str, actor: User | None, user_ids: list[int]) -> ReminderBatch | None:
    """Insert the batch for this form submission; None when the same submission already did."""
    values = {"cohort_id": cohort.id, "kind": kind, "request_key": f"{kind}:{key}", "recipient_ids": user_ids}
    if actor is not None:
        values["sent_by_id"] = actor.id
    if not insert_ignoring_conflicts(db.session, ReminderBatch, values):
        return None
    return db.session.scalar(select(ReminderBatch).where(ReminderBatch.request_key == values["request_key"]))


def resend_invitation(cohort: Cohort, user: User, actor: User | None, key: str) -> bool:
    """Send `user` the session's invitation again, with a new activation link (14 days from now).

    False when this form submission was already handled (nothing sent twice). Raises
    OutreachError when `user` is not in the session, has activated their account or is deactivated.
    """
    enrolled = db.session.scalar(
        select(Enrollment.id).where(Enrollment.cohort_id == cohort.id, Enrollment.user_id == user.id)
    )
    if enrolled is None:
        raise OutreachError("not_in_session")
    if not user.is_active:
        raise OutreachError("inactive")
    if user.password_hash is not None:
        raise OutreachError("activated")
    batch = _claim(cohort, INVITATION, f"{user.id}:{key}", actor, [user.id])
    if batch is None:
        return False
    batch.started_at = utcnow()
    notifications.send_invitation(user, cohort, actor)
    record(
        actor, "cohort.resend_invitation", "cohort", cohort.id, subject_label=cohort.name, user=user.email, recipients=1
    )
    return True


def start_reminders(cohort: Cohort, kind: str, actor: User | None, key: str) -> ReminderBatch | None:
    """Record a reminder to everyone of `cohort` in state `kind` now; the caller commits, then
    queues `send_reminders(batch.id)`. None when this form submission was already handled;
    OutreachError("nobody") when nobody is in that state."""
    if kind not in REMINDERS:
        raise ValueError(kind)
    user_ids = [user.id for user in recipients(cohort, kind)]
    if not user_ids:
        raise OutreachError("nobody")
    batch = _claim(cohort, kind, key, actor, user_ids)
    if batch is not None:
        record(
            actor, "cohort.remind", "cohort", cohort.id, subject_label=cohort.name,
            kind=kind, recipients=len(user_ids), batch=batch.id,
        )  # fmt: skip
    return batch


@task()
def send_reminders(batch_id: int, base_url: str | None = None) -> int:
    """Queue the reminder of a batch for each recipient still in its state, in their language.

    Returns how many were queued (0 when the batch was already sent by another run).
    """
    claimed = db.session.execute(
        update(ReminderBatch)
        .where(ReminderBatch.id == batch_id, ReminderBatch.started_at.is_(None))
        .values(started_at=utcnow())
    ).rowcount
    if not claimed:
        db.session.rollback()
        return 0
    batch = db.session.get(ReminderBatch, batch_id)
    cohort = db.session.get(Cohort, batch.cohort_id)
    sender = db.session.get(User, batch.sent_by_id) if batch.sent_by_id else None
    people = recipients(cohort, batch.kind, batch.recipient_ids)  # who activated or started meanwhile is left out
    with links_from(base_url):
        for user in people:
            notifications.send_reminder(user, cohort, batch.kind, sender)
    db.session.commit()
    return len(people)
