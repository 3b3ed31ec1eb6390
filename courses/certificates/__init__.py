"""Certificates: issued on completion, PDF, public verification, re-issue and revocation."""

from __future__ import annotations

from datetime import date

from flask import Flask

from courses import hooks
from courses.audit.services import SYSTEM
from courses.certificates import services
from courses.certificates.cli import certificates_cli
from courses.certificates.notifications import send_certificate_issued
from courses.certificates.views import bp


def issue_on_completion(enrollment) -> None:
    """Provides `learning.course_completed`: issue the certificate, if due, and tell the learner.

    Also what a rule met later calls (attendance corrected): a certificate is issued and announced once.
    """
    certificate = services.issue_once(enrollment, SYSTEM)  # the platform issues it, whoever completed the course
    if certificate is not None:
        send_certificate_issued(enrollment, certificate)


def dashboard_certificates(user) -> dict:
    """Provides `learning.dashboard_context`: the learner's certificates, by enrollment."""
    return {"certificates": {c.enrollment_id: c for c in services.certificates_of(user)}}


def completion_certificate(enrollment) -> dict:
    """Provides `learning.completion_context`: the completed enrollment's certificate and its verification address."""
    certificate = services.current_certificate(enrollment)
    if certificate is None:
        return {}
    return {
        "certificate": certificate,
        "verify_url": services.verify_url(certificate.code),
    }


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.cli.add_command(certificates_cli)
    app.add_template_filter(date.fromisoformat, "parse_date")
    app.add_template_global(services.linkedin_url)
    hooks.register(app, "learning.course_completed", issue_on_completion)
    hooks.register(app, "learning.dashboard_context", dashboard_certificates)
    hooks.register(app, "learning.completed_course", "certificates/_completed_course.html")
    hooks.register(app, "learning.completion_context", completion_certificate)
    hooks.register(app, "learning.completion_panel", "certificates/_completion.html")
