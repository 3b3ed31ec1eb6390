"""Outgoing mail: queued in the transaction of what it announces, delivered by the task queue.

`queue_mail()` adds a row to `outgoing_mail` in the caller's transaction: a rollback takes the
message back, a commit makes it durable. Once the transaction commits, a task delivers the new
rows; a periodic task retries what failed (the mail server was down) or was left behind (a worker
stopped mid-way). Delivery claims a row with a conditional UPDATE, so two workers never send the
same message.

Delivery uses SMTP when MAIL_SERVER is configured, otherwise writes a `.eml` file to
`instance/outbox/`, so every flow that sends mail works on a laptop with no mail server.
"""

from __future__ import annotations

import smtplib
import time
import uuid
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.policy import default as default_policy
from email.utils import formatdate, make_msgid
from pathlib import Path

from flask import current_app, render_template
from flask_babel import force_locale
from huey import crontab
from sqlalchemy import Index, Integer, String, Text, event, or_, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from courses.database import UTCDateTime, utcnow
from courses.extensions import db
from courses.tasks import periodic, task

MAX_ATTEMPTS = 8
CLAIM_TIMEOUT = timedelta(minutes=10)  # a claim older than this was left by a worker that stopped
GIVE_UP_AFTER = timedelta(days=3)


class OutgoingMail(db.Model):
    __tablename__ = "outgoing_mail"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))

    __table_args__ = (Index("ix_outgoing_mail_pending", "sent_at", "created_at"),)


def outbox_dir() -> Path:
    return Path(current_app.config.get("MAIL_OUTBOX") or Path(current_app.instance_path) / "outbox")


_QUEUED = "tadbir.queued_mail"


def queue_mail(to: str, subject: str, body: str, html: str | None = None) -> OutgoingMail:
    """Send `body` (and its HTML version) to `to` once the current transaction commits; never if it rolls back."""
    mail = OutgoingMail(recipient=to, subject=subject[:300], body_text=body, body_html=html)
    db.session.add(mail)
    db.session.info.setdefault(_QUEUED, []).append(mail)
    return mail


def queue_template(to: str, language: str, subject, template: str, **context) -> OutgoingMail:
    """Compose `email/<template>.txt` and `.html` in `language` and queue them (see queue_mail).

    `subject` is a lazy string (or any object whose `str()` is translated), evaluated in `language`.
    """
    with force_locale(language):
        return queue_mail(
            to,
            str(subject),
            render_template(f"email/{template}.txt", **context),
            render_template(f"email/{template}.html", subject=str(subject), **context),
        )


@event.listens_for(Session, "after_commit")
def _deliver_committed(session: Session) -> None:
    queued = session.info.pop(_QUEUED, [])
    if queued:
        deliver_queued([mail.id for mail in queued])


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back(session: Session) -> None:
    session.info.pop(_QUEUED, None)


@task()
def deliver_queued(ids: list[int]) -> None:
    for mail_id in ids:
        deliver_one(mail_id)


@periodic(crontab(minute="*"))
def retry_unsent() -> None:
    """Deliver what is still pending: failed attempts, and claims left by a stopped worker."""
    now = utcnow()
    pending = db.session.scalars(
        select(OutgoingMail.id)
        .where(
            OutgoingMail.sent_at.is_(None),
            OutgoingMail.attempts < MAX_ATTEMPTS,
            OutgoingMail.created_at > now - GIVE_UP_AFTER,
            or_(OutgoingMail.claimed_at.is_(None), OutgoingMail.claimed_at < now - CLAIM_TIMEOUT),
        )
        .order_by(OutgoingMail.id)
        .limit(500)
    ).all()
    db.session.rollback()
    for mail_id in pending:
        deliver_one(mail_id)


def deliver_one(mail_id: int) -> bool:
    """Claim the message, send it, record the outcome. False when not sent (claimed elsewhere, or failed)."""
    now = utcnow()
    claimed = db.session.execute(
        update(OutgoingMail)
        .where(
            OutgoingMail.id == mail_id,
            OutgoingMail.sent_at.is_(None),
            or_(OutgoingMail.claimed_at.is_(None), OutgoingMail.claimed_at < now - CLAIM_TIMEOUT),
        )
        .values(claimed_at=now, attempts=OutgoingMail.attempts + 1)
    ).rowcount
    db.session.commit()
    if not claimed:
        return False
    mail = db.session.get(OutgoingMail, mail_id)
    try:
        send_mail(mail.recipient, mail.subject, mail.body_text, mail.body_html)
    except (OSError, smtplib.SMTPException) as error:
        current_app.logger.warning(
            "mail %s to %s failed (attempt %s): %s", mail.id, mail.recipient, mail.attempts, error
        )
        mail.claimed_at, mail.last_error = None, str(error)[:500]
        db.session.commit()
        return False
    mail.sent_at = utcnow()
    db.session.commit()
    return True


def _sender_domain(sender: str) -> str:
    return sender.rpartition("@")[2].strip(" >") or "localhost"


# Headers folded only past RFC 5322's 998-character limit: Python's folding of a long encoded
# subject splits it at a space and drops that space ("في انتظار" arrived as "فيانتظار"). Bodies
# stay quoted-printable, short-lined and 7-bit, whatever the policy allows.
POLICY = default_policy.clone(max_line_length=998)


def send_mail(to: str, subject: str, body: str, html: str | None = None) -> None:
    """Send one message to one recipient now (raises if the mail server fails)."""
    config = current_app.config
    message = EmailMessage(policy=POLICY)
    message["From"] = config.get("MAIL_DEFAULT_SENDER", "Tadbir <no-reply@localhost>")
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=_sender_domain(message["From"]))
    message.set_content(body, cte="quoted-printable")
    if html:
        message.add_alternative(html, subtype="html", cte="quoted-printable")
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
