"""Exercise pages: the learner's form under the module, the trainers' queue, review page and ZIP."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from courses.audit.services import record
from courses.catalog import services as catalog
from courses.coordination.models import Cohort
from courses.downloads import attachment
from courses.errors import resumes_after_login
from courses.extensions import db
from courses.i18n import colon
from courses.learning import services as learning
from courses.practice import services
from courses.practice.forms import ExerciseForm, review_form
from courses.practice.labels import STATE_NAMES
from courses.practice.models import SUBMITTED
from courses.urls import int_arg

bp = Blueprint("practice", __name__)

EXERCISE_MESSAGE = "exercise"  # flash category shown in the exercise's panel, not at the top of the page


REFUSALS = {
    "empty": _l("Write your text before handing it in."),
    "too_short": _l(
        "Your text has %(words)d words; this exercise asks for at least %(minimum)d. It was kept as a draft."
    ),
    "too_long": _l("Your text has %(words)d words; this exercise allows at most %(maximum)d. It was kept as a draft."),
    "too_many_characters": _l("The text is too long (%(maximum)d characters at most)."),
    "locked": _l("This text has been handed in: it can be changed again only if a revision is asked."),
    "no_exercise": _l("This module has no exercise."),
    "forbidden": _l("Only the course's trainers review its exercises."),
    "bad_decision": _l("Choose a decision."),
    "rubric_incomplete": _l("Choose a level for each criterion."),
    "below_pass_points": _l(
        "%(points)d points: passing needs at least %(needed)d. Ask for a revision instead, or change the levels."
    ),
    "comment_required": _l("Say in the comment what the learner should change."),
    "already_reviewed": _l("This text has already been reviewed (perhaps by another trainer)."),
}


def refusal_message(error: services.PracticeError) -> str:
    """A refusal in the reader's language, filled in with its figures."""
    return str(REFUSALS[error.code]) % error.params


def exercise_context(course, module, modules) -> dict:
    """Provides `catalog.page_context`: a module's exercise, the reader's submission and form."""
    if module is None or module.exercise is None:
        return {}
    exercise = services.exercise_of(module)
    context: dict = {"exercise": exercise, "exercise_submission": None, "exercise_form": None}
    if not current_user.is_authenticated:
        return context
    enrollment = learning.get_enrollment(current_user, course)
    if enrollment is None:
        return context
    submission = services.submission_of(enrollment, module)
    context["exercise_submission"] = submission
    context["model_answer_shown"] = services.model_answer_shown(exercise, submission)
    if submission is None or submission.is_writable:
        form = ExerciseForm()
        if submission is not None and not form.text.data:
            form.text.data = submission.text
        context["exercise_form"] = form
    return context


@bp.route("/courses/<slug>/<module_slug>/exercise", methods=["GET", "POST"])
@resumes_after_login
@login_required
def write(slug: str, module_slug: str):
    """Save the learner's text as a draft, or hand it in; a refused handing-in keeps the text as a draft.

    A GET comes back here after a login that interrupted a save (the session had expired): it
    leads to the exercise, where the browser puts back the text it kept.
    """
    course = catalog.public_course(slug) or abort(404)
    module = next((m for m in catalog.live_modules(course) if m.slug == module_slug), None)
    if module is None or module.exercise is None:
        abort(404)
    enrollment = learning.get_enrollment(current_user, course)
    if enrollment is None:
        abort(403)
    back = url_for("catalog.module", slug=slug, module_slug=module_slug, _anchor="exercise")
    if request.method == "GET":
        return redirect(back)
    form = ExerciseForm()
    if not form.validate_on_submit():
        for message in [m for errors in form.errors.values() for m in errors]:
            flash(message, EXERCISE_MESSAGE)
        return redirect(back)
    text = form.text.data or ""
    try:
        if form.hand_in.data:
            services.submit(enrollment, module, text)
            flash(_("Handed in: a trainer of the course will review it. You will be told by email."), EXERCISE_MESSAGE)
        else:
            services.save_draft(enrollment, module, text)
            flash(_("Draft saved. Only you can read it until you hand it in."), EXERCISE_MESSAGE)
    except services.PracticeError as refusal:
        db.session.rollback()
        if refusal.code in ("empty", "too_short", "too_long"):
            services.save_draft(enrollment, module, text)  # nothing typed is lost
        flash(refusal_message(refusal), f"{EXERCISE_MESSAGE}-error")
    db.session.commit()
    return redirect(back)


