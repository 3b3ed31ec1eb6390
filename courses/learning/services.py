"""Enrollment, progress, quizzes and completion. Plain functions: the web, the CLI and tests call them.

Every write that could race (a double click, two tabs, twenty requests at once) is settled by
the database: inserts ignore unique-constraint conflicts and "set once" columns are written with
`UPDATE … WHERE column IS NULL`, whose row count says who won.

Locks are taken in one order everywhere: the enrollment row first (`lock_enrollment`), then its
`module_progress` rows. Every path that writes progress or completion starts with that lock, so
the writers of one enrollment queue behind each other instead of deadlocking on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, case, exists, func, or_, select, update

from courses import hooks
from courses.auth.models import User
from courses.catalog.models import Course, Module, Question
from courses.database import insert_ignoring_conflicts, utcnow
from courses.extensions import db
from courses.learning.counted import counted_condition, counted_modules, counted_totals
from courses.learning.models import Enrollment, ModuleProgress, QuizAnswer, QuizAttempt
from courses.service_errors import ServiceError

NOT_STARTED, IN_PROGRESS, COMPLETED = "not_started", "in_progress", "completed"
ENROLLED = "enrolled"  # a course's state for a learner who has not opened any of its modules yet


class LearningError(ServiceError):
    """A rule about enrollment, progress or quizzes refused the action."""


def get_enrollment(user: User, course: Course) -> Enrollment | None:
    return db.session.scalar(select(Enrollment).where(Enrollment.user_id == user.id, Enrollment.course_id == course.id))


def enroll(user: User, course: Course, source: str = "self", now: datetime | None = None) -> Enrollment:
    """The user's enrollment in the course, created if needed (one per user and course)."""
    if not course.is_public:
        raise LearningError("course_closed")
    values = {"user_id": user.id, "course_id": course.id, "source": source, "enrolled_at": now or utcnow()}
    insert_ignoring_conflicts(db.session, Enrollment, values)
    return get_enrollment(user, course)


