"""Certificates: issued on completion, PDF, public verification, re-issue and revocation."""

from __future__ import annotations

from datetime import date

from flask import Flask

from courses.certificates import services
from courses.certificates.cli import certificates_cli
from courses.certificates.notifications import send_certificate_issued
from courses.certificates.views import bp
from courses.learning.services import course_completed
from courses.learning.views import dashboard_context_hooks


def issue_on_completion(enrollment) -> None:
    """Connected to `course_completed`: issue the certificate and tell the learner."""
    certificate = services.issue(enrollment)
    if certificate is not None:
        send_certificate_issued(enrollment, certificate)


def dashboard_certificates(user) -> dict:
    """Added to the learner's dashboard: their certificates, by enrollment."""
    return {"certificates": {c.enrollment_id: c for c in services.certificates_of(user)}}


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.cli.add_command(certificates_cli)
    app.add_template_filter(date.fromisoformat, "parse_date")
    course_completed.connect(issue_on_completion, weak=False)
    if dashboard_certificates not in dashboard_context_hooks:
        dashboard_context_hooks.append(dashboard_certificates)
