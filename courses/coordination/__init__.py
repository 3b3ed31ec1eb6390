"""Cohorts, bulk enrollment, reports, exports: the coordinators' and trainers' console."""

from flask import Flask

from courses import hooks
from courses.coordination import invitations  # noqa: F401 - its routes join the blueprint
from courses.coordination.cli import cohorts_cli
from courses.coordination.services import is_trainer_of
from courses.coordination.views import bp


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    hooks.register(app, "catalog.may_preview", is_trainer_of)  # drafts: their own trainers read them
    app.cli.add_command(cohorts_cli)
