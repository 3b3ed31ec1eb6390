"""Session days: the rules of a schedule, times in Morocco stored in UTC, learners' sessions, the .ics."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from courses.agenda import services
from courses.agenda.models import SessionDay
from courses.audit.models import AuditEvent
from courses.audit.services import SYSTEM
from courses.auth.models import User
from courses.catalog.models import Course
from courses.coordination import services as coordination
from courses.coordination.models import Cohort
from courses.extensions import db
from courses.learning import services as learning

Day = services.DayFields


def morocco() -> ZoneInfo:
    """Morocco's time zone as the app reads it (the tzdata package's rules, once an app exists)."""
    return ZoneInfo("Africa/Casablanca")


def cohort_of(cohort_id: int) -> Cohort:
    return db.session.get(Cohort, cohort_id)


def test_days_are_typed_in_morocco_and_stored_in_utc_across_ramadan(ctx, course):
    spring = coordination.create_cohort(
        coordination.CohortFields(db.session.scalar(select(Course)), "Printemps", date(2026, 2, 1), date(2026, 3, 31)),
        SYSTEM,
    )
    services.save_schedule(
        spring,
        [Day(date(2026, 2, 10), time(10), time(12)), Day(date(2026, 3, 1), time(10), time(12))],  # before, in Ramadan
        SYSTEM,
    )
    days = services.days_of(spring)
    assert [day.starts_at for day in days] == [
        datetime(2026, 2, 10, 9, tzinfo=UTC),
        datetime(2026, 3, 1, 10, tzinfo=UTC),
    ]


def test_a_schedule_with_any_bad_row_saves_nothing_and_names_each_problem(ctx, cohort_id):
    cohort = cohort_of(cohort_id)  # 1–15 December 2026
    rows = [
        Day(date(2026, 12, 2), time(9), time(12)),
        Day(date(2026, 12, 3), time(14), time(10)),  # ends before it starts
        Day(date(2026, 12, 20), time(9), time(12)),  # after the session
        Day(date(2026, 12, 2), time(11), time(13)),  # overlaps the first
        Day(date(2026, 12, 4), time(9), time(12), link="javascript:alert(1)"),
    ]
    with pytest.raises(services.ScheduleError) as refused:
        services.save_schedule(cohort, rows, SYSTEM)
    assert refused.value.problems == [(1, "ends_before_start"), (2, "outside_session"), (3, "overlap"), (4, "link")]
    assert db.session.scalar(select(func.count(SessionDay.id))) == 0


def test_saving_changes_adds_and_removes_days_and_is_audited(ctx, cohort_id):
    cohort = cohort_of(cohort_id)
    services.save_schedule(
        cohort, [Day(date(2026, 12, 2), time(9), time(12), "Rabat"), Day(date(2026, 12, 9), time(9), time(12))], SYSTEM
    )
    first, second = services.days_of(cohort)
    rows = [
        Day(date(2026, 12, 9), time(9), time(12), day_id=second.id),  # kept as it was
        Day(date(2026, 12, 2), time(9), time(12), day_id=first.id, remove=True),
        Day(date(2026, 12, 2), time(9), time(12), "Salé", topic="Atelier"),  # a new day where the removed one was
    ]
    assert services.save_schedule(cohort, rows, SYSTEM) == 2
    db.session.commit()
    days = services.days_of(cohort)
    assert [(day.place, day.topic) for day in days] == [("Salé", "Atelier"), ("", "")]
    assert second.id in {day.id for day in days} and first.id not in {day.id for day in days}
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "cohort.days")).all()
    assert [event.data["count"] for event in events] == [2, 2]


def test_a_day_whose_attendance_was_taken_cannot_be_removed(ctx, cohort_id, make_user):
    learner_id = make_user("apprenant@example.ma").id
    cohort = cohort_of(cohort_id)
    coordination.enroll_in_cohort(cohort, db.session.get(User, learner_id), SYSTEM)
    services.save_schedule(cohort, [Day(date(2026, 12, 2), time(9), time(12), "Rabat")], SYSTEM)
    [day] = services.days_of(cohort)
    services.record_attendance(day, {learner_id: "present"}, db.session.get(User, learner_id))
    db.session.commit()
    with pytest.raises(services.ScheduleError) as refused:
        services.save_schedule(cohort, [Day(date(2026, 12, 2), time(9), time(12), day_id=day.id, remove=True)], SYSTEM)
    assert refused.value.problems == [(0, "has_attendance")]
    moved = Day(date(2026, 12, 3), time(9), time(12), "Rabat", day_id=day.id)  # moving it keeps the marks
    assert services.save_schedule(cohort, [moved], SYSTEM) == 1
    assert services.attendance_of(services.days_of(cohort)[0]) == {learner_id: "present"}


def test_learners_see_their_sessions_next_day_first(ctx, cohort_id, make_user):
    learner_id, other_id = make_user("apprenant@example.ma").id, make_user("autre@example.ma").id
    cohort = cohort_of(cohort_id)
    learner = db.session.get(User, learner_id)
    coordination.enroll_in_cohort(cohort, learner, SYSTEM)
    services.save_schedule(
        cohort, [Day(date(2026, 12, 2), time(9), time(12)), Day(date(2026, 12, 9), time(9), time(12))], SYSTEM
    )
    [mine] = services.sessions_of(learner, now=datetime(2026, 12, 5, tzinfo=UTC))
    assert mine.cohort.id == cohort.id
    assert [d.starts_at.day for d in mine.upcoming] == [9] and [d.starts_at.day for d in mine.past] == [2]
    assert services.sessions_of(db.session.get(User, other_id)) == []
    assert learning.get_enrollment(learner, cohort.course).cohort_id == cohort.id


def test_the_calendar_file_parses_back_with_the_right_instants(app, ctx, cohort_id):
    cohort = cohort_of(cohort_id)
    services.save_schedule(
        cohort, [Day(date(2026, 12, 2), time(9, 30), time(12), "Rabat, Conseil régional", topic="Ouverture")], SYSTEM
    )
    with app.test_request_context():
        document = services.calendar(cohort, services.days_of(cohort), "tadbir.example", "En ligne", "fr")
    parsed = Calendar.from_ical(document)
    [event] = parsed.walk("VEVENT")
    assert event.decoded("dtstart").astimezone(UTC) == datetime(2026, 12, 2, 9, 30, tzinfo=morocco())
    assert str(event.decoded("dtstart").tzinfo) == "Africa/Casablanca"
    assert str(event["location"]) == "Rabat, Conseil régional" and "Ouverture" in str(event["summary"])
    assert [tz["tzid"] for tz in parsed.walk("VTIMEZONE")] == ["Africa/Casablanca"]
    assert str(event["uid"]).endswith("@tadbir.example")


def test_attendance_is_taken_for_the_sessions_learners_corrected_in_place_and_audited(ctx, cohort_id, make_user):
    ids = [make_user(f"l{n}@example.ma", full_name=name).id for n, name in enumerate(["Zineb", "Amine", "Hajar"])]
    stranger = make_user("out@example.ma").id
    coordinator_id = make_user("c@example.ma", role="coordinator").id
    cohort = cohort_of(cohort_id)
    for user_id in ids:
        coordination.enroll_in_cohort(cohort, db.session.get(User, user_id), SYSTEM)
    services.save_schedule(cohort, [Day(date(2026, 12, 2), time(9), time(12))], SYSTEM)
    [day] = services.days_of(cohort)
    coordinator = db.session.get(User, coordinator_id)
    assert [user.full_name for user in services.attendees(cohort)] == ["Amine", "Hajar", "Zineb"]
    assert services.record_attendance(day, {ids[0]: "present", ids[1]: "absent"}, coordinator) == 2
    assert services.record_attendance(day, {ids[0]: "present", ids[1]: "late"}, coordinator) == 1  # a correction
    assert services.attendance_of(day) == {ids[0]: "present", ids[1]: "late"}
    assert services.present_counts([day]) == {day.id: (2, 2)}
    with pytest.raises(services.ScheduleError):
        services.record_attendance(day, {stranger: "present"}, coordinator)  # not a learner of the session
    with pytest.raises(services.ScheduleError):
        services.record_attendance(day, {ids[2]: "here"}, coordinator)
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "cohort.attendance")).all()
    assert [(e.data["present"], e.data["late"], e.data["absent"]) for e in events] == [(1, 0, 1), (1, 1, 0)]


def test_calendar_events_name_their_session(app, ctx, cohort_id):
    cohort = cohort_of(cohort_id)
    services.save_schedule(cohort, [Day(date(2026, 12, 2), time(9), time(12), "Rabat", topic="Budget")], SYSTEM)
    with app.test_request_context():
        document = services.calendar(cohort, services.days_of(cohort), "tadbir.example", "En ligne", "fr")
    [event] = Calendar.from_ical(document).walk("VEVENT")
    # the session's name even beside a topic: two sessions of a course differ in one calendar
    assert str(event["summary"]) == f"{cohort.course.title} — {cohort.name} — Budget"
