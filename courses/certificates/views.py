"""Download, public verification, the public key, and the coordinators' re-issue and revocation."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from courses.auth.access import role_required
from courses.certificates import codes, pdf, services
from courses.certificates.forms import ReissueForm, RevokeForm, VerifyForm
from courses.downloads import attachment
from courses.extensions import db, limiter

bp = Blueprint("certificates", __name__)


def _verify_limit() -> str:
    return current_app.config["VERIFY_RATE_LIMIT"]


@bp.get("/certificates/<code>.pdf")
@login_required
def download(code: str):
    """The PDF, for its holder, coordinators and admins; everyone else gets 404 (no hint)."""
    certificate = services.find(code)
    if certificate is None or not services.can_download(current_user, certificate):
        abort(404)
    if not services.can_print(certificate):
        message = _(
            "This certificate was revoked or replaced: it can no longer be downloaded. See its verification page."
        )
        return render_template("certificates/error.html", message=message, certificate=certificate), 410
    try:
        document = pdf.render(certificate.snapshot, certificate.code, services.verify_url(certificate.code))
    except pdf.MissingGlyphs as error:
        current_app.logger.error("certificate %s: %s", certificate.code, error)
        message = _("This certificate contains characters the PDF fonts cannot print: %(chars)s. "
                    "A coordinator can correct the name.", chars=" ".join(error.characters))  # fmt: skip
        return render_template("certificates/error.html", message=message), 422
    filename = f"certificat-{certificate.code}.pdf"
    return attachment(document, filename, "application/pdf")  # no-store: courses/security.py


@bp.get("/verify")
@limiter.limit(_verify_limit)
def verify_form():
    """Type a code to check a certificate (no account needed)."""
    form = VerifyForm(request.args)
    if request.args and form.validate():
        code = codes.normalise(form.code.data)
        if code is None:
            return render_template("certificates/verify.html", form=form, result=services.Verification("unknown"))
        return redirect(url_for("certificates.verify", code=code))
    return render_template("certificates/verify.html", form=form, result=None)


@bp.get("/verify/<code>")
@limiter.limit(_verify_limit)
def verify(code: str):
    """What a certificate's code says: valid, revoked, replaced, unknown or tampered."""
    result = services.verify(code)
    form = VerifyForm(code=code)
    status = 404 if result.state == "unknown" else 200
    return render_template("certificates/verify.html", form=form, result=result), status


@bp.get("/certificates/public-key.pem")
def public_key():
    """The Ed25519 public key certificates are signed with."""
    return Response(services.signer().public_key_pem(), mimetype="application/x-pem-file")


def _certificate_or_404(code: str):
    certificate = services.find(code)
    if certificate is None:
        abort(404)
    return certificate


def _back_to_manage(certificate, message: str, category: str = "error"):
    flash(message, category)
    return redirect(url_for("certificates.manage", code=certificate.code))


@bp.route("/certificates/<code>/manage", methods=["GET"])
@role_required("coordinator")
def manage(code: str):
    """A coordinator's view of one certificate: its history, re-issue and revocation."""
    certificate = _certificate_or_404(code)
    reissue_form = ReissueForm(
        name=certificate.snapshot["holder"]["name"], name_ar=certificate.snapshot["holder"].get("name_ar")
    )
    return render_template(
        "certificates/manage.html", certificate=certificate, reissue_form=reissue_form, revoke_form=RevokeForm(),
        verification=services.verify(certificate.code),
    )  # fmt: skip


@bp.post("/certificates/<code>/reissue")
@role_required("coordinator")
def reissue(code: str):
    """Re-issue with corrected names; the old code then verifies as replaced."""
    certificate = _certificate_or_404(code)
    form = ReissueForm()
    if not form.validate_on_submit():
        return _back_to_manage(certificate, _("Give at least the name in Latin script."))
    try:
        replacement = services.reissue(certificate, current_user, form.name.data, form.name_ar.data)
    except services.CertificateError:
        return _back_to_manage(certificate, _("This certificate cannot be re-issued (already replaced or revoked)."))
    db.session.commit()
    return _back_to_manage(replacement, _("Re-issued as %(code)s.", code=replacement.code), "success")


@bp.post("/certificates/<code>/revoke")
@role_required("coordinator")
def revoke(code: str):
    """Revoke, with a reason shown on verification."""
    certificate = _certificate_or_404(code)
    form = RevokeForm()
    if not form.validate_on_submit():
        return _back_to_manage(certificate, _("A reason is required to revoke a certificate."))
    try:
        services.revoke(certificate, current_user, form.reason.data)
    except services.CertificateError:
        return _back_to_manage(certificate, _("Only the current certificate can be revoked, once."))
    db.session.commit()
    return _back_to_manage(certificate, _("The certificate is revoked."), "success")
