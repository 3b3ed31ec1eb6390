"""Outgoing mail: SMTP when MAIL_SERVER is configured, otherwise a file in instance/outbox/.

The outbox lets every flow that sends mail (password reset, invitations, certificates) work on a
laptop with no mail server: the message is written as a .eml file and its path logged.
"""

from __future__ import annotations

import smtplib
import time
import uuid
from email.message import EmailMessage
from pathlib import Path

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from courses.extensions import db


def outbox_dir() -> Path:
    return Path(current_app.config.get("MAIL_OUTBOX") or Path(current_app.instance_path) / "outbox")


def send_after_commit(to: str, subject: str, body: str) -> None:
    """Send once the current transaction commits; never if it rolls back.

    Mail cannot be taken back: a completion email must not announce a certificate whose
    transaction then failed, and a mail-server outage must not undo a learner's progress.
    """
    db.session.info.setdefault(_PENDING, []).append((to, subject, body))


def deliver(to: str, subject: str, body: str) -> bool:
    """Send now; log and return False on failure instead of raising."""
    try:
        send_mail(to, subject, body)
    except (OSError, smtplib.SMTPException):
        current_app.logger.exception("mail to %s failed", to)
        return False
    return True


_PENDING = "tadbir.pending_mail"


@event.listens_for(Session, "after_commit")
def _send_pending(session: Session) -> None:
    for message in session.info.pop(_PENDING, []):
        deliver(*message)


@event.listens_for(Session, "after_rollback")
def _drop_pending(session: Session) -> None:
    session.info.pop(_PENDING, None)


def send_mail(to: str, subject: str, body: str) -> None:
    """Send a plain-text message to one recipient (raises if the mail server fails)."""
    config = current_app.config
    message = EmailMessage()
    message["From"] = config.get("MAIL_DEFAULT_SENDER", "Tadbir <no-reply@localhost>")
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    server = config.get("MAIL_SERVER")
    if server:
        with smtplib.SMTP(server, int(config.get("MAIL_PORT", 587)), timeout=20) as smtp:
            if config.get("MAIL_USE_TLS", True):
                smtp.starttls()
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD", ""))
            smtp.send_message(message)
        return
    folder = outbox_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:8]}.eml"
    path.write_bytes(bytes(message))
    current_app.logger.info("mail to %s written to %s", to, path)
