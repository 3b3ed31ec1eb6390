"""The coordinators' console: cohorts, enrollment, CSV import, reports and exports.

Coordinators and admins do everything here; trainers read reports of the courses they train.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from courses import hooks
from courses.audit.services import record
from courses.auth.access import role_required
from courses.auth.labels import allowed_names
from courses.auth.models import User
from courses.auth.territory import ORGANISATION_TYPES, REGIONS
from courses.catalog.models import Course
from courses.certificates import batch
from courses.coordination import (
    charts,
    csv_import,
    export_jobs,
    exports,
    import_jobs,
    notifications,
    outreach,
    reports,
    roster,
    services,
)  # fmt: skip
from courses.coordination.forms import CohortForm, ImportForm, SendOnceForm
from courses.coordination.models import Cohort, CsvImport, ExportJob
from courses.downloads import attachment
from courses.extensions import db
from courses.forms import ActionForm
from courses.i18n import elided
from courses.tabular import CSV_MIMETYPE, XLSX_MIMETYPE, csv_stream, xlsx_bytes
from courses.text import isolate
from courses.urls import int_arg, request_base_url

bp = Blueprint("coordination", __name__, url_prefix="/coordination")

PRINT_LIMIT = 500  # one merged PDF is built in the request: keep it within the worker timeout


def _cohort_or_404(cohort_id: int) -> Cohort:
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None:
        abort(404)
    return cohort


def _course_or_404(slug: str) -> Course:
    course = db.session.scalar(select(Course).where(Course.slug == slug))
    if course is None:
        abort(404)
    return course


def _readable_course(slug: str) -> Course:
    course = _course_or_404(slug)
    if not services.trains(current_user, course):
        abort(403)
    return course


def _scope(course: Course) -> reports.Scope:
    cohort_id = int_arg("cohort")
    cohort = db.session.get(Cohort, cohort_id) if cohort_id else None
    if cohort is not None and cohort.course_id != course.id:
        abort(404)
    return reports.Scope(course, cohort)


@bp.get("/")
@role_required("trainer", "coordinator")
def index():
    """Sessions and courses the current user coordinates or trains."""
    courses = services.trained_courses(current_user)
    cohorts = services.cohorts_for(current_user)
    counts = reports.state_counts_by_cohort([cohort.id for cohort in cohorts])
    return render_template("coordination/index.html", cohorts=cohorts, counts=counts, courses=courses)


def _cohort_form(cohort: Cohort | None = None) -> CohortForm:
    form = CohortForm(obj=cohort)
    courses = db.session.scalars(
        select(Course).where(Course.status == "published", Course.archived_at.is_(None)).order_by(Course.title)
    ).all()
    form.course.choices = [(c.slug, c.title) for c in courses]
    trainers = db.session.scalars(select(User).where(User.role == "trainer").order_by(User.full_name)).all()
    form.trainers.choices = [(t.id, f"{t.name_in(None)} <{t.email}>") for t in trainers]
    if cohort is not None and request.method == "GET":
        form.course.data = cohort.course.slug
        form.trainers.data = [t.id for t in cohort.trainers]
    return form


def _fields(form: CohortForm) -> services.CohortFields:
    trainers = db.session.scalars(select(User).where(User.id.in_(form.trainers.data or []))).all()
    return services.CohortFields(
        course=_course_or_404(form.course.data), name=form.name.data, starts_on=form.starts_on.data,
        ends_on=form.ends_on.data, place=form.place.data or "", capacity=form.capacity.data, trainers=tuple(trainers),
        min_attendance=form.min_attendance.data, region=form.region.data or None,
    )  # fmt: skip


@bp.route("/cohorts/new", methods=["GET", "POST"])
@role_required("coordinator")
def new_cohort():
    """Create a training session."""
    form = _cohort_form()
    if form.validate_on_submit():
        cohort = services.create_cohort(_fields(form), current_user)
        db.session.commit()
        flash(_("Session created."), "success")
        if cohort.ends_on < date.today():  # allowed (a session recorded afterwards), but rarely meant
            flash(_("Its dates are in the past: check them before you invite anyone."), "warning")
        return redirect(url_for("coordination.cohort", cohort_id=cohort.id))
    return render_template("coordination/cohort_form.html", form=form, cohort=None)


@bp.route("/cohorts/<int:cohort_id>/edit", methods=["GET", "POST"])
@role_required("coordinator")
def edit_cohort(cohort_id: int):
    """Edit a training session."""
    cohort = _cohort_or_404(cohort_id)
    form = _cohort_form(cohort)
    if form.validate_on_submit() and not _dates_refused(form, cohort):
        try:
            services.update_cohort(cohort, _fields(form), current_user)
        except services.CoordinationError:
            form.course.errors.append(_("The course cannot change once learners are enrolled."))
        else:
            db.session.commit()
            flash(_("Session saved."), "success")
            return redirect(url_for("coordination.cohort", cohort_id=cohort.id))
    return render_template("coordination/cohort_form.html", form=form, cohort=cohort)


def _dates_refused(form: CohortForm, cohort: Cohort) -> bool:
    """Whether features refuse the new dates (days or deadlines they would leave out); says why on the form."""
    if (form.starts_on.data, form.ends_on.data) == (cohort.starts_on, cohort.ends_on):
        return False
    problems = [p for part in hooks.call("coordination.dates_problems", cohort, form.starts_on.data, form.ends_on.data)
                for p in part]  # fmt: skip
    form.starts_on.errors = [*form.starts_on.errors, *problems]
    return bool(problems)


@bp.post("/cohorts/<int:cohort_id>/close")
@role_required("coordinator")
def close_cohort(cohort_id: int):
    """Close a session: no more enrollment in it."""
    cohort = _cohort_or_404(cohort_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    services.close_cohort(cohort, current_user)
    db.session.commit()
    flash(_("Session closed."), "success")
    return redirect(url_for("coordination.cohort", cohort_id=cohort.id))


@bp.get("/cohorts/<int:cohort_id>")
@role_required("trainer", "coordinator")
def cohort(cohort_id: int):
    """A session: its learners' progress, adding learners, importing a CSV, exports."""
    cohort = _cohort_or_404(cohort_id)
    if not services.may_view_cohort(current_user, cohort):
        abort(403)
    query = request.args.get("q", "").strip()
    matches = services.search_users(query) if query and services.may_manage_cohort(current_user) else []
    scope = reports.Scope(cohort.course, cohort)
    counts = reports.state_counts(scope)
    page = reports.learners(
        scope, page=int_arg("page", 1), sort=request.args.get("sort", "name"),
        descending=request.args.get("dir") == "desc", status=request.args.get("status", ""), counts=counts,
    )  # fmt: skip
    return render_template(
        "coordination/cohort.html", cohort=cohort, page=page, query=query, matches=matches,
        action=ActionForm(), import_form=ImportForm(), counts=counts, roster=roster,
        outreach=outreach.overview(cohort) if services.may_manage_cohort(current_user) else None,
        send_once=SendOnceForm(), max_import_rows=csv_import.MAX_ROWS, extra_columns=_roster_columns(scope, page),
        **hooks.merged("coordination.cohort_context", cohort),
    )  # fmt: skip


