"""The trainers' home: /teaching/."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from courses.auth.access import role_required
from courses.catalog import services as catalog
from courses.teaching import services

bp = Blueprint("teaching", __name__, url_prefix="/teaching")


@bp.get("/")
@role_required("trainer")
def home():
    """The courses the current trainer trains, drafts included, with status, last import and figures."""
    return render_template(
        "teaching/home.html", courses=services.taught_courses(current_user), new_failures=catalog.unimported_failures()
    )
