"""Edge cases found in review: each one a way a real user or operator could hurt themselves."""

from __future__ import annotations

import io
from datetime import date

import pytest
from sqlalchemy import select

from courses.audit.services import SYSTEM
from courses.auth.models import User
from courses.catalog.models import Course
from courses.certificates import services as certificates
from courses.certificates.models import Certificate
from courses.coordination import csv_import
from courses.coordination import services as coordination
from courses.extensions import db
from courses.learning.models import Enrollment, ModuleProgress
from tests.conftest import PASSWORD


@pytest.fixture
def two_modules(make_course, synced):
    folder = make_course(modules={"01-a": ("A", "a"), "02-b": ("B", "b")})
    synced()
    return folder


def complete_a(client, make_user, login):
    user = make_user("salma@example.ma")
    login(user)
    client.post("/courses/gouvernance/enroll")
    client.post("/courses/gouvernance/a/complete")
    return user


def test_archiving_the_last_missing_module_completes_learners_on_their_next_visit(
    app, client, make_user, login, two_modules, synced
):
    complete_a(client, make_user, login)
    (two_modules / "02-b.md").unlink()
    synced()
    page = client.get("/courses/gouvernance/").get_data(as_text=True)
    assert "Terminé le" in page
    with app.app_context():
        assert db.session.scalar(select(Enrollment.completed_at)) is not None
        assert db.session.scalar(select(Certificate.code)) is not None


@pytest.mark.app_config(MAIL_SERVER="127.0.0.1", MAIL_PORT=1)
def test_a_mail_outage_does_not_undo_a_completion(app, client, make_user, login, make_course, synced):
    make_course(modules={"01-a": ("A", "a")})
    synced()
    login(make_user())
    client.post("/courses/gouvernance/enroll")
    assert client.post("/courses/gouvernance/a/complete").status_code == 302
    with app.app_context():
        assert db.session.scalar(select(ModuleProgress.completed_at)) is not None
        assert db.session.scalar(select(Certificate.code)) is not None


def test_a_replaced_certificate_cannot_be_revoked_and_points_to_the_current_one(
    app, client, make_course, synced, make_user, login
):
    make_course(modules={"01-a": ("A", "a")})
    synced()
    login(make_user())
    client.post("/courses/gouvernance/enroll")
    client.post("/courses/gouvernance/a/complete")
    with app.app_context():
        old = db.session.scalar(select(Certificate))
        new = certificates.reissue(old, SYSTEM, "Salma B.", None)
        with pytest.raises(certificates.CertificateError):
            certificates.revoke(old, SYSTEM, "erreur")
        certificates.revoke(new, SYSTEM, "fraude")
        db.session.commit()
        old_code, new_code = old.code, new.code
    page = client.get(f"/verify/{old_code}").get_data(as_text=True)
    assert new_code in page and "Certificat révoqué" in page
    assert client.get(f"/certificates/{new_code}.pdf").status_code == 410
    assert "Télécharger mon certificat" not in client.get("/me/").get_data(as_text=True)


def test_password_change_ends_other_sessions(app, client, make_user, login):
    user = make_user()
    other = app.test_client()
    other.post("/login", data={"email": user.email, "password": PASSWORD})
    assert other.get("/me/").status_code == 200
    login(user)
    new = "une toute nouvelle phrase"
    client.post("/account/password", data={"current": PASSWORD, "password": new, "confirm": new})
    assert client.get("/me/").status_code == 200  # the session that changed it stays
    assert other.get("/me/").status_code == 302  # the other one is over


def test_language_switch_updates_a_saved_preference(app, client, make_user, login):
    user = make_user(preferred_language="fr")
    login(user)
    client.post("/language", data={"language": "ar", "next": "/"})
    assert '<html lang="ar" dir="rtl">' in client.get("/").get_data(as_text=True)


@pytest.fixture
def cohort(app, make_course, synced):
    make_course(modules={"01-a": ("A", "a")})
    synced()
    with app.app_context():
        course = db.session.scalar(select(Course))
        created = coordination.create_cohort(
            coordination.CohortFields(course, "S", date(2026, 1, 1), date(2026, 1, 2), capacity=1), SYSTEM
        )
        db.session.commit()
        return created.id


def test_capacity_holds_when_attaching_a_self_enrolled_learner(app, cohort, make_user):
    first, second = make_user("a@example.ma"), make_user("b@example.ma")
    with app.app_context():
        from courses.coordination.models import Cohort
        from courses.learning import services as learning

        session = db.session.get(Cohort, cohort)
        coordination.enroll_in_cohort(session, db.session.get(User, first.id), SYSTEM)
        learning.enroll(db.session.get(User, second.id), session.course)
        with pytest.raises(coordination.CoordinationError):
            coordination.enroll_in_cohort(session, db.session.get(User, second.id), SYSTEM)


def test_cohort_of_an_unpublished_course_refuses_enrollment_cleanly(app, client, make_course, synced, make_user, login):
    make_course(meta={"status": "draft"}, modules={"01-a": ("A", "a")})
    synced()
    with app.app_context():
        course = db.session.scalar(select(Course))
        session = coordination.create_cohort(
            coordination.CohortFields(course, "S", date(2026, 1, 1), date(2026, 1, 2)), SYSTEM
        )
        db.session.commit()
        cohort_id = session.id
    learner = make_user("l@example.ma")
    login(make_user("c@example.ma", role="coordinator"))
    response = client.post(f"/coordination/cohorts/{cohort_id}/learners", data={"user_id": learner.id})
    assert response.status_code == 302
    upload = client.post(f"/coordination/cohorts/{cohort_id}/imports", content_type="multipart/form-data",
                         data={"file": (io.BytesIO(b"email;nom complet\nx@y.ma;X\n"), "l.csv")})  # fmt: skip
    assert "pas publié" in upload.get_data(as_text=True) and "Confirmer" not in upload.get_data(as_text=True)


def test_csv_first_name_column_and_duplicate_columns():
    preview = csv_import.read("Nom;Prénom;Email;Téléphone\nBenali;Salma;s@x.ma;0600\n")
    assert preview.rows[0].values["full_name"] == "Salma Benali"
    assert preview.ignored_columns == ["Téléphone"]
    assert "duplicate_columns" in csv_import.read("email;nom complet;nom\nx@y.ma;A;B\n").file_problems


@pytest.mark.parametrize(
    "url",
    [
        "/admin/users?page=99999999999999999999999999",
        "/admin/audit?page=99999999999999999999999999&until=9999-12-31",
        "/admin/audit?endpoint=x&_external=1",
        "/coordination/courses/gouvernance/report?cohort=99999999999999999999&endpoint=x",
        "/coordination/courses/gouvernance/report?slug=other&sort=unknown&dir=zzz&page=abc",
    ],
)
def test_odd_query_strings_do_not_break_pages(client, make_user, login, make_course, synced, url):
    make_course()
    synced()
    login(make_user("admin@example.ma", role="admin"))
    response = client.get(url)
    assert response.status_code in (200, 404), url
    assert "evil" not in response.get_data(as_text=True)
