"""The days page (coordinators), the days on /me/ and on the session's page, the .ics download."""

from __future__ import annotations

import html
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from icalendar import Calendar
from sqlalchemy import func, select

from courses.agenda.models import SessionDay
from courses.audit.services import SYSTEM
from courses.auth.models import User
from courses.coordination import services as coordination
from courses.coordination.models import Cohort
from courses.extensions import db
from tests.conftest import PASSWORD, counting_queries

DATES = (date(2026, 12, 1), date(2026, 12, 15))
HOURS = (time(9), time(12))


def morocco() -> ZoneInfo:
    """Morocco's time zone as the app reads it (the tzdata package's rules, once an app exists)."""
    return ZoneInfo("Africa/Casablanca")


def rows(*days: dict) -> dict:
    """The schedule form's fields for `days` (date, starts, ends, …), plus an empty row."""
    data = {}
    for index, day in enumerate([*days, {}]):
        for key, value in day.items():
            data[f"days-{index}-{key}"] = value
    return data


def enroll(app, cohort_id: int, user_id: int) -> None:
    with app.app_context():
        coordination.enroll_in_cohort(db.session.get(Cohort, cohort_id), db.session.get(User, user_id), SYSTEM)
        db.session.commit()


def test_a_coordinator_sets_the_days_and_learners_see_them(app, client, cohort_id, as_role, make_user):
    learner = make_user("apprenante@example.ma", full_name="Salma Benali")
    enroll(app, cohort_id, learner.id)
    with app.app_context():  # a session to come, whatever the day the test runs
        cohort = db.session.get(Cohort, cohort_id)
        cohort.starts_on, cohort.ends_on = date(2030, 12, 1), date(2030, 12, 15)
        db.session.commit()
    as_role("coordinator")
    page = client.get(f"/coordination/cohorts/{cohort_id}/days").get_data(as_text=True)
    assert 'name="days-0-on"' in page and 'name="days-1-on"' in page  # two empty rows to start
    response = client.post(
        f"/coordination/cohorts/{cohort_id}/days",
        data=rows({"on": "2030-12-02", "starts": "09:30", "ends": "12:30", "place": "Conseil régional, Rabat",
                   "topic": "Ouverture"},
                  {"on": "2030-12-09", "starts": "14:00", "ends": "17:00", "link": "https://meet.example/abc"}),
    )  # fmt: skip
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count(SessionDay.id))) == 2
    session_page = html.unescape(client.get(f"/coordination/cohorts/{cohort_id}").get_data(as_text=True))
    days = session_page[session_page.find('id="days-title"') :]
    assert "Conseil régional, Rabat" in days and "09:30–12:30" in days, days[:1500]
    client.post("/logout")
    client.post("/login", data={"email": learner.email, "password": PASSWORD})
    me = html.unescape(client.get("/me/").get_data(as_text=True))
    assert "Mes sessions" in me and "Prochaine séance :" in me
    assert 'lundi 2 décembre 2030, <span dir="ltr" class="nowrap">09:30–12:30</span>' in me and "En ligne" in me


def test_a_bad_row_saves_nothing_and_says_which_day_and_why(app, client, cohort_id, as_role):
    as_role("coordinator")
    page = html.unescape(
        client.post(
            f"/coordination/cohorts/{cohort_id}/days",
            data=rows({"on": "2026-12-02", "starts": "09:00", "ends": "12:00"},
                      {"on": "2026-12-30", "starts": "09:00", "ends": "12:00"},
                      {"on": "2026-12-03", "starts": "12:00", "ends": "09:00"}),
        ).get_data(as_text=True)
    )  # fmt: skip
    assert "Rien n'a été enregistré" in page
    assert "Jour 2 — Ce jour est en dehors des dates de la session." in page
    assert "Jour 3 — L'heure de fin doit être après l'heure de début." in page
    with app.app_context():
        assert db.session.scalar(select(func.count(SessionDay.id))) == 0


