"""Written exercises: one submission per learner and module, and the trainers' reviews of it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from courses.auth.models import User
from courses.catalog.models import Module
from courses.database import UTCDateTime, utcnow
from courses.extensions import db
from courses.learning.models import Enrollment

DRAFT, SUBMITTED, PASSED, REVISE, NOT_PASSED = "draft", "submitted", "passed", "revise", "not_passed"
STATES = (DRAFT, SUBMITTED, PASSED, REVISE, NOT_PASSED)
DECISIONS = (PASSED, REVISE, NOT_PASSED)  # what a review decides; NOT_PASSED only when no resubmission
WRITABLE = (DRAFT, REVISE)  # the learner may edit and hand in the text in these states


class Submission(db.Model):
    """A learner's text for a module's exercise: a draft, handed in, then reviewed (passed or to revise).

    One row per enrollment and module, written in place; each handing-in's text is kept by its review.
    """

    __tablename__ = "exercise_submission"
    __table_args__ = (
        UniqueConstraint("enrollment_id", "module_id"),
        CheckConstraint(f"status IN {STATES!r}", name="status"),
        Index("ix_exercise_submission_module_status", "module_id", "status", "submitted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollment.id"), index=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("module.id"))
    text: Mapped[str] = mapped_column(Text, default="")
    words: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(12), default=DRAFT)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the last handing-in
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the last review
    handed_in: Mapped[int] = mapped_column(Integer, default=0)  # how many times it was handed in

    enrollment: Mapped[Enrollment] = relationship()
    module: Mapped[Module] = relationship()
    reviews: Mapped[list[Review]] = relationship(back_populates="submission", order_by="Review.id")

    @property
    def is_writable(self) -> bool:
        return self.status in WRITABLE


class Review(db.Model):
    """A trainer's review of one handing-in: the text as it was, the rubric's scores, a comment, a decision."""

    __tablename__ = "exercise_review"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("exercise_submission.id"), index=True)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decision: Mapped[str] = mapped_column(String(12))
    comment: Mapped[str] = mapped_column(Text, default="")
    # One entry per criterion, copied from the rubric as it was: name, level label, points, max points.
    scores: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    points: Mapped[int | None] = mapped_column(Integer)
    max_points: Mapped[int | None] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)  # what was reviewed
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime)  # when that text was handed in
    reviewed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    submission: Mapped[Submission] = relationship(back_populates="reviews")
    reviewer: Mapped[User | None] = relationship()

    __table_args__ = (CheckConstraint(f"decision IN {DECISIONS!r}", name="decision"),)
