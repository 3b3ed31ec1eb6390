"""A session's days: when and where its people meet."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from courses.auth.models import User
from courses.coordination.models import Cohort
from courses.database import UTCDateTime, utcnow
from courses.extensions import db


class SessionDay(db.Model):
    """One meeting of a session. Times are stored in UTC and shown where the session happens
    (`BABEL_DEFAULT_TIMEZONE`, Africa/Casablanca); an empty `place` means online (`link`, if any)."""

    __tablename__ = "session_day"
    __table_args__ = (
        UniqueConstraint("cohort_id", "starts_at"),  # two days of a session never start together
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    place: Mapped[str] = mapped_column(String(200), default="")
    link: Mapped[str] = mapped_column(String(500), default="")
    topic: Mapped[str] = mapped_column(String(200), default="")
    trainer_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    cohort: Mapped[Cohort] = relationship()
    trainer: Mapped[User | None] = relationship()

    @property
    def is_online(self) -> bool:
        return not self.place


class ModuleDeadline(db.Model):
    """A module the session's learners are to finish by a date (included, where the session happens),
    e.g. before its second day. A deadline belongs to the session; the module's row outlives content
    changes (archived, never deleted), so a deadline survives a sync."""

    __tablename__ = "module_deadline"
    __table_args__ = (UniqueConstraint("cohort_id", "module_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"), index=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("module.id", ondelete="CASCADE"))
    due_on: Mapped[date] = mapped_column(Date)


ATTENDANCE_STATES = ("present", "late", "excused", "absent")
CAME = ("present", "late")  # the states that count as having come


class Attendance(db.Model):
    """Whether a learner of the session came on one of its days; one row a learner and day, corrected
    in place (each saving is audited)."""

    __tablename__ = "session_attendance"
    __table_args__ = (
        UniqueConstraint("day_id", "user_id"),
        CheckConstraint(f"status IN {ATTENDANCE_STATES!r}", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    day_id: Mapped[int] = mapped_column(ForeignKey("session_day.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    status: Mapped[str] = mapped_column(String(10))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CalendarFeed(db.Model):
    """A person's calendar subscription address: an unguessable token that names them to the feed
    route without a login (phone calendars cannot log in). Renewing replaces it, and the old
    address stops working at once."""

    __tablename__ = "calendar_feed"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReminderSent(db.Model):
    """A reminder sent to one person (`flask notifications send-due`): the unique key makes a second
    run find it and send nothing twice. `key` names what it was about (a day, an idle spell)."""

    __tablename__ = "reminder_sent"
    __table_args__ = (UniqueConstraint("kind", "user_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(100))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class NudgeOptOut(db.Model):
    """A person who asked for no more nudges ("you have not been active for a week"); a session's
    logistics (the day before a meeting) are still sent."""

    __tablename__ = "nudge_opt_out"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
