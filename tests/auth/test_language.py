"""The language of every outgoing message: preference, else the asking visit's, else the last visit's,
else the session's, else French; and how the last visit's language is remembered."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from courses.auth import notifications as account_mail
from courses.auth.language import message_language
from courses.auth.models import User
from courses.catalog.models import Course
from courses.certificates import notifications as certificate_mail
from courses.coordination import notifications as session_mail
from courses.coordination.models import NOT_ACTIVATED, NOT_STARTED, Cohort
from courses.extensions import db
from courses.learning.models import Enrollment
from courses.mail import OutgoingMail
from tests.conftest import counting_queries


def _user(preferred=None, last=None) -> User:
    return User(email="salma@example.ma", full_name="Salma", preferred_language=preferred, last_language=last)


@pytest.mark.parametrize(
    ("preferred", "visit", "last", "session", "expected"),
    [
        ("en", "ar", "ar", "ar", "en"),  # a saved preference wins
        (None, "ar", "en", "en", "ar"),  # then the language of the visit that asks for the message
        (None, None, "ar", "en", "ar"),  # then the last visit's
        (None, None, None, "ar", "ar"),  # then the session's
        (None, None, None, None, "fr"),  # then French
        ("es", "de", "xx", "es", "fr"),  # languages the site does not speak are skipped
    ],
)
def test_the_language_chain(ctx, preferred, visit, last, session, expected):
    assert message_language(_user(preferred, last), visit, session) == expected


def test_a_signed_in_visit_remembers_its_language_and_writes_only_when_it_changes(app, client, make_user, login):
    user = make_user("salma@example.ma")
    login(user)
    client.set_cookie("lang", "ar")
    client.get("/me/")
    with app.app_context():
        assert db.session.scalar(select(User.last_language).where(User.id == user.id)) == "ar"
    with counting_queries(app) as statements:
        client.get("/me/")
    assert not [s for s in statements if s.lstrip().upper().startswith("UPDATE")]


def test_an_anonymous_visit_remembers_nothing(app, client, make_user):
    user = make_user("salma@example.ma")
    client.get("/", headers={"Accept-Language": "ar"})
    with app.app_context():
        assert db.session.get(User, user.id).last_language is None


# -- each kind of message ----------------------------------------------------------------------------------


@pytest.fixture
def cohort(app, make_course, synced):
    make_course(meta={"language": "ar"}, modules={"01-lire": ("Lire", "Texte.")})
    synced()
    with app.app_context():
        row = Cohort(course=db.session.scalar(select(Course)), name="Session", starts_on=date(2026, 12, 1),
                     ends_on=date(2026, 12, 15))  # fmt: skip
        db.session.add(row)
        db.session.commit()
        return row.id


def _send(kind: str, user: User, cohort_id: int) -> None:
    cohort = db.session.get(Cohort, cohort_id)
    if kind == "certificate":
        enrollment = Enrollment(user=user, course=cohort.course, cohort=cohort)
        db.session.add(enrollment)
        certificate_mail.send_certificate_issued(enrollment, SimpleNamespace(code="ABCD-EFGH"))
    elif kind in ("reset", "activation"):
        account_mail.send_password_link(user, kind)
    elif kind == "changed":
        account_mail.send_password_changed(user)
    elif kind == "exists":
        account_mail.send_account_exists(user)
    elif kind == "invitation":
        session_mail.send_invitation(user, cohort, None)
    elif kind == "added":
        session_mail.send_added(user, cohort, None)
    else:
        session_mail.send_reminder(user, cohort, kind, None)


KINDS = ("reset", "activation", "changed", "exists", "certificate", "invitation", "added", NOT_ACTIVATED, NOT_STARTED)
SESSION_KINDS = {"certificate", "invitation", "added", NOT_ACTIVATED, NOT_STARTED}  # about a session (in Arabic)


def _subject_language(subject: str) -> str:
    if any("\u0600" <= c <= "\u06ff" for c in subject):
        return "ar"
    return "en" if subject.startswith("Tadbir: ") else "fr"  # French puts a space before the colon


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    ("preferred", "last", "expected", "expected_in_session"),
    [("en", "ar", "en", "en"), (None, "en", "en", "en"), (None, None, "fr", "ar")],
    ids=["preference", "last-visit", "default"],
)
def test_each_message_is_written_in_the_recipients_language(
    app, cohort, kind, preferred, last, expected, expected_in_session
):
    with app.test_request_context():
        user = User(email="salma@example.ma", full_name="Salma", preferred_language=preferred, last_language=last)
        db.session.add(user)
        db.session.flush()
        _send(kind, user, cohort)
        db.session.flush()
        (subject,) = db.session.scalars(select(OutgoingMail.subject)).all()
        db.session.rollback()
    assert _subject_language(subject) == (expected_in_session if kind in SESSION_KINDS else expected)


def test_a_reset_asked_for_on_the_arabic_page_is_written_in_arabic(app, client, make_user):
    make_user("salma@example.ma")
    client.set_cookie("lang", "ar")
    client.post("/password/reset", data={"email": "salma@example.ma"})
    with app.app_context():
        assert _subject_language(db.session.scalar(select(OutgoingMail.subject))) == "ar"


def test_an_admins_reset_link_follows_the_users_last_visit_not_the_admin(app, client, make_user, login):
    user = make_user("salma@example.ma")
    with app.app_context():
        db.session.get(User, user.id).last_language = "ar"
        db.session.commit()
    login(make_user("admin@example.ma", role="admin", preferred_language="fr"))
    response = client.post(f"/admin/users/{user.id}/reset-link")
    assert response.status_code in (302, 303), response.status_code
    with app.app_context():
        assert _subject_language(db.session.scalar(select(OutgoingMail.subject))) == "ar"


def test_french_elides_de_before_a_name_on_the_admin_page(client, make_user, login):
    make_user("amina@example.ma", full_name="Amina Alami")
    login(make_user("admin@example.ma", role="admin", preferred_language="fr"))
    page = client.get("/admin/users").get_data(as_text=True)
    assert "Rôle d&#39;<bdi>Amina Alami</bdi>" in page or "Rôle d'<bdi>Amina Alami</bdi>" in page
