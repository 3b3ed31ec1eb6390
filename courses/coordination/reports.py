"""Completion reports for a course or a cohort, computed in SQL.

The number of queries is fixed whatever the number of learners: totals, breakdowns, item
analysis, counts by state and completions over time are GROUP BY queries; the per-learner
table reads one page, with each learner's state and last activity (`roster`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Select, case, func, select

from courses.auth.emails import fold
from courses.auth.models import User
from courses.catalog import services as catalog
from courses.catalog.models import Course, Module, Question
from courses.coordination import roster
from courses.coordination.models import Cohort
from courses.database import seconds_between, utc_day
from courses.extensions import db
from courses.learning.counted import counted_modules
from courses.learning.models import Enrollment, ModuleProgress, QuizAnswer, QuizAttempt

PAGE_SIZE = 50
SORTS = {
    "name": User.full_name,
    "email": User.email,
    "enrolled": Enrollment.enrolled_at,
    "completed": Enrollment.completed_at,
    "organisation": User.organisation,
    "region": User.region,
}


@dataclass(frozen=True)
class Scope:
    """A course, or one cohort of it."""

    course: Course
    cohort: Cohort | None = None

    def filter(self, statement: Select) -> Select:
        statement = statement.where(Enrollment.course_id == self.course.id)
        if self.cohort is not None:
            statement = statement.where(Enrollment.cohort_id == self.cohort.id)
        return statement


@dataclass(frozen=True)
class Breakdown:
    key: str | None
    enrolled: int
    completed: int

    @property
    def rate(self) -> float:
        return self.completed / self.enrolled if self.enrolled else 0.0


@dataclass
class Summary:
    enrolled: int = 0
    activated: int = 0
    started: int = 0
    completed: int = 0
    median_days: float | None = None
    by_organisation_type: list[Breakdown] = field(default_factory=list)
    by_region: list[Breakdown] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.completed / self.enrolled if self.enrolled else 0.0


def live_modules(scope: Scope) -> list[Module]:
    """The course's live (not archived) modules in order, without their text: the columns of the
    learner tables and exports."""
    return catalog.live_modules(scope.course, with_questions=False)


def summary(scope: Scope) -> tuple[Summary, roster.StateCounts]:
    """Enrolled, started, completed, completion rate, median days to complete, breakdowns; and the
    learners' state counts the page's filters show (two queries).

    One grouped scan gives the states and the breakdowns by type of organisation and by region: a
    learner has started when in progress or complete.
    """
    states = scope.filter(
        select(roster.state_column().label("state"), User.organisation_type, User.region).join(
            User, User.id == Enrollment.user_id
        )
    ).subquery()
    rows = db.session.execute(
        select(states.c.state, states.c.organisation_type, states.c.region, func.count()).group_by(
            states.c.state, states.c.organisation_type, states.c.region
        )
    ).all()
    by_state: dict[str, int] = {}
    by_type: dict = {}
    by_region: dict = {}
    for state, kind, region, count in rows:
        by_state[state] = by_state.get(state, 0) + count
        done = count if state == roster.COMPLETED else 0
        for totals, key in ((by_type, kind), (by_region, region)):
            before = totals.get(key, (0, 0))
            totals[key] = (before[0] + count, before[1] + done)
    counts = roster.StateCounts(by_state)
    result = Summary(
        enrolled=counts.enrolled, activated=counts.activated,
        started=counts[roster.IN_PROGRESS] + counts[roster.COMPLETED], completed=counts.completed,
        by_organisation_type=_ordered(by_type), by_region=_ordered(by_region),
    )  # fmt: skip
    result.median_days = _median_days(scope, counts.completed)
    return result, counts


def _median_days(scope: Scope, completed: int) -> float | None:
    """The median number of days from enrolling to completing, over the `completed` learners of
    `scope`: the middle one or two durations, sorted by the database (thousands of timestamps
    were read into Python for it)."""
    if not completed:
        return None
    days = (seconds_between(Enrollment.completed_at, Enrollment.enrolled_at) / 86400).label("days")
    middle = db.session.scalars(
        scope.filter(select(days).where(Enrollment.completed_at.is_not(None)))
        .order_by(days)
        .offset((completed - 1) // 2)
        .limit(2 - completed % 2)
    ).all()
    return sum(middle) / len(middle) if middle else None


def _ordered(totals: dict) -> list[Breakdown]:
    """Breakdowns from {key: (enrolled, completed)}, the largest first."""
    items = sorted(totals.items(), key=lambda item: (-item[1][0], item[0] is None, str(item[0])))
    return [Breakdown(key, enrolled, completed) for key, (enrolled, completed) in items]


@dataclass(frozen=True)
class LearnerRow:
    enrollment: Enrollment
    user: User
    states: dict[int, str]  # module id -> state
    best_scores: dict[int, int]
    state: str = roster.NOT_STARTED  # the learner's (see `roster`)
    last_activity: datetime | None = None
    done: int = 0  # counted modules completed
    counted: int = 0  # modules that count for completion

    @property
    def state_label(self) -> str:
        return roster.state_label(self.state, self.done, self.counted)

    def cells(self, modules: list[Module]) -> list[tuple[str, int | None]]:
        """Each module's state and best score, in the order of `modules` (the table's columns)."""
        return [(self.states.get(m.id, roster.NOT_STARTED), self.best_scores.get(m.id)) for m in modules]


@dataclass(frozen=True)
class LearnerPage:
    rows: list[LearnerRow]
    modules: list[Module]
    total: int
    page: int
    pages: int


def _order(sort: str, descending: bool):
    if sort == "activity":  # who has been idle longest first; never active (NULL) before them
        activity = roster.last_activity_column()
        return activity.desc().nulls_last() if descending else activity.asc().nulls_first()
    order = SORTS.get(sort, User.full_name)
    return order.desc() if descending else order


def learners(
    scope: Scope,
    page: int = 1,
    sort: str = "name",
    descending: bool = False,
    status: str = "",
    query: str = "",
    counts: roster.StateCounts | None = None,
) -> LearnerPage:
    """One page of learners with their state, last activity and each module's state; sortable and filterable.

    `status` is one of `roster.STATES` (anything else: every learner). With the scope's `counts`
    (`state_counts`) and no search, the total is read from them instead of counted again.
    """
    statement = scope.filter(select(Enrollment, User).join(User, User.id == Enrollment.user_id))
    if status in roster.STATES:
        statement = statement.where(roster.state_column() == status)
    if query:
        pattern = f"%{query.strip().lower()}%"
        statement = statement.where(
            func.lower(User.full_name).like(pattern)
            | User.email.like(f"%{fold(query)}%")
            | func.lower(User.organisation).like(pattern)
        )
    if counts is not None and not query:
        total = counts[status] if status in roster.STATES else counts.enrolled
    else:
        total = db.session.scalar(select(func.count()).select_from(statement.subquery()))
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    order = (_order(sort, descending), Enrollment.id)
    if sort != "activity":  # find the page's learners first: states and activities for them only
        window = statement.with_only_columns(Enrollment.id).order_by(*order)
        ids = db.session.scalars(window.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
        statement = statement.where(Enrollment.id.in_(ids))
    else:
        statement = statement.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    statement = statement.add_columns(roster.state_column(), roster.last_activity_column()).order_by(*order)
    rows = db.session.execute(statement).all()
    modules = live_modules(scope)
    counted = {module.id for module in counted_modules(modules)}
    columns = (ModuleProgress.enrollment_id, ModuleProgress.module_id, ModuleProgress.completed_at)
    progress = db.session.execute(
        select(*columns, ModuleProgress.best_score).where(ModuleProgress.enrollment_id.in_([row[0].id for row in rows]))
    ).all()
    states: dict[int, dict[int, str]] = {}
    scores: dict[int, dict[int, int]] = {}
    done: dict[int, int] = {}
    for enrollment_id, module_id, completed_at, best in progress:
        states.setdefault(enrollment_id, {})[module_id] = "completed" if completed_at else "in_progress"
        if best is not None:
            scores.setdefault(enrollment_id, {})[module_id] = best
        if completed_at and module_id in counted:
            done[enrollment_id] = done.get(enrollment_id, 0) + 1
    return LearnerPage(
        rows=[
            LearnerRow(
                e, u, states.get(e.id, {}), scores.get(e.id, {}), state, activity, done.get(e.id, 0), len(counted)
            )
            for e, u, state, activity in rows
        ],
        modules=modules,
        total=total,
        page=page,
        pages=pages,
    )


def state_counts(scope: Scope) -> roster.StateCounts:
    """How many learners of the course or session are in each state (one query)."""
    states = scope.filter(
        select(roster.state_column().label("state")).join(User, User.id == Enrollment.user_id)
    ).subquery()
    rows = db.session.execute(select(states.c.state, func.count()).group_by(states.c.state)).all()
    return roster.StateCounts(dict(rows))


def state_counts_by_cohort(cohort_ids: list[int]) -> dict[int, roster.StateCounts]:
    """The same for several sessions at once (one query, whatever their number); every id gets an entry."""
    found: dict[int, dict[str, int]] = {cohort_id: {} for cohort_id in cohort_ids}
    if cohort_ids:
        states = (
            select(Enrollment.cohort_id, roster.state_column().label("state"))
            .join(User, User.id == Enrollment.user_id)
            .where(Enrollment.cohort_id.in_(cohort_ids))
            .subquery()
        )
        rows = db.session.execute(
            select(states.c.cohort_id, states.c.state, func.count()).group_by(states.c.cohort_id, states.c.state)
        ).all()
        for cohort_id, state, count in rows:
            found[cohort_id][state] = count
    return {cohort_id: roster.StateCounts(counts) for cohort_id, counts in found.items()}


@dataclass(frozen=True)
class ItemStat:
    module_title: str
    prompt: str
    answers: int
    wrong: int

    @property
    def wrong_share(self) -> float:
        return self.wrong / self.answers if self.answers else 0.0


def item_analysis(scope: Scope) -> list[ItemStat]:
    """For every quiz question: how many answers, how many wrong (trainers see what to explain better)."""
    wrong = func.sum(case((QuizAnswer.is_correct, 0), else_=1))
    # Aggregate the answers first (by the indexed question id), then fetch the few questions:
    # grouping on whole question rows over 100,000 answers was the report's slowest part.
    counts = (
        select(QuizAnswer.question_id, func.count().label("answers"), wrong.label("wrong"))
        .join(Question, Question.id == QuizAnswer.question_id)
        .join(Module, Module.id == Question.module_id)
        .where(Module.course_id == scope.course.id)
        .group_by(QuizAnswer.question_id)
    )
    if scope.cohort is not None:
        counts = (
            counts.join(QuizAttempt, QuizAttempt.id == QuizAnswer.attempt_id)
            .join(Enrollment, Enrollment.id == QuizAttempt.enrollment_id)
            .where(Enrollment.cohort_id == scope.cohort.id)
        )
    counts = counts.subquery()
    rows = db.session.execute(
        select(Module.title, Question.prompt, counts.c.answers, counts.c.wrong)
        .join(counts, counts.c.question_id == Question.id)
        .join(Module, Module.id == Question.module_id)
        .order_by(Module.position, Question.position)
    ).all()  # the titles and prompts only: whole rows read each module's text once per question
    return [ItemStat(title, prompt, answers, wrong or 0) for title, prompt, answers, wrong in rows]


def completions_by_week(scope: Scope, weeks: int = 12, today: date | None = None) -> list[tuple[date, int]]:
    """Completions per week over the last `weeks` weeks (for the progress-over-time chart)."""
    today = today or date.today()
    start = today - timedelta(days=today.weekday() + 7 * (weeks - 1))
    day = utc_day(Enrollment.completed_at).label("day")
    per_day = db.session.execute(
        scope.filter(select(day, func.count()).where(Enrollment.completed_at >= _midnight(start))).group_by(day)
    ).all()  # at most 7 × `weeks` rows, put in weeks here
    buckets = {start + timedelta(weeks=i): 0 for i in range(weeks)}
    for completed_on, count in per_day:
        week = completed_on - timedelta(days=completed_on.weekday())
        if week in buckets:
            buckets[week] += count
    return sorted(buckets.items())


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)
