"""The trainers' home: /teaching/."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from courses.auth.access import role_required
from courses.catalog import services as catalog
from courses.practice import services as practice
from courses.teaching import services

bp = Blueprint("teaching", __name__, url_prefix="/teaching")


@bp.get("/")
@role_required("trainer")
def home():
    """The courses the current trainer trains, drafts included, with status, last import and figures."""
    courses = services.taught_courses(current_user)
    return render_template(
        "teaching/home.html", courses=courses, new_failures=catalog.unimported_failures(),
        to_review=practice.pending_by_course([item.course.id for item in courses]),
    )  # fmt: skip
