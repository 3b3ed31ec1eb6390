"""A session may require attendance for its certificate: held back until the rule is met, issued
once when a correction meets it, said to the learner, and counted in the exports."""

from __future__ import annotations

import re
from datetime import date, time

from sqlalchemy import func, select

from courses.agenda import services
from courses.audit.services import SYSTEM
from courses.auth.models import User
from courses.catalog.models import Course, Module
from courses.certificates.models import Certificate
from courses.coordination import services as coordination
from courses.coordination.models import Cohort
from courses.extensions import db
from courses.learning import services as learning
from tests.conftest import PASSWORD, sent_mail

Day = services.DayFields


def certificates() -> int:
    return db.session.scalar(select(func.count()).select_from(Certificate))


def session_with_rule(make_user, percent=75, days=4):
    """A session of four days requiring `percent` of them; a learner enrolled through it."""
    people = [
        make_user("salma@example.ma", full_name="Salma Benali"),
        make_user("coord@example.ma", role="coordinator"),
    ]
    course = db.session.scalar(select(Course))
    cohort = coordination.create_cohort(
        coordination.CohortFields(course, "Fès", date(2026, 11, 1), date(2026, 11, 10), min_attendance=percent), SYSTEM
    )
    services.save_schedule(
        cohort, [Day(date(2026, 11, n), time(9), time(12), "Fès") for n in range(1, days + 1)], SYSTEM
    )
    learner = db.session.get(User, people[0].id)
    coordination.enroll_in_cohort(cohort, learner, SYSTEM)
    db.session.commit()
    return cohort, learner, db.session.get(User, people[1].id)


def finish_online_part(learner: User) -> None:
    course = db.session.scalar(select(Course))
    enrollment = learning.get_enrollment(learner, course)
    for module in db.session.scalars(select(Module).order_by(Module.position)):
        if module.active_questions:
            learning.submit_quiz(enrollment, module, {q.id: list(q.answers) for q in module.active_questions})
        else:
            learning.complete_module(enrollment, module)
    db.session.commit()


def mark(cohort: Cohort, coordinator: User, learner: User, states: list[str]) -> None:
    for day, state in zip(services.days_of(cohort), states, strict=False):
        services.record_attendance(day, {learner.id: state}, coordinator)
    db.session.commit()


def test_the_certificate_waits_for_the_attendance_then_is_issued_once(app, ctx, course, make_user):
    cohort, learner, coordinator = session_with_rule(make_user)
    mark(cohort, coordinator, learner, ["present", "absent", "late", "absent"])
    finish_online_part(learner)
    enrollment = learning.get_enrollment(learner, cohort.course)
    assert enrollment.completed_at is not None and certificates() == 0
    assert services.standing(enrollment) == services.Standing(came=2, days=4, required=3)
    before = len(sent_mail(app))
    mark(cohort, coordinator, learner, ["present", "excused"])  # an excused day does not count: still 2 of 3
    assert certificates() == 0
    mark(cohort, coordinator, learner, ["present", "present"])  # corrected: 3 days, the rule is met
    assert certificates() == 1
    mark(cohort, coordinator, learner, ["present", "present", "present", "present"])
    assert certificates() == 1  # issued once
    assert len(sent_mail(app)) == before + 1  # and announced once


def test_a_mark_given_before_the_day_counts_only_once_it_has_begun(ctx, course, make_user):
    people = [make_user("salma@example.ma"), make_user("coord@example.ma", role="coordinator")]
    course_row = db.session.scalar(select(Course))
    cohort = coordination.create_cohort(
        coordination.CohortFields(course_row, "Oujda", date(2026, 11, 1), date(2031, 1, 31), min_attendance=100), SYSTEM
    )
    services.save_schedule(
        cohort, [Day(date(2026, 11, 2), time(9), time(12), "Oujda"), Day(date(2031, 1, 6), time(9), time(12), "Oujda")],
        SYSTEM,
    )  # fmt: skip
    learner, coordinator = (db.session.get(User, person.id) for person in people)
    coordination.enroll_in_cohort(cohort, learner, SYSTEM)
    db.session.commit()
    finish_online_part(learner)
    mark(cohort, coordinator, learner, ["present", "present"])  # the second day is years away
    assert not services.has_begun(services.days_of(cohort)[1])
    assert services.standing(learning.get_enrollment(learner, cohort.course)) == services.Standing(1, 2, 2)
    assert certificates() == 0


def test_without_a_rule_or_days_the_certificate_follows_completion(ctx, course, make_user):
    cohort, learner, _coordinator = session_with_rule(make_user, percent=None)
    finish_online_part(learner)
    assert certificates() == 1
    assert services.standing(learning.get_enrollment(learner, cohort.course)) is None


def test_the_learner_is_told_what_is_missing_and_the_export_counts_the_days(app, client, course, make_user):
    with app.app_context():
        cohort, learner, coordinator = session_with_rule(make_user)
        mark(cohort, coordinator, learner, ["present", "late", "absent"])
        finish_online_part(learner)
        cohort_id = cohort.id
    client.post("/login", data={"email": "salma@example.ma", "password": PASSWORD})
    page = client.get("/courses/gouvernance/").get_data(as_text=True)
    assert "Votre certificat attend votre présence" in page
    assert "3 de ses 4 journées ; vous en avez suivi 2" in page
    dashboard = client.get("/me/").get_data(as_text=True).replace("&#39;", "'")
    assert "Certificat pas encore délivré : la page du cours dit ce qu'il attend." in dashboard
    client.post("/logout")
    client.post("/login", data={"email": "coord@example.ma", "password": PASSWORD})
    session_page = client.get(f"/coordination/cohorts/{cohort_id}").get_data(as_text=True)
    assert re.search(r"au moins 75\s?%\s?des journées", session_page)
    csv = client.get(f"/coordination/courses/gouvernance/report.csv?cohort={cohort_id}").get_data(as_text=True)
    header, row = csv.strip().splitlines()[:2]
    assert "Présence — 01/11/2026 09:00" in header and header.endswith("Journées suivies;Taux de présence (%)")
    assert row.endswith("Présent;En retard;Absent;;2;50")
