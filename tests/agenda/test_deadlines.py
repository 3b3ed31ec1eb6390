"""Module deadlines: set by a coordinator within the session's dates, shown to learners on /me/
with what they finished, reminded two days before to those who have not."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from sqlalchemy import func, select

from courses.agenda import deadlines, reminders, services
from courses.agenda.models import ModuleDeadline
from courses.audit.models import AuditEvent
from courses.audit.services import SYSTEM
from courses.auth.models import User
from courses.catalog.models import Course, Module
from courses.coordination import services as coordination
from courses.coordination.models import Cohort
from courses.extensions import db
from courses.learning import services as learning
from tests.conftest import PASSWORD, mail_text, sent_mail


def modules() -> list[Module]:
    return list(db.session.scalars(select(Module).order_by(Module.position)))


def schedule(cohort: Cohort) -> None:
    """Rabat, 1–15 December: day 1 on the 3rd, day 2 on the 8th."""
    services.save_schedule(
        cohort,
        [services.DayFields(date(2026, 12, 3), time(9), time(12), "Wilaya, Rabat"),
         services.DayFields(date(2026, 12, 8), time(9), time(12), "Wilaya, Rabat")],
        SYSTEM,
    )  # fmt: skip


def test_deadlines_are_saved_whole_within_the_session_or_not_at_all(app, ctx, cohort_id):
    cohort = db.session.get(Cohort, cohort_id)
    first, second = modules()
    with pytest.raises(deadlines.DeadlineError) as refused:
        deadlines.save_deadlines(cohort, {first.id: date(2026, 12, 2), second.id: date(2026, 12, 20)}, SYSTEM)
    assert refused.value.problems == [(second.id, "outside_session")]
    db.session.rollback()
    assert deadlines.deadlines_of(cohort) == {}
    with pytest.raises(deadlines.DeadlineError) as refused:
        deadlines.save_deadlines(cohort, {999: date(2026, 12, 2)}, SYSTEM)
    assert refused.value.problems == [(999, "unknown_module")]
    db.session.rollback()
    assert deadlines.save_deadlines(cohort, {first.id: date(2026, 12, 2), second.id: date(2026, 12, 7)}, SYSTEM) == 2
    assert deadlines.save_deadlines(cohort, {first.id: None, second.id: date(2026, 12, 6)}, SYSTEM) == 1
    db.session.commit()
    assert deadlines.deadlines_of(cohort) == {second.id: date(2026, 12, 6)}
    assert (
        db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "cohort.deadlines"))
        == 2
    )


def test_the_learner_sees_what_to_finish_before_which_day_and_what_is_done(app, client, cohort_id, make_user):
    learner = make_user("apprenante@example.ma")
    with app.app_context():
        cohort = db.session.get(Cohort, cohort_id)
        schedule(cohort)
        first, second = modules()
        deadlines.save_deadlines(cohort, {first.id: date(2026, 12, 2), second.id: date(2026, 12, 7)}, SYSTEM)
        coordination.enroll_in_cohort(cohort, db.session.get(User, learner.id), SYSTEM)
        learning.complete_module(learning.enroll(db.session.get(User, learner.id), cohort.course), first)
        db.session.commit()
    client.post("/login", data={"email": learner.email, "password": PASSWORD})
    page = client.get("/me/").get_data(as_text=True)
    assert "Modules à terminer" in page
    assert "avant la journée 1" in page and "avant la journée 2" in page
    lire = page.index("Lire")
    assert "✓" in page[lire - 120 : lire]  # done
    assert "/courses/gouvernance/quiz/" in page and "(à faire)" in page
    with app.app_context():  # a past day says how the learner was marked
        day = services.days_of(db.session.get(Cohort, cohort_id))[0]
        services.record_attendance(day, {learner.id: "excused"}, db.session.get(User, learner.id))
        day.starts_at, day.ends_at = datetime(2026, 1, 1, 9, tzinfo=UTC), datetime(2026, 1, 1, 12, tzinfo=UTC)
        db.session.commit()
    assert "Votre présence : <strong>Excusé" in client.get("/me/").get_data(as_text=True)


def test_learners_who_have_not_finished_are_reminded_two_days_before_once(app, ctx, cohort_id, make_user):
    late = make_user("retard@example.ma", preferred_language="ar")
    done = make_user("fini@example.ma")
    cohort = db.session.get(Cohort, cohort_id)
    first, second = modules()
    deadlines.save_deadlines(cohort, {first.id: date(2026, 12, 7), second.id: date(2026, 12, 12)}, SYSTEM)
    for person in (late, done):
        coordination.enroll_in_cohort(cohort, db.session.get(User, person.id), SYSTEM)
    finished = learning.enroll(db.session.get(User, done.id), cohort.course)
    learning.complete_module(finished, first)
    db.session.commit()

    def run(day: int) -> int:
        count = reminders.send_due(datetime(2026, 12, day, 10, tzinfo=UTC)).deadlines
        db.session.commit()
        return count

    assert run(4) == 0  # three days before: not yet
    before = len(sent_mail(app))
    assert run(5) == 1  # only the learner who has not finished
    assert run(6) == 0  # sent once
    message = sent_mail(app)[before]
    assert message["To"] == "retard@example.ma"
    text = mail_text(message)
    assert "Lire" in text and "/courses/gouvernance/lire/" in text and "Quiz" not in text
    assert "وحدات" in text  # in the learner's language
    assert run(8) == 0  # past: nothing
    assert run(10) == 2  # the quiz, due on the 12th: neither has passed it


def test_a_coordinator_sets_deadlines_on_their_page(app, client, cohort_id, as_role):
    as_role("coordinator")
    page = client.get(f"/coordination/cohorts/{cohort_id}/deadlines").get_data(as_text=True)
    assert 'name="modules-0-due_on"' in page and "Lire" in page and 'min="2026-12-01"' in page
    with app.app_context():
        first, second = (str(module.id) for module in modules())
    form = {"modules-0-module_id": first, "modules-0-due_on": "2026-12-02",
            "modules-1-module_id": second, "modules-1-due_on": "2027-01-10"}  # fmt: skip
    refused = client.post(f"/coordination/cohorts/{cohort_id}/deadlines", data=form).get_data(as_text=True)
    assert "Rien n’a été enregistré" in refused or "Rien n'a été enregistré" in refused
    assert "dans les dates de la session" in refused
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ModuleDeadline)) == 0
    form["modules-1-due_on"] = "2026-12-09"
    response = client.post(f"/coordination/cohorts/{cohort_id}/deadlines", data=form)
    assert response.status_code == 302
    page = client.get(f"/coordination/cohorts/{cohort_id}").get_data(as_text=True)
    assert "Modules à terminer" in page and "9 décembre 2026" in page


def test_deadlines_page_is_for_coordinators(client, cohort_id, as_role):
    as_role("learner")
    assert client.get(f"/coordination/cohorts/{cohort_id}/deadlines").status_code == 403


def test_the_session_page_and_report_show_attendance_per_learner_and_per_day(
    app, client, cohort_id, as_role, make_user
):
    learners = [make_user(f"l{n}@example.ma", full_name=f"Apprenant {n}") for n in range(2)]
    with app.app_context():
        cohort = db.session.get(Cohort, cohort_id)
        for person in learners:
            coordination.enroll_in_cohort(cohort, db.session.get(User, person.id), SYSTEM)
        db.session.commit()
    coordinator = as_role("coordinator")
    page = client.get(f"/coordination/cohorts/{cohort_id}").get_data(as_text=True)
    assert "Présences" not in page  # no day: no column
    with app.app_context():
        cohort = db.session.get(Cohort, cohort_id)
        schedule(cohort)
        day = services.days_of(cohort)[0]
        services.record_attendance(
            day, {learners[0].id: "present", learners[1].id: "absent"}, db.session.get(User, coordinator.id)
        )
        db.session.commit()
    page = client.get(f"/coordination/cohorts/{cohort_id}").get_data(as_text=True)
    assert '<th scope="col">Présences</th>' in page
    assert "1/2 jours · 50" in page and "0/2 jours · 0" in page
    report = client.get(f"/coordination/courses/gouvernance/report?cohort={cohort_id}").get_data(as_text=True)
    assert 'id="attendance-title"' in report and "1/2 jours" in report
    assert "jeudi 3 décembre 2026" in report and "50" in report


def test_new_dates_must_keep_the_days_and_deadlines_and_another_course_drops_them(
    app, client, cohort_id, as_role, make_course, synced
):
    with app.app_context():
        cohort = db.session.get(Cohort, cohort_id)
        schedule(cohort)  # days on the 3rd and the 8th
        first, _second = modules()
        deadlines.save_deadlines(cohort, {first.id: date(2026, 12, 12)}, SYSTEM)
        db.session.commit()
    as_role("coordinator")
    form = {"course": "gouvernance", "name": "Session de Rabat", "starts_on": "2026-12-05", "ends_on": "2026-12-10"}
    refused = client.post(f"/coordination/cohorts/{cohort_id}/edit", data=form).get_data(as_text=True)
    assert "3 décembre 2026" in refused and "12 décembre 2026" in refused
    with app.app_context():
        assert db.session.get(Cohort, cohort_id).starts_on == date(2026, 12, 1)  # unchanged
    form.update(starts_on="2026-12-02", ends_on="2026-12-14")
    assert client.post(f"/coordination/cohorts/{cohort_id}/edit", data=form).status_code == 302
    with app.app_context():  # the session moves to another course (no learner yet): its deadlines no longer show
        make_course(slug="autre", modules={"01-un": ("Un", "Texte.")})
        synced()
        cohort = db.session.get(Cohort, cohort_id)
        cohort.course_id = db.session.scalar(select(Course.id).where(Course.slug == "autre"))
        db.session.commit()
        assert deadlines.listed(db.session.get(Cohort, cohort_id)) == []
