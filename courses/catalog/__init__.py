"""Courses and modules in the database: catalog and reading pages, content sync and its CLI."""

from flask import Flask

from courses.catalog.cli import content_cli
from courses.catalog.labels import hours_label, level_name, minutes_label, status_name
from courses.catalog.views import bp


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.cli.add_command(content_cli)
    for helper in (hours_label, level_name, minutes_label, status_name):
        app.add_template_global(helper)