def lock_enrollment(enrollment: Enrollment) -> None:
    """Lock the enrollment row for this transaction and read it afresh; call it before any progress write.

    Inserting an attempt or a progress row takes a share lock on the enrollment (its foreign
    key); completion then asks for the row lock. Two submissions that each held the share lock
    and waited for the other's progress row deadlocked on PostgreSQL. Taking the row lock first
    makes concurrent writers of one enrollment wait their turn. (SQLite serialises writers and
    has no FOR UPDATE; the statement is then a plain read.)
    """
    db.session.execute(
        select(Enrollment)
        .where(Enrollment.id == enrollment.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


VIEW_RESOLUTION = timedelta(minutes=10)  # re-reading a module within this window writes nothing


def record_view(
    enrollment: Enrollment, module: Module, now: datetime | None = None, last_viewed_at: datetime | None = None
) -> None:
    """Remember the first and last time this module was opened, and where to resume.

    `last_viewed_at` (when the caller already read the progress row) lets a re-read within a
    few minutes skip the database write entirely: reading is the hot path, writing is not needed.
    """
    now = now or utcnow()
    moves = enrollment.last_module_id != module.id
    stale = last_viewed_at is None or now - last_viewed_at >= VIEW_RESOLUTION
    if not (moves or stale):
        return
    lock_enrollment(enrollment)
    if moves:
        enrollment.last_module_id = module.id
    if not stale:
        return
    if last_viewed_at is None:
        _ensure_progress(enrollment, module, now)
    db.session.execute(
        update(ModuleProgress)
        .where(ModuleProgress.enrollment_id == enrollment.id, ModuleProgress.module_id == module.id)
        .values(last_viewed_at=now)
    )


def _ensure_progress(enrollment: Enrollment, module: Module, now: datetime) -> None:
    values = {
        "enrollment_id": enrollment.id, "module_id": module.id, "first_viewed_at": now, "last_viewed_at": now,
    }  # fmt: skip
    insert_ignoring_conflicts(db.session, ModuleProgress, values)


def complete_module(enrollment: Enrollment, module: Module, now: datetime | None = None) -> bool:
    """Mark a module without quiz or exercise as done; True if this call completed it."""
    if module.course_id != enrollment.course_id or module.archived_at is not None:
        raise LearningError("wrong_module")
    if any(q.archived_at is None for q in module.questions):
        raise LearningError("quiz_required")
    if module.exercise is not None:
        raise LearningError("exercise_required")
    lock_enrollment(enrollment)
    return _complete(enrollment, module, now or utcnow())


def complete_if_met(enrollment: Enrollment, module: Module, now: datetime | None = None) -> bool:
    """Complete the module if all it asks is done: its quiz passed (when it has one) and whatever the
    `learning.module_requirements` providers add (a written exercise passed). True if this call completed it.

    Called when one of them is done (a quiz passed, an exercise passed), in that transaction.
    """
    lock_enrollment(enrollment)
    if module.active_questions and not quiz_passed(enrollment, module):
        return False
    if not _requirements_met(enrollment, module):
        return False
    return _complete(enrollment, module, now or utcnow())


def quiz_passed(enrollment: Enrollment, module: Module) -> bool:
    """Whether one of the enrollment's attempts at the module's quiz reached the pass mark."""
    passed = select(QuizAttempt.id).where(
        QuizAttempt.enrollment_id == enrollment.id, QuizAttempt.module_id == module.id, QuizAttempt.is_passed
    )
    return db.session.scalar(passed.limit(1)) is not None


def _requirements_met(enrollment: Enrollment, module: Module) -> bool:
    return all(hooks.call("learning.module_requirements", enrollment, module))


def _complete(enrollment: Enrollment, module: Module, now: datetime) -> bool:
    _ensure_progress(enrollment, module, now)
    result = db.session.execute(
        update(ModuleProgress)
        .where(
            ModuleProgress.enrollment_id == enrollment.id,
            ModuleProgress.module_id == module.id,
            ModuleProgress.completed_at.is_(None),
        )
        .values(completed_at=now)
    )
    newly = result.rowcount == 1
    if newly:
        update_completion(enrollment, now)
    return newly


@dataclass(frozen=True)
class QuestionResult:
    question: Question
    chosen: tuple[int, ...]
    is_correct: bool


def grade(questions: Sequence[Question], answers: Mapping[int, Sequence[int]]) -> list[QuestionResult]:
    """Compare answers (question id -> chosen choice indexes) with the right ones; refuse bad input."""
    if set(answers) != {q.id for q in questions}:
        raise LearningError("invalid_answers")
    results = []
    for question in questions:
        chosen = tuple(sorted(set(answers[question.id])))
        if not chosen or any(not 0 <= index < len(question.choices) for index in chosen):
            raise LearningError("invalid_answers")
        if not question.is_multiple and len(chosen) != 1:
            raise LearningError("invalid_answers")
        results.append(QuestionResult(question, chosen, list(chosen) == sorted(question.answers)))
    return results


def submit_quiz(
    enrollment: Enrollment, module: Module, answers: Mapping[int, Sequence[int]], now: datetime | None = None
) -> QuizAttempt:
    """Grade and store an attempt; the best score counts and a pass completes the module."""
    if module.course_id != enrollment.course_id or module.archived_at is not None:
        raise LearningError("wrong_module")
    questions = module.active_questions
    if not questions:
        raise LearningError("no_quiz")
    now = now or utcnow()
    results = grade(questions, answers)
    lock_enrollment(enrollment)
    score = round(100 * sum(r.is_correct for r in results) / len(results))
    pass_mark = enrollment.course.pass_mark
    attempt = QuizAttempt(
        enrollment_id=enrollment.id, module_id=module.id, submitted_at=now, score=score,
        pass_mark=pass_mark, is_passed=score >= pass_mark,
    )  # fmt: skip
    attempt.answers = [
        QuizAnswer(question_id=r.question.id, chosen=list(r.chosen), is_correct=r.is_correct) for r in results
    ]
    db.session.add(attempt)
    _ensure_progress(enrollment, module, now)
    db.session.execute(
        update(ModuleProgress)
        .where(ModuleProgress.enrollment_id == enrollment.id, ModuleProgress.module_id == module.id)
        .values(
            best_score=case(
                (ModuleProgress.best_score.is_(None), score),
                (ModuleProgress.best_score < score, score),
                else_=ModuleProgress.best_score,
            )
        )
    )
    if attempt.is_passed and _requirements_met(enrollment, module):
        _complete(enrollment, module, now)
    db.session.flush()
    return attempt


@dataclass(frozen=True)
class Feedback:
    """What an attempt's page shows: which questions were wrong, their explanations, the right choices."""

    verdicts: bool
    explanations: bool
    answers: bool


def attempt_feedback(quiz_feedback: str, module_passed: bool) -> Feedback:
    """The course's `quiz_feedback` policy applied to a learner who has (or not) passed the module.

    The right choices are the quiz: shown to a learner still trying, they would let the next
    attempt be copied rather than learnt. Once the module is passed, everything is shown.
    """
    if module_passed or quiz_feedback == "answers":
        return Feedback(verdicts=True, explanations=True, answers=True)
    if quiz_feedback == "score":
        return Feedback(verdicts=False, explanations=False, answers=False)
    return Feedback(verdicts=True, explanations=True, answers=False)


def is_module_completed(enrollment: Enrollment, module: Module) -> bool:
    return (
        db.session.scalar(
            select(ModuleProgress.id).where(
                ModuleProgress.enrollment_id == enrollment.id,
                ModuleProgress.module_id == module.id,
                ModuleProgress.completed_at.is_not(None),
            )
        )
        is not None
    )


def update_completion(enrollment: Enrollment, now: datetime | None = None) -> bool:
    """Complete the enrollment if every counted module is done; True if this call completed it.

    The first completion calls the `learning.course_completed` providers (certificates), in
    this transaction: a rollback takes their work back too.
    """
    if enrollment.completed_at is not None:
        return False
    # Two last modules completed at once: the second transaction counts after the first commits.
    # Callers that wrote progress hold this lock already (taken first); the others take it here.
    lock_enrollment(enrollment)
    if enrollment.completed_at is not None:
        return False
    missing = db.session.scalar(
        select(func.count(Module.id))
        .outerjoin(
            ModuleProgress,
            and_(
                ModuleProgress.module_id == Module.id,
                ModuleProgress.enrollment_id == enrollment.id,
                ModuleProgress.completed_at.is_not(None),
            ),
        )
        .where(counted_condition(enrollment.course_id), ModuleProgress.id.is_(None))
    )
    if missing:
        return False
    now = now or utcnow()
    result = db.session.execute(
        update(Enrollment)
        .where(Enrollment.id == enrollment.id, Enrollment.completed_at.is_(None))
        .values(completed_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.refresh(enrollment)
        return False
    enrollment.completed_at = now
    db.session.flush()
    hooks.call("learning.course_completed", enrollment)
    return True


@dataclass(frozen=True)
class CourseProgress:
    """Where a learner stands in a course."""

    states: dict[int, str]  # module id -> NOT_STARTED | IN_PROGRESS | COMPLETED
    best_scores: dict[int, int]
    last_viewed: dict[int, datetime]
    counted: int  # modules that count for completion
    done: int  # of those, completed
    missing: list[Module]  # counted modules still to complete, in order

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.counted) if self.counted else 0


def resume_point(enrollment: Enrollment, progress: CourseProgress) -> Module | None:
    """Where "Continue" leads on the course page (see `_continue_at`)."""
    last = enrollment.last_module if enrollment.last_module and not enrollment.last_module.archived_at else None
    return _continue_at(last, progress.missing, last is not None and progress.states.get(last.id) != COMPLETED)


def _continue_at(last, missing: Sequence, last_unfinished: bool):
    """The module last opened while it is unfinished; else the first module still to complete after
    it (then before it); None when nothing is left. `missing` are the counted modules not completed,
    in order (modules or rows with `id`, `position`, `slug`)."""
    if last is not None and last_unfinished:
        return last
    after = [m for m in missing if last is None or m.position > last.position]
    return (after or list(missing) or [None])[0]


def course_progress(enrollment: Enrollment, modules: Sequence[Module]) -> CourseProgress:
    """Per-module state for the given live modules of the enrollment's course (one query)."""
    rows = db.session.execute(
        select(
            ModuleProgress.module_id,
            ModuleProgress.completed_at,
            ModuleProgress.best_score,
            ModuleProgress.last_viewed_at,
        ).where(ModuleProgress.enrollment_id == enrollment.id)
    ).all()
    completed = {row.module_id for row in rows if row.completed_at is not None}
    states = {m.id: NOT_STARTED for m in modules}
    for row in rows:
        if row.module_id in states:
            states[row.module_id] = COMPLETED if row.completed_at is not None else IN_PROGRESS
    counted = counted_modules(modules)
    return CourseProgress(
        states=states,
        best_scores={row.module_id: row.best_score for row in rows if row.best_score is not None},
        last_viewed={row.module_id: row.last_viewed_at for row in rows},
        counted=len(counted),
        done=sum(1 for m in counted if m.id in completed),
        missing=[m for m in counted if m.id not in completed],
    )


def recheck_completion(enrollment: Enrollment, progress: CourseProgress) -> bool:
    """Complete an enrollment whose counted modules are all done but which is not marked complete.

    Content changes can shrink what counts (a required module archived or made optional);
    nothing else would then complete the learner, so the pages that show progress call this.
    """
    if enrollment.completed_at is None and progress.counted and not progress.missing:
        return update_completion(enrollment)
    return False


def attempts_for(enrollment: Enrollment, module: Module) -> list[QuizAttempt]:
    return list(
        db.session.scalars(
            select(QuizAttempt)
            .where(QuizAttempt.enrollment_id == enrollment.id, QuizAttempt.module_id == module.id)
            .order_by(QuizAttempt.submitted_at.desc(), QuizAttempt.id.desc())
        )
    )


@dataclass(frozen=True)
class DashboardEntry:
    enrollment: Enrollment
    course: Course
    counted: int
    done: int
    resume: Module | None

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.counted) if self.counted else 0


def dashboard(user: User) -> list[DashboardEntry]:
    """The user's enrollments with progress, in a fixed number of queries."""
    rows = db.session.execute(
        select(Enrollment, Course, Module)
        .join(Course, Course.id == Enrollment.course_id)
        .outerjoin(Module, and_(Module.id == Enrollment.last_module_id, Module.archived_at.is_(None)))
        .where(Enrollment.user_id == user.id)
        .order_by(Enrollment.enrolled_at.desc())
    ).all()
    if not rows:
        return []
    totals = counted_totals([course.id for _, course, _ in rows])
    missing = _missing_modules(user)
    entries = []
    for enrollment, course, last in rows:
        left = missing.get(enrollment.id, [])
        unfinished = last is not None and any(row.id == last.id for row in left)
        entries.append(
            DashboardEntry(
                enrollment, course, totals.get(course.id, 0), totals.get(course.id, 0) - len(left),
                _continue_at(last, left, unfinished),
            )
        )  # fmt: skip
    return entries


def recheck_completions(entries: Sequence[DashboardEntry]) -> list[Enrollment]:
    """Complete the dashboard's enrollments whose counted modules are all done but are not complete.

    Rare (a content change shrank what counts, as for `recheck_completion`): it reads nothing
    more than the entries `dashboard` returned, so a dashboard with nothing to complete costs
    no query. Returns the enrollments this call completed; the caller commits.
    """
    stuck = [e.enrollment for e in entries if e.counted and e.done >= e.counted and e.enrollment.completed_at is None]
    return [enrollment for enrollment in stuck if update_completion(enrollment)]


def _missing_modules(user: User) -> dict[int, list]:
    """By enrollment of `user`: the counted modules not completed yet, in order (id, position, slug; one query)."""
    completed = exists().where(
        ModuleProgress.enrollment_id == Enrollment.id,
        ModuleProgress.module_id == Module.id,
        ModuleProgress.completed_at.is_not(None),
    )
    rows = db.session.execute(
        select(Enrollment.id.label("enrollment_id"), Module.id, Module.position, Module.slug)
        .join(Module, counted_condition(Enrollment.course_id))
        .where(Enrollment.user_id == user.id, ~completed)
        .order_by(Module.position)
    ).all()
    missing: dict[int, list] = {}
    for row in rows:
        missing.setdefault(row.enrollment_id, []).append(row)
    return missing


def course_states(user: User) -> dict[str, str]:
    """Provides `catalog.course_states`: where the user stands in each course they are enrolled in (one query).

    ENROLLED until a module is opened, then IN_PROGRESS, then COMPLETED.
    """
    rows = db.session.execute(
        select(Course.slug, Enrollment.completed_at, Enrollment.last_module_id)
        .join(Course, Course.id == Enrollment.course_id)
        .where(Enrollment.user_id == user.id)
    ).all()
    return {
        row.slug: COMPLETED if row.completed_at else IN_PROGRESS if row.last_module_id else ENROLLED for row in rows
    }


NEXT_COURSES = 3


def next_courses(user: User, course: Course, limit: int = NEXT_COURSES) -> list[Course]:
    """What to take after `course`: other published courses in its language that the user is not
    enrolled in (one query). Its translations are left out: the same course in another language
    is not a next step (the course page links them for whoever wants them)."""
    original = course.translation_of or course.slug
    # coalesce: NOT (… OR NULL = …) would be NULL, and drop every course that is no translation
    is_translation = or_(Course.slug == original, func.coalesce(Course.translation_of, "") == original)
    enrolled = exists().where(Enrollment.course_id == Course.id, Enrollment.user_id == user.id)
    return list(
        db.session.scalars(
            select(Course)
            .where(
                Course.status == "published",
                Course.archived_at.is_(None),
                Course.id != course.id,
                ~enrolled,
                ~is_translation,
                Course.language == course.language,
            )
            .order_by(Course.title)
            .limit(limit)
        )
    )
