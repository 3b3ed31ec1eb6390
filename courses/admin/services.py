"""Account administration and audit-log queries."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import get_timezone
from sqlalchemy import Select, func, not_, or_, select
from sqlalchemy.orm import contains_eager

from courses.audit import wording
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
    family: str = ""  # a key of wording.FAMILIES, ALL_FAMILIES, or "": every family but the hidden ones
    actor: str = ""  # part of the actor's email or name
    since: date | None = None
    until: date | None = None


ALL_FAMILIES = "all"


def _family_condition(family: str):
    if family == ALL_FAMILIES:
        return None
    if family in wording.FAMILIES:
        return AuditEvent.action.startswith(wording.FAMILIES[family][1], autoescape=True)
    hidden = (
        AuditEvent.action.startswith(wording.FAMILIES[name][1], autoescape=True) for name in wording.HIDDEN_BY_DEFAULT
    )
    return not_(or_(*hidden))


def _start_of(day: date) -> datetime:
    """Midnight of `day` where the site is (BABEL_DEFAULT_TIMEZONE): days as the log page shows them."""
    return get_timezone().localize(datetime.combine(day, time.min))


def _audit_query(filters: AuditFilter) -> Select:
    statement = (
        select(AuditEvent)
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .options(contains_eager(AuditEvent.actor))  # the sentences name the actor: no query per row
    )
    condition = _family_condition(filters.family)
    if condition is not None:
        statement = statement.where(condition)
    if filters.actor:
        text = filters.actor.strip()
        statement = statement.where(
            or_(
                User.email.contains(fold(text), autoescape=True),  # addresses are stored folded
                func.lower(User.full_name).contains(text.lower(), autoescape=True),
                User.full_name_ar.contains(text, autoescape=True),
            )
        )
    if filters.since:
        statement = statement.where(AuditEvent.at >= _start_of(filters.since))
    if filters.until:
        statement = statement.where(AuditEvent.at < _start_of(filters.until + timedelta(days=1)))
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


AUDIT_HEADER = [
    "at", "actor", "action", "subject_type", "subject_id", "subject", "data", "actor_kind", "description",
]  # fmt: skip


def audit_rows(filters: AuditFilter):
    """Every matching event as a CSV row, oldest first, read in batches: the machine columns, then
    the sentence in the current locale (plain text)."""
    statement = _audit_query(filters).order_by(AuditEvent.at, AuditEvent.id).execution_options(yield_per=500)
    for event in db.session.scalars(statement):
        yield [
            event.at.isoformat(), event.actor.email if event.actor else "", event.action,
            event.subject_type, event.subject_id, event.subject_label,
            json.dumps(event.data, ensure_ascii=False), event.actor_kind, wording.describe(event, markup=False),
        ]  # fmt: skip
