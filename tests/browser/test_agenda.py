"""A session's days as people live them: the coordinator sets them on a phone, the learner finds the
next one on /me/ and takes them into a calendar, in French and in Arabic."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from axe_playwright_python.sync_playwright import Axe
from icalendar import Calendar
from playwright.sync_api import expect
from sqlalchemy import select

from courses.agenda import services as agenda
from courses.audit.services import SYSTEM
from courses.auth import services as accounts
from courses.auth.models import User
from courses.catalog import services as catalog
from courses.catalog.models import Course
from courses.coordination import services as coordination
from courses.extensions import db
from courses.learning import services as learning
from tests.browser.conftest import log_in
from tests.browser.test_accessibility import AXE_OPTIONS
from tests.conftest import PASSWORD


@pytest.fixture
def session(live_server, request):
    """A session of the French course (far in the future) and one learner enrolled through it."""
    language = request.node.callspec.params["language"]
    with live_server.app.app_context():
        course = db.session.scalar(select(Course).where(Course.slug == "gouvernance"))
        fields = coordination.CohortFields(course, f"Session de Oujda ({language})", date(2030, 3, 4), date(2030, 3, 8))
        cohort = coordination.create_cohort(fields, SYSTEM)
        email = f"learner-days-{language}@example.ma"
        learner = accounts.create_user(email, accounts.Profile(full_name="Nadia Tazi", full_name_ar="نادية التازي"),
                                       PASSWORD, "learner")  # fmt: skip
        coordination.enroll_in_cohort(cohort, db.session.get(User, learner.id), SYSTEM)
        db.session.commit()
        return cohort.id, email


def no_violations(page) -> None:
    results = Axe().run(page, options=AXE_OPTIONS)
    assert results.violations_count == 0, results.generate_report()


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_coordinator_sets_the_days_and_the_learner_takes_them_home(page, live_server, session, language, tmp_path):
    cohort_id, email = session
    log_in(page, live_server, "coordinator@example.ma")
    page.click(f"button[value={language}]")
    page.goto(f"{live_server}/coordination/cohorts/{cohort_id}")
    page.locator(f"a[href$='/coordination/cohorts/{cohort_id}/days']").click()
    page.fill("#days-0-on", "2030-03-04")
    page.fill("#days-0-starts", "09:30")
    page.fill("#days-0-ends", "12:30")
    page.fill("#days-0-place", "Conseil régional de l'Oriental, Oujda")
    page.fill("#days-1-on", "2030-03-12")  # after the session: refused, and nothing is saved
    page.fill("#days-1-starts", "14:00")
    page.fill("#days-1-ends", "17:00")
    page.locator("form.schedule [type=submit]").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert page.locator(".error-summary li").count() == 1
    no_violations(page)
    page.fill("#days-1-on", "2030-03-06")
    page.fill("#days-1-link", "https://meet.example/oujda")
    page.locator("form.schedule [type=submit]").click()
    expect(page.locator(".flashes")).to_contain_text("2")
    no_violations(page)
    # Attendance on the first day, on the phone: one tap per learner, then save.
    page.goto(f"{live_server}/coordination/cohorts/{cohort_id}")
    page.locator("a[href*='/attendance']").first.click()
    page.locator(".attendance-present input").first.check()
    page.locator("form.attendance [type=submit]").click()
    expect(page.locator(".flashes")).to_contain_text("1")
    expect(page.locator(".attendance-present input").first).to_be_checked()
    no_violations(page)
    # A deadline: the first module before the second day.
    page.goto(f"{live_server}/coordination/cohorts/{cohort_id}")
    page.locator(f"a[href$='/coordination/cohorts/{cohort_id}/deadlines']").click()
    page.fill("#modules-0-due_on", "2030-03-05")
    no_violations(page)
    page.locator("form [type=submit]").last.click()
    expect(page.locator(".flashes")).to_contain_text("1")

    page.context.clear_cookies()
    log_in(page, live_server, email)
    page.click(f"button[value={language}]")
    sessions = page.locator("section.my-sessions")
    expect(sessions).to_contain_text("09:30–12:30")
    expect(sessions.locator(".next-day")).to_contain_text("Oujda")
    expect(sessions.locator(".deadlines")).to_contain_text(
        {"fr": "avant la journée 2", "ar": "قبل اليوم رقم 2"}[language]
    )
    no_violations(page)
    with page.expect_download() as download:
        sessions.locator("a[href$='.ics']").click()
    path = tmp_path / "session.ics"
    download.value.save_as(path)
    events = sorted(Calendar.from_ical(path.read_bytes()).walk("VEVENT"), key=lambda e: e.decoded("dtstart"))
    assert [e.decoded("dtstart").astimezone(UTC) for e in events] == [
        datetime(2030, 3, 4, 9, 30, tzinfo=ZoneInfo("Africa/Casablanca")).astimezone(UTC),
        datetime(2030, 3, 6, 14, 0, tzinfo=ZoneInfo("Africa/Casablanca")).astimezone(UTC),
    ]
    assert "Oujda" in str(events[0]["location"]) and str(events[1]["url"]) == "https://meet.example/oujda"


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_certificate_waits_for_the_attendance_rule_and_follows_the_correction(page, live_server, language):
    """A learner finished the online part; the session asks for every day. The course page says what
    is missing; a trainer marks them present on a phone; the certificate is there."""
    email = f"learner-rule-{language}@example.ma"
    with live_server.app.app_context():
        course = db.session.scalar(select(Course).where(Course.slug == "gouvernance"))
        # A trainer of its own: the language this test picks stays with the account it signs in with.
        trainer = accounts.create_user(f"trainer-rule-{language}@example.ma", accounts.Profile(full_name="Hamid Trainer"),
                                       PASSWORD, "trainer")  # fmt: skip
        fields = coordination.CohortFields(
            course, f"Session de Meknès ({language})", date(2026, 10, 5), date(2026, 10, 7), "Meknès",
            trainers=(trainer,), min_attendance=100,
        )  # fmt: skip
        cohort = coordination.create_cohort(fields, SYSTEM)
        agenda.save_schedule(cohort, [agenda.DayFields(date(2026, 10, 5), time(9), time(12), "Meknès")], SYSTEM)
        learner = accounts.create_user(email, accounts.Profile(full_name="Rim Alaoui", full_name_ar="ريم العلوي"),
                                       PASSWORD, "learner")  # fmt: skip
        coordination.enroll_in_cohort(cohort, db.session.get(User, learner.id), SYSTEM)
        enrollment = learning.get_enrollment(db.session.get(User, learner.id), course)
        for module in catalog.live_modules(course):
            if module.active_questions:
                learning.submit_quiz(enrollment, module, {q.id: list(q.answers) for q in module.active_questions})
            else:
                learning.complete_module(enrollment, module)
        db.session.commit()
        cohort_id, day_id = cohort.id, agenda.days_of(cohort)[0].id
    log_in(page, live_server, email)
    page.click(f"button[value={language}]")
    page.goto(f"{live_server}/courses/gouvernance/")
    expect(page.locator("#attendance-due-title")).to_be_visible()
    expect(page.locator("#certificate-title")).to_have_count(0)
    no_violations(page)

    page.context.clear_cookies()
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server, f"trainer-rule-{language}@example.ma")
    page.click(f"button[value={language}]")
    page.goto(f"{live_server}/coordination/cohorts/{cohort_id}/days/{day_id}/attendance")
    row = page.locator("fieldset.attendance-row", has_text="Rim Alaoui" if language == "fr" else "ريم العلوي")
    row.locator(".attendance-present").click()  # the whole label is the tap target
    page.locator("form.attendance [type=submit]").click()
    expect(page.locator(".flashes")).to_contain_text("1")

    page.context.clear_cookies()
    log_in(page, live_server, email)
    page.goto(f"{live_server}/courses/gouvernance/")
    expect(page.locator("#certificate-title")).to_be_visible()
    expect(page.locator("#attendance-due-title")).to_have_count(0)
