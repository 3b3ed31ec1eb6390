"""Mail is queued in the transaction of what it announces and delivered by the task queue."""

from __future__ import annotations

import smtplib
from pathlib import Path

import pytest
from sqlalchemy import event, select

from courses.extensions import db
from courses.mail import OutgoingMail, queue_mail, retry_unsent
from courses.tasks import huey
from tests.conftest import mail_text, sent_mail


def test_a_committed_message_is_delivered_once(app, ctx):
    queue_mail("salma@example.ma", "Objet", "Corps du message")
    db.session.commit()
    (message,) = sent_mail(app)
    assert message["Subject"] == "Objet" and mail_text(message).strip() == "Corps du message"
    retry_unsent()
    assert len(sent_mail(app)) == 1
    assert db.session.scalar(select(OutgoingMail.sent_at)) is not None


def test_a_rolled_back_message_is_never_sent(app, ctx):
    queue_mail("salma@example.ma", "Objet", "Corps")
    db.session.flush()
    db.session.rollback()
    db.session.commit()
    assert sent_mail(app) == [] and db.session.scalar(select(OutgoingMail)) is None


@pytest.mark.app_config(MAIL_SERVER="127.0.0.1", MAIL_PORT=9)
def test_a_failed_delivery_is_kept_and_retried(app, ctx, monkeypatch):
    queue_mail("salma@example.ma", "Objet", "Corps")
    db.session.commit()  # port 9 refuses: the failure is recorded, nothing raises
    mail = db.session.scalar(select(OutgoingMail))
    db.session.refresh(mail)
    assert mail.sent_at is None and mail.attempts == 1 and mail.last_error and mail.claimed_at is None
    sent = []
    monkeypatch.setattr(smtplib, "SMTP", lambda *a, **k: _FakeSMTP(sent))
    retry_unsent()
    db.session.refresh(mail)
    assert mail.sent_at is not None and mail.attempts == 2 and [m["To"] for m in sent] == ["salma@example.ma"]


class _FakeSMTP:
    def __init__(self, sent):
        self.sent = sent

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def starttls(self):
        pass

    def send_message(self, message):
        self.sent.append(message)


@pytest.mark.app_config(TASKS_IMMEDIATE=False, TASK_QUEUE_URL="memory://")
def test_reset_requests_do_the_same_work_whether_the_account_exists_or_not(app, client, make_user):
    """No lookup in the request: the page, its queries and its timing say nothing about the address."""
    user = make_user()
    statements = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        answers = []
        for address in (user.email, "nobody@example.ma"):
            statements.clear()
            response = client.post("/password/reset", data={"email": address})
            answers.append((response.status_code, response.headers["Location"], list(statements)))
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert answers[0] == answers[1] and huey.pending_count() == 2
    assert not any("user_account" in statement for statement in answers[0][2])


def test_a_long_arabic_subject_keeps_its_spaces(app):
    import email
    import email.policy

    from courses.mail import send_mail

    subject = "تدبير: تذكير، حسابكم في انتظار التفعيل"  # folded by default at the space before انتظار
    with app.app_context():
        send_mail("salma@example.ma", subject, "نص الرسالة\n")
        [path] = Path(app.config["MAIL_OUTBOX"]).glob("*.eml")
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert message["Subject"] == subject
    assert message.get_content().strip() == "نص الرسالة"
    assert max(len(line) for line in path.read_bytes().split(b"\n")) <= 998
