"""Cohorts, bulk enrollment, reports, exports: the coordinators' and trainers' console."""

from flask import Flask

from courses.catalog.services import preview_rules
from courses.coordination.cli import cohorts_cli
from courses.coordination.services import is_trainer_of
from courses.coordination.views import bp


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    if is_trainer_of not in preview_rules:  # drafts: their own trainers read them
        preview_rules.append(is_trainer_of)
    app.cli.add_command(cohorts_cli)