@bp.post("/cohorts/<int:cohort_id>/learners")
@role_required("coordinator")
def add_learner(cohort_id: int):
    """Enroll one existing account in the session."""
    cohort = _cohort_or_404(cohort_id)
    user_id = request.form.get("user_id", type=int) or 0
    user = db.session.get(User, user_id) if 0 < user_id < 2**31 else None
    if user is None or not ActionForm().validate_on_submit():
        abort(400)
    messages = {
        "enrolled": _("%(name)s is enrolled."),
        "attached": _("%(name)s is now in this session."),
        "already": _("%(name)s is already in this session."),
        "other_cohort": _("%(name)s follows this course in another session."),
    }
    try:
        outcome = services.enroll_in_cohort(cohort, user, current_user)
    except services.CoordinationError as error:
        db.session.rollback()
        flash(
            {
                "closed": _("This session is closed."),
                "full": _("This session is full."),
                "course_closed": _("The course of this session is not published."),
            }[error.code],
            "error",
        )
    else:
        if outcome in ("enrolled", "attached"):
            notifications.welcome(user, cohort, current_user)  # in the enrollment's transaction
        db.session.commit()
        flash(elided(messages[outcome] % {"name": isolate(user.name_in(None))}), "success")
    return redirect(url_for("coordination.cohort", cohort_id=cohort.id))


