"""A person's calendar subscription address: every day of their sessions, no login, renewable."""

from __future__ import annotations

from datetime import date, time

from icalendar import Calendar
from sqlalchemy import select

from courses.agenda import services
from courses.audit.models import AuditEvent
from courses.audit.services import SYSTEM
from courses.auth.models import User
from courses.catalog.models import Course
from courses.coordination import services as coordination
from courses.extensions import db
from tests.conftest import PASSWORD


def a_session(app, make_user):
    """A learner enrolled through a session of three days, the last one online."""
    learner = make_user("salma@example.ma", full_name="Salma Benali")
    with app.app_context():
        course = db.session.scalar(select(Course))
        cohort = coordination.create_cohort(
            coordination.CohortFields(course, "Fès", date(2026, 12, 1), date(2026, 12, 5)), SYSTEM
        )
        days = [services.DayFields(date(2026, 12, n), time(9), time(12), "Fès") for n in (1, 2)]
        services.save_schedule(cohort, [*days, services.DayFields(date(2026, 12, 4), time(9), time(12))], SYSTEM)
        coordination.enroll_in_cohort(cohort, db.session.get(User, learner.id), SYSTEM)
        db.session.commit()
    return learner


def test_a_learner_gets_renews_and_subscribes_to_their_calendar_address(app, client, course, make_user):
    a_session(app, make_user)
    client.post("/login", data={"email": "salma@example.ma", "password": PASSWORD})
    page = client.get("/me/").get_data(as_text=True)
    assert "Obtenir mon adresse d'agenda" in page and "/calendar/" not in page  # nothing made on a visit
    assert client.post("/me/calendar").status_code == 302
    page = client.get("/me/").get_data(as_text=True)
    address = page.split('id="feed-url" type="text" readonly value="')[1].split('"')[0]
    path = address.split("://", 1)[1].split("/", 1)[1]
    assert "webcal://" in page
    client.post("/logout")
    response = client.get("/" + path)  # a phone's calendar: no session
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    assert "no-store" in response.headers["Cache-Control"]
    events = [c for c in Calendar.from_ical(response.data).walk("VEVENT")]
    assert sorted(str(e["location"]) for e in events) == ["En ligne", "Fès", "Fès"]  # in the learner's language
    client.post("/login", data={"email": "salma@example.ma", "password": PASSWORD})
    client.post("/me/calendar")  # renewed: the old address stops working
    client.post("/logout")
    assert client.get("/" + path).status_code == 404
    assert client.get("/calendar/not-a-token.ics").status_code == 404
    with app.app_context():
        assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.action == "user.calendar_feed"))


def test_a_deactivated_account_has_no_feed(app, course, make_user):
    learner = a_session(app, make_user)
    with app.app_context():
        user = db.session.get(User, learner.id)
        token = services.renew_feed(user)
        assert services.feed_owner(token) == user
        user.is_active = False
        db.session.commit()
        assert services.feed_owner(token) is None
        assert services.feed_owner("") is None and services.feed_owner("x" * 200) is None


def test_the_coordinators_calendar_lists_sessions_by_month_with_their_days(app, client, course, make_user):
    a_session(app, make_user)
    with app.app_context():
        course_row = db.session.scalar(select(Course))
        coordination.create_cohort(
            coordination.CohortFields(
                course_row, "Rabat", date(2025, 3, 2), date(2025, 3, 9), "Wilaya", region="rabat-sale-kenitra"
            ),
            SYSTEM,
        )
        db.session.commit()
    make_user("coord@example.ma", role="coordinator")
    client.post("/login", data={"email": "coord@example.ma", "password": PASSWORD})
    page = client.get("/coordination/calendar").get_data(as_text=True)
    upcoming, past = page.split('id="phase-upcoming"')[1].split('id="phase-past"')
    assert "décembre 2026" in upcoming and "Fès" in upcoming and "Conseil" not in upcoming
    assert "mars 2025" in past and "Rabat" in past and "Aucune journée fixée" in past
    assert "1 apprenant" in upcoming
    assert "Rabat" not in client.get("/coordination/calendar?course=autre").get_data(as_text=True).split("</form>")[1]
    feed = client.get("/coordination/calendar.ics")
    assert feed.status_code == 200 and len(Calendar.from_ical(feed.data).walk("VEVENT")) == 3
    filtered = client.get("/coordination/calendar.ics?course=autre")  # the page's filter, carried over
    assert Calendar.from_ical(filtered.data).walk("VEVENT") == []
    by_region = client.get("/coordination/calendar?region=rabat-sale-kenitra").get_data(as_text=True)
    assert "Rabat-Salé-Kénitra" in by_region and "Wilaya" in by_region and "Fès" not in by_region.split("</form>")[1]
    assert '<option value="rabat-sale-kenitra" selected>' in by_region
    feed = client.get("/coordination/calendar.ics?region=rabat-sale-kenitra")
    assert Calendar.from_ical(feed.data).walk("VEVENT") == []  # Rabat has no day; Fès is left out


def test_the_calendar_reads_a_fixed_number_of_queries(app, client, course, make_user):
    from tests.conftest import counting_queries

    make_user("coord@example.ma", role="coordinator")
    client.post("/login", data={"email": "coord@example.ma", "password": PASSWORD})
    client.get("/coordination/calendar")  # the first visit records the interface language
    counts = []
    for sessions in (1, 6):
        with app.app_context():
            course_row = db.session.scalar(select(Course))
            for number in range(sessions):
                cohort = coordination.create_cohort(
                    coordination.CohortFields(course_row, f"S{number}", date(2026, 12, 1), date(2026, 12, 9)), SYSTEM
                )
                services.save_schedule(
                    cohort, [services.DayFields(date(2026, 12, 2), time(9), time(12), "Fès")], SYSTEM
                )
            db.session.commit()
        with counting_queries(app) as statements:
            assert client.get("/coordination/calendar").status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1]
