"""Cohorts (training sessions) and CSV imports waiting for confirmation."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Column, Date, ForeignKey, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from courses.auth.models import User
from courses.catalog.models import Course
from courses.database import UTCDateTime, utcnow
from courses.extensions import db

cohort_trainer = Table(
    "cohort_trainer",
    db.metadata,
    Column("cohort_id", ForeignKey("cohort.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("user_account.id"), primary_key=True, index=True),
)


class Cohort(db.Model):
    __tablename__ = "cohort"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(200), default="")  # empty: online
    capacity: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    course: Mapped[Course] = relationship()
    trainers: Mapped[list[User]] = relationship(secondary=cohort_trainer, order_by="User.full_name")

    @property
    def is_online(self) -> bool:
        return not self.place

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class CsvImport(db.Model):
    """An uploaded file between preview and confirmation (kept in the database: servers are stateless)."""

    __tablename__ = "csv_import"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id"), index=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    filename: Mapped[str] = mapped_column(String(255))
    content: Mapped[str] = mapped_column(Text)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    cohort: Mapped[Cohort] = relationship()


# What a batch sends: one invitation sent again, or a reminder to those not activated / not started.
REMINDER_KINDS = ("invitation", "not_activated", "not_started")
INVITATION, NOT_ACTIVATED, NOT_STARTED = REMINDER_KINDS


class ReminderBatch(db.Model):
    """One sending of invitations or reminders to learners of a session (see `outreach.py`).

    `request_key` comes from the form that asked for it and is unique: the same form submitted
    twice (a double click, the back button) inserts one row, so the messages go once. `started_at`
    is set by a conditional UPDATE when the task starts sending: a task run twice sends once.
    """

    __tablename__ = "reminder_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    request_key: Mapped[str] = mapped_column(String(120), unique=True)
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    recipient_ids: Mapped[list[int]] = mapped_column(JSON, default=list)

    __table_args__ = (CheckConstraint(f"kind IN {REMINDER_KINDS!r}", name="kind"),)
