"""The trainers' home: their courses (drafts included), with status, last import and figures."""

from __future__ import annotations

import html
from datetime import date

from sqlalchemy import select

from courses.audit.services import SYSTEM
from courses.auth.models import User
from courses.catalog.models import Course, Module
from courses.coordination import services as coordination
from courses.extensions import db
from courses.learning import services as learning
from tests.conftest import PASSWORD, counting_queries

NAMED = {"trainers": [{"name": "Salma", "email": "salma@example.ma"}]}


def page_of(client, user, url: str = "/teaching/", language: str = "fr") -> tuple[int, str]:
    client.post("/logout")
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    client.set_cookie("lang", language)
    response = client.get(url)
    return response.status_code, html.unescape(response.get_data(as_text=True))


def rows(page: str) -> list[str]:
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in page else ""
    return [row for row in body.split("<tr>")[1:]]


def test_a_trainer_sees_the_courses_they_train_drafts_included(app, client, make_course, synced, make_user):
    make_course("publie", meta={**NAMED, "title": "Cours publié"},
                modules={"01-a": ("A", "## A\n"), "02-b": ("B", "## B\n")})  # fmt: skip
    make_course("brouillon", meta={**NAMED, "title": "Cours en préparation", "status": "draft"}, modules={})
    make_course("par-session", meta={"title": "Cours d'une session"})
    make_course("autre", meta={"title": "Cours d'un autre", "trainers": [{"name": "X", "email": "x@example.ma"}]})
    synced()
    salma = make_user("Salma@Example.ma", role="trainer")
    learners = [make_user(f"l{n}@example.ma") for n in range(3)]
    with app.app_context():
        published = db.session.scalar(select(Course).where(Course.slug == "publie"))
        by_cohort = db.session.scalar(select(Course).where(Course.slug == "par-session"))
        coordination.create_cohort(
            coordination.CohortFields(by_cohort, "S", date(2026, 1, 1), date(2026, 1, 2),
                                      trainers=(db.session.get(User, salma.id),)), SYSTEM,
        )  # fmt: skip
        for learner in learners:
            enrollment = learning.enroll(db.session.get(User, learner.id), published)
        for module in db.session.scalars(select(Module).where(Module.course_id == published.id)):
            learning.complete_module(enrollment, module)
        db.session.commit()
    status, page = page_of(client, salma)
    assert status == 200
    found = rows(page)
    assert [r.split("<bdi>")[1].split("</bdi>")[0] for r in found] == [
        "Cours d'une session", "Cours en préparation", "Cours publié",
    ]  # fmt: skip
    session_row, draft_row, published_row = found
    assert 'href="/coordination/courses/par-session/report"' in session_row
    assert "Brouillon" in draft_row and 'href="/courses/brouillon/"' in draft_row
    assert "Publié" in published_row
    numbers = [cell.split(">")[1].split("<")[0] for cell in published_row.split('<td class="number"')[1:]]
    assert numbers[:3] == ["2", "3", "1"]  # modules, learners, completions (then the exercises to review)
    assert 'href="/coordination/courses/publie/report"' in published_row
    assert "Cours d'un autre" not in page
    assert 'href="/teaching/" aria-current="page"' in page  # the header link


def test_last_import_and_its_failure_are_shown(app, client, runner, make_course, make_user):
    folder = make_course("publie", meta=NAMED)
    assert runner.invoke(args=["content", "sync"]).exit_code == 0
    salma = make_user("salma@example.ma", role="trainer")
    _, page = page_of(client, salma)
    assert "jamais" not in page and "échec" not in page
    (folder / "02-b.md").write_text("---\ntitel: B\n---\n", "utf-8")
    assert runner.invoke(args=["content", "sync"]).exit_code == 1
    _, page = page_of(client, salma)
    assert "échec : 2 erreurs dans ce cours" in page


def test_a_new_course_whose_first_import_failed_shows_its_errors_on_the_home(
    app, client, runner, make_course, make_user
):
    """Its trainers are named in its files, which were not imported: the home is the one place to see why."""
    make_course("ancien", meta=NAMED)
    assert runner.invoke(args=["content", "sync"]).exit_code == 0
    folder = make_course("nouveau", meta={"title": "Nouveau", "trainers": [{"name": "N", "email": "new@example.ma"}]})
    (folder / "02-b.md").write_text("---\ntitle: B : la suite\n---\n", "utf-8")
    assert runner.invoke(args=["content", "sync"]).exit_code == 1
    _, page = page_of(client, make_user("new@example.ma", role="trainer"))
    assert "Nouveaux cours non importés" in page and "nouveau/02-b.md:2" in page
    assert "ancien/" not in page.split("Nouveaux cours non importés")[1].split("</section>")[0]


def test_a_course_never_imported_by_the_commands_says_never(client, make_course, synced, make_user):
    make_course("publie", meta=NAMED)
    synced()  # sync() alone records no round: only the commands do
    _, page = page_of(client, make_user("salma@example.ma", role="trainer"))
    assert "jamais" in page


def test_a_trainer_without_courses_is_told_how_to_get_one(client, make_user):
    status, page = page_of(client, make_user("t@example.ma", role="trainer"))
    assert status == 200 and "Aucun cours ne vous désigne encore comme formateur" in page
    assert "make watch COURSE=mon-cours" in page


def test_the_home_in_arabic(client, make_course, synced, make_user):
    make_course("publie", meta=NAMED)
    synced()
    _, page = page_of(client, make_user("salma@example.ma", role="trainer"), language="ar")
    assert 'dir="rtl"' in page and "تكويناتي" in page and "منشورة" in page


def test_learners_and_coordinators_have_no_home_and_no_link(client, make_user):
    for role in ("learner", "coordinator"):
        status, page = page_of(client, make_user(f"{role}@example.ma", role=role), "/me/")
        assert status == 200 and 'href="/teaching/"' not in page
        assert client.get("/teaching/").status_code == 403


def test_trainers_land_on_their_home_after_login(client, make_user):
    trainer = make_user("t@example.ma", role="trainer")
    response = client.post("/login", data={"email": trainer.email, "password": PASSWORD})
    assert response.headers["Location"].endswith("/teaching/")
    client.post("/logout")
    learner = make_user("l@example.ma")
    response = client.post("/login", data={"email": learner.email, "password": PASSWORD})
    assert response.headers["Location"].endswith("/me/")


def test_the_home_runs_the_same_queries_for_2_and_30_courses(app, client, make_course, synced, make_user):
    salma = make_user("salma@example.ma", role="trainer")

    def measure(count: int) -> int:
        for n in range(count):
            make_course(f"cours-{count}-{n}", meta=NAMED)
        synced()
        page_of(client, salma)
        with counting_queries(app) as statements:
            assert client.get("/teaching/").status_code == 200
        return len(statements)

    assert measure(2) == measure(28)