def _reviewable_course(slug: str):
    course = catalog.previewable_course(slug) or abort(404)
    if not services.may_review(current_user, course):
        abort(403)
    return course


def _cohort_of(course) -> Cohort | None:
    cohort_id = int_arg("cohort")
    if cohort_id is None:
        return None
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None or cohort.course_id != course.id:
        abort(404)
    return cohort


@bp.get("/teaching/courses/<slug>/exercises/")
@login_required
def queue(slug: str):
    """The course's (or one session's) handed-in texts in one state, oldest first."""
    course = _reviewable_course(slug)
    cohort = _cohort_of(course)
    state = request.args.get("status", SUBMITTED)
    if state not in services.QUEUE_STATES:
        state = SUBMITTED
    page = services.queue(course, state, cohort, page=int_arg("page", 1))
    cohorts = db.session.scalars(
        db.select(Cohort).where(Cohort.course_id == course.id).order_by(Cohort.starts_on)
    ).all()
    return render_template("practice/queue.html", course=course, cohort=cohort, cohorts=cohorts, state=state, page=page)


@bp.route("/teaching/exercises/<int:submission_id>", methods=["GET", "POST"])
@login_required
def review(submission_id: int):
    """A handed-in text, its rubric to score, a comment and the decision; the reviews before it."""
    submission = services.for_review(submission_id) or abort(404)
    module = submission.module
    course = module.course
    if not services.may_review(current_user, course):
        abort(403)
    exercise = services.exercise_of(module) or services.WITHOUT_EXERCISE
    form = review_form(exercise.rubric, exercise.decisions)
    status = 200
    if submission.status == SUBMITTED and form.validate_on_submit():
        try:
            services.review(submission, current_user, form.decision.data, form.levels(), form.comment.data or "")
        except services.PracticeError as refusal:
            db.session.rollback()
            form.form_errors.append(refusal_message(refusal))
            status = 400
        else:
            db.session.commit()
            flash(_("Review recorded; the learner has been told by email."), "success")
            return redirect(url_for("practice.queue", slug=course.slug, cohort=request.args.get("cohort")))
    elif form.is_submitted():
        status = 400
        if submission.status != SUBMITTED:
            form.form_errors.append(refusal_message(services.PracticeError("already_reviewed")))
    return render_template(
        "practice/review.html", submission=submission, module=module, course=course, exercise=exercise, form=form,
        learner=submission.enrollment.user, cohort=submission.enrollment.cohort,
    ), status  # fmt: skip


@bp.get("/teaching/courses/<slug>/exercises.zip")
@login_required
def archive(slug: str):
    """Every handed-in text of the course (or one session) as text files, one folder per learner."""
    course = _reviewable_course(slug)
    cohort = _cohort_of(course)
    buffer = io.BytesIO()
    separator = colon(str(get_locale()))
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive_file:
        for submission, learner, module in services.handed_in(course, cohort):
            folder = f"{_file_part(learner.name_in(None))}-{learner.id}"
            name = f"{folder}/{module.position:02d}-{module.slug}.txt"
            state = STATE_NAMES[submission.status]
            header = f"{learner.name_in(None)} <{learner.email}>\n{module.title}\n{_('State')}{separator}{state}\n\n"
            archive_file.writestr(name, (header + submission.text + "\n").encode("utf-8"))
    record(
        current_user, "export.exercises_zip", "course", course.id, course.slug, course_title=course.title,
        cohort=cohort.id if cohort else None, cohort_name=cohort.name if cohort else None,
    )  # fmt: skip
    db.session.commit()
    suffix = f"-session-{cohort.id}" if cohort else ""
    name = f"tadbir-{course.slug}{suffix}-exercises-{date.today().isoformat()}.zip"
    return attachment(buffer.getvalue(), name, "application/zip")


def _file_part(name: str) -> str:
    """A learner's name as a folder name any system unzips: letters, digits and dashes."""
    return re.sub(r"[^\w]+", "-", name, flags=re.UNICODE).strip("-")[:60] or "learner"
