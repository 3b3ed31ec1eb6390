"""Enrollments, module progress and quiz attempts: the records certificates will stand on.

Unique constraints are the last line against duplicates from double clicks, two tabs or
concurrent workers; services insert with ON CONFLICT DO NOTHING and update conditionally.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from courses.auth.models import User
from courses.catalog.models import Course, Module, Question
from courses.database import UTCDateTime, utcnow
from courses.extensions import db

if TYPE_CHECKING:  # the coordination feature builds on learning, not the other way round
    from courses.coordination.models import Cohort

SOURCES = ("self", "coordinator", "import")


class Enrollment(db.Model):
    __tablename__ = "enrollment"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), index=True)
    source: Mapped[str] = mapped_column(String(20), default="self")
    enrolled_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set once, when the last required module is completed; never moved or cleared afterwards.
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_module_id: Mapped[int | None] = mapped_column(ForeignKey("module.id"))
    # The training session (coordination feature) the learner follows the course in, if any.
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohort.id"), index=True)

    user: Mapped[User] = relationship()
    course: Mapped[Course] = relationship()
    last_module: Mapped[Module | None] = relationship()
    cohort: Mapped[Cohort | None] = relationship()

    __table_args__ = (
        UniqueConstraint("user_id", "course_id"),
        CheckConstraint(f"source IN {SOURCES!r}", name="source"),
        Index("ix_enrollment_course_completed", "course_id", "completed_at"),
    )


class ModuleProgress(db.Model):
    __tablename__ = "module_progress"

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollment.id"))
    module_id: Mapped[int] = mapped_column(ForeignKey("module.id"), index=True)
    first_viewed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_viewed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    best_score: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (UniqueConstraint("enrollment_id", "module_id"),)


class QuizAttempt(db.Model):
    __tablename__ = "quiz_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollment.id"))
    module_id: Mapped[int] = mapped_column(ForeignKey("module.id"))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    score: Mapped[int] = mapped_column(Integer)  # percent, 0-100
    pass_mark: Mapped[int] = mapped_column(Integer)  # as it was when the attempt was graded
    is_passed: Mapped[bool] = mapped_column(Boolean)

    answers: Mapped[list[QuizAnswer]] = relationship(back_populates="attempt", order_by="QuizAnswer.id")

    __table_args__ = (
        Index("ix_quiz_attempt_enrollment_module", "enrollment_id", "module_id"),
        CheckConstraint("score BETWEEN 0 AND 100", name="score"),
    )


class QuizAnswer(db.Model):
    """One question of one attempt: what was chosen and whether it was right (for item analysis)."""

    __tablename__ = "quiz_answer"

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("quiz_attempt.id"))
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id"))
    chosen: Mapped[list[int]] = mapped_column(JSON)
    is_correct: Mapped[bool] = mapped_column(Boolean)

    attempt: Mapped[QuizAttempt] = relationship(back_populates="answers")
    question: Mapped[Question] = relationship()

    __table_args__ = (
        UniqueConstraint("attempt_id", "question_id"),
        # Covers the report's item analysis (answers and wrong answers per question) without the rows.
        Index("ix_quiz_answer_question_correct", "question_id", "is_correct"),
    )