def test_the_calendar_file_is_for_the_sessions_people_only(app, client, cohort_id, as_role, make_user, login):
    as_role("coordinator")
    client.post(
        f"/coordination/cohorts/{cohort_id}/days", data=rows({"on": "2026-12-02", "starts": "09:30", "ends": "12:30"})
    )
    learner, stranger = make_user("in@example.ma"), make_user("out@example.ma")
    enroll(app, cohort_id, learner.id)
    client.post("/logout")
    login(stranger)
    assert client.get(f"/me/sessions/{cohort_id}.ics").status_code == 404
    client.post("/logout")
    login(learner)
    response = client.get(f"/me/sessions/{cohort_id}.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    assert response.headers["Cache-Control"] == "no-store"
    [event] = Calendar.from_ical(response.data).walk("VEVENT")
    assert event.decoded("dtstart").astimezone(UTC) == datetime(2026, 12, 2, 9, 30, tzinfo=morocco())


def test_the_dashboard_reads_sessions_in_constant_queries(app, client, course, make_user, login):
    learner = make_user("many@example.ma")
    login(learner)

    def measure(sessions: int) -> int:
        with app.app_context():
            from courses.agenda import services
            from courses.catalog.models import Course

            for n in range(sessions):
                cohort = coordination.create_cohort(
                    coordination.CohortFields(db.session.scalar(select(Course)), f"S{n}", *DATES), SYSTEM
                )
                services.save_schedule(cohort, [services.DayFields(DATES[0], *HOURS)], SYSTEM)
                user = db.session.get(User, learner.id)
                if n == 0:
                    coordination.enroll_in_cohort(cohort, user, SYSTEM)
            db.session.commit()
        client.get("/me/")  # the first visit after a change may write (the language remembered)
        with counting_queries(app) as statements:
            assert client.get("/me/").status_code == 200
        return len(statements)

    assert measure(1) == measure(5)


def test_a_trainer_of_the_session_takes_attendance_on_a_phone_and_corrects_it(app, client, cohort_id, make_user, login):
    from courses.agenda import services as agenda

    learner = make_user("venue@example.ma", full_name="Rachid Alaoui")
    enroll(app, cohort_id, learner.id)
    trainer = make_user("formateur@example.ma", role="trainer")
    other = make_user("autre-formateur@example.ma", role="trainer")
    with app.app_context():
        cohort = db.session.get(Cohort, cohort_id)
        cohort.trainers = [db.session.get(User, trainer.id)]
        agenda.save_schedule(cohort, [agenda.DayFields(date(2026, 12, 2), *HOURS)], SYSTEM)
        db.session.commit()
        day_id = agenda.days_of(cohort)[0].id
    url = f"/coordination/cohorts/{cohort_id}/days/{day_id}/attendance"
    login(other)
    assert client.get(url).status_code == 403  # a trainer, but not of this session
    client.post("/logout")
    login(trainer)
    page = client.get(url).get_data(as_text=True)
    assert "Rachid Alaoui" in page and f'name="u{learner.id}" value="late"' in page
    response = client.post(url, data={f"u{learner.id}": "absent"})
    assert response.status_code == 302
    client.post(url, data={f"u{learner.id}": "late"})  # corrected
    page = html.unescape(client.get(url).get_data(as_text=True))
    assert f'name="u{learner.id}" value="late" checked' in page
    assert "Présences : 1 venu<" in html.unescape(client.get(f"/coordination/cohorts/{cohort_id}").get_data(True))


def test_a_days_error_sits_under_the_field_it_is_about(app, client, cohort_id, as_role):
    as_role("coordinator")
    page = client.post(
        f"/coordination/cohorts/{cohort_id}/days",
        data=rows({"on": "2026-12-03", "starts": "12:00", "ends": "09:00", "link": "ftp://x"}),
    ).get_data(as_text=True)
    assert 'id="days-0-ends-error"' in page and 'id="days-0-link-error"' in page
    assert 'href="#days-0-ends"' in page and 'href="#days-0-link"' in page  # the summary leads to each field
    assert 'id="days-0-on-error"' not in page
