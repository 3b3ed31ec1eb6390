"""Extension points: how one feature adds to another's pages and events without importing it.

Every point is declared here, by name, with what it receives and returns (docs/architecture.md
has the same list with who provides and who consumes each). A feature provides one with
`register(app, name, provider)` in its own `init_app(app)`; the feature that owns the point asks
the *current* application for its providers: `call(name, ...)` / `merged(name, ...)` for
functions, the `slot(name)` template global for template fragments, which the owner's page
includes where the slot is (`{% for fragment in slot(name) %}{% include fragment %}{% endfor %}`).

The registry lives on the application (`app.extensions["tadbir.hooks"]`), not in a module-level
list: two applications in one process (every test builds its own) never see each other's
providers, and registering the same provider twice on one application is refused.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app

EXTENSION = "tadbir.hooks"

FUNCTION, TEMPLATE = "function", "template"


@dataclass(frozen=True)
class Point:
    kind: str  # FUNCTION: providers are called; TEMPLATE: providers are template names
    signature: str


POINTS: dict[str, Point] = {
    "auth.profile_context": Point(FUNCTION, "(user) -> dict of template variables, for the account page"),
    "auth.profile_panel": Point(TEMPLATE, "account page, after the profile form"),
    "catalog.page_context": Point(FUNCTION, "(course, module | None, modules) -> dict of template variables"),
    "catalog.may_preview": Point(FUNCTION, "(user, course) -> bool: may read this course although not public"),
    "catalog.course_panel": Point(TEMPLATE, "course page, after the course's header and translations"),
    "catalog.syllabus_item": Point(TEMPLATE, "course page, start of each module's line (`module` is set)"),
    "catalog.module_panel": Point(TEMPLATE, "module page, after the module's text"),
    "catalog.preview_context": Point(
        FUNCTION, "(course, module | None) -> dict of template variables, for the course's trainers and admins only"
    ),
    "catalog.preview_panel": Point(
        TEMPLATE, "module page, after the module panel, for the course's trainers and admins only (`previewer`)"
    ),
    "learning.dashboard_context": Point(FUNCTION, "(user) -> dict of template variables"),
    "learning.completed_course": Point(TEMPLATE, "dashboard, in each completed course's item (`entry` is set)"),
    "learning.dashboard_panel": Point(TEMPLATE, "dashboard, after the profile prompt, before the courses"),
    "learning.course_completed": Point(FUNCTION, "(enrollment) -> None, inside the completing transaction"),
    "learning.module_requirements": Point(
        FUNCTION, "(enrollment, module) -> bool: whether what the provider adds to the module (an exercise) is done"
    ),
    "certificates.requirements": Point(
        FUNCTION, "(enrollment) -> bool: whether what the provider asks besides completion (attendance) is met"
    ),
    "learning.completion_context": Point(
        FUNCTION, "(enrollment) -> dict of template variables, for a completed enrollment (its certificate)"
    ),
    "learning.completion_panel": Point(
        TEMPLATE, "course-complete page and a completed course's panel on its page (`learner` is the enrollment)"
    ),
    "coordination.cohort_context": Point(FUNCTION, "(cohort) -> dict of template variables, for the session's page"),
    "coordination.cohort_panel": Point(TEMPLATE, "session page, after its facts and actions (`cohort` is set)"),
    "coordination.dates_problems": Point(
        FUNCTION, "(cohort, starts_on, ends_on) -> list of messages: why the session cannot take these dates"
    ),
    "coordination.report_context": Point(FUNCTION, "(scope) -> dict of template variables, for the report page"),
    "coordination.report_panel": Point(TEMPLATE, "report page, after the summary (`scope` is set)"),
    "coordination.export_columns": Point(
        FUNCTION,
        "(scope) -> (header, cells) | None: more columns for the learners' export; cells(enrollment ids) -> "
        "{enrollment id: row cells}, called once per batch",
    ),
    "coordination.roster_columns": Point(
        FUNCTION,
        "(scope) -> (header, cells) | None: more columns for the learners' table of the session and report "
        "pages; cells(enrollment ids of the page) -> {enrollment id: cell texts}",
    ),
    "catalog.course_states": Point(
        FUNCTION, "(user) -> {course slug: 'enrolled' | 'in_progress' | 'completed'}, for the catalog's cards"
    ),
}


def init_app(app: Flask) -> None:
    _registry(app)
    app.add_template_global(slot)


def _registry(app: Flask) -> dict[str, list]:
    return app.extensions.setdefault(EXTENSION, {name: [] for name in POINTS})


def register(app: Flask, name: str, provider: Callable[..., Any] | str) -> None:
    """Add `provider` (a function, or a template name for a template point) to the point `name`."""
    if name not in POINTS:
        raise ValueError(f"unknown extension point {name!r}")
    expected = str if POINTS[name].kind == TEMPLATE else Callable
    if not isinstance(provider, expected):
        raise TypeError(f"{name} takes a {POINTS[name].kind}, not {provider!r}")
    providers = _registry(app)[name]
    if provider in providers:
        raise ValueError(f"{provider!r} is already registered for {name} on this application")
    providers.append(provider)


def providers(name: str) -> tuple:
    """The current application's providers of `name`, in registration order (features' init order)."""
    return tuple(_registry(current_app)[name])


def call(name: str, *args: Any) -> list:
    """Call every provider of a function point; their answers, in order."""
    if POINTS[name].kind != FUNCTION:
        raise TypeError(f"{name} is a template point")
    return [provider(*args) for provider in providers(name)]


def merged(name: str, *args: Any) -> dict:
    """The dictionaries every provider of `name` returns, merged (a later provider wins)."""
    context: dict = {}
    for part in call(name, *args):
        context.update(part)
    return context


def slot(name: str) -> tuple[str, ...]:
    """Template fragments to include where a page has the slot `name` (a template global)."""
    if POINTS[name].kind != TEMPLATE:
        raise TypeError(f"{name} is not a template point")
    return providers(name)
