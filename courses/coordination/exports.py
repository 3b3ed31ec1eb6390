"""Exports of the report tables: the learners of a course or session, read in batches.

The table is written for the person exporting: headers in their interface language, labels
instead of codes (region, type of organisation, states), dates as date values in their time
zone, and two columns (state, best score) for each module that counts for completion.
Writing it (CSV with a BOM for Excel, XLSX with date cells) is `courses.tabular`'s job;
certificates in bulk are `courses.certificates.batch`'s.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import to_user_timezone
from sqlalchemy import select

from courses import hooks
from courses.auth.labels import organisation_type_name, region_name
from courses.auth.models import User
from courses.coordination import roster
from courses.coordination.models import Cohort
from courses.coordination.reports import Scope, live_modules
from courses.extensions import db
from courses.learning.counted import counted_modules
from courses.learning.models import Enrollment, ModuleProgress

BATCH = 500


@dataclass(frozen=True)
class LearnerTable:
    header: list[str]
    rows: Iterator[list]


@dataclass(frozen=True)
class _Column:
    """A counted module's place in the table: its number in the course and its id."""

    number: int
    module_id: int


def learner_table(scope: Scope) -> LearnerTable:
    """The learners of the course or session: the header now (translated), the rows as they are read.

    Features add columns through `coordination.export_columns` (the exercises' states and points).
    """
    modules = live_modules(scope)
    counted = {module.id for module in counted_modules(modules)}
    columns = [_Column(number, m.id) for number, m in enumerate(modules, start=1) if m.id in counted]
    extra = [part for part in hooks.call("coordination.export_columns", scope) if part is not None]
    header = _header(columns) + [title for titles, _cells in extra for title in titles]
    return LearnerTable(header, _rows(scope, columns, _labels(), extra))


def _header(columns: Sequence[_Column]) -> list[str]:
    header = [
        _("Full name"), _("Full name in Arabic script"), _("Email"), _("Organisation"), _("Type of organisation"),
        _("Region"), _("Function"), _("Session"), _("Account activated"), _("State"),
        _("Modules completed (of %(total)d)", total=len(columns)), _("Enrolled on"), _("Completed on"),
        _("Last activity"),
    ]  # fmt: skip
    for column in columns:
        header += [
            _("Module %(number)d — state", number=column.number),
            _("Module %(number)d — score", number=column.number),
        ]
    return header


def _labels() -> dict[str, str]:
    """Every fixed text of the rows, translated once (not once per cell)."""
    return {
        "yes": _("Yes"), "no": _("No"), "completed": _("Completed"), "in_progress": _("In progress"),
        "not_started": _("Not started"),
    }  # fmt: skip


def _rows(scope: Scope, columns: Sequence[_Column], labels: dict[str, str], extra: Sequence = ()) -> Iterator[list]:
    """One row per enrollment, read BATCH at a time: one query for the learners, one per batch for progress."""
    values = (
        Enrollment.id, User.full_name, User.full_name_ar, User.email, User.organisation, User.organisation_type,
        User.region, User.job_title, Cohort.name, roster.state_column(), Enrollment.enrolled_at,
        Enrollment.completed_at, roster.last_activity_column(),
    )  # fmt: skip
    statement = (
        select(*values)
        .join(User, User.id == Enrollment.user_id)
        .outerjoin(Cohort, Cohort.id == Enrollment.cohort_id)
        .order_by(User.full_name, Enrollment.id)
        .execution_options(yield_per=BATCH)
    )
    module_ids = [column.module_id for column in columns]
    for batch in db.session.execute(scope.filter(statement)).partitions():
        enrollment_ids = [row[0] for row in batch]
        progress = _progress(enrollment_ids, module_ids)
        more = [(len(titles), cells(enrollment_ids)) for titles, cells in extra]
        for enrollment_id, *person, cohort, state, enrolled_at, completed_at, activity in batch:
            modules = progress.get(enrollment_id, {})
            done = sum(1 for completed, _score in modules.values() if completed)
            yield [
                *_person(*person), cohort or "", labels["no" if state == roster.INVITED else "yes"],
                roster.state_label(state, done, len(columns)), done, local_date(enrolled_at),
                local_date(completed_at), _local(activity), *_module_cells(modules, columns, labels),
                *(cell for width, found in more for cell in found.get(enrollment_id, [""] * width)),
            ]  # fmt: skip


def _person(full_name, full_name_ar, email, organisation, organisation_type, region, job_title) -> list:
    return [
        full_name, full_name_ar or "", email, organisation,
        organisation_type_name(organisation_type) if organisation_type else "",
        region_name(region) if region else "", job_title,
    ]  # fmt: skip


def _progress(enrollment_ids: list[int], module_ids: list[int]) -> dict[int, dict[int, tuple[bool, int | None]]]:
    """For each enrollment of the batch: counted module id -> (completed, best score)."""
    rows = db.session.execute(
        select(
            ModuleProgress.enrollment_id, ModuleProgress.module_id, ModuleProgress.completed_at,
            ModuleProgress.best_score,
        ).where(ModuleProgress.enrollment_id.in_(enrollment_ids), ModuleProgress.module_id.in_(module_ids))
    )  # fmt: skip
    found: dict[int, dict[int, tuple[bool, int | None]]] = {}
    for enrollment_id, module_id, completed_at, best_score in rows:
        found.setdefault(enrollment_id, {})[module_id] = (completed_at is not None, best_score)
    return found


def _module_cells(modules: dict[int, tuple[bool, int | None]], columns: Sequence[_Column], labels) -> list:
    cells: list = []
    for column in columns:
        completed, score = modules.get(column.module_id, (None, None))
        state = "not_started" if completed is None else "completed" if completed else "in_progress"
        cells += [labels[state], score]
    return cells


def _local(moment: datetime | None) -> datetime | None:
    """The time in the exporter's time zone (aware: CSV writes its offset, XLSX its wall-clock time)."""
    return to_user_timezone(moment) if moment is not None else None


def local_date(moment: datetime | None) -> date | None:
    return to_user_timezone(moment).date() if moment is not None else None