@bp.get("/cohorts/<int:cohort_id>/imports")
@role_required("coordinator")
def latest_import(cohort_id: int):
    """The import report's address, reached again (a language switch, a reload after the upload):
    the coordinator's last file still waiting for confirmation, else the session's page."""
    cohort = _cohort_or_404(cohort_id)
    pending = db.session.scalar(
        select(CsvImport)
        .where(
            CsvImport.cohort_id == cohort.id, CsvImport.uploaded_by_id == current_user.id,
            CsvImport.confirmed_at.is_(None),
        )
        .order_by(CsvImport.id.desc())
        .limit(1)
    )  # fmt: skip
    if pending is None:
        return redirect(url_for("coordination.cohort", cohort_id=cohort.id))
    return redirect(url_for("coordination.check_import", cohort_id=cohort.id, import_id=pending.id))


@bp.post("/cohorts/<int:cohort_id>/imports")
@role_required("coordinator")
def upload(cohort_id: int):
    """Check an uploaded CSV and show what importing it would do (nothing is imported yet)."""
    cohort = _cohort_or_404(cohort_id)
    form = ImportForm()
    if not form.validate_on_submit():
        for error in form.file.errors:
            flash(error, "error")
        return redirect(url_for("coordination.cohort", cohort_id=cohort.id))
    text = csv_import.decode(form.file.data.read())
    plan = csv_import.plan(cohort, text)
    pending = None
    if plan.is_valid and text is not None:
        pending = CsvImport(
            cohort_id=cohort.id,
            uploaded_by_id=current_user.id,
            filename=csv_import.stored_filename(form.file.data.filename),
            content=text,
            checked_rows=plan.stored(),
            summary={**plan.counts(), "digest": plan.digest()},
            total_rows=len(plan.rows),
        )
        db.session.add(pending)
        db.session.commit()
    return _preview_page(cohort, plan, pending)


def _preview_page(cohort: Cohort, plan: csv_import.Plan, pending: CsvImport | None):
    return render_template(
        "coordination/import_preview.html", cohort=cohort, preview=plan, pending=pending, action=ActionForm(),
        in_request_rows=import_jobs.IN_REQUEST_ROWS, max_rows=csv_import.MAX_ROWS,
        organisation_types=allowed_names(ORGANISATION_TYPES),
        regions=allowed_names(REGIONS), import_form=ImportForm(formdata=None),
    )  # fmt: skip


def _import_or_404(cohort: Cohort, import_id: int) -> CsvImport:
    pending = db.session.get(CsvImport, import_id)
    if pending is None or pending.cohort_id != cohort.id:
        abort(404)
    return pending


@bp.get("/cohorts/<int:cohort_id>/imports/<int:import_id>/check")
@role_required("coordinator")
def check_import(cohort_id: int, import_id: int):
    """The plan of a stored file as it stands now (after a refused or failed confirmation)."""
    cohort = _cohort_or_404(cohort_id)
    pending = _import_or_404(cohort, import_id)
    if pending.confirmed_at is not None:  # confirmed: waiting, running or done
        return redirect(url_for("coordination.import_status", cohort_id=cohort.id, import_id=pending.id))
    plan = csv_import.plan(cohort, pending.content)
    return _preview_page(cohort, plan, pending if plan.is_valid else None)


