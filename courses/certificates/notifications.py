"""Messages about certificates, queued in the transaction that issues them."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from courses.auth.language import message_language
from courses.certificates import services
from courses.mail import queue_template
from courses.urls import public_url


def send_certificate_issued(enrollment, certificate) -> None:
    """Congratulate the learner and give the certificate's links."""
    user = enrollment.user
    queue_template(
        user.email,
        message_language(user, session=enrollment.cohort.course.language if enrollment.cohort else None),
        _l("Tadbir: your certificate"),
        "certificate_issued",
        user=user,
        course=enrollment.course.title,
        code=certificate.code,
        dashboard=public_url("learning.dashboard"),
        verify=services.verify_url(certificate.code),
    )
