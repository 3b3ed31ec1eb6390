"""Cohorts, bulk enrollment, reports, exports: the coordinators' and trainers' console."""

from flask import Flask

from courses.coordination.cli import certificates_export_command, cohorts_cli
from courses.coordination.views import bp


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.cli.add_command(cohorts_cli)
    app.cli.commands["certificates"].add_command(certificates_export_command)
