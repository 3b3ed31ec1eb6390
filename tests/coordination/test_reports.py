"""Reports, exports and who may see them."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import UTC, date, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select, update

from courses.audit.services import SYSTEM
from courses.auth.models import User
from courses.catalog.models import Course, Module
from courses.coordination import reports, services
from courses.coordination.models import Cohort
from courses.extensions import db
from courses.learning import services as learning
from courses.learning.models import Enrollment


@pytest.fixture
def population(app, course, cohort_id, make_user):
    """Five learners with known progress (hand-computed expectations below).

    - a (commune, rabat): completed in 2 days     - b (commune, rabat): completed in 4 days
    - c (media, fes): started, not complete       - d (media, no region): enrolled only
    - e (school, fes): completed in 10 days, not in the cohort
    """
    people = {
        "a": ("commune", "rabat-sale-kenitra", 2, True), "b": ("commune", "rabat-sale-kenitra", 4, True),
        "c": ("media", "fes-meknes", None, True), "d": ("media", None, None, True), "e": ("school", "fes-meknes", 10, False),
    }  # fmt: skip
    with app.app_context():
        course_row = db.session.scalar(select(Course))
        cohort = db.session.get(Cohort, cohort_id)
        modules = {m.slug: m for m in db.session.scalars(select(Module).where(Module.course_id == course_row.id))}
        start = datetime(2026, 11, 2, 9, tzinfo=UTC)
        for key, (kind, region, days, in_cohort) in people.items():
            user = db.session.get(User, make_user(f"{key}@example.ma", full_name=f"Learner {key.upper()}",
                                                  organisation_type=kind, region=region).id)  # fmt: skip
            if in_cohort:
                services.enroll_in_cohort(cohort, user, SYSTEM)
            enrollment = learning.enroll(user, course_row, now=start)
            enrollment.enrolled_at = start
            if key == "c":
                learning.complete_module(enrollment, modules["lire"], now=start)
            if days is not None:
                done = start + timedelta(days=days)
                learning.complete_module(enrollment, modules["lire"], now=done)
                quiz = modules["quiz"]
                learning.submit_quiz(
                    enrollment, quiz, {q.id: [0] if key != "b" else [1] for q in quiz.active_questions}, now=done
                )
                if key == "b":  # failed once, then passed
                    learning.submit_quiz(enrollment, quiz, {q.id: [0] for q in quiz.active_questions}, now=done)
            db.session.commit()
        db.session.execute(update(Enrollment).where(Enrollment.completed_at.is_not(None)).values(enrolled_at=start))
        db.session.commit()


def test_summary_numbers(app, population, cohort_id):
    with app.app_context():
        course_row = db.session.scalar(select(Course))
        whole, _counts = reports.summary(reports.Scope(course_row))
        assert (whole.enrolled, whole.started, whole.completed) == (5, 4, 3)
        assert whole.rate == pytest.approx(0.6)
        assert whole.median_days == pytest.approx(4)
        by_type = {b.key: (b.enrolled, b.completed) for b in whole.by_organisation_type}
        assert by_type == {"commune": (2, 2), "media": (2, 0), "school": (1, 1)}
        by_region = {b.key: (b.enrolled, b.completed) for b in whole.by_region}
        assert by_region == {"rabat-sale-kenitra": (2, 2), "fes-meknes": (2, 1), None: (1, 0)}
        session, _counts = reports.summary(reports.Scope(course_row, db.session.get(Cohort, cohort_id)))
        assert (session.enrolled, session.completed, session.median_days) == (4, 2, pytest.approx(3))
        (item,) = reports.item_analysis(reports.Scope(course_row))
        assert (item.answers, item.wrong) == (4, 1)  # a, b twice, e; b's first attempt was wrong


def test_completions_are_counted_by_utc_week(app, population):
    """a, b, e completed on 4, 6 and 12 November 2026 at 09:00 UTC; the day just before midnight
    UTC stays in its week (counted by day in SQL on both databases)."""
    with app.app_context():
        course_row = db.session.scalar(select(Course))
        late = datetime(2026, 11, 15, 23, 30, tzinfo=UTC)  # a Sunday, late: still the week of the 9th
        db.session.execute(update(Enrollment).where(Enrollment.completed_at > datetime(2026, 11, 10, tzinfo=UTC))
                           .values(completed_at=late))  # fmt: skip
        db.session.commit()
        weeks = dict(reports.completions_by_week(reports.Scope(course_row), weeks=4, today=date(2026, 11, 18)))
    assert weeks == {date(2026, 10, 26): 0, date(2026, 11, 2): 2, date(2026, 11, 9): 1, date(2026, 11, 16): 0}


def test_learner_table_pages_sorts_and_filters(app, population):
    with app.app_context():
        scope = reports.Scope(db.session.scalar(select(Course)))
        page = reports.learners(scope, sort="name", descending=True)
        assert [r.user.full_name for r in page.rows] == [
            "Learner E",
            "Learner D",
            "Learner C",
            "Learner B",
            "Learner A",
        ]
        completed = reports.learners(scope, status="completed")
        assert {r.user.email for r in completed.rows} == {"a@example.ma", "b@example.ma", "e@example.ma"}
        assert reports.learners(scope, query="c@example").total == 1
        states = {r.user.email: r.states for r in page.rows}
        assert set(states["c@example.ma"].values()) == {"completed"} and states["d@example.ma"] == {}


def test_report_page_and_query_count_do_not_grow(app, client, as_role, population, make_user):
    as_role("coordinator")
    response = client.get("/coordination/courses/gouvernance/report")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<svg class="chart" role="img"' in page and "Learner A" in page
    assert "Modules M1, M2… dans l’ordre du cours" in page  # the dots' legend
    from tests.conftest import counting_queries

    with counting_queries(app) as small:
        client.get("/coordination/courses/gouvernance/report")
    with app.app_context():
        course_row = db.session.scalar(select(Course))
        for n in range(30):
            user = db.session.get(User, make_user(f"more{n}@example.ma").id)
            learning.enroll(user, course_row)
            db.session.commit()
    with counting_queries(app) as large:
        client.get("/coordination/courses/gouvernance/report")
    assert len(small) == len(large)


def test_exports(app, client, as_role, population, cohort_id):
    as_role("coordinator")
    text = client.get(f"/coordination/courses/gouvernance/report.csv?cohort={cohort_id}").get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert (
        rows[0][0] == "Nom complet" and len(rows) == 1 + 4
    )  # headers, labels, dates: tests/coordination/test_exports.py
    workbook = load_workbook(io.BytesIO(client.get("/coordination/courses/gouvernance/report.xlsx").data))
    sheet = workbook.active
    assert sheet.max_row == 1 + 5 and sheet["A2"].value == "Learner A"


def test_certificate_exports_follow_the_scope(client, as_role, population, cohort_id):
    """What the ZIP and the print PDF hold is tested in tests/certificates/test_batch.py."""
    as_role("coordinator")
    archive = zipfile.ZipFile(io.BytesIO(client.get("/coordination/courses/gouvernance/certificates.zip").data))
    names = archive.namelist()
    assert "registre.csv" in names and len([n for n in names if n.endswith(".pdf")]) == 3
    cohort_zip = zipfile.ZipFile(
        io.BytesIO(client.get(f"/coordination/courses/gouvernance/certificates.zip?cohort={cohort_id}").data)
    )
    assert len([n for n in cohort_zip.namelist() if n.endswith(".pdf")]) == 2
    future = client.get("/coordination/courses/gouvernance/certificates.zip?since=2099-01-01").data
    assert [n for n in zipfile.ZipFile(io.BytesIO(future)).namelist()] == ["registre.csv"]
    merged = client.get("/coordination/courses/gouvernance/certificates.pdf")
    assert (
        merged.data.startswith(b"%PDF")
        and merged.data.count(b"/Type /Page\n") + merged.data.count(b"/Type /Page>") >= 1
    )


def test_trainer_reads_reports_of_courses_they_train_only(
    app, client, as_role, population, cohort_id, make_course, synced
):
    trainer = as_role("trainer")
    assert client.get("/coordination/courses/gouvernance/report").status_code == 403
    with app.app_context():
        cohort = db.session.get(Cohort, cohort_id)
        cohort.trainers = [db.session.get(User, trainer.id)]
        db.session.commit()
    assert client.get("/coordination/courses/gouvernance/report").status_code == 200
    assert client.get(f"/coordination/cohorts/{cohort_id}").status_code == 200
    assert client.get("/coordination/courses/gouvernance/report.csv").status_code == 403
    assert client.get("/coordination/courses/gouvernance/certificates.zip").status_code == 403
    assert client.get("/coordination/cohorts/new").status_code == 403


def test_learners_and_anonymous_are_kept_out(client, as_role, cohort_id):
    urls = ["/coordination/", f"/coordination/cohorts/{cohort_id}", "/coordination/courses/gouvernance/report",
            "/coordination/courses/gouvernance/report.csv", "/admin/users", "/admin/audit"]  # fmt: skip
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url
    as_role("learner")
    for url in urls:
        assert client.get(url).status_code == 403, url


def test_cohort_lifecycle_in_the_browser(app, client, as_role, course, make_user):
    as_role("coordinator")
    trainer = make_user("trainer@example.ma", role="trainer", full_name="Youssef El Idrissi")
    assert client.get("/coordination/cohorts/new").status_code == 200
    bad = client.post(
        "/coordination/cohorts/new",
        data={"course": "gouvernance", "name": "S", "starts_on": "2026-12-10", "ends_on": "2026-12-01"},
    )
    assert bad.status_code == 200
    response = client.post(
        "/coordination/cohorts/new",
        data={"course": "gouvernance", "name": "Session d'Oujda", "starts_on": "2026-12-01", "ends_on": "2026-12-05",
              "place": "Oujda", "region": "oriental", "capacity": "1", "trainers": [str(trainer.id)]},
    )  # fmt: skip
    assert response.status_code == 302
    cohort_url = response.headers["Location"]
    cohort_id = int(cohort_url.rstrip("/").split("/")[-1])
    assert "Oujda</bdi> (L'Oriental)" in client.get(cohort_url).get_data(as_text=True).replace("&#39;", "'")
    past = client.post(
        "/coordination/cohorts/new",
        data={"course": "gouvernance", "name": "Session passée", "starts_on": "2020-05-04", "ends_on": "2020-05-08"},
        follow_redirects=True,
    )  # allowed, with a warning
    assert "Ses dates sont passées" in past.get_data(as_text=True).replace("&#39;", "'")
    learner = make_user("l@example.ma", full_name="Leila Tazi")
    other = make_user("o@example.ma", full_name="Omar Tazi")
    matches = client.get(cohort_url + "?q=tazi").get_data(as_text=True)
    assert "Leila Tazi" in matches
    # each button says whom it enrolls (a screen reader lists them all as "Inscrire" otherwise)
    assert 'Inscrire<span class="visually-hidden"> <bdi>Leila Tazi</bdi></span>' in matches
    client.post(f"/coordination/cohorts/{cohort_id}/learners", data={"user_id": learner.id})
    client.post(f"/coordination/cohorts/{cohort_id}/learners", data={"user_id": other.id})  # capacity 1
    again = client.post(
        f"/coordination/cohorts/{cohort_id}/learners", data={"user_id": learner.id}, follow_redirects=True
    )
    assert "\u2068Leila Tazi\u2069" in again.get_data(as_text=True)  # named in the message
    with app.app_context():
        enrolled = db.session.scalars(select(Enrollment.user_id).where(Enrollment.cohort_id == cohort_id)).all()
        assert enrolled == [learner.id]
    client.post(f"/coordination/cohorts/{cohort_id}/close")
    with app.app_context():
        assert db.session.get(Cohort, cohort_id).closed_at is not None
    edit = client.post(
        f"/coordination/cohorts/{cohort_id}/edit",
        data={
            "course": "gouvernance",
            "name": "Session d'Oujda (2)",
            "starts_on": "2026-12-01",
            "ends_on": "2026-12-06",
        },
    )
    assert edit.status_code == 302


def test_draft_preview_for_its_own_trainers_only(app, client, as_role, make_course, synced):
    trainers = [{"name": "T2", "email": "T2@Example.ma"}]
    make_course(slug="brouillon", meta={"status": "draft", "title": "En préparation", "trainers": trainers})
    synced()
    assert client.get("/courses/brouillon/").status_code == 404
    for role, email in (("learner", None), ("trainer", "t3@example.ma"), ("coordinator", None)):
        as_role(role, email)
        assert client.get("/courses/brouillon/").status_code == 404, role
    as_role("trainer", "t2@example.ma")
    page = client.get("/courses/brouillon/").get_data(as_text=True)
    assert "Brouillon — visible de ses seuls formateurs" in page
    assert client.get("/courses/brouillon/introduction/").status_code == 200


def test_a_flash_message_isolates_the_name_it_prints(app, client, as_role, cohort_id, make_user):
    import html
    import re

    from fpdf.bidi import BidiParagraph

    learner = make_user("legacy@example.ma")
    with app.app_context():  # stored before names were cleaned at input
        db.session.get(User, learner.id).full_name = "\u202eSalma Benali"
        db.session.commit()
    as_role("coordinator")
    response = client.post(
        f"/coordination/cohorts/{cohort_id}/learners", data={"user_id": learner.id},
        headers={"Accept-Language": "en"}, follow_redirects=True,
    )  # fmt: skip
    (message,) = re.findall(r'<p class="flash flash-success">(.*?)</p>', response.get_data(as_text=True))
    message = html.unescape(message)
    assert message == "\u2068Salma Benali\u2069 is enrolled."
    assert BidiParagraph(message).get_reordered_string().endswith(" is enrolled.")  # neighbours in reading order


def test_the_region_chart_is_mirrored_right_to_left():
    import re

    from courses.coordination.charts import bars

    def label_and_bar(svg: str) -> tuple[float, float]:
        label = float(re.search(r'<text x="([\d.]+)"[^>]*class="chart-label"', svg).group(1))
        return label, float(re.search(r'<rect x="([\d.]+)"', svg).group(1))

    ltr = bars([("Oriental", 0.5, "50 %")], "Taux")
    rtl = bars([("الشرق", 0.5, "50 %")], "النسبة", rtl=True)
    assert 'direction="ltr"' in ltr and 'direction="rtl"' in rtl  # the anchors do not follow the page's
    label, bar = label_and_bar(ltr)
    assert label < bar  # the name, anchored by its end, stops before the bar
    label, bar = label_and_bar(rtl)
    assert label > bar + 100  # the name's end (its left edge in RTL) is right of the bar, which grows leftwards


def test_the_arabic_report_heading_isolates_its_parts_and_has_no_empty_one(app, client, as_role, cohort_id):
    as_role("coordinator")
    client.set_cookie("lang", "ar")
    page = client.get(f"/coordination/courses/gouvernance/report?cohort={cohort_id}").get_data(as_text=True)
    heading = page.split("<h1>", 1)[1].split("</h1>", 1)[0]
    assert heading.count("<bdi>") == 2 and "<bdi></bdi>" not in heading and "— —" not in heading
    assert "<bdi>Session de Rabat</bdi>" in heading
    assert 'direction="rtl"' in page  # the region chart, mirrored
    figures = dict(re.findall(r"<dt>([^<]+)</dt><dd>([^<]+)</dd>", page))
    assert {"المسجَّلون", "بدأوا الدورة", "أتمّوا الدورة"} <= set(figures)  # counts of learners, said as such
