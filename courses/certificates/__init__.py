"""Certificates: issued on completion, PDF, public verification, re-issue and revocation."""

from __future__ import annotations

from datetime import date

from flask import Flask, current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from courses.certificates import services
from courses.certificates.cli import certificates_cli
from courses.certificates.views import bp
from courses.learning.services import course_completed
from courses.learning.views import dashboard_context_hooks
from courses.mail import send_after_commit
from courses.text import isolate
from courses.urls import public_url


def issue_on_completion(enrollment) -> None:
    """Connected to `course_completed`: issue the certificate and tell the learner."""
    certificate = services.issue(enrollment)
    if certificate is None:
        return
    user = enrollment.user
    with force_locale(user.preferred_language or current_app.config["BABEL_DEFAULT_LOCALE"]):
        body = _(
            "Hello %(name)s,\n\nCongratulations: you have completed the course “%(course)s”.\n"
            "Your certificate %(code)s can be downloaded from your page:\n%(dashboard)s\n\n"
            "Anyone can check it at:\n%(verify)s\n",
            name=isolate(user.full_name),
            course=isolate(enrollment.course.title),
            code=certificate.code,
            dashboard=public_url("learning.dashboard"),
            verify=services.verify_url(certificate.code),
        )
        send_after_commit(user.email, _("Tadbir: your certificate"), body)


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
