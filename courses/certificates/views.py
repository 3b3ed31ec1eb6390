"""Download, public verification, the public key, and the coordinators' re-issue and revocation."""

from __future__ import annotations

import json

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from courses.auth.access import role_required
from courses.certificates import badge, codes, credentials, issuer, pdf, services
from courses.certificates.forms import CredentialForm, ReissueForm, RevokeForm, VerifyForm
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


def _verify_page(form: VerifyForm, result=None, check=None, credential_form: CredentialForm | None = None):
    return render_template(
        "certificates/verify.html", form=form, result=result, check=check,
        credential_form=credential_form or CredentialForm(formdata=None), reasons=CHECK_REASONS,
    )  # fmt: skip


@bp.get("/verify")
@limiter.limit(_verify_limit)
def verify_form():
    """Type a code to check a certificate (no account needed)."""
    form = VerifyForm(request.args)
    if request.args and form.validate():
        code = codes.normalise(form.code.data)
        if code is None:
            return _verify_page(form, result=services.Verification("unknown"))
        return redirect(url_for("certificates.verify", code=code))
    return _verify_page(form)


@bp.get("/verify/<code>")
@limiter.limit(_verify_limit)
def verify(code: str):
    """What a certificate's code says: valid, revoked, replaced, unknown or tampered."""
    result = services.verify(code)
    status = 404 if result.state == "unknown" else 200
    return _verify_page(VerifyForm(code=code), result=result), status


#: Why a presented credential got its verdict (`credentials.Check.reasons`).
CHECK_REASONS = {
    "empty": _l("Paste a credential or choose a badge image."),
    "form_expired": _l("The form has expired: send it again."),
    "too_long": _l("This text is far longer than any credential Tadbir issues."),
    "unreadable": _l("This is not a readable credential: neither a VC-JWT nor JSON."),
    "not_a_credential": _l("This is not a credential: paste the VC-JWT (three parts separated by dots) or the JSON."),
    "unreadable_image": _l("This file is not a badge image that can be read (SVG or PNG)."),
    "no_credential_in_image": _l("This image carries no credential: it is not a baked badge."),
    "unknown_key": _l("It was not signed with a key of Tadbir's (see the issuer's DID document)."),
    "bad_signature": _l("Its signature does not match its content: it has been altered since it was issued."),
    "not_a_badge": _l("This is not an Open Badges credential."),
    "foreign_issuer": _l("It was issued by someone else, not by this platform."),
    "bad_dates": _l("Its validity dates are missing or unreadable."),
    "expired": _l("Its validity period has ended."),
    "not_yet_valid": _l("Its validity period has not started."),
    "unknown_certificate": _l("No certificate issued here matches it."),
    "record_altered": _l("The certificate's record no longer matches its signature: it has been altered."),
    "differs": _l("Its content differs from the certificate issued: it has been altered."),
    "signature_ok": _l("Its signature is Tadbir's and matches its content."),
    "matches_record": _l("It is exactly the credential issued for this certificate (JSON carries no signature: "
                         "the VC-JWT or the baked badge proves it by itself)."),
}  # fmt: skip


@bp.post("/verify/credential")
@limiter.limit(_verify_limit)
def verify_credential():
    """Check a pasted credential (VC-JWT or JSON) or a baked badge: valid, revoked, replaced, altered, not ours."""
    form = CredentialForm()
    if not form.validate_on_submit():
        refused = credentials.Check("invalid", ("too_long",) if form.credential.errors else ("form_expired",))
        return _verify_page(VerifyForm(formdata=None), check=refused, credential_form=form)
    upload = form.badge.data
    if upload and getattr(upload, "filename", ""):
        check = credentials.inspect_badge(upload.read(badge.MAX_BYTES + 1))
    else:
        check = credentials.inspect_text(form.credential.data or "")
    return _verify_page(VerifyForm(formdata=None), check=check, credential_form=form)


def _credential_file(code: str, build, name: str, mimetype: str) -> Response:
    """A file of the certificate's credential (`build(certificate)`, saved as `name-<code>`) for its
    holder, coordinators and admins; 404 for anyone else, 410 once it is revoked or replaced."""
    certificate = services.find(code)
    if certificate is None or not services.can_download(current_user, certificate):
        abort(404)
    if not services.can_print(certificate):
        message = _("This certificate was revoked or replaced: its credential is no longer handed out. "
                    "See its verification page.")  # fmt: skip
        return make_response(render_template("certificates/error.html", message=message, certificate=certificate), 410)
    return attachment(build(certificate), name.replace("<code>", certificate.code), mimetype)


@bp.get("/certificates/<code>/credential.json")
@login_required
def credential_json(code: str):
    """The Open Badges credential (JSON, without proof)."""
    return _credential_file(code, _credential_json, "credential-<code>.json", "application/vc")


def _credential_json(certificate) -> str:
    return json.dumps(credentials.build(certificate), ensure_ascii=False, indent=2)


@bp.get("/certificates/<code>/credential.jwt")
@login_required
def credential_jwt(code: str):
    """The credential signed as a VC-JWT."""
    return _credential_file(code, credentials.signed, "credential-<code>.jwt", "application/vc+jwt")


@bp.get("/certificates/<code>/badge.svg")
@login_required
def baked_badge(code: str):
    """The badge image carrying the VC-JWT (Open Badges baking)."""
    response = _credential_file(code, credentials.baked_badge, "badge-<code>.svg", "image/svg+xml")
    response.headers["Content-Security-Policy"] = IMAGE_POLICY
    return response


@bp.get("/certificates/<code>/badge.png")
@login_required
def baked_badge_png(code: str):
    """The badge as a PNG carrying the VC-JWT (Open Badges baking, for services that take images only)."""
    return _credential_file(code, credentials.baked_badge_png, "badge-<code>.png", "image/png")


# Our SVGs hold no script; this policy makes sure none could run if one were opened directly.
IMAGE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; sandbox; frame-ancestors 'none'"


def _public(response: Response, max_age: int) -> Response:
    """A public document every verifier may fetch, from any origin, and caches may keep a while."""
    response.headers["Cache-Control"] = f"public, max-age={max_age}"
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.add_etag()
    return response.make_conditional(request)


@bp.get("/verify/<code>/badge.svg")
def badge_image(code: str):
    """The badge image of a certificate (the achievement's image; the holder is not on it)."""
    certificate = _certificate_or_404(code)
    response = Response(badge.draw(certificate.snapshot), mimetype="image/svg+xml")
    response.headers["Content-Security-Policy"] = IMAGE_POLICY
    return _public(response, 86_400)


@bp.get("/.well-known/did.json")
@bp.get("/did.json")
def did_document():
    """The issuer's DID document (did:web): the public keys credentials are signed with."""
    body = json.dumps(issuer.did_document(), ensure_ascii=False, indent=2)
    return _public(Response(body, mimetype="application/did+json"), 3600)


@bp.get("/credentials/status/<int:number>")
def status_list(number: int):
    """A Bitstring Status List, signed as a VC-JWT: the bit of a revoked or replaced certificate is set."""
    document = credentials.status_list_credential(number)
    if document is None:
        abort(404)
    response = Response(issuer.sign(document), mimetype="application/vc+jwt")
    return _public(response, credentials.STATUS_LIST_TTL)


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
