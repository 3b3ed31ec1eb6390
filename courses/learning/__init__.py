"""Enrollment, progress, quizzes, completion rules and the learner dashboard."""

from flask import Flask

from courses.catalog.views import page_context_hooks
from courses.learning.views import bp, reader_context


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    if reader_context not in page_context_hooks:
        page_context_hooks.append(reader_context)