REFUSALS = {
    "closed": _l("This session is closed: nothing was imported."),
    "course_closed": _l("The course of this session is not published: nothing was imported."),
    "full": _l("The session would exceed its capacity: nothing was imported."),
    "changed": _l("Accounts or enrollments changed since the file was checked: nothing was imported. "
                  "Here is what importing it would do now."),
    "invalid_file": _l("The file no longer passes the checks: nothing was imported."),
    "interrupted": _l("The import was interrupted: nothing was imported."),
    "error": _l("The import failed: nothing was imported. The error has been recorded."),
}  # fmt: skip


@bp.post("/cohorts/<int:cohort_id>/imports/<int:import_id>/confirm")
@role_required("coordinator")
def confirm_import(cohort_id: int, import_id: int):
    """Import the plan the coordinator saw: every row or none; large files by a worker."""
    cohort = _cohort_or_404(cohort_id)
    pending = db.session.get(CsvImport, import_id)
    if pending is None or pending.cohort_id != cohort.id or not ActionForm().validate_on_submit():
        abort(404)
    # The plan shown on the page that was confirmed (the upload's, unless the file was checked again).
    expected = request.form.get("plan", "")[:64] or (pending.summary or {}).get("digest")
    status_page = url_for("coordination.import_status", cohort_id=cohort.id, import_id=pending.id)
    if pending.total_rows > import_jobs.IN_REQUEST_ROWS:
        if not import_jobs.queue(pending, current_user, expected, request_base_url()):
            db.session.rollback()
            flash(_("This file was already imported."), "info")
            return redirect(status_page)
        db.session.commit()  # then the worker is asked to import it
        return redirect(status_page)
    try:
        result = import_jobs.run_now(pending, current_user, expected, request_base_url())
    except services.CoordinationError as error:
        db.session.rollback()
        flash(str(REFUSALS.get(error.code, REFUSALS["invalid_file"])), "error")
        return redirect(url_for("coordination.check_import", cohort_id=cohort.id, import_id=pending.id))
    if result is None:  # one confirmation wins, even when clicked twice at once
        db.session.rollback()
        flash(_("This file was already imported."), "info")
        return redirect(url_for("coordination.cohort", cohort_id=cohort.id))
    db.session.commit()
    flash(_("%(enrolled)d learners enrolled, %(created)d accounts created and invited.",
            enrolled=result.enrolled, created=result.created), "success")  # fmt: skip
    return redirect(url_for("coordination.cohort", cohort_id=cohort.id))


@bp.get("/cohorts/<int:cohort_id>/imports/<int:import_id>")
@role_required("coordinator")
def import_status(cohort_id: int, import_id: int):
    """Where a confirmed import stands: waiting, running n/N, done with its counts, or failed and why."""
    cohort = _cohort_or_404(cohort_id)
    pending = _import_or_404(cohort, import_id)
    return render_template(
        "coordination/import_status.html", cohort=cohort, pending=pending, state=import_jobs.status_of(pending),
        reasons=REFUSALS,
    )  # fmt: skip


# The file to fill in, in the coordinator's language: the columns the import reads (the optional
# language last) and one example row.
TEMPLATES = {
    "fr": (["Courriel", "Nom complet", "Nom en arabe", "Organisme", "Type d'organisation", "Région", "Fonction",
            "Langue"],
           ["salma.benali@exemple.ma", "Salma Benali", "سلمى بنعلي", "Commune de Salé", "Commune",
            "Rabat-Salé-Kénitra", "Chargée de communication", "fr"]),
    "ar": (["البريد الإلكتروني", "الاسم الكامل", "الاسم بالعربية", "الهيئة", "نوع الهيئة", "الجهة", "الوظيفة", "اللغة"],
           ["salma.benali@exemple.ma", "Salma Benali", "سلمى بنعلي", "جماعة سلا", "جماعة", "الرباط سلا القنيطرة",
            "مكلفة بالتواصل", "ar"]),
    "en": (["Email", "Full name", "Arabic name", "Organisation", "Organisation type", "Region", "Function",
            "Language"],
           ["salma.benali@example.ma", "Salma Benali", "سلمى بنعلي", "Commune of Salé", "Commune",
            "Rabat-Salé-Kénitra", "Communication officer", "en"]),
}  # fmt: skip


