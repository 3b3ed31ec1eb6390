"""Account administration and audit-log queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import joinedload

from courses.audit.models import AuditEvent
from courses.audit.services import record
from courses.auth import services as accounts
from courses.auth.emails import fold
from courses.auth.models import User
from courses.extensions import db

PAGE_SIZE = 50


def find_users(text: str = "", role: str = "", page: int = 1) -> tuple[list[User], int]:
    """A page of accounts matching a search and a role, and the total."""
    statement = select(User)
    if text:
        pattern = f"%{text.strip().lower()}%"
        statement = statement.where(
            or_(
                User.email.like(f"%{fold(text)}%"),  # addresses are stored folded
                func.lower(User.full_name).like(pattern),
                User.full_name_ar.like(f"%{text.strip()}%"),
            )
        )
    if role:
        statement = statement.where(User.role == role)
    total = db.session.scalar(select(func.count()).select_from(statement.subquery()))
    users = db.session.scalars(
        statement.order_by(User.full_name).limit(PAGE_SIZE).offset((max(page, 1) - 1) * PAGE_SIZE)
    )
    return list(users), total


def change_role(user: User, role: str, actor: User) -> None:
    if user.id == actor.id:
        raise accounts.AccountError("self")  # an admin cannot lock themself out
    old = user.role
    accounts.set_role(user, role)
    record(actor, "user.role", "user", user.id, user.email, old=old, new=role)


def set_active(user: User, active: bool, actor: User) -> None:
    if user.id == actor.id:
        raise accounts.AccountError("self")
    user.is_active = active
    record(actor, "user.activate" if active else "user.deactivate", "user", user.id, user.email)


@dataclass(frozen=True)
class AuditFilter:
    action: str = ""
    actor: str = ""
    since: date | None = None
    until: date | None = None


def _audit_query(filters: AuditFilter) -> Select:
    statement = select(AuditEvent).outerjoin(User, User.id == AuditEvent.actor_id)
    if filters.action:
        statement = statement.where(AuditEvent.action.like(f"{filters.action}%"))
    if filters.actor:
        statement = statement.where(User.email.like(f"%{fold(filters.actor)}%"))
    if filters.since:
        statement = statement.where(AuditEvent.at >= datetime.combine(filters.since, time.min, tzinfo=UTC))
    if filters.until:
        statement = statement.where(
            AuditEvent.at < datetime.combine(filters.until + timedelta(days=1), time.min, tzinfo=UTC)
        )
    return statement


def audit_page(filters: AuditFilter, page: int = 1) -> tuple[list[AuditEvent], int]:
    statement = _audit_query(filters)
    total = db.session.scalar(select(func.count()).select_from(statement.subquery()))
    events = db.session.scalars(
        statement.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(PAGE_SIZE)
        .offset((max(page, 1) - 1) * PAGE_SIZE)
    )
    return list(events), total


def audit_rows(filters: AuditFilter):
    """Every matching event as a row, oldest first, read in batches (for CSV export)."""
    statement = (
        _audit_query(filters)
        .options(joinedload(AuditEvent.actor))
        .order_by(AuditEvent.at, AuditEvent.id)
        .execution_options(yield_per=500)
    )
    for event in db.session.scalars(statement):
        yield [
            event.at.isoformat(), event.actor.email if event.actor else "", event.action,
            event.subject_type, event.subject_id, event.subject_label, event.data,
        ]  # fmt: skip


def actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)))
