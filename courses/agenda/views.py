"""The session's days page (coordinators) and its calendar file (its people)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from courses.agenda import reminders, services, sheet
from courses.agenda.deadlines import DeadlineError, deadlines_of, save_deadlines
from courses.agenda.forms import NEW_ROWS, DeadlinesForm, ScheduleForm
from courses.agenda.models import ATTENDANCE_STATES as STATES
from courses.agenda.models import CAME, SessionDay
from courses.auth.access import role_required
from courses.auth.language import message_language
from courses.auth.territory import REGIONS
from courses.catalog.services import live_modules
from courses.coordination.models import Cohort
from courses.coordination.reports import state_counts_by_cohort
from courses.coordination.services import cohorts_for
from courses.downloads import attachment
from courses.extensions import db
from courses.forms import ActionForm
from courses.urls import int_arg

bp = Blueprint("agenda", __name__)

PROBLEMS = {
    "ends_before_start": _l("The end time must be after the start time."),
    "outside_session": _l("This day is outside the session's dates."),
    "overlap": _l("This day overlaps another day of the session."),
    "link": _l("The link must be a web address (https://…)."),
    "incomplete": _l("Give the date, the start time and the end time."),
    "has_attendance": _l(
        "Attendance was taken on this day: it cannot be removed, or the learners' marks would be lost. "
        "Change its date or time instead."
    ),
}


PROBLEM_FIELDS = {"ends_before_start": "ends", "link": "link"}  # the field a problem is shown under; else the date


def _trainer_choices(cohort: Cohort) -> list[tuple[str, str]]:
    language = str(get_locale())
    return [("", _("—"))] + [(str(user.id), user.name_in(language)) for user in cohort.trainers]


def _schedule_form(cohort: Cohort) -> ScheduleForm:
    """The form: on GET, the existing days then NEW_ROWS empty rows; on POST, the rows sent."""
    if request.method == "POST":
        form = ScheduleForm()
    else:
        zone = services.local_zone()
        rows = [
            {"day_id": str(day.id), "on": day.starts_at.astimezone(zone).date(),
             "starts": day.starts_at.astimezone(zone).time(), "ends": day.ends_at.astimezone(zone).time(),
             "place": day.place, "link": day.link, "topic": day.topic,
             "trainer": str(day.trainer_id or "")}
            for day in services.days_of(cohort)
        ]  # fmt: skip
        form = ScheduleForm(data={"days": rows + [{}] * NEW_ROWS})
    choices = _trainer_choices(cohort)
    for row in form.days:
        row.form.trainer.choices = choices
    return form


def _rows(form: ScheduleForm, cohort: Cohort) -> tuple[list[services.DayFields], list]:
    """The filled rows as DayFields, with the form rows they came from (blank rows are skipped)."""
    trainers = {str(user.id): user for user in cohort.trainers}
    fields, sources = [], []
    for row in form.days:
        entry = row.form
        if entry.is_blank and not entry.day_id.data:
            continue
        if not entry.remove.data and not (entry.on.data and entry.starts.data and entry.ends.data):
            entry.on.errors = [*entry.on.errors, PROBLEMS["incomplete"]]
            continue
        fields.append(
            services.DayFields(
                on=entry.on.data, starts=entry.starts.data, ends=entry.ends.data, place=entry.place.data or "",
                link=entry.link.data or "", topic=entry.topic.data or "", trainer=trainers.get(entry.trainer.data),
                day_id=int(entry.day_id.data) if (entry.day_id.data or "").isdigit() else None,
                remove=bool(entry.remove.data),
            )
        )  # fmt: skip
        sources.append(entry)
    return fields, sources


@bp.route("/coordination/cohorts/<int:cohort_id>/days", methods=["GET", "POST"])
@role_required("coordinator")
def schedule(cohort_id: int):
    """The session's days: change, add and remove them, saved all at once."""
    cohort = db.get_or_404(Cohort, cohort_id)
    form = _schedule_form(cohort)
    if form.validate_on_submit():
        fields, sources = _rows(form, cohort)
        if not _incomplete(form):
            try:
                count = services.save_schedule(cohort, fields, current_user)
            except services.ScheduleError as error:
                db.session.rollback()
                for index, code in error.problems:
                    target = getattr(sources[index], PROBLEM_FIELDS.get(code, "on"))
                    target.errors = [*target.errors, PROBLEMS[code]]
            else:
                db.session.commit()
                flash(_("Days saved: %(count)d.", count=count), "success")
                return redirect(url_for("agenda.schedule", cohort_id=cohort.id))
    return render_template(
        "agenda/schedule.html", cohort=cohort, form=form, zone=services.local_zone().key, row_fields=ROW_FIELDS
    )


