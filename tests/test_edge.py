"""Control characters (NUL first of all) are refused at the edge with a plain 400 page.

PostgreSQL cannot hold NUL in text: before the edge check, each of these requests reached the
database and answered 500 there (and for POSTs the error page itself failed).
"""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from courses import edge
from courses.auth.models import User
from courses.coordination.models import CsvImport
from courses.extensions import db
from tests.conftest import PASSWORD

REFUSED = "La requête contenait des caractères qui ne sont pas autorisés."

PROFILE = {"full_name": "Salma Benali", "organisation_type": "", "region": ""}
SIGNUP = {**PROFILE, "email": "salma@example.ma", "password": PASSWORD, "confirm": PASSWORD}


@pytest.fixture
def course(make_course, synced):
    make_course()
    synced()
    return "gouvernance"


@pytest.mark.parametrize(
    "character", ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f"], ids=lambda c: f"U+{ord(c):04X}"
)
def test_every_refused_control_character_is_found(character):
    assert edge.has_disallowed(f"a{character}b")


@pytest.mark.parametrize("allowed", ["tab\there", "line\nbreak", "crlf\r\n", "سلمى", "é\u200fà", ""])
def test_tab_newlines_and_any_printable_text_pass(allowed):
    assert not edge.has_disallowed(allowed)


ANONYMOUS_REQUESTS = [
    ("GET", "/?q=a%00b", None),
    ("GET", "/?q%00=a", None),
    ("GET", "/?language=fr%01", None),
    ("GET", "/courses/gouvernance%00/", None),
    ("GET", "/courses/gouvernance/introduction%00x/", None),
    ("GET", "/verify?code=TDB%00", None),
    ("GET", "/verify/TDB-%00", None),
    ("POST", "/login", {"email": "salma\x00@example.ma", "password": PASSWORD}),
    ("POST", "/login", {"email": "salma@example.ma", "password": "pass\x00word"}),
    ("POST", "/signup", {**SIGNUP, "full_name": "Salma\x00Benali"}),
    ("POST", "/signup", {**SIGNUP, "email": "sal\x7fma@example.ma"}),
    ("POST", "/password/reset", {"email": "salma\x00@example.ma"}),
    ("POST", "/language", {"language": "fr", "next": "/\x00"}),
]


@pytest.mark.parametrize(("method", "url", "data"), ANONYMOUS_REQUESTS)
def test_anonymous_requests_with_control_characters_get_a_400_page(app, client, course, method, url, data):
    response = client.open(url, method=method, data=data)
    assert response.status_code == 400
    assert REFUSED in response.get_data(as_text=True)


STAFF_REQUESTS = [
    ("POST", "/account/", {**PROFILE, "organisation": "Commune\x00"}),
    ("POST", "/account/", {**PROFILE, "job_title": "\x1b[31m"}),
    ("GET", "/admin/users?q=a%00b", None),
    ("GET", "/admin/users?role=admin%00", None),
    ("GET", "/admin/audit?actor=a%00b", None),
    ("GET", "/admin/audit?action=user%00", None),
    ("GET", "/admin/audit.csv?actor=a%00b", None),
    ("GET", "/coordination/courses/gouvernance/report?q=a%00b", None),
    ("GET", "/coordination/courses/gouvernance/report?status=%00", None),
    ("GET", "/coordination/courses/gouvernance/report.csv?q=%00", None),
]


@pytest.mark.parametrize(("method", "url", "data"), STAFF_REQUESTS)
def test_signed_in_requests_with_control_characters_get_a_400_page(
    app, client, make_user, login, course, method, url, data
):
    login(make_user("admin@example.ma", role="admin"))
    with client.open(url, method=method, data=data) as response:  # closed: a streamed export ends here
        assert response.status_code == 400
        assert REFUSED in response.get_data(as_text=True)
    assert client.get("/admin/users").status_code == 200  # the session is usable afterwards


def test_an_uploaded_file_name_with_a_control_character_is_refused(app, client, make_user, login, course):
    login(make_user("admin@example.ma", role="admin"))
    data = {"file": (io.BytesIO(b"email;nom\nx@y.ma;X\n"), "liste\x00.csv")}
    response = client.post("/coordination/cohorts/1/imports", data=data, content_type="multipart/form-data")
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(CsvImport)) == 0


def test_the_refusal_is_worded_in_the_users_language(client, course):
    response = client.get("/?q=%00", headers={"Accept-Language": "en"})
    assert "The request contained characters that are not allowed." in response.get_data(as_text=True)
    response = client.get("/?q=%00", headers={"Accept-Language": "ar"})
    assert response.status_code == 400 and 'lang="ar"' in response.get_data(as_text=True)


def test_ordinary_text_with_tabs_and_newlines_still_goes_through(app, client, make_user, login):
    login(make_user("salma@example.ma"))
    response = client.post("/account/", data={**PROFILE, "organisation": "Commune\tde\r\nSalé"})
    assert response.status_code == 302  # not refused at the edge; a one-line field keeps one line
    with app.app_context():
        assert db.session.scalar(select(User.organisation)) == "Commune de Salé"


@pytest.mark.app_config(PROPAGATE_EXCEPTIONS=False)
@pytest.mark.parametrize("abort_with", [400, 500])
def test_error_pages_render_after_a_failed_flush(app, client, make_user, login, abort_with):
    """A failed flush leaves the session unusable until rolled back; the error page still renders."""
    from flask import abort
    from sqlalchemy.exc import IntegrityError

    def broken():
        db.session.add(User(email="salma@example.ma", full_name="Doublon"))  # the email is taken
        try:
            db.session.flush()
        except IntegrityError:
            if abort_with == 400:
                abort(400)
            raise
        return "unreachable"

    app.add_url_rule("/broken", "broken", broken)
    login(make_user("salma@example.ma"))
    response = client.get("/broken")
    assert response.status_code == abort_with
    assert "Mes cours" in response.get_data(as_text=True)  # rendered for the signed-in user