@bp.get("/imports/template.csv")
@role_required("coordinator")
def import_template():
    """A file to fill in, in the interface's language: the columns the import reads and one example row."""
    language = str(get_locale())
    header, example = TEMPLATES.get(language, TEMPLATES["fr"])
    name = "tadbir-modele-import.csv" if language == "fr" else "tadbir-import-template.csv"
    return attachment("".join(csv_stream(header, [example])), name, CSV_MIMETYPE)


@bp.get("/courses/<slug>/report")
@role_required("trainer", "coordinator")
def report(slug: str):
    """Completion report of a course or one of its sessions."""
    course = _readable_course(slug)
    scope = _scope(course)
    summary, counts = reports.summary(scope)
    page = reports.learners(
        scope, page=int_arg("page", 1), sort=request.args.get("sort", "name"),
        descending=request.args.get("dir") == "desc", status=request.args.get("status", ""),
        query=request.args.get("q", ""), counts=counts,
    )  # fmt: skip
    weeks = reports.completions_by_week(scope)
    cohorts = db.session.scalars(select(Cohort).where(Cohort.course_id == course.id).order_by(Cohort.starts_on)).all()
    return render_template(
        "coordination/report.html", course=course, scope=scope, summary=summary, page=page,
        items=reports.item_analysis(scope), weeks=weeks, cohorts=cohorts, charts=charts,
        counts=counts, roster=roster, extra_columns=_roster_columns(scope, page),
        **hooks.merged("coordination.report_context", scope),
    )  # fmt: skip


def _roster_columns(scope: reports.Scope, page: reports.LearnerPage) -> list[tuple[list[str], dict]]:
    """What features add to the learners' table (attendance): each part's headers and its cells for
    the page's learners, by enrollment id."""
    ids = [row.enrollment.id for row in page.rows]
    parts = [part for part in hooks.call("coordination.roster_columns", scope) if part is not None]
    return [(header, cells(ids) if ids else {}) for header, cells in parts]


def _export_name(course: Course, scope: reports.Scope, extension: str) -> str:
    suffix = f"-session-{scope.cohort.id}" if scope.cohort else ""
    return f"tadbir-{course.slug}{suffix}-{date.today().isoformat()}.{extension}"


def _audit_export(kind: str, course: Course, scope: reports.Scope, **data) -> None:
    record(
        current_user,
        f"export.{kind}",
        "course",
        course.id,
        course.slug,
        course_title=course.title,
        cohort=scope.cohort.id if scope.cohort else None,
        cohort_name=scope.cohort.name if scope.cohort else None,
        **data,
    )
    db.session.commit()


@bp.get("/courses/<slug>/report.csv")
@role_required("coordinator")
def report_csv(slug: str):
    """The learners of a course or session as CSV (UTF-8 with BOM, semicolons: Excel in French).

    Headers and labels are in the exporter's language (see `exports`).
    """
    course = _course_or_404(slug)
    scope = _scope(course)
    _audit_export("report_csv", course, scope)
    table = exports.learner_table(scope)
    return attachment(csv_stream(table.header, table.rows), _export_name(course, scope, "csv"), CSV_MIMETYPE)


@bp.get("/courses/<slug>/report.xlsx")
@role_required("coordinator")
def report_xlsx(slug: str):
    """The same table as an Excel workbook."""
    course = _course_or_404(slug)
    scope = _scope(course)
    _audit_export("report_xlsx", course, scope)
    table = exports.learner_table(scope)
    data = xlsx_bytes(course.slug, table.header, table.rows, right_to_left=str(get_locale()) == "ar")
    return attachment(data, _export_name(course, scope, "xlsx"), XLSX_MIMETYPE)


