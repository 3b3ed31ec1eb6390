"""The printable sign-in sheet: a page per day, the session in its header, each learner's names in
both scripts, for the session's trainers and coordinators only."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date, time

import pytest
from sqlalchemy import select

from courses.agenda import services, sheet
from courses.audit.services import SYSTEM
from courses.auth.models import User
from courses.catalog.models import Course
from courses.coordination import services as coordination
from courses.coordination.models import Cohort
from courses.extensions import db
from tests.conftest import PASSWORD

needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) missing")


@pytest.fixture
def session(app, course, make_user, monkeypatch):
    monkeypatch.setattr(sheet, "ROWS_PER_PAGE", 3)  # a long list in a few accounts (each costs a password hash)
    people = [make_user(f"l{n}@example.ma", full_name=f"Learner {n:02d}", full_name_ar="سلمى بنعلي") for n in range(5)]
    make_user("coord@example.ma", role="coordinator")
    make_user("other-trainer@example.ma", role="trainer")
    with app.app_context():
        course_row = db.session.scalar(select(Course))
        cohort = coordination.create_cohort(
            coordination.CohortFields(course_row, "Session de Fès", date(2026, 12, 1), date(2026, 12, 3)), SYSTEM
        )
        services.save_schedule(
            cohort, [services.DayFields(date(2026, 12, 1), time(9), time(12), "Conseil régional, Fès", topic="Budget"),
                     services.DayFields(date(2026, 12, 2), time(14), time(17), link="https://meet.example/x")], SYSTEM,
        )  # fmt: skip
        for person in people:
            coordination.enroll_in_cohort(cohort, db.session.get(User, person.id), SYSTEM)
        db.session.commit()
        return cohort.id, [day.id for day in services.days_of(cohort)]


def text_of(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "sheet.pdf"
    path.write_bytes(pdf)
    return subprocess.run([shutil.which("pdftotext"), "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout  # fmt: skip


@needs_pdftotext
def test_a_page_per_day_and_per_page_of_names_with_both_scripts(client, session, tmp_path):
    cohort_id, day_ids = session
    client.post("/login", data={"email": "coord@example.ma", "password": PASSWORD})
    response = client.get(f"/coordination/cohorts/{cohort_id}/sign-in-sheet.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "no-store" in response.headers["Cache-Control"]
    text = text_of(response.data, tmp_path)
    assert text.count("\f") == 4  # two days, 5 names at 3 a page: two pages each
    assert "Feuille d'émargement" in text and "Session de Fès — Budget" in text and "Conseil régional, Fès" in text
    assert "mardi 1 décembre 2026 · 09:00–12:00" in text and "Learner 04" in text and "2/2" in text.replace(" ", "")
    assert "بنعلي" in text or "سلمى" in text  # Arabic names drawn (shaped glyphs map back to letters)
    one_day = client.get(f"/coordination/cohorts/{cohort_id}/sign-in-sheet.pdf?day={day_ids[1]}")
    assert text_of(one_day.data, tmp_path).count("\f") == 2 and "meet.example" in text_of(one_day.data, tmp_path)
    assert client.get(f"/coordination/cohorts/{cohort_id}/sign-in-sheet.pdf?day=999999").status_code == 404


def test_only_the_sessions_people_print_it(client, session):
    cohort_id, _days = session
    client.post("/login", data={"email": "other-trainer@example.ma", "password": PASSWORD})
    assert client.get(f"/coordination/cohorts/{cohort_id}/sign-in-sheet.pdf").status_code == 403
    client.post("/logout")
    client.post("/login", data={"email": "l1@example.ma", "password": PASSWORD})
    assert client.get(f"/coordination/cohorts/{cohort_id}/sign-in-sheet.pdf").status_code == 403


@needs_pdftotext
def test_the_sheet_names_the_days_trainer(app, client, session, make_user, tmp_path):
    cohort_id, _day_ids = session
    trainer = make_user("formatrice@example.ma", role="trainer", full_name="Amina Alaoui", full_name_ar="أمينة العلوي")
    with app.app_context():
        cohort = db.session.get(Cohort, cohort_id)
        cohort.trainers = [db.session.get(User, trainer.id)]
        day = services.days_of(cohort)[0]
        row = services.DayFields(date(2026, 12, 1), time(9), time(12), "Fès", trainer=db.session.get(User, trainer.id),
                                 day_id=day.id)  # fmt: skip
        services.save_schedule(cohort, [row], SYSTEM)
        db.session.commit()
    client.post("/login", data={"email": "coord@example.ma", "password": PASSWORD})
    sheet_pdf = client.get(f"/coordination/cohorts/{cohort_id}/sign-in-sheet.pdf?day={day.id}")
    assert "Le formateur ou la formatrice : Amina Alaoui" in text_of(sheet_pdf.data, tmp_path)
