"""Enroll, mark a module done, take a quiz, see an attempt, and the learner's dashboard."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload

from courses import hooks
from courses.catalog import services as catalog
from courses.extensions import db
from courses.forms import ActionForm
from courses.learning import services
from courses.learning.forms import quiz_form
from courses.learning.models import QuizAnswer, QuizAttempt

bp = Blueprint("learning", __name__)


def _course_and_module(slug: str, module_slug: str | None = None):
    course = catalog.public_course(slug)
    if course is None:
        abort(404)
    if module_slug is None:
        return course, None
    module = catalog.live_module(course, module_slug)
    if module is None:
        abort(404)
    return course, module


def _enrollment_or_403(course):
    enrollment = services.get_enrollment(current_user, course)
    if enrollment is None:
        abort(403)
    return enrollment


@bp.post("/courses/<slug>/enroll")
@login_required
def enroll(slug: str):
    """Enroll the current user (idempotent: a second click changes nothing)."""
    course, _module = _course_and_module(slug)
    if not ActionForm().validate_on_submit():
        abort(400)
    services.enroll(current_user, course)
    db.session.commit()
    flash(_("You are enrolled. Good reading!"), "success")
    return redirect(url_for("catalog.course", slug=slug))


@bp.post("/courses/<slug>/<module_slug>/complete")
@login_required
def complete(slug: str, module_slug: str):
    """Mark a module without quiz as done, then go on to the next one."""
    course, module = _course_and_module(slug, module_slug)
    enrollment = _enrollment_or_403(course)
    if not ActionForm().validate_on_submit():
        abort(400)
    was_complete = enrollment.completed_at is not None
    try:
        services.complete_module(enrollment, module)
    except services.LearningError:
        abort(400)
    db.session.commit()
    if not was_complete and enrollment.completed_at is not None:  # this module finished the course
        return redirect(url_for("learning.completed", slug=slug))
    return redirect(_after_module(course, module))


def _after_module(course, module) -> str:
    following = catalog.next_module(course, module)
    if following is None:
        return url_for("catalog.course", slug=course.slug)
    return url_for("catalog.module", slug=course.slug, module_slug=following.slug)


@bp.post("/courses/<slug>/<module_slug>/quiz")
@login_required
def quiz(slug: str, module_slug: str):
    """Grade a quiz attempt on the server and show its result."""
    course, module = _course_and_module(slug, module_slug)
    enrollment = _enrollment_or_403(course)
    questions = module.active_questions
    if not questions:
        abort(404)
    form = quiz_form(questions, shuffle=str(enrollment.id))
    if not form.validate_on_submit():
        modules = catalog.live_modules(course)
        context = {**catalog.module_page(course, module, modules), **reader_context(course, module, modules)}
        context["quiz"] = form
        return render_template("catalog/module.html", **context), 400
    try:
        attempt = services.submit_quiz(enrollment, module, form.answers())
    except services.LearningError:
        abort(400)
    db.session.commit()
    return redirect(url_for("learning.attempt", slug=slug, module_slug=module_slug, attempt_id=attempt.id))


@bp.get("/courses/<slug>/<module_slug>/attempts/<int:attempt_id>")
@login_required
def attempt(slug: str, module_slug: str, attempt_id: int):
    """One's own attempt: score, pass mark, and per-question feedback as the course's policy allows."""
    course, module = _course_and_module(slug, module_slug)
    enrollment = services.get_enrollment(current_user, course)
    attempt = db.session.get(
        QuizAttempt, attempt_id, options=[selectinload(QuizAttempt.answers).joinedload(QuizAnswer.question)]
    )
    if (
        enrollment is None
        or attempt is None
        or attempt.enrollment_id != enrollment.id
        or attempt.module_id != module.id
    ):
        abort(404)
    module_done = services.is_module_completed(enrollment, module)
    # The quiz passed, the right choices are no secret any more, even if the module still waits
    # for something else (a written exercise).
    feedback = services.attempt_feedback(course.quiz_feedback, module_done or services.quiz_passed(enrollment, module))
    return render_template(
        "learning/attempt.html", course=course, module=module, attempt=attempt, enrollment=enrollment,
        following=catalog.next_module(course, module), feedback=feedback, module_done=module_done,
    )  # fmt: skip


@bp.get("/courses/<slug>/completed")
@login_required
def completed(slug: str):
    """The moment a course is finished: the certificate, how to show it, and what to take next."""
    course, _module = _course_and_module(slug)
    enrollment = services.get_enrollment(current_user, course)
    if enrollment is None or enrollment.completed_at is None:
        return redirect(url_for("catalog.course", slug=slug))
    return render_template(
        "learning/completed.html", course=course, learner=enrollment,
        next_courses=services.next_courses(current_user, course),
        **hooks.merged("learning.completion_context", enrollment),
    )  # fmt: skip


@bp.get("/me/")
@login_required
def dashboard():
    """The learner's courses: in progress with a resume link, then completed."""
    entries = services.dashboard(current_user)
    if services.recheck_completions(entries):
        db.session.commit()
    current = [e for e in entries if e.enrollment.completed_at is None]
    completed = [e for e in entries if e.enrollment.completed_at is not None]
    extra = hooks.merged("learning.dashboard_context", current_user)
    return render_template("learning/dashboard.html", current=current, completed=completed, **extra)


def reader_context(course, module, modules) -> dict:
    """Provides `catalog.page_context`: enrollment, progress, the quiz form (for the learning fragments)."""
    if not current_user.is_authenticated:
        return {"learner": None}
    enrollment = services.get_enrollment(current_user, course)
    if enrollment is None:
        # Only a published course takes enrollments: a draft's trainers get the preview, not a dead button.
        return {"learner": None, "enroll_form": ActionForm() if course.is_public else None}
    progress = services.course_progress(enrollment, modules)
    if module is not None:
        services.record_view(enrollment, module, last_viewed_at=progress.last_viewed.get(module.id))
        if progress.states.get(module.id) == services.NOT_STARTED:
            progress.states[module.id] = services.IN_PROGRESS
    services.recheck_completion(enrollment, progress)
    db.session.commit()  # cheap when nothing was written (a re-read within minutes)
    context = {
        "learner": enrollment, "progress": progress, "action_form": ActionForm(),
        "resume": services.resume_point(enrollment, progress),
    }  # fmt: skip
    if module is None and enrollment.completed_at is not None:  # the course page offers the certificate
        context.update(hooks.merged("learning.completion_context", enrollment))
    if module is not None and module.active_questions:
        context["attempts"] = services.attempts_for(enrollment, module)
        context["quiz"] = quiz_form(module.active_questions, shuffle=str(enrollment.id))
    return context


def quiz_preview(course, module) -> dict:
    """Provides `catalog.preview_context`: the module's quiz as learners get it, for its trainers.

    The catalog calls it only for the course's own trainers and admins, enrolled or not; the
    fragment marks the right answers and shows the explanations, and nothing can be submitted.
    """
    if module is None or not module.active_questions:
        return {}
    return {"quiz_preview": quiz_form(module.active_questions, prefix="preview")}
