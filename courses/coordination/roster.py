"""Where each learner of a course or session stands: one state, and the time of their last activity.

Both are SQL expressions over `Enrollment` joined with `User` (correlated subqueries on indexed
columns), so a page filters, sorts and counts with them in the query that reads its learners,
and an export reads them with its rows: nothing is looked up learner by learner.

The states, in the order a learner goes through them:

- `invited` — the account has no password yet (imported or signed up, the link not used);
- `not_started` — activated, no module opened;
- `in_progress` — a module opened, the course not complete (pages add "n/m": counted modules
  completed, by the rule of `courses.learning.counted`);
- `completed` — `Enrollment.completed_at` is set (it is never cleared).

The last activity is the latest of the learner's module views and module completions, quiz
attempts and course completion; with none of them, the account's last login, which activation
records (setting the password from the invitation logs the person in), so an activated learner
who opened nothing shows when they activated (or came back).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from flask_babel import gettext, lazy_gettext
from sqlalchemy import ColumnElement, case, func, select

from courses.auth.models import User
from courses.database import greatest
from courses.learning.models import Enrollment, ModuleProgress, QuizAttempt

INVITED, NOT_STARTED, IN_PROGRESS, COMPLETED = "invited", "not_started", "in_progress", "completed"
STATES = (INVITED, NOT_STARTED, IN_PROGRESS, COMPLETED)

#: A state's name alone (filters); `state_label` adds the modules done to "in progress".
STATE_NAMES = {
    INVITED: lazy_gettext("Invited — not activated"),
    NOT_STARTED: lazy_gettext("Activated — not started"),
    IN_PROGRESS: lazy_gettext("In progress"),
    COMPLETED: lazy_gettext("Completed"),
}


def state_column() -> ColumnElement[str]:
    """The learner's state (one of STATES), for a statement over `Enrollment` joined with `User`."""
    started = select(ModuleProgress.id).where(ModuleProgress.enrollment_id == Enrollment.id).exists()
    return case(
        (Enrollment.completed_at.is_not(None), COMPLETED),
        (User.password_hash.is_(None), INVITED),
        (started, IN_PROGRESS),
        else_=NOT_STARTED,
    )


def last_activity_column() -> ColumnElement:
    """When the learner last did something in the course (see the module's docstring); NULL if never."""
    progress = (
        select(func.max(greatest(ModuleProgress.last_viewed_at, ModuleProgress.completed_at)))
        .where(ModuleProgress.enrollment_id == Enrollment.id)
        .scalar_subquery()
    )
    attempts = (
        select(func.max(QuizAttempt.submitted_at)).where(QuizAttempt.enrollment_id == Enrollment.id).scalar_subquery()
    )
    return func.coalesce(greatest(progress, attempts, Enrollment.completed_at), User.last_login_at)


def state_label(state: str, done: int = 0, counted: int = 0) -> str:
    """The state as the interface says it: "In progress (2/5)", "Invited — not activated"…"""
    if state == IN_PROGRESS:
        return gettext("In progress (%(done)d/%(total)d)", done=done, total=counted)
    return str(STATE_NAMES[state])


@dataclass(frozen=True)
class StateCounts:
    """How many learners are in each state, and the totals a session page shows."""

    by_state: Mapping[str, int] = field(default_factory=dict)

    def __getitem__(self, state: str) -> int:
        return self.by_state.get(state, 0)

    @property
    def enrolled(self) -> int:
        return sum(self.by_state.values())

    @property
    def activated(self) -> int:
        return self.enrolled - self[INVITED]

    @property
    def completed(self) -> int:
        return self[COMPLETED]
