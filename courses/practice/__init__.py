"""Written exercises reviewed by trainers: what Moodle calls an assignment, Open edX an open response.

A module's front matter may declare an `exercise:` (`material/exercise.py` reads it, the sync
stores it on the module). Learners write under the module, save drafts and hand in; the course's
trainers review from a queue with the rubric, a comment and a decision; passing completes the
module through learning's completion rule (`learning.module_requirements`). Its own package:
it builds on learning, catalog and coordination, and they reach it only through the hooks.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask_babel import format_timedelta, get_locale
from flask_babel import gettext as _
from flask_login import current_user

from courses import hooks
from courses.coordination.exports import local_date
from courses.practice import services
from courses.practice.labels import DECISION_NAMES, STATE_NAMES
from courses.practice.views import bp, exercise_context


def _has_exercises(course) -> bool:
    return any(module.exercise is not None and module.archived_at is None for module in course.modules)


def report_figures(scope) -> dict:
    """Provides `coordination.report_context`: submissions waiting for a review, and the time reviews take."""
    if not _has_exercises(scope.course):
        return {}
    cohort_id = scope.cohort.id if scope.cohort else None
    return {
        "exercise_figures": services.figures(scope.course.id, cohort_id), "exercise_cohort": scope.cohort,
        "may_review_exercises": services.may_review(current_user, scope.course),
    }  # fmt: skip


def cohort_figures(cohort) -> dict:
    """Provides `coordination.cohort_context`: the same figures for one session."""
    if not _has_exercises(cohort.course):
        return {}
    return {
        "exercise_figures": services.figures(cohort.course_id, cohort.id), "exercise_cohort": cohort,
        "may_review_exercises": services.may_review(current_user, cohort.course),
    }  # fmt: skip


def export_columns(scope):
    """Provides `coordination.export_columns`: each exercise's state, date handed in and points."""
    live = sorted((m for m in scope.course.modules if m.archived_at is None), key=lambda m: m.position)
    numbered = [(number, m) for number, m in enumerate(live, start=1) if m.exercise is not None]
    if not numbered:
        return None
    modules = [module for _number, module in numbered]
    header = []
    for number, module in numbered:  # numbered as the export's module columns are
        exercise = services.exercise_of(module)
        header += [
            _("Module %(number)d — exercise", number=number), _("Module %(number)d — handed in", number=number),
            _("Module %(number)d — exercise points (of %(total)d)", number=number, total=exercise.max_points),
        ]  # fmt: skip
    names = {state: str(name) for state, name in STATE_NAMES.items()}

    def cells(enrollment_ids) -> dict[int, list]:
        found = services.export_cells(enrollment_ids)
        rows = {}
        for enrollment_id, by_module in found.items():
            row: list = []
            for module in modules:
                cell = by_module.get(module.id)
                if cell is None:
                    row += ["", None, None]
                    continue
                row += [names[cell.status], local_date(cell.submitted_at), cell.points]  # a number: sums, sorts
            rows[enrollment_id] = row
        return rows

    return header, cells


def review_delay(seconds: float) -> str:
    """How long reviews take, as people say it ("3 hours", "2 days"), in the reader's language."""
    return format_timedelta(timedelta(seconds=seconds), threshold=1.5)


# A number of each plural category (CLDR, as the browser's Intl.PluralRules names them) of the
# interface languages: the word counter's labels are rendered once per category, then filled in.
PLURAL_SAMPLES = {
    "fr": {"one": 1, "many": 1_000_000, "other": 2},
    "ar": {"zero": 0, "one": 1, "two": 2, "few": 3, "many": 11, "other": 100},
    "en": {"one": 1, "other": 2},
}


def plural_samples() -> dict[str, int]:
    return PLURAL_SAMPLES.get(str(get_locale()), PLURAL_SAMPLES["en"])


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.add_template_global(STATE_NAMES, "exercise_states")
    app.add_template_global(DECISION_NAMES, "review_decisions")
    app.add_template_global(review_delay)
    app.add_template_global(plural_samples)
    hooks.register(app, "catalog.page_context", exercise_context)
    hooks.register(app, "catalog.module_panel", "practice/_exercise.html")
    hooks.register(app, "learning.module_requirements", services.exercise_done)
    hooks.register(app, "coordination.report_context", report_figures)
    hooks.register(app, "coordination.report_panel", "practice/_figures.html")
    hooks.register(app, "coordination.cohort_context", cohort_figures)
    hooks.register(app, "coordination.cohort_panel", "practice/_figures.html")
    hooks.register(app, "coordination.export_columns", export_columns)
