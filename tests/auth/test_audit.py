"""What accounts leave in the audit log: every login attempt (one row, in the login's own commit)
and every password link someone sends to someone else."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import event, select

from courses.audit.models import AuditEvent
from courses.audit.services import COMMAND_LINE
from courses.auth.models import User
from courses.auth.notifications import send_password_link
from courses.extensions import db
from tests.conftest import PASSWORD

ADDRESS = {"REMOTE_ADDR": "196.200.1.2"}


def events(app) -> list[AuditEvent]:
    with app.app_context():
        found = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
        db.session.expunge_all()
        return found


def test_a_successful_login_is_recorded_with_the_client_address(app, client, make_user):
    user = make_user("salma@example.ma")
    response = client.post("/login", data={"email": "Salma@Example.MA", "password": PASSWORD}, environ_base=ADDRESS)
    assert response.status_code == 302
    (login,) = events(app)
    assert (login.action, login.actor_id, login.actor_kind) == ("login.success", user.id, "account")
    assert (login.subject_type, login.subject_id, login.subject_label) == ("user", user.id, "salma@example.ma")
    assert login.data == {"address": "196.200.1.2"}


@pytest.mark.parametrize("email", ["  Salma@EXAMPLE.ma ", "nobody@example.ma"])
def test_a_failed_login_keeps_the_typed_address_and_never_the_password(app, client, make_user, email):
    make_user("salma@example.ma")
    secret = "hunter2-not-the-password"
    response = client.post("/login", data={"email": email, "password": secret}, environ_base=ADDRESS)
    assert response.status_code == 200
    (failure,) = events(app)
    assert (failure.action, failure.actor_id, failure.actor_kind) == ("login.failure", None, "visitor")
    # The address as typed, normalised; no account named, known or not (the page says nothing either).
    assert (failure.subject_id, failure.subject_label) == (None, email.strip().lower())
    assert failure.data == {"address": "196.200.1.2"}
    with app.app_context():
        row = db.session.execute(select(AuditEvent.__table__)).one()
    assert secret not in json.dumps([str(value) for value in row], ensure_ascii=False)


def test_an_incomplete_form_is_no_attempt(app, client):
    client.post("/login", data={"email": "salma@example.ma", "password": ""})
    assert events(app) == []


@pytest.mark.parametrize("password", [PASSWORD, "wrong password"])
def test_a_login_writes_one_insert_in_one_commit(app, client, make_user, password):
    make_user("salma@example.ma")
    statements, commits = [], []

    def on_statement(_connection, _cursor, statement, *_args):
        statements.append(statement)

    def on_commit(_connection):
        commits.append(1)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", on_statement)
    event.listen(engine, "commit", on_commit)
    try:
        client.post("/login", data={"email": "salma@example.ma", "password": password})
    finally:
        event.remove(engine, "before_cursor_execute", on_statement)
        event.remove(engine, "commit", on_commit)
    inserts = [s for s in statements if s.lstrip().upper().startswith("INSERT")]
    assert len(inserts) == 1 and "audit_event" in inserts[0]
    assert len(commits) == 1


def test_links_sent_by_someone_else_are_recorded_and_links_people_ask_for_are_not(app, make_user):
    salma = make_user("salma@example.ma")
    with app.test_request_context():
        user = db.session.get(User, salma.id)
        send_password_link(user, "reset", "fr")  # "forgot your password": asked by its owner
        send_password_link(user, "activation", "fr")  # sign-up
        send_password_link(user, "reset", sent_by=COMMAND_LINE)  # sent by someone else
        db.session.commit()
    assert [(e.action, e.actor_kind, e.subject_id, e.subject_label) for e in events(app)] == [
        ("user.reset_link", "command_line", salma.id, "salma@example.ma")
    ]
