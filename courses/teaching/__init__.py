"""The trainers' home (/teaching/): the courses they train, drafts included, and how each one is doing."""

from flask import Flask

from courses.teaching.views import bp


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
