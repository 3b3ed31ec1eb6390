"""Extension points are kept per application: declared names, one registration each, no sharing."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from courses import create_app, hooks
from courses.agenda import (
    cohort_days,
    completion_attendance,
    dashboard_sessions,
    dates_problems,
    reminder_preference,
    report_attendance,
    roster_columns,
)
from courses.agenda import export_columns as attendance_columns
from courses.agenda.services import attendance_met
from courses.certificates import completion_certificate, dashboard_certificates, issue_on_completion
from courses.coordination.services import is_trainer_of
from courses.learning.services import course_states
from courses.learning.views import quiz_preview, reader_context
from courses.practice import cohort_figures, export_columns, report_figures
from courses.practice.services import exercise_done
from courses.practice.views import exercise_context


def make_app(tmp_path, name: str):
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / name}.sqlite",
            "CONTENT_DIR": str(tmp_path),
            "TASKS_IMMEDIATE": True,
            "RATELIMIT_ENABLED": False,
        }
    )


EXPECTED = {
    "auth.profile_context": (reminder_preference,),
    "auth.profile_panel": ("agenda/_reminder_preference.html",),
    "catalog.page_context": (reader_context, exercise_context),
    "catalog.may_preview": (is_trainer_of,),
    "catalog.course_panel": ("learning/_course_panel.html",),
    "catalog.syllabus_item": ("learning/_syllabus_state.html",),
    "catalog.module_panel": ("learning/_module_panel.html", "practice/_exercise.html"),
    "catalog.preview_context": (quiz_preview,),
    "catalog.preview_panel": ("learning/_quiz_preview.html",),
    "learning.dashboard_context": (dashboard_certificates, dashboard_sessions),
    "learning.dashboard_panel": ("agenda/_my_sessions.html",),
    "learning.completed_course": ("certificates/_completed_course.html",),
    "learning.course_completed": (issue_on_completion,),
    "learning.module_requirements": (exercise_done,),
    "learning.completion_context": (completion_certificate, completion_attendance),
    "learning.completion_panel": ("certificates/_completion.html", "agenda/_attendance_due.html"),
    "certificates.requirements": (attendance_met,),
    "catalog.course_states": (course_states,),
    "coordination.cohort_context": (cohort_days, cohort_figures),
    "coordination.cohort_panel": ("agenda/_cohort_days.html", "practice/_figures.html"),
    "coordination.report_context": (report_attendance, report_figures),
    "coordination.report_panel": ("agenda/_report_attendance.html", "practice/_figures.html"),
    "coordination.export_columns": (attendance_columns, export_columns),
    "coordination.roster_columns": (roster_columns,),
    "coordination.dates_problems": (dates_problems,),
}


def test_every_application_gets_each_feature_registered_once(app, tmp_path):
    other = make_app(tmp_path, "other")
    for each in (app, other, make_app(tmp_path, "third")):
        with each.app_context():
            assert {name: hooks.providers(name) for name in hooks.POINTS} == EXPECTED
    assert app.extensions[hooks.EXTENSION] is not other.extensions[hooks.EXTENSION]


def bare_app() -> Flask:
    """An application with the registry and no feature: the mechanism alone."""
    app = Flask(__name__)
    hooks.init_app(app)
    return app


def test_a_provider_registered_on_one_application_is_not_called_by_another():
    first, second = bare_app(), bare_app()
    seen = []
    hooks.register(second, "learning.course_completed", seen.append)
    with first.app_context():
        hooks.call("learning.course_completed", "from the first")
        assert hooks.providers("learning.course_completed") == ()
    with second.app_context():
        hooks.call("learning.course_completed", "from the second")
    assert seen == ["from the second"]


def test_registering_twice_unknown_names_and_wrong_kinds_are_refused(app):
    with pytest.raises(ValueError, match="already registered"):
        hooks.register(app, "learning.course_completed", issue_on_completion)
    with pytest.raises(ValueError, match="unknown"):
        hooks.register(app, "learning.course_complete", print)
    with pytest.raises(TypeError):
        hooks.register(app, "catalog.course_panel", print)  # a template point takes a template name
    with pytest.raises(TypeError):
        hooks.register(app, "catalog.page_context", "learning/_course_panel.html")
    with app.app_context():
        with pytest.raises(TypeError):
            hooks.call("catalog.course_panel")
        with pytest.raises(TypeError):
            hooks.slot("catalog.page_context")
        assert hooks.providers("learning.course_completed") == (issue_on_completion,)


def test_call_merged_and_slot_follow_the_registration_order():
    app = bare_app()
    hooks.register(app, "learning.dashboard_context", lambda user: {"certificates": "first", "user": user})
    hooks.register(app, "learning.dashboard_context", lambda user: {"certificates": "later wins"})
    hooks.register(app, "catalog.module_panel", "b.html")
    hooks.register(app, "catalog.module_panel", "a.html")
    with app.app_context():
        assert hooks.merged("learning.dashboard_context", "salma") == {"certificates": "later wins", "user": "salma"}
        assert hooks.call("learning.dashboard_context", "x") == [
            {"certificates": "first", "user": "x"},
            {"certificates": "later wins"},
        ]
        assert hooks.slot("catalog.module_panel") == ("b.html", "a.html")
        assert hooks.merged("catalog.page_context", None, None, []) == {}  # no provider: nothing added


def test_every_declared_point_is_documented():
    text = (Path(__file__).resolve().parent.parent / "docs" / "architecture.md").read_text("utf-8")
    assert [name for name in hooks.POINTS if f"`{name}`" not in text] == []
