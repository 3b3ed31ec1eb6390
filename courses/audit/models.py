"""The audit log."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from courses.database import UTCDateTime, utcnow
from courses.extensions import db

if TYPE_CHECKING:  # accounts record events (logins, invitations): the log does not import them back
    from courses.auth.models import User


class ActorKind(StrEnum):
    """Who acted: an account (`actor_id` says which), or one of the actors that have none."""

    ACCOUNT = "account"
    COMMAND_LINE = "command_line"  # someone at the server's command line (`flask …`)
    SYSTEM = "system"  # the platform itself (a certificate issued on completion)
    VISITOR = "visitor"  # someone not logged in (a failed login)


class AuditEvent(db.Model):
    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))  # set for an account
    actor_kind: Mapped[str] = mapped_column(String(20), default=ActorKind.ACCOUNT, server_default="account")
    action: Mapped[str] = mapped_column(String(60))
    subject_type: Mapped[str] = mapped_column(String(40))  # user, certificate, cohort, enrollment, course
    # The subject row's id; None when there is no row (a failed login with an unknown address) or
    # for an event recorded before ids were, whose row is gone.
    subject_id: Mapped[int | None] = mapped_column()
    # How the subject read when the event happened (an email, a certificate code, a session name):
    # the log stays readable after the row changes. Text: it holds whatever the row held.
    subject_label: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    actor: Mapped[User | None] = relationship("User")

    __table_args__ = (
        Index("ix_audit_event_subject", "subject_type", "subject_id"),
        Index("ix_audit_event_action_at", "action", "at"),
    )
