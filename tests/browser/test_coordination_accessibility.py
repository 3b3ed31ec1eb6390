"""axe-core finds no violation on the training day's pages, in French and Arabic, on a desktop and a phone.

One browser context per language and width visits every page (the session and its roster
filtered, the import form, the import report with errors and without, an import's and an
export's progress pages, the reminder preview, closing and reopening, the audit log and the
activation page), so the whole list costs four logins.
"""

from __future__ import annotations

from datetime import date, time

import pytest
from axe_playwright_python.sync_playwright import Axe
from sqlalchemy import select

from courses.agenda import services as agenda
from courses.auth import services as accounts
from courses.auth.models import User
from courses.catalog.models import Course
from courses.coordination import csv_import, import_jobs, services
from courses.coordination.models import Cohort, CsvImport, ExportJob
from courses.extensions import db
from tests.browser.conftest import log_in
from tests.browser.test_accessibility import AXE_OPTIONS

INVITEES = "email;nom complet\nrim.axe@tanger.ma;Rim Amrani\nomar.axe@tanger.ma;Omar Sqalli\n"
BAD_ROWS = "email;nom complet;région\nrim.axe@tanger.ma;Rim Amrani;Atlantide\npas-une-adresse;Omar\n"


def _cohort(course: Course, coordinator: User, name: str) -> Cohort:
    fields = services.CohortFields(course=course, name=name, starts_on=date(2026, 12, 7), ends_on=date(2026, 12, 21),
                                   place="Tanger", capacity=30)  # fmt: skip
    return services.create_cohort(fields, coordinator)


def _pending(cohort, coordinator: User, text: str) -> tuple[CsvImport, str]:
    plan = csv_import.plan(cohort, text)
    pending = CsvImport(
        cohort_id=cohort.id, uploaded_by_id=coordinator.id, filename="liste.csv", content=text,
        checked_rows=plan.stored(), summary={**plan.counts(), "digest": plan.digest()}, total_rows=len(plan.rows),
    )  # fmt: skip
    db.session.add(pending)
    db.session.flush()
    return pending, plan.digest()


@pytest.fixture(scope="module")
def day(live_server):
    """A session with two invitees imported, a file checked but not confirmed, a closed session, an export
    waiting for its worker; the pages to check and the invitation link of one invitee."""
    app = live_server.app
    with app.app_context():
        coordinator = db.session.scalar(select(User).where(User.email == "admin@example.ma"))
        course = db.session.scalar(select(Course).where(Course.slug == "gouvernance"))
        cohort = _cohort(course, coordinator, "Session de Tanger (axe)")
        done, digest = _pending(cohort, coordinator, INVITEES)
        import_jobs.run_now(done, coordinator, digest, str(live_server))
        db.session.commit()
        checked, _ = _pending(cohort, coordinator, "email;nom complet\nsara.axe@tanger.ma;Sara Idrissi\n")
        closed = _cohort(course, coordinator, "Session close (axe)")
        services.close_cohort(closed, coordinator)
        agenda.save_schedule(
            cohort,
            [agenda.DayFields(cohort.starts_on, time(9), time(12), "Conseil régional, Tanger", topic="Ouverture"),
             agenda.DayFields(cohort.ends_on, time(14), time(17), link="https://meet.example/tadbir")],
            coordinator,
        )  # fmt: skip
        job = ExportJob(kind="certificates_zip", requested_by_id=coordinator.id, course_id=course.id,
                        cohort_id=cohort.id, download_name="certificats.zip", total=120)  # fmt: skip
        db.session.add(job)
        db.session.commit()
        rim = db.session.scalar(select(User).where(User.email == "rim.axe@tanger.ma"))
        token = accounts.reset_token(rim, app.config["SECRET_KEY"], kind="invitation")
        base = f"/coordination/cohorts/{cohort.id}"
        pages = [
            ("session", base),
            ("session-days", f"{base}/days"),
            ("attendance", f"{base}/days/{agenda.days_of(cohort)[0].id}/attendance"),
            ("roster-filtered", f"{base}?status=invited"),
            ("import-preview", f"{base}/imports/{checked.id}/check"),
            ("import-done", f"{base}/imports/{done.id}"),
            ("export-waiting", f"/coordination/exports/{job.id}"),
            ("reminder-preview", f"{base}/reminders/not_activated"),
            ("close", f"{base}/close"),
            ("reopen", f"/coordination/cohorts/{closed.id}/reopen"),
            ("audit", "/admin/audit"),
            ("calendar", "/coordination/calendar"),
            ("account", "/account/"),
            ("activation", f"/password/reset/{token}"),
        ]
        return pages, base


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_training_day_pages_have_no_violation(browser, live_server, day, tmp_path, language, width):
    pages, session = day
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="fr-FR")
    page = context.new_page()
    axe = Axe()
    log_in(page, live_server, "admin@example.ma")
    page.click(f"button[value={language}]")
    failures = []

    def check(name: str) -> None:
        assert page.locator("html").get_attribute("lang") == language, name
        assert page.locator("h1").count() == 1, name
        results = axe.run(page, options=AXE_OPTIONS)
        if results.violations_count:
            failures.append(f"{name}: {results.generate_report()}")

    try:
        for name, path in pages:
            page.goto(f"{live_server}{path}")
            check(name)
        # The report of a file with errors (a POST: uploaded from the session's import form).
        bad = tmp_path / "liste.csv"
        bad.write_text(BAD_ROWS, "utf-8")
        page.goto(f"{live_server}{session}")
        page.set_input_files("#file", str(bad))
        page.locator("form[enctype] button[type=submit], form[enctype] input[type=submit]").click()
        page.wait_for_url("**/imports")
        check("import-preview-errors")
    finally:
        context.close()
    assert not failures, "\n".join(failures)