def _incomplete(form: ScheduleForm) -> bool:
    return any(row.form.on.errors for row in form.days)


ROW_FIELDS = ("on", "starts", "ends", "link")  # the fields of a day whose errors the summary lists


DEADLINE_PROBLEMS = {
    "outside_session": _l("The date must be within the session's dates."),
    "unknown_module": _l("This module is no longer part of the course: reload the page."),
}


@bp.route("/coordination/cohorts/<int:cohort_id>/deadlines", methods=["GET", "POST"])
@role_required("coordinator")
def deadlines(cohort_id: int):
    """The modules the session's learners are to finish by a date (e.g. before its second day)."""
    cohort = db.get_or_404(Cohort, cohort_id)
    modules = live_modules(cohort.course)
    if request.method == "POST":
        form = DeadlinesForm()
    else:
        saved = deadlines_of(cohort)
        rows = [{"module_id": str(module.id), "due_on": saved.get(module.id)} for module in modules]
        form = DeadlinesForm(data={"modules": rows})
    if form.validate_on_submit():
        rows = {int(row.form.module_id.data): row.form for row in form.modules if row.form.module_id.data.isdigit()}
        try:
            count = save_deadlines(
                cohort, {module_id: row.due_on.data for module_id, row in rows.items()}, current_user
            )
        except DeadlineError as error:
            db.session.rollback()
            for module_id, code in error.problems:
                rows[module_id].due_on.errors = [*rows[module_id].due_on.errors, DEADLINE_PROBLEMS[code]]
        else:
            db.session.commit()
            flash(_("Deadlines saved: %(count)d.", count=count), "success")
            return redirect(url_for("coordination.cohort", cohort_id=cohort.id))
    numbers = {str(module.id): number for number, module in enumerate(modules, 1)}
    titles = {str(module.id): module.title for module in modules}
    for row in form.modules:
        module_id = row.form.module_id.data
        row.form.due_on.label.text = _("Module %(number)d", number=numbers.get(module_id, 0))
        row.form.title = titles.get(module_id, "")
    return render_template("agenda/deadlines.html", cohort=cohort, form=form, days=services.days_of(cohort))


@bp.route("/coordination/cohorts/<int:cohort_id>/days/<int:day_id>/attendance", methods=["GET", "POST"])
@role_required("trainer", "coordinator")
def attendance(cohort_id: int, day_id: int):
    """Take or correct a day's attendance: one list of the session's learners, four states each."""
    cohort = db.get_or_404(Cohort, cohort_id)
    day = db.session.get(SessionDay, day_id)
    if day is None or day.cohort_id != cohort.id:
        abort(404)
    if not services.may_take_attendance(current_user, cohort):
        abort(403)
    people = services.attendees(cohort)
    form = ActionForm()
    begun = services.has_begun(day)
    if form.validate_on_submit():
        marks = {user.id: request.form[f"u{user.id}"] for user in people if request.form.get(f"u{user.id}") in STATES}
        services.record_attendance(day, marks, current_user)
        db.session.commit()
        came = sum(1 for state in marks.values() if state in CAME)
        flash(_("Attendance saved: %(came)d of %(total)d came.", came=came, total=len(people)), "success")
        return redirect(url_for("agenda.attendance", cohort_id=cohort.id, day_id=day.id))
    return render_template(
        "agenda/attendance.html",
        cohort=cohort,
        day=day,
        people=people,
        marks=services.attendance_of(day),
        form=form,
        begun=begun,
    )


@bp.get("/me/sessions/<int:cohort_id>.ics")
@login_required
def calendar_file(cohort_id: int):
    """The session's days as an .ics file, for its learners, trainers and coordinators."""
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None or not services.may_download_calendar(current_user, cohort):
        abort(404)
    document = services.calendar(
        cohort, services.days_of(cohort), request.host.split(":")[0], _("Online"), str(get_locale())
    )
    return attachment(document, f"session-{cohort.id}.ics", "text/calendar")


