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
    region: Mapped[str | None] = mapped_column(String(40))  # auth.territory.REGIONS code; None: not given
    capacity: Mapped[int | None] = mapped_column(Integer)
    # The share of the session's days (percent) a learner must attend to get the certificate; None: no rule.
    min_attendance: Mapped[int | None] = mapped_column(Integer)
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


# What became of an uploaded file (csv_import.status).
CHECKED, WAITING, RUNNING, DONE, FAILED = "checked", "waiting", "running", "done", "failed"
IMPORT_STATUSES = (CHECKED, WAITING, RUNNING, DONE, FAILED)


class CsvImport(db.Model):
    """An uploaded file between preview and confirmation, then the import's progress and outcome.

    Kept in the database: servers are stateless, and a large import runs in a worker. `checked`:
    previewed, waiting for confirmation; `waiting`: confirmed, queued for a worker; `running`;
    `done` (with its counts); `failed` (with the reason; nothing was imported, it can be confirmed again).
    """

    __tablename__ = "csv_import"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id"), index=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    filename: Mapped[str] = mapped_column(String(255))
    content: Mapped[str] = mapped_column(Text)
    # The rows as the upload checked them (csv_import.Plan.stored): the confirmation settles them again
    # against the database without checking every address a second time. NULL for files stored before.
    checked_rows: Mapped[list | None] = mapped_column(JSON)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # set by the claim (NULL: claimable)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # the plan's counts and digest
    status: Mapped[str] = mapped_column(String(20), default=CHECKED, server_default=CHECKED)
    total_rows: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_count: Mapped[int | None] = mapped_column(Integer)
    enrolled_count: Mapped[int | None] = mapped_column(Integer)
    unchanged_count: Mapped[int | None] = mapped_column(Integer)
    failure: Mapped[str | None] = mapped_column(String(40))  # why it failed: a code the pages word
    # The accounts the import created, to invite once it commits (`to_invite` of them); `invited` are queued so far.
    invite_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    to_invite: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    invited: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    cohort: Mapped[Cohort] = relationship()

    __table_args__ = (CheckConstraint(f"status IN {IMPORT_STATUSES!r}", name="status"),)


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


EXPORT_STATUSES = (WAITING, RUNNING, DONE, FAILED, "expired")


class ExportJob(db.Model):
    """A file a worker prepares for the one who asked (the certificates of a course as a ZIP).

    The file is written to the export folder (`instance/exports/` by default) and removed a day
    after it is ready (`expired`); only the person who asked, or an admin, downloads it.
    """

    __tablename__ = "export_job"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"))
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohort.id"))
    since: Mapped[date | None] = mapped_column(Date)
    download_name: Mapped[str] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(20), default=WAITING)
    total: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    failure: Mapped[str | None] = mapped_column(String(40))
    base_url: Mapped[str | None] = mapped_column(String(255))  # links in the certificates (see urls.links_from)

    course: Mapped[Course] = relationship()

    __table_args__ = (CheckConstraint(f"status IN {EXPORT_STATUSES!r}", name="status"),)
