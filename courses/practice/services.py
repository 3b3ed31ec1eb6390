"""Written exercises: drafts, handing in, reviews, the trainers' queue and the figures reports show.

Plain functions that take the actor explicitly. Races are settled by the database: one
submission row per enrollment and module (insert ignoring conflicts), and every change of state
is a conditional UPDATE whose row count says who won (a double click hands in once; two trainers
reviewing at once record one review).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.orm import contains_eager, joinedload

from courses.audit.services import record
from courses.auth.models import User
from courses.catalog.models import Course, Module
from courses.coordination.models import Cohort
from courses.coordination.services import is_trainer_of
from courses.database import insert_ignoring_conflicts, seconds_between, utcnow
from courses.extensions import db
from courses.learning import services as learning
from courses.learning.models import Enrollment
from courses.material.exercise import Criterion, Level, count_words
from courses.practice.models import (
    DRAFT,
    NOT_PASSED,
    PASSED,
    REVISE,
    SUBMITTED,
    WRITABLE,
    Review,
    Submission,
)
from courses.practice.notifications import send_reviewed
from courses.service_errors import ServiceError

MAX_CHARACTERS = 60_000  # far above any word limit a trainer may set (5,000 words), far below a flood
QUEUE_PAGE = 25
QUEUE_STATES = (SUBMITTED, REVISE, PASSED, NOT_PASSED)  # drafts are the learner's own, never listed


class PracticeError(ServiceError):
    """A rule about exercises refused the action; `params` fill in its message."""

    def __init__(self, code: str, **params: object):
        super().__init__(code)
        self.params = params


@dataclass(frozen=True)
class Exercise:
    """A module's exercise as the sync stored it (`Module.exercise`): the rubric in the content's own
    classes, the instructions and model answer as the sanitised HTML they were rendered to."""

    instructions: str  # sanitised HTML
    min_words: int | None
    max_words: int | None
    rubric: tuple[Criterion, ...]
    pass_points: int | None
    model_answer: str | None  # sanitised HTML
    resubmit: bool

    @property
    def max_points(self) -> int:
        return sum(criterion.max_points for criterion in self.rubric)

    @property
    def decisions(self) -> tuple[str, ...]:
        """What a review may decide: to revise when a resubmission is allowed, else a final "not passed"."""
        return (PASSED, REVISE) if self.resubmit else (PASSED, NOT_PASSED)


# What a review reads when the file no longer declares the exercise: no rubric, a revision allowed.
WITHOUT_EXERCISE = Exercise("", None, None, (), None, None, True)


def exercise_of(module: Module) -> Exercise | None:
    stored = module.exercise
    if stored is None:
        return None
    rubric = tuple(
        Criterion(c["name"], tuple(Level(lv["label"], lv["points"], lv.get("description", "")) for lv in c["levels"]))
        for c in stored.get("rubric", [])
    )
    return Exercise(
        stored["instructions"], stored.get("min_words"), stored.get("max_words"), rubric, stored.get("pass_points"),
        stored.get("model_answer"), stored.get("resubmit", True),
    )  # fmt: skip


# --- Learners -----------------------------------------------------------------------------------


def submission_of(enrollment: Enrollment, module: Module) -> Submission | None:
    """The enrollment's submission for the module, with its reviews (one query)."""
    return db.session.scalar(
        select(Submission)
        .where(Submission.enrollment_id == enrollment.id, Submission.module_id == module.id)
        .options(joinedload(Submission.reviews))
    )


def _exercise_or_refuse(enrollment: Enrollment, module: Module) -> Exercise:
    exercise = exercise_of(module)
    if module.course_id != enrollment.course_id or module.archived_at is not None or exercise is None:
        raise PracticeError("no_exercise")
    return exercise


def save_draft(enrollment: Enrollment, module: Module, text: str, now: datetime | None = None) -> None:
    """Keep the learner's text as a draft; refused once it is handed in and not sent back for revision."""
    _exercise_or_refuse(enrollment, module)
    _write(enrollment, module, text, now or utcnow(), {})


def submit(enrollment: Enrollment, module: Module, text: str, now: datetime | None = None) -> None:
    """Hand the text in for review, within the exercise's word range.

    A course whose `exercise_completion` is "submitted" completes the module now. A refusal
    (too short, too long, empty) changes nothing: the caller keeps the text as a draft.
    """
    exercise = _exercise_or_refuse(enrollment, module)
    words = count_words(text)
    if not words:
        raise PracticeError("empty")
    if exercise.min_words is not None and words < exercise.min_words:
        raise PracticeError("too_short", words=words, minimum=exercise.min_words)
    if exercise.max_words is not None and words > exercise.max_words:
        raise PracticeError("too_long", words=words, maximum=exercise.max_words)
    now = now or utcnow()
    _write(
        enrollment, module, text, now,
        {"status": SUBMITTED, "submitted_at": now, "handed_in": Submission.handed_in + 1},
    )  # fmt: skip
    if enrollment.course.exercise_completion == "submitted":
        learning.complete_if_met(enrollment, module, now)


