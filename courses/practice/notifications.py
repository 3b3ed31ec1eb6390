"""The learner is told of a review of their exercise, queued in the review's transaction."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from courses.auth.language import message_language
from courses.mail import queue_template
from courses.urls import public_url

SUBJECTS = {
    "passed": _l("Tadbir: your exercise is passed"),
    "revise": _l("Tadbir: your exercise — a revision is asked"),
    "not_passed": _l("Tadbir: your exercise was reviewed"),
}


def send_reviewed(submission, review) -> None:
    """The decision, the points, the trainer's comment (as plain text) and the link back to the exercise."""
    enrollment = submission.enrollment
    user = enrollment.user
    module = submission.module
    course = module.course
    queue_template(
        user.email,
        message_language(user, session=enrollment.cohort.course.language if enrollment.cohort else None),
        SUBJECTS[review.decision],
        "exercise_reviewed",
        user=user,
        course=course.title,
        module=module.title,
        review=review,
        link=public_url("catalog.module", slug=course.slug, module_slug=module.slug) + "#exercise",
    )
