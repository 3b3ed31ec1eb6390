"""Enrollment, progress, quizzes, completion rules and the learner dashboard."""

from flask import Flask

from courses import hooks
from courses.learning.services import course_states
from courses.learning.views import bp, quiz_preview, reader_context


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    # The catalog's reading pages, filled in with the learner's state (see courses/hooks.py).
    hooks.register(app, "catalog.page_context", reader_context)
    hooks.register(app, "catalog.course_panel", "learning/_course_panel.html")
    hooks.register(app, "catalog.syllabus_item", "learning/_syllabus_state.html")
    hooks.register(app, "catalog.module_panel", "learning/_module_panel.html")
    # For the course's trainers: the quiz as learners see it, answers and explanations marked.
    hooks.register(app, "catalog.preview_context", quiz_preview)
    hooks.register(app, "catalog.preview_panel", "learning/_quiz_preview.html")
    # The catalog's cards say where the learner stands in each course.
    hooks.register(app, "catalog.course_states", course_states)
