"""Enrollment, progress, quizzes, completion rules and the learner dashboard."""

from flask import Flask

from courses import hooks
from courses.learning.views import bp, reader_context


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    # The catalog's reading pages, filled in with the learner's state (see courses/hooks.py).
    hooks.register(app, "catalog.page_context", reader_context)
    hooks.register(app, "catalog.course_panel", "learning/_course_panel.html")
    hooks.register(app, "catalog.syllabus_item", "learning/_syllabus_state.html")
    hooks.register(app, "catalog.module_panel", "learning/_module_panel.html")
