"""The session roster: one state and a last activity per learner, filters, counts, constant queries."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select

from courses.audit.services import SYSTEM
from courses.catalog.models import Course, Module
from courses.coordination import reports, roster, services
from courses.coordination.models import Cohort
from courses.extensions import db
from courses.learning import services as learning
from tests.conftest import PASSWORD, counting_queries
from tests.coordination.conftest import EXPECTED, T0, add_learner


def scope_of(cohort_id: int) -> reports.Scope:
    cohort = db.session.get(Cohort, cohort_id)
    return reports.Scope(cohort.course, cohort)


def test_each_learner_has_one_state_progress_on_counted_modules_and_a_last_activity(app, five):
    with app.app_context():
        page = reports.learners(scope_of(five))
        found = {row.user.email: (row.state, row.done, row.last_activity) for row in page.rows}
        assert found == EXPECTED
        assert {row.counted for row in page.rows} == {2}


def test_state_filter_and_counts(app, five):
    with app.app_context():
        scope = scope_of(five)
        for state in roster.STATES:
            emails = {row.user.email for row in reports.learners(scope, status=state).rows}
            assert emails == {email for email, (expected, *_) in EXPECTED.items() if expected == state}, state
        assert reports.learners(scope, status="nonsense").total == 5
        counts = reports.state_counts(scope)
        assert dict(counts.by_state) == {"invited": 1, "not_started": 1, "in_progress": 2, "completed": 1}
        assert (counts.enrolled, counts.activated, counts.completed) == (5, 4, 1)
        summary, _counts = reports.summary(scope)
        assert (summary.enrolled, summary.activated, summary.started, summary.completed) == (5, 4, 3, 1)
        other = services.create_cohort(
            services.CohortFields(db.session.scalar(select(Course)), "Vide", date(2027, 1, 1), date(2027, 1, 2)), SYSTEM
        )
        by_cohort = reports.state_counts_by_cohort([five, other.id])
        assert by_cohort[five] == counts and by_cohort[other.id].enrolled == 0


def test_sorting_by_last_activity_puts_the_idle_first(app, five):
    with app.app_context():
        oldest_first = [row.user.email[0] for row in reports.learners(scope_of(five), sort="activity").rows]
        assert oldest_first == ["a", "b", "c", "e", "d"]  # never active (no time at all) first
        latest_first = [
            row.user.email[0] for row in reports.learners(scope_of(five), sort="activity", descending=True).rows
        ]
        assert latest_first == ["d", "e", "c", "b", "a"]


def test_only_counted_modules_count(app, make_course, synced, make_user):
    """With a required module, only it counts: the roster uses `courses.learning.counted`."""
    optional = "---\ntitle: Optionnel\nrequired: false\n---\nTexte\n"
    required = "---\ntitle: Obligatoire\n---\nTexte\n"
    make_course(slug="requis", modules={"01-a": optional, "02-b": required, "03-c": optional})
    synced()
    with app.app_context():
        course = db.session.scalar(select(Course).where(Course.slug == "requis"))
        cohort = services.create_cohort(services.CohortFields(course, "S", date(2027, 1, 1), date(2027, 1, 2)), SYSTEM)
        user = add_learner(cohort, "r@example.ma", "Rim")
        modules = {m.slug: m for m in db.session.scalars(select(Module).where(Module.course_id == course.id))}
        learning.complete_module(learning.get_enrollment(user, course), modules["a"], now=T0)
        db.session.commit()
        (row,) = reports.learners(reports.Scope(course, cohort)).rows
        assert (row.state, row.done, row.counted) == ("in_progress", 0, 1)


def test_session_page_shows_states_counts_and_filters(app, client, as_role, five):
    as_role("coordinator")
    page = client.get(f"/coordination/cohorts/{five}").get_data(as_text=True)
    figures = dict(re.findall(r"<dt>([^<]+)</dt><dd>([^<]+)</dd>", page))
    assert figures["Inscrits"] == "5" and figures["Activés"] == "4" and figures["Ont terminé"] == "1"
    assert figures["Capacité"] == "50"
    for text in ("Invité — compte non activé", "Activé — pas encore commencé", "En cours (1/2)", "En cours (0/2)"):
        assert text in page, text
    assert "Invité — compte non activé (1)" in page and "En cours (2)" in page  # filter links with counts
    filtered = client.get(f"/coordination/cohorts/{five}?status=in_progress").get_data(as_text=True)
    roster = re.search(r'<table class="data learners".*?</table>', filtered, flags=re.S).group(0)
    assert "Chama Partielle" in roster and "Ejjo Quiz" in roster and "Amal Invitée" not in roster
    assert f'href="/coordination/cohorts/{five}?status=invited&amp;page=1"' in filtered
    assert f'href="/coordination/cohorts/{five}?page=1" aria-current="true"' not in filtered
    assert f'<a href="/coordination/cohorts/{five}?page=1">' in filtered  # "All" drops the filter
    arabic = client.get(f"/coordination/cohorts/{five}", headers={"Accept-Language": "ar"}).get_data(as_text=True)
    assert "مدعو — الحساب غير مفعَّل" in arabic and "قيد الإنجاز (1/2)" in arabic
    english = client.get(f"/coordination/cohorts/{five}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Invited — not activated" in english and "Activated — not started" in english
    assert "In progress (1/2)" in english and "Last activity" in english


def test_report_page_filters_by_state(client, as_role, five):
    as_role("coordinator")
    page = client.get("/coordination/courses/gouvernance/report?status=invited").get_data(as_text=True)
    assert "Amal Invitée" in page and "Badr Activé" not in page
    assert '<input type="hidden" name="status" value="invited">' in page  # a search keeps the filter


def test_index_shows_counts_per_session(client, as_role, five):
    as_role("coordinator")
    page = client.get("/coordination/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    row = re.search(r"Session de Rabat.*?</tr>", page, re.S).group(0)
    assert re.findall(r"<td>([^<]*)</td>", row)[-4:] == ["5 / 50", "4", "1", "Open"]


def test_session_page_queries_do_not_grow_with_learners(app, client, as_role, course, cohort_id):
    as_role("coordinator")
    url = f"/coordination/cohorts/{cohort_id}"

    def enroll(start: int, stop: int) -> None:
        with app.app_context():
            cohort = db.session.get(Cohort, cohort_id)
            quiz = db.session.scalar(select(Module).where(Module.slug == "quiz"))
            for n in range(start, stop):
                user = add_learner(cohort, f"l{n}@example.ma", f"Learner {n}", None if n % 3 == 0 else PASSWORD)
                if n % 2:
                    enrollment = learning.get_enrollment(user, cohort.course)
                    learning.submit_quiz(enrollment, quiz, {q.id: [0] for q in quiz.active_questions}, now=T0)
            db.session.commit()

    enroll(0, 2)
    client.get(url)  # warm caches (the user's row, the locale)
    with counting_queries(app) as small:
        assert client.get(url).status_code == 200
    enroll(2, 40)
    with counting_queries(app) as large:
        page = client.get(url).get_data(as_text=True)
    assert page.count('class="state state-') == 40
    assert len(small) == len(large), (len(small), len(large))


def test_index_queries_do_not_grow_with_sessions(app, client, as_role, course):
    as_role("coordinator")

    def add_sessions(count: int) -> None:
        with app.app_context():
            course_row = db.session.scalar(select(Course))
            for n in range(count):
                fields = services.CohortFields(course_row, f"S{n}", date(2027, 1, 1), date(2027, 1, 2), "", 30)
                cohort = services.create_cohort(fields, SYSTEM)
                add_learner(cohort, f"s{cohort.id}@example.ma", f"Learner {cohort.id}")
            db.session.commit()

    add_sessions(1)
    client.get("/coordination/")
    with counting_queries(app) as small:
        assert client.get("/coordination/").status_code == 200
    add_sessions(9)
    with counting_queries(app) as large:
        page = client.get("/coordination/").get_data(as_text=True)
    assert page.count("1 / 30") == 10
    assert len(small) == len(large), (len(small), len(large))


def test_a_learner_with_a_name_in_arabic_script_only_is_named_in_messages(app, client, as_role, five, make_user):
    as_role("coordinator")
    hind = make_user("hind@example.ma", full_name="", full_name_ar="هند الإدريسي")
    page = client.post(f"/coordination/cohorts/{five}/learners", data={"user_id": hind.id}, follow_redirects=True)
    assert "\u2068هند الإدريسي\u2069" in page.get_data(as_text=True)
    matches = client.get(f"/coordination/cohorts/{five}?q=hind").get_data(as_text=True)
    assert "<bdi>هند الإدريسي</bdi>" in matches