@bp.get("/coordination/cohorts/<int:cohort_id>/sign-in-sheet.pdf")
@role_required("trainer", "coordinator")
def sign_in_sheet(cohort_id: int):
    """The printable sign-in sheet of every day of the session, or of one (`?day=`), a page per day."""
    cohort = db.get_or_404(Cohort, cohort_id)
    if not services.may_take_attendance(current_user, cohort):
        abort(403)
    days = services.days_of(cohort)
    day_id = int_arg("day")
    if day_id is not None:
        days = [day for day in days if day.id == day_id] or abort(404)
    if not days:
        abort(404)
    document = sheet.render(cohort, days, services.attendees(cohort), services.local_zone())
    suffix = f"-{days[0].starts_at.astimezone(services.local_zone()).date().isoformat()}" if day_id else ""
    return attachment(document, f"emargement-session-{cohort.id}{suffix}.pdf", "application/pdf")


@bp.get("/calendar/<feed>.ics")
def calendar_feed(feed: str):
    """A person's sessions as a calendar to subscribe to: the token in the address stands for the login
    a phone's calendar cannot do. Unknown or renewed tokens are a 404, like any unknown page."""
    owner = services.feed_owner(feed) or abort(404)
    language = message_language(owner)
    with force_locale(language):
        document = services.feed(
            owner,
            request.host.split(":")[0],
            _("Online"),
            language,
            f"{current_app.config['SITE_NAME']} — {_('My sessions')}",
        )
    return attachment(document, "tadbir-sessions.ics", "text/calendar")


@bp.post("/me/calendar")
@login_required
def renew_calendar_feed():
    """Make (or replace) the signed-in person's subscription address; the old one stops working."""
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    services.renew_feed(current_user)
    db.session.commit()
    flash(_("Your calendar address is ready. Any address given before no longer works."), "success")
    return redirect(url_for("learning.dashboard", _anchor="sessions-title"))


@bp.route("/reminders/stop/<stop>", methods=["GET", "POST"])
def stop_nudges(stop: str):
    """The nudge's "stop" link: a page with one button (a mail scanner opening links stops nothing)."""
    user = reminders.user_of_stop_token(stop) or abort(404)
    form = ActionForm()
    if form.validate_on_submit():
        reminders.set_nudges(user, wanted=False)
        db.session.commit()
        return render_template("agenda/nudges_stopped.html", stopped=True, form=form, stop=stop)
    return render_template("agenda/nudges_stopped.html", stopped=False, form=form, stop=stop)


@bp.post("/account/reminders")
@login_required
def reminder_preference():
    """The account page's choice: nudges by email when one has not been active for a week, or none."""
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    reminders.set_nudges(current_user, wanted=request.form.get("nudges") == "1")
    db.session.commit()
    flash(_("Your reminder preference is saved."), "success")
    return redirect(url_for("auth.profile"))


@bp.get("/coordination/calendar")
@role_required("trainer", "coordinator")
def coordination_calendar():
    """Sessions by month — running, upcoming, past — with their days and counts, by course and region."""
    every = cohorts_for(current_user)
    courses = sorted({cohort.course for cohort in every}, key=lambda course: course.title.casefold())
    cohorts = _filtered(every)
    codes = {cohort.region for cohort in every if cohort.region in REGIONS}
    regions = sorted(((code, REGIONS[code]) for code in codes), key=lambda region: str(region[1]))
    today = services.local_today()
    return render_template(
        "agenda/calendar.html", phases=services.months(cohorts, today), courses=courses,
        chosen=request.args.get("course", ""), chosen_region=request.args.get("region", ""),
        regions=regions,
        counts=state_counts_by_cohort([cohort.id for cohort in cohorts]), feed=current_user.has_role("coordinator"),
    )  # fmt: skip


def _filtered(cohorts: list[Cohort]) -> list[Cohort]:
    """The sessions of the calendar's filters (`course`, `region`); the page and its file share them."""
    course, region = request.args.get("course", ""), request.args.get("region", "")
    return [
        cohort for cohort in cohorts
        if (not course or cohort.course.slug == course) and (not region or cohort.region == region)
    ]  # fmt: skip


@bp.get("/coordination/calendar.ics")
@role_required("coordinator")
def coordination_calendar_file():
    """Every session's days, for a coordinator's calendar (the calendar page's filters carry over)."""
    cohorts = _filtered(cohorts_for(current_user))
    name = f"{current_app.config['SITE_NAME']} — {_('Training sessions')}"
    document = services.all_sessions_calendar(cohorts, request.host.split(":")[0], _("Online"), str(get_locale()), name)
    return attachment(document, "tadbir-all-sessions.ics", "text/calendar")