def _certificate_selection(course: Course, scope: reports.Scope) -> batch.CertificateFilter:
    since = request.args.get("since", "")
    try:
        since_date = date.fromisoformat(since) if since else None
    except ValueError:
        abort(400)
    return batch.CertificateFilter(course, scope.cohort.id if scope.cohort else None, since_date)


@bp.get("/courses/<slug>/certificates.zip")
@role_required("coordinator")
def certificates_zip(slug: str):
    """Every certificate of the course or session (or since a date) as one streamed ZIP with a register;
    beyond ZIP_IN_REQUEST certificates, a page that asks a worker to prepare it."""
    course = _course_or_404(slug)
    scope = _scope(course)
    selection = _certificate_selection(course, scope)
    count = batch.count_certificates(selection)
    if count > export_jobs.ZIP_IN_REQUEST:
        return render_template(
            "coordination/export_request.html", course=course, scope=scope, count=count, action=ActionForm(),
            since=request.args.get("since", ""),
        )  # fmt: skip
    _audit_export("certificates_zip", course, scope, since=request.args.get("since") or None)
    return attachment(batch.certificates_zip(selection), _export_name(course, scope, "zip"), "application/zip")


@bp.post("/courses/<slug>/certificates.zip")
@role_required("coordinator")
def request_certificates_zip(slug: str):
    """Ask a worker for the certificates ZIP; then follow it on the export's page."""
    course = _course_or_404(slug)
    scope = _scope(course)
    selection = _certificate_selection(course, scope)
    if not ActionForm().validate_on_submit():
        abort(400)
    job = export_jobs.request_zip(
        current_user, course, selection.cohort_id, selection.since, _export_name(course, scope, "zip"),
        request_base_url(),
    )  # fmt: skip
    _audit_export("certificates_zip", course, scope, since=request.args.get("since") or None, job=job.id)
    return redirect(url_for("coordination.export_status", job_id=job.id))


def _export_or_404(job_id: int) -> ExportJob:
    job = db.session.get(ExportJob, job_id)
    if job is None or not export_jobs.may_see(current_user, job):  # someone else's export: nothing to tell
        abort(404)
    return job


@bp.get("/exports/<int:job_id>")
@role_required("coordinator")
def export_status(job_id: int):
    """Where a prepared export stands; its download link once it is ready."""
    job = _export_or_404(job_id)
    return render_template(
        "coordination/export_status.html", job=job, state=export_jobs.status_of(job), keep=export_jobs.KEEP
    )


@bp.get("/exports/<int:job_id>/download")
@role_required("coordinator")
def export_download(job_id: int):
    """The prepared file (for the person who asked, or an admin)."""
    job = _export_or_404(job_id)
    if export_jobs.status_of(job)["status"] != "done":
        return redirect(url_for("coordination.export_status", job_id=job.id))
    return attachment(export_jobs.read_file(job), job.download_name, "application/zip")


@bp.get("/courses/<slug>/certificates.pdf")
@role_required("coordinator")
def certificates_pdf(slug: str):
    """The same certificates in one PDF for printing."""
    course = _course_or_404(slug)
    scope = _scope(course)
    selection = _certificate_selection(course, scope)
    if batch.count_certificates(selection) > PRINT_LIMIT:
        flash(_("More than %(limit)d certificates: choose a session or a date, or use the ZIP export.",
                limit=PRINT_LIMIT), "error")  # fmt: skip
        return redirect(url_for("coordination.report", slug=course.slug))
    _audit_export("certificates_pdf", course, scope, since=request.args.get("since") or None)
    return attachment(batch.certificates_pdf(selection), _export_name(course, scope, "pdf"), "application/pdf")
