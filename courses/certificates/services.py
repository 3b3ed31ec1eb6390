"""Issue, verify, re-issue and revoke certificates. Plain functions; the web and the CLI call them."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from flask import current_app
from sqlalchemy import select

from courses import hooks
from courses.audit.services import Actor, record
from courses.auth.models import User
from courses.certificates import codes
from courses.certificates.models import Certificate
from courses.certificates.signing import Signer
from courses.database import insert_ignoring_conflicts, utcnow
from courses.extensions import db
from courses.learning.counted import counted_modules
from courses.learning.models import Enrollment
from courses.service_errors import ServiceError
from courses.text import clean_line
from courses.urls import public_url

# 2: the snapshot also freezes what the Open Badges credential states (achievement, recipient).
SNAPSHOT_VERSION = 2


class CertificateError(ServiceError):
    """A rule about certificates (issue, re-issue, revocation) refused the action."""


def signer() -> Signer:
    config = current_app.config
    path = config.get("CERTIFICATE_SIGNING_KEY") or Path(current_app.instance_path) / "certificate_signing_key.pem"
    return Signer(Path(path))


def verify_url(code: str) -> str:
    """The public address that verifies `code` (printed and encoded in the QR code)."""
    return public_url("certificates.verify", code=code)


def build_snapshot(enrollment: Enrollment, holder_name: str, holder_name_ar: str | None) -> dict[str, Any]:
    """Everything a certificate states, frozen at issue: later edits never change it.

    People's text is cleaned again (names stored before input was cleaned may hold bidi controls).
    """
    course = enrollment.course
    config = current_app.config
    cohort = getattr(enrollment, "cohort", None)
    return {
        "version": SNAPSHOT_VERSION,
        "holder": {"name": clean_line(holder_name), "name_ar": clean_line(holder_name_ar or "") or None},
        "recipient": recipient_identity(enrollment.user.email),
        "achievement": achievement_facts(course),
        "course": {
            "slug": course.slug,
            "title": course.title,
            "language": course.language,
            "hours": course.hours,
            "content_version": course.content_hash[:12],
        },
        "completed_on": enrollment.completed_at.date().isoformat(),
        "cohort": {"name": clean_line(cohort.name), "place": clean_line(cohort.place)} if cohort is not None else None,
        "institutions": list(config["CERTIFICATE_INSTITUTIONS"]),
        "signatories": list(config["CERTIFICATE_SIGNATORIES"]),
    }


def recipient_identity(email: str, salt: str | None = None) -> dict[str, str]:
    """A salted SHA-256 of the (normalised) address: the credential names its holder without the email.

    Open Badges' IdentityHash: "sha256$" and the hex digest of the address followed by the salt.
    """
    salt = salt or secrets.token_hex(16)
    return {"salt": salt, "identity_hash": "sha256$" + hashlib.sha256((email + salt).encode()).hexdigest()}


def achievement_facts(course) -> dict[str, Any]:
    """What the course asked for, as the credential's achievement states it (frozen with the snapshot)."""
    live = [m for m in course.modules if m.archived_at is None]
    return {
        "summary": course.summary,
        "tags": list(course.tag_names),
        "level": course.level,
        "pass_mark": course.pass_mark,
        "translation_of": course.translation_of,
        "modules": [
            {"title": m.title, "objectives": list(m.objectives or []), "quiz": bool(m.active_questions)}
            for m in counted_modules(live)
        ],
    }


def _signed_document(code: str, enrollment_id: int, snapshot: dict[str, Any]) -> dict[str, Any]:
    # The code and the enrollment are signed with the snapshot: a row cannot be re-pointed.
    return {"code": code, "enrollment": enrollment_id, "snapshot": snapshot}


def _create(enrollment: Enrollment, snapshot: dict[str, Any]) -> Certificate | None:
    """Insert a current certificate for the enrollment unless one exists; None if one did."""
    for _attempt in range(5):  # a code collision is astronomically rare; retry with a new one
        code = codes.new_code()
        if db.session.scalar(select(Certificate.id).where(Certificate.code == code)) is not None:
            continue
        values = {
            "code": code,
            "enrollment_id": enrollment.id,
            "user_id": enrollment.user_id,
            "course_id": enrollment.course_id,
            "issued_at": utcnow(),
            "snapshot": snapshot,
            "signature": signer().sign(_signed_document(code, enrollment.id, snapshot)),
        }
        if not insert_ignoring_conflicts(db.session, Certificate, values):
            return None
        return db.session.scalar(select(Certificate).where(Certificate.code == code))
    raise CertificateError("no_code")


def current_certificate(enrollment: Enrollment) -> Certificate | None:
    return db.session.scalar(
        select(Certificate).where(Certificate.enrollment_id == enrollment.id, Certificate.replaced_at.is_(None))
    )


def issue(enrollment: Enrollment, actor: Actor) -> Certificate | None:
    """The certificate of a completed enrollment in a certifying course, issued once (and recorded then)."""
    return issue_once(enrollment, actor) or current_certificate(enrollment)