def _write(enrollment: Enrollment, module: Module, text: str, now: datetime, values: dict) -> None:
    if len(text) > MAX_CHARACTERS:
        raise PracticeError("too_many_characters", maximum=MAX_CHARACTERS)
    insert_ignoring_conflicts(
        db.session, Submission,
        {"enrollment_id": enrollment.id, "module_id": module.id, "status": DRAFT, "text": "", "created_at": now,
         "updated_at": now},
    )  # fmt: skip
    written = db.session.execute(
        update(Submission)
        .where(
            Submission.enrollment_id == enrollment.id,
            Submission.module_id == module.id,
            Submission.status.in_(WRITABLE),
        )
        .values(text=text, words=count_words(text), updated_at=now, **values)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not written:
        raise PracticeError("locked")


def exercise_done(enrollment: Enrollment, module: Module) -> bool:
    """Provides `learning.module_requirements`: a module's exercise is done when a trainer passed it,
    or, in a course whose `exercise_completion` is "submitted", once it was handed in."""
    if module.exercise is None:
        return True
    row = db.session.execute(
        select(Submission.status, Submission.submitted_at).where(
            Submission.enrollment_id == enrollment.id, Submission.module_id == module.id
        )
    ).first()
    if row is None:
        return False
    if row.status == PASSED:
        return True
    return enrollment.course.exercise_completion == "submitted" and row.submitted_at is not None


def model_answer_shown(exercise: Exercise, submission: Submission | None) -> bool:
    """The model answer waits until the learner can no longer rewrite their text after reading it."""
    return bool(exercise.model_answer) and submission is not None and submission.status in (PASSED, NOT_PASSED)


# --- Trainers -----------------------------------------------------------------------------------


def may_review(user: User, course: Course) -> bool:
    """Who reads and reviews a course's submissions: its own trainers, and admins."""
    return user.is_authenticated and (user.has_role("admin") or is_trainer_of(user, course))


def review(
    submission: Submission,
    reviewer: User,
    decision: str,
    levels: Sequence[int],
    comment: str,
    now: datetime | None = None,
) -> Review:
    """Record a trainer's review of a handed-in text: a level per rubric criterion, a comment, a decision.

    "passed" needs the rubric's pass points when the exercise sets them; asking for a revision
    (or, without resubmission, "not passed") needs a comment that says what to change. Passing
    completes the module when the rest of it is done. The learner is told, in their language.
    """
    module = submission.module
    course = module.course
    if not may_review(reviewer, course):
        raise PracticeError("forbidden")
    exercise = exercise_of(module) or WITHOUT_EXERCISE
    if decision not in exercise.decisions:
        raise PracticeError("bad_decision")
    scores = _scores(exercise, levels)
    points = sum(score["points"] for score in scores) if scores else None
    if decision == PASSED and exercise.pass_points is not None and (points or 0) < exercise.pass_points:
        raise PracticeError("below_pass_points", points=points or 0, needed=exercise.pass_points)
    comment = comment.strip()
    if decision != PASSED and not comment:
        raise PracticeError("comment_required")
    now = now or utcnow()
    taken = db.session.execute(
        update(Submission)
        .where(Submission.id == submission.id, Submission.status == SUBMITTED)
        .values(status=decision, reviewed_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not taken:
        raise PracticeError("already_reviewed")
    db.session.refresh(submission)
    result = Review(
        submission_id=submission.id, reviewer_id=reviewer.id, decision=decision, comment=comment, scores=scores,
        points=points, max_points=exercise.max_points if scores else None, text=submission.text,
        submitted_at=submission.submitted_at, reviewed_at=now,
    )  # fmt: skip
    submission.reviews.append(result)
    enrollment = submission.enrollment
    if decision == PASSED:
        learning.complete_if_met(enrollment, module, now)
    record(
        reviewer, "exercise.review", "exercise_submission", submission.id, enrollment.user.email,
        decision=decision, module=module.title, course_title=course.title, points=points,
        max_points=result.max_points,
    )  # fmt: skip
    send_reviewed(submission, result)
    db.session.flush()
    return result


def _scores(exercise: Exercise, levels: Sequence[int]) -> list[dict]:
    """The chosen level of each criterion, copied as they read now (the rubric may change later)."""
    if len(levels) != len(exercise.rubric):
        raise PracticeError("rubric_incomplete")
    scores = []
    for criterion, index in zip(exercise.rubric, levels, strict=True):
        if not 0 <= index < len(criterion.levels):
            raise PracticeError("rubric_incomplete")
        level = criterion.levels[index]
        scores.append(
            {"criterion": criterion.name, "level": level.label, "points": level.points, "max": criterion.max_points}
        )
    return scores


@dataclass(frozen=True)
class QueueRow:
    submission: Submission
    learner: User
    module: Module
    cohort: str | None


@dataclass(frozen=True)
class QueuePage:
    rows: list[QueueRow]
    counts: dict[str, int]  # by state, in the course (or session)
    page: int
    pages: int


def queue(course: Course, state: str = SUBMITTED, cohort: Cohort | None = None, page: int = 1) -> QueuePage:
    """A page of the course's (or session's) submissions in `state`, oldest handed in first (two queries)."""
    scope = _scope(course, cohort)
    counts = dict.fromkeys(QUEUE_STATES, 0)
    for status, count in db.session.execute(
        select(Submission.status, func.count()).join(Enrollment).where(scope).group_by(Submission.status)
    ):
        if status in counts:
            counts[status] = count
    total = counts.get(state, 0)
    pages = max(1, -(-total // QUEUE_PAGE))
    page = min(max(page, 1), pages)
    rows = db.session.execute(
        select(Submission, User, Module, Cohort.name)
        .join(Submission.enrollment)
        .join(User, User.id == Enrollment.user_id)
        .join(Module, Module.id == Submission.module_id)
        .outerjoin(Cohort, Cohort.id == Enrollment.cohort_id)
        .options(contains_eager(Submission.enrollment))
        .where(scope, Submission.status == state)
        .order_by(Submission.submitted_at, Submission.id)
        .offset((page - 1) * QUEUE_PAGE)
        .limit(QUEUE_PAGE)
    ).all()
    return QueuePage([QueueRow(*row) for row in rows], counts, page, pages)


def _scope(course: Course, cohort: Cohort | None) -> ColumnElement[bool]:
    condition = Enrollment.course_id == course.id
    if cohort is not None:
        condition = condition & (Enrollment.cohort_id == cohort.id)
    return condition


def for_review(submission_id: int) -> Submission | None:
    """A handed-in submission with its learner, module, course and reviews (drafts are nobody's business)."""
    submission = db.session.get(
        Submission, submission_id,
        options=[joinedload(Submission.enrollment).joinedload(Enrollment.user), joinedload(Submission.reviews),
                 joinedload(Submission.module).joinedload(Module.course)],
    )  # fmt: skip
    if submission is None or submission.handed_in == 0:
        return None
    return submission


def handed_in(course: Course, cohort: Cohort | None = None) -> list[tuple[Submission, User, Module]]:
    """Every handed-in submission of the course (or session), by learner and module (for the ZIP)."""
    return list(
        db.session.execute(
            select(Submission, User, Module)
            .join(Enrollment, Enrollment.id == Submission.enrollment_id)
            .join(User, User.id == Enrollment.user_id)
            .join(Module, Module.id == Submission.module_id)
            .where(_scope(course, cohort), Submission.handed_in > 0)
            .order_by(User.full_name, User.id, Module.position)
        ).tuples()
    )


# --- Figures ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    pending: int  # handed in, waiting for a review
    reviewed: int  # reviews recorded
    average_seconds: float | None  # from handing in to review, over those reviews


def figures(course_id: int, cohort_id: int | None = None) -> Figures:
    """What a report says about the exercises of a course or session (two queries)."""
    scope = Enrollment.course_id == course_id
    if cohort_id is not None:
        scope = scope & (Enrollment.cohort_id == cohort_id)
    pending = db.session.scalar(
        select(func.count()).select_from(Submission).join(Enrollment).where(scope, Submission.status == SUBMITTED)
    )
    reviewed, average = db.session.execute(
        select(func.count(Review.id), func.avg(seconds_between(Review.reviewed_at, Review.submitted_at)))
        .join(Submission, Submission.id == Review.submission_id)
        .join(Enrollment, Enrollment.id == Submission.enrollment_id)
        .where(scope)
    ).one()
    return Figures(pending or 0, reviewed or 0, float(average) if average is not None else None)


def pending_by_course(course_ids: Sequence[int]) -> dict[int, int]:
    """How many submissions wait for a review in each course (one query)."""
    if not course_ids:
        return {}
    rows = db.session.execute(
        select(Enrollment.course_id, func.count())
        .select_from(Submission)
        .join(Enrollment)
        .where(Enrollment.course_id.in_(course_ids), Submission.status == SUBMITTED)
        .group_by(Enrollment.course_id)
    )
    return {course_id: count for course_id, count in rows}


@dataclass(frozen=True)
class ExportCell:
    status: str
    submitted_at: datetime | None
    points: int | None


def export_cells(enrollment_ids: Sequence[int]) -> dict[int, dict[int, ExportCell]]:
    """For each enrollment: module id -> its submission's state, last handing-in and last review's
    points (one query; for the exports, texts left in the database)."""
    last_review = (
        select(func.max(Review.id)).where(Review.submission_id == Submission.id).correlate(Submission).scalar_subquery()
    )
    rows = db.session.execute(
        select(
            Submission.enrollment_id, Submission.module_id, Submission.status, Submission.submitted_at,
            Review.points,
        )
        .outerjoin(Review, Review.id == last_review)
        .where(Submission.enrollment_id.in_(enrollment_ids))
    )  # fmt: skip
    found: dict[int, dict[int, ExportCell]] = {}
    for enrollment_id, module_id, *cell in rows:
        found.setdefault(enrollment_id, {})[module_id] = ExportCell(*cell)
    return found
