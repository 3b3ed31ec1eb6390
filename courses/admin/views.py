"""Admin pages: accounts (search, role, deactivate, reset link) and the audit log."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from courses.admin import services
from courses.audit import wording
from courses.auth.access import role_required
from courses.auth.labels import role_name
from courses.auth.models import ROLES, User
from courses.auth.notifications import send_password_link
from courses.auth.services import AccountError, email_warnings
from courses.downloads import attachment
from courses.extensions import db
from courses.forms import ActionForm
from courses.i18n import elided
from courses.tabular import CSV_MIMETYPE, csv_stream
from courses.text import isolate
from courses.urls import int_arg

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


@bp.get("/users")
@role_required("admin")
def users():
    """Search accounts; change roles; deactivate; send reset links."""
    query, role = request.args.get("q", ""), request.args.get("role", "")
    page = int_arg("page", 1)
    found, total = services.find_users(query, role if role in ROLES else "", page)
    return render_template(
        "admin/users.html", users=found, total=total, query=query, role=role, roles=ROLES, page=page,
        pages=max(1, -(-total // services.PAGE_SIZE)), action=ActionForm(), warnings=email_warnings(found),
    )  # fmt: skip


def _back():
    return redirect(
        request.referrer
        if request.referrer and request.referrer.startswith(request.host_url)
        else url_for("admin.users")
    )


@bp.post("/users/<int:user_id>/role")
@role_required("admin")
def change_role(user_id: int):
    user = _user_or_404(user_id)
    role = request.form.get("role", "")
    if role not in ROLES or not ActionForm().validate_on_submit():
        abort(400)
    try:
        services.change_role(user, role, current_user)
    except AccountError:
        flash(_("You cannot change your own role."), "error")
        return _back()
    db.session.commit()
    flash(_("%(email)s is now %(role)s.", email=isolate(user.email), role=role_name(role)), "success")
    return _back()


@bp.post("/users/<int:user_id>/active")
@role_required("admin")
def set_active(user_id: int):
    user = _user_or_404(user_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        services.set_active(user, request.form.get("active") == "1", current_user)
    except AccountError:
        flash(_("You cannot deactivate your own account."), "error")
        return _back()
    db.session.commit()
    if user.is_active:
        flash(elided(_("The account of %(email)s is active again.", email=isolate(user.email))), "success")
    else:
        flash(
            elided(_("The account of %(email)s is deactivated: its sessions have ended.", email=isolate(user.email))),
            "success",
        )
    return _back()


@bp.post("/users/<int:user_id>/reset-link")
@role_required("admin")
def reset_link(user_id: int):
    user = _user_or_404(user_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    if not user.is_active:
        flash(_("This account is deactivated: reactivate it before sending a link (the link would not work)."), "error")
        return _back()
    send_password_link(user, "reset", sent_by=current_user)  # recorded in the audit log
    db.session.commit()
    flash(_("A link to set a password was sent to %(email)s.", email=isolate(user.email)), "success")
    return _back()


def _audit_filters() -> services.AuditFilter:
    def day(name: str) -> date | None:
        try:
            value = date.fromisoformat(request.args.get(name, ""))
        except ValueError:
            return None
        return value if date(1900, 1, 1) <= value <= date(9000, 12, 31) else None

    return services.AuditFilter(
        family=request.args.get("family", ""),
        actor=request.args.get("actor", ""),
        since=day("since"),
        until=day("until"),
    )


@bp.get("/audit")
@role_required("admin")
def audit():
    """The audit log: who did what to whom, filterable."""
    filters = _audit_filters()
    page = int_arg("page", 1)
    events, total = services.audit_page(filters, page)
    return render_template(
        "admin/audit.html", events=events, total=total, filters=filters, families=wording.FAMILIES,
        all_families=services.ALL_FAMILIES, describe=wording.describe, when=wording.when, page=page,
        pages=max(1, -(-total // services.PAGE_SIZE)),
    )  # fmt: skip


@bp.get("/audit.csv")
@role_required("admin")
def audit_csv():
    """The filtered audit log as CSV: the machine columns and each event's sentence in the exporter's language."""
    rows = services.audit_rows(_audit_filters())
    return attachment(csv_stream(services.AUDIT_HEADER, rows), "tadbir-audit.csv", CSV_MIMETYPE)