def issue_once(enrollment: Enrollment, actor: Actor) -> Certificate | None:
    """The certificate this call issued, or None: not due yet, or already issued (by this or another request).

    Due when the enrollment is complete, the course certifies, and every `certificates.requirements`
    provider agrees (a session's attendance rule): a rule met later issues it then, once.
    """
    if enrollment.completed_at is None or not enrollment.course.is_certifying:
        return None
    if current_certificate(enrollment) is not None:
        return None
    if not all(hooks.call("certificates.requirements", enrollment)):
        return None
    user = enrollment.user
    created = _create(enrollment, build_snapshot(enrollment, user.full_name, user.full_name_ar))
    if created is None:  # issued at the same moment by another request: it recorded it
        return None
    record(
        actor, "certificate.issue", "certificate", created.id, created.code,
        holder=created.snapshot["holder"], course=enrollment.course.slug, course_title=enrollment.course.title,
        enrollment=enrollment.id,
    )  # fmt: skip
    return created


def find(code_text: str) -> Certificate | None:
    """The certificate for a code typed in any case, with or without dashes; None if unknown."""
    code = codes.normalise(code_text)
    if code is None:
        return None
    return db.session.scalar(select(Certificate).where(Certificate.code == code))


@dataclass(frozen=True)
class Verification:
    state: str  # valid | revoked | replaced | unknown | tampered
    certificate: Certificate | None = None
    current: Certificate | None = None  # for a replaced certificate: the last of its replacements


def _current(certificate: Certificate) -> Certificate:
    seen = {certificate.id}
    while certificate.replaced_by is not None and certificate.replaced_by.id not in seen:
        certificate = certificate.replaced_by
        seen.add(certificate.id)
    return certificate


def verify(code_text: str) -> Verification:
    """What anyone checking a code should be told."""
    certificate = find(code_text)
    if certificate is None:
        return Verification("unknown")
    document = _signed_document(certificate.code, certificate.enrollment_id, certificate.snapshot)
    if not signer().verify(document, certificate.signature):
        return Verification("tampered", certificate)
    current = _current(certificate) if certificate.status == "replaced" else None
    return Verification(certificate.status, certificate, current)


def reissue(certificate: Certificate, actor: Actor, name: str, name_ar: str | None) -> Certificate:
    """Correct the holder's names: a new certificate replaces this one, which stays verifiable."""
    if certificate.replaced_at is not None:
        raise CertificateError("already_replaced")
    if certificate.revoked_at is not None:
        raise CertificateError("revoked")
    name, name_ar = clean_line(name), clean_line(name_ar or "") or None
    if not name:
        raise CertificateError("name_required")
    now = utcnow()
    certificate.replaced_at = now
    db.session.flush()  # frees the "one current certificate" slot before the new row takes it
    enrollment = certificate.enrollment
    snapshot = {**certificate.snapshot, "holder": {"name": name, "name_ar": name_ar}}
    # Certificates issued before credentials named their holder by a hash: the replacement does.
    snapshot.setdefault("recipient", recipient_identity(certificate.enrollment.user.email))
    replacement = _create(enrollment, snapshot)
    if replacement is None:
        raise CertificateError("conflict")
    certificate.replaced_by_id = replacement.id
    user = enrollment.user
    user.full_name, user.full_name_ar = name, name_ar  # the profile says the same from now on
    record(
        actor, "certificate.reissue", "certificate", certificate.id, certificate.code,
        replacement=replacement.code, old_name=certificate.snapshot["holder"], new_name=replacement.snapshot["holder"],
    )  # fmt: skip
    return replacement


def revoke(certificate: Certificate, actor: Actor, reason: str) -> None:
    """Withdraw a certificate; verification then says so, with the date and reason."""
    reason = reason.strip()
    if not reason:
        raise CertificateError("reason_required")
    if certificate.replaced_at is not None:
        raise CertificateError("already_replaced")  # revoke the current certificate instead
    if certificate.revoked_at is not None:
        raise CertificateError("already_revoked")
    certificate.revoked_at = utcnow()
    certificate.revoke_reason = reason
    record(actor, "certificate.revoke", "certificate", certificate.id, certificate.code, reason=reason)


def can_print(certificate: Certificate) -> bool:
    """A revoked or replaced certificate is not handed out again as a PDF."""
    return certificate.status == "valid"


def certificates_of(user: User) -> list[Certificate]:
    """A user's current certificates, newest first (with their course)."""
    return list(
        db.session.scalars(
            select(Certificate)
            .where(Certificate.user_id == user.id, Certificate.replaced_at.is_(None))
            .order_by(Certificate.issued_at.desc())
        )
    )


LINKEDIN_ADD_TO_PROFILE = "https://www.linkedin.com/profile/add"


def linkedin_url(certificate: Certificate) -> str:
    """LinkedIn's "add to profile" form, filled in: certification name, issuer, date, credential id and URL."""
    issued = certificate.issued_at
    fields = {
        "startTask": "CERTIFICATION_NAME",
        "name": certificate.snapshot["course"]["title"],
        "organizationName": current_app.config["SITE_NAME"],
        "issueYear": issued.year,
        "issueMonth": issued.month,
        "certId": certificate.code,
        "certUrl": verify_url(certificate.code),
    }
    return f"{LINKEDIN_ADD_TO_PROFILE}?{urlencode(fields, quote_via=quote)}"


def can_download(user: User, certificate: Certificate) -> bool:
    """The holder, coordinators and admins; nobody else."""
    return user.is_authenticated and (certificate.user_id == user.id or user.has_role("coordinator"))
