"""`flask notifications send-due` on a frozen clock: the day before an in-person day, nudges after a
week without activity, each sent once, in the recipient's language, with a way to stop the nudges."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from sqlalchemy import func, select

from courses.agenda import reminders, services
from courses.agenda.models import NudgeOptOut, ReminderSent
from courses.audit.services import SYSTEM
from courses.auth import services as accounts
from courses.auth.models import User
from courses.catalog.models import Course
from courses.coordination import services as coordination
from courses.extensions import db
from tests.conftest import PASSWORD, mail_text, sent_mail


def at(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 12, day, hour, tzinfo=UTC)


def session(make_user):
    """Fès, 1–10 December: an in-person day on the 3rd, an online one on the 5th; an active learner
    (Arabic), and one who never activated the invitation."""
    salma = make_user("salma@example.ma", full_name="Salma Benali", preferred_language="ar")
    course = db.session.scalar(select(Course))
    cohort = coordination.create_cohort(
        coordination.CohortFields(course, "Session de Fès", date(2026, 12, 1), date(2026, 12, 10)), SYSTEM
    )
    services.save_schedule(
        cohort,
        [services.DayFields(date(2026, 12, 3), time(9), time(12), "Conseil régional, Fès", topic="Budget"),
         services.DayFields(date(2026, 12, 5), time(9), time(12), link="https://meet.example/x")],
        SYSTEM,
    )  # fmt: skip
    invited = accounts.create_user("invited@example.ma", accounts.Profile(full_name="Omar Idrissi"), None)
    for person in (db.session.get(User, salma.id), invited):
        coordination.enroll_in_cohort(cohort, person, SYSTEM)
    db.session.commit()
    return cohort


def run(now: datetime) -> reminders.Sent:
    sent = reminders.send_due(now)
    db.session.commit()
    return sent


def test_the_day_before_an_in_person_day_each_learner_is_reminded_once(app, ctx, course, make_user):
    session(make_user)
    assert run(at(1)) == reminders.Sent(0, 0)  # two days before: nothing yet
    before = len(sent_mail(app))
    assert run(at(2)).day_before == 1  # the invited learner gets the invitation, not reminders
    assert run(at(2, 20)).day_before == 0  # a second run sends nothing twice
    message = sent_mail(app)[before]
    assert message["To"] == "salma@example.ma" and "تدبير" in message["Subject"]
    text = mail_text(message)
    assert "Conseil régional, Fès" in text and "Budget" in text and "9:00" in text.replace("09:00", "9:00")
    assert run(at(4)).day_before == 0  # the 5th is online: no logistics to send


def test_a_learner_idle_for_a_week_is_nudged_once_per_idle_spell_and_may_stop(app, ctx, course, make_user):
    session(make_user)
    assert run(at(3)).nudges == 0  # enrolled today (30 November): not idle for a week yet
    before = len(sent_mail(app))
    assert run(at(8)).nudges == 1
    assert run(at(9)).nudges == 0  # the same idle spell
    message = sent_mail(app)[before]
    stop = mail_text(message).strip().splitlines()[-1]
    assert "/reminders/stop/" in stop
    client = app.test_client()
    path = "/" + stop.split("://", 1)[1].split("/", 1)[1]
    assert "Arrêter ces rappels" in client.get(path).get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(NudgeOptOut)) == 0  # opening the link stops nothing
    assert client.post(path).status_code == 200
    assert db.session.scalar(select(func.count()).select_from(NudgeOptOut)) == 1
    db.session.execute(ReminderSent.__table__.delete())  # even forgetting what was sent, no nudge now
    db.session.commit()
    assert run(at(9)) == reminders.Sent(0, 0)
    assert app.test_client().get("/reminders/stop/forged").status_code == 404


def test_the_account_page_sets_the_preference(app, client, course, make_user):
    make_user("salma@example.ma")
    client.post("/login", data={"email": "salma@example.ma", "password": PASSWORD})
    page = client.get("/account/").get_data(as_text=True)
    assert 'id="nudges" name="nudges" value="1" checked' in page
    client.post("/account/reminders", data={})  # unticked
    assert 'id="nudges" name="nudges" value="1">' in client.get("/account/").get_data(as_text=True)
    client.post("/account/reminders", data={"nudges": "1"})
    assert 'value="1" checked' in client.get("/account/").get_data(as_text=True)


def test_the_command_reports_what_it_sent(app, runner, course):
    result = runner.invoke(args=["notifications", "send-due"])
    assert result.exit_code == 0 and "day before: 0, deadlines: 0, nudges: 0" in result.output
