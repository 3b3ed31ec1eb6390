"""Writing to a session's learners (resend an invitation, remind), and closing or reopening a session.

Routes of the coordination blueprint, kept apart from `views.py`; the rules are in `outreach.py`
and `services.py`, the messages in `notifications.py`.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from courses.auth.access import role_required
from courses.auth.models import User
from courses.coordination import notifications, outreach, services
from courses.coordination.forms import SendOnceForm
from courses.coordination.models import Cohort
from courses.coordination.views import bp
from courses.extensions import db
from courses.forms import ActionForm
from courses.i18n import elided
from courses.text import isolate
from courses.urls import MAX_INT, request_base_url


def _cohort(cohort_id: int) -> Cohort:
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None:
        abort(404)
    return cohort


def _reminder(kind: str) -> str:
    if kind not in outreach.REMINDERS:
        abort(404)
    return kind


def _back(cohort: Cohort, anchor: str | None = "invitations-title"):
    return redirect(url_for("coordination.cohort", cohort_id=cohort.id, _anchor=anchor))


@bp.post("/cohorts/<int:cohort_id>/invitations/resend")
@role_required("coordinator")
def resend_invitation(cohort_id: int):
    """Send one learner who has not activated their account the invitation again, with a new link."""
    cohort = _cohort(cohort_id)
    user_id = request.form.get("user_id", type=int) or 0
    user = db.session.get(User, user_id) if 0 < user_id <= MAX_INT else None
    form = SendOnceForm()
    if user is None or not form.validate_on_submit():
        abort(400)
    try:
        sent = outreach.resend_invitation(cohort, user, current_user, form.key.data)
    except outreach.OutreachError as error:
        db.session.rollback()
        if error.code == "not_in_session":
            abort(404)
        flash(elided({"activated": _("%(name)s has already activated their account."),
                      "inactive": _("The account of %(name)s is deactivated.")}[error.code]
                     % {"name": isolate(user.name_in(None))}), "error")  # fmt: skip
        return _back(cohort)
    if not sent:
        db.session.rollback()
        flash(_("This invitation was already sent again."), "info")
        return _back(cohort)
    db.session.commit()
    flash(_("Invitation sent again to %(name)s, with a new link.", name=isolate(user.name_in(None))), "success")
    return _back(cohort)


@bp.get("/cohorts/<int:cohort_id>/reminders/<kind>")
@role_required("coordinator")
def reminder_preview(cohort_id: int, kind: str):
    """The reminder as it will be sent (in French here; each learner gets it in their language), and to whom."""
    cohort, kind = _cohort(cohort_id), _reminder(kind)
    people = outreach.recipients(cohort, kind)
    message = notifications.reminder_preview(cohort, kind, current_user, people[0]) if people else None
    return render_template(
        "coordination/reminder_preview.html", cohort=cohort, kind=kind, message=message, form=SendOnceForm(),
        people=[(person, notifications.session_language(person, cohort)) for person in people],
    )  # fmt: skip


@bp.post("/cohorts/<int:cohort_id>/reminders/<kind>")
@role_required("coordinator")
def send_reminders(cohort_id: int, kind: str):
    """Record the reminder and hand the sending to a task; the same form submitted twice sends once."""
    cohort, kind = _cohort(cohort_id), _reminder(kind)
    form = SendOnceForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        batch = outreach.start_reminders(cohort, kind, current_user, form.key.data)
    except outreach.OutreachError:
        db.session.rollback()
        flash(_("Nobody is left to remind."), "info")
        return _back(cohort)
    if batch is None:
        db.session.rollback()
        flash(_("These reminders were already sent."), "info")
        return _back(cohort)
    batch_id, number = batch.id, len(batch.recipient_ids)
    db.session.commit()
    outreach.send_reminders(batch_id, request_base_url())  # a task: the page does not wait for the mail
    flash(ngettext("A reminder is being sent to %(num)d learner.", "A reminder is being sent to %(num)d learners.",
                   number), "success")  # fmt: skip
    return _back(cohort)


@bp.get("/cohorts/<int:cohort_id>/close")
@role_required("coordinator")
def confirm_close(cohort_id: int):
    """What closing a session does, and the button that closes it (the POST is `close_cohort`)."""
    cohort = _cohort(cohort_id)
    if not cohort.is_open:
        return _back(cohort, None)
    return render_template("coordination/cohort_close.html", cohort=cohort, action=ActionForm())


@bp.get("/cohorts/<int:cohort_id>/reopen")
@role_required("coordinator")
def confirm_reopen(cohort_id: int):
    """What reopening a closed session does, and the button that reopens it."""
    cohort = _cohort(cohort_id)
    if cohort.is_open:
        return _back(cohort, None)
    return render_template("coordination/cohort_reopen.html", cohort=cohort, action=ActionForm())


@bp.post("/cohorts/<int:cohort_id>/reopen")
@role_required("coordinator")
def reopen_cohort(cohort_id: int):
    """Open a closed session to enrollment again."""
    cohort = _cohort(cohort_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    services.reopen_cohort(cohort, current_user)
    db.session.commit()
    flash(_("Session reopened: learners can be added to it again."), "success")
    return _back(cohort, None)
