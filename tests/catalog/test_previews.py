"""Previews that tell the truth: draft banner, the last failed import, the quiz with its answers.

All three are for the course's own trainers (named in `trainers:` or training a cohort) and
admins; learners, other trainers and anonymous visitors see none of it.
"""

from __future__ import annotations

import html
import re
from datetime import date

import pytest
from sqlalchemy import select

from courses.audit.services import SYSTEM
from courses.auth.models import User
from courses.catalog.models import Course
from courses.coordination import services as coordination
from courses.extensions import db
from courses.learning import services as learning
from tests.conftest import PASSWORD

QUIZ = """---
title: Vérifier ses acquis
minutes: 10
quiz:
  - question: Combien de régions ?
    choices: ["12", "16"]
    answer: 0
    explanation: Douze régions depuis 2015.
  - question: Lesquelles sont des collectivités ?
    choices: [Communes, Ambassades, Régions]
    answer: [0, 2]
---
## Rappel

Le Maroc compte douze régions.
"""

BROKEN = "---\ntitel: Suite\n---\nTexte\n"
VISITORS = ("anonymous", "learner", "other_trainer", "trainer", "cohort_trainer", "admin")
PREVIEWERS = {"trainer", "cohort_trainer", "admin"}


@pytest.fixture
def course(app, make_course, synced, make_user):
    """A published course with a quiz, its named trainer, a cohort trainer, and everyone else."""
    meta = {"trainers": [{"name": "Salma", "email": "trainer@example.ma"}], "hours": 0.25}
    folder = make_course("gouvernance", meta=meta, modules={"01-quiz": QUIZ})
    make_course("medias", meta={"title": "Médias"})
    synced()
    roles = {"learner": "learner", "other_trainer": "trainer", "trainer": "trainer", "cohort_trainer": "trainer",
             "admin": "admin"}  # fmt: skip
    users = {kind: make_user(f"{kind}@example.ma", role=role) for kind, role in roles.items()}
    with app.app_context():
        published = db.session.scalar(select(Course).where(Course.slug == "gouvernance"))
        trainer = db.session.get(User, users["cohort_trainer"].id)
        coordination.create_cohort(
            coordination.CohortFields(published, "S", date(2026, 1, 1), date(2026, 1, 2), trainers=(trainer,)), SYSTEM
        )
        learning.enroll(db.session.get(User, users["learner"].id), published)
        db.session.commit()
    return folder, users


def visit(client, users, visitor: str, url: str, language: str = "fr"):
    client.post("/logout")
    if visitor != "anonymous":
        response = client.post("/login", data={"email": users[visitor].email, "password": PASSWORD})
        assert response.status_code == 302
    client.set_cookie("lang", language)
    response = client.get(url)
    return response.status_code, html.unescape(response.get_data(as_text=True))


def fail_an_import(runner, folder, name: str = "02-suite.md", text: str = BROKEN) -> None:
    (folder / name).write_text(text, "utf-8")
    assert runner.invoke(args=["content", "sync"]).exit_code == 1


@pytest.mark.parametrize("visitor", VISITORS)
def test_the_last_failed_import_shows_on_every_page_of_the_course_to_its_trainers_only(client, runner, course, visitor):
    folder, users = course
    fail_an_import(runner, folder)
    for url in ("/courses/gouvernance/", "/courses/gouvernance/quiz/"):
        status, page = visit(client, users, visitor, url)
        assert status == 200
        shown = "Le dernier import du contenu a échoué" in page
        assert shown is (visitor in PREVIEWERS), (visitor, url)
        assert ("gouvernance/02-suite.md:2" in page) is shown
        assert ("clé inconnue « titel »" in page) is shown
        if shown:
            assert "cette page montre la dernière version valide" in page
            assert "flask content sync" in page


def test_the_errors_are_worded_in_the_readers_language(client, runner, course):
    folder, users = course
    fail_an_import(runner, folder)
    _, arabic = visit(client, users, "trainer", "/courses/gouvernance/", "ar")
    assert "فشل آخر استيراد للمحتوى" in arabic and "مفتاح غير معروف « titel »" in arabic
    _, english = visit(client, users, "trainer", "/courses/gouvernance/", "en")
    assert "unknown key 'titel'" in english and "this page shows the last valid version" in english


def test_the_failed_import_says_on_which_day_and_at_what_time(client, runner, course):
    folder, users = course
    fail_an_import(runner, folder)
    expected = {
        "fr": r"a trouvé des erreurs le \d{2}/\d{2}/\d{4} à \d{2}:\d{2} et",
        "ar": r"أخطاءً يوم \d+\W+\d+\W+\d{4} على الساعة \d+:\d{2}\s?\S* فلم",
        "en": r"found errors on \d{1,2}/\d{1,2}/\d{2} at \d{1,2}:\d{2}\W*[AP]M, so",
    }
    for language, pattern in expected.items():
        _, page = visit(client, users, "trainer", "/courses/gouvernance/", language)
        assert re.search(pattern, page), (language, page[page.find("sync-errors") :][:600])


def test_errors_in_another_course_are_counted_not_shown(client, runner, course, content_dir):
    _, users = course
    fail_an_import(runner, content_dir / "medias", "02-secret.md", "---\ntitel: Projet confidentiel\n---\n")
    _, page = visit(client, users, "trainer", "/courses/gouvernance/")
    assert "Le dernier import du contenu a échoué" in page
    assert "2 erreurs dans d’autres cours bloquent aussi l’import." in page
    assert "02-secret.md" not in page and "Projet confidentiel" not in page


def test_a_successful_import_clears_the_errors(client, runner, course):
    folder, users = course
    fail_an_import(runner, folder)
    (folder / "02-suite.md").write_text("---\ntitle: Suite\n---\nTexte\n", "utf-8")
    assert runner.invoke(args=["content", "sync"]).exit_code == 0
    _, page = visit(client, users, "trainer", "/courses/gouvernance/")
    assert "Le dernier import du contenu a échoué" not in page


def test_a_failed_import_of_another_course_alone_does_not_concern_this_one(client, runner, course, content_dir):
    _, users = course
    (content_dir / "medias" / "02-x.md").write_text(BROKEN, "utf-8")
    assert runner.invoke(args=["content", "sync", "--course", "medias"]).exit_code == 1
    _, page = visit(client, users, "trainer", "/courses/gouvernance/")
    assert "Le dernier import du contenu a échoué" not in page


@pytest.mark.parametrize("visitor", VISITORS)
def test_the_quiz_preview_marks_the_answers_for_the_courses_trainers_only(client, course, visitor):
    _, users = course
    status, page = visit(client, users, visitor, "/courses/gouvernance/quiz/")
    assert status == 200
    shown = "Aperçu du quiz, réponses indiquées" in page
    assert shown is (visitor in PREVIEWERS)
    assert ("Douze régions depuis 2015." in page) is shown  # the explanation never reaches learners
    assert ("✓ bonne réponse" in page) is shown
    if shown:
        assert page.count("✓ bonne réponse") == 3
        assert page.count("<input checked disabled") == 3 and page.count("<input disabled") == 2  # nothing to submit
        assert 'type="radio" value="0"> <label' in page and 'type="checkbox" value="2"> <label' in page
        assert "Pas d’explication : les apprenants verront seulement s’ils ont eu raison." in page
        assert "(plusieurs réponses possibles)" in page


def test_the_preview_needs_no_enrollment_and_keeps_the_learners_quiz(client, course):
    _, users = course
    _, page = visit(client, users, "trainer", "/courses/gouvernance/quiz/")
    assert "S'inscrire à ce cours" in page  # a published course: the trainer may still enroll to try it
    assert 'action="/courses/gouvernance/quiz/quiz#quiz-panel"' not in page  # not enrolled: no learner form
    _, learner = visit(client, users, "learner", "/courses/gouvernance/quiz/")
    assert 'action="/courses/gouvernance/quiz/quiz#quiz-panel"' in learner and "Aperçu du quiz" not in learner


def test_a_draft_shows_its_banner_and_quiz_but_no_enroll_button(client, make_course, synced, make_user):
    meta = {"status": "draft", "trainers": [{"name": "S", "email": "t@example.ma"}]}
    make_course("brouillon", meta=meta, modules={"01-quiz": QUIZ})
    synced()
    user = make_user("t@example.ma", role="trainer")
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    for url in ("/courses/brouillon/", "/courses/brouillon/quiz/"):
        page = html.unescape(client.get(url).get_data(as_text=True))
        assert "Brouillon — visible de ses seuls formateurs." in page
        assert "statut passé à « Publié »" in page and "published" not in page  # the status as the interface says it
        assert "S'inscrire à ce cours" not in page and "/enroll" not in page
    assert "Aperçu du quiz, réponses indiquées" in html.unescape(client.get("/courses/brouillon/quiz/").get_data(True))


def test_a_course_archived_in_its_file_says_so(client, make_course, synced, make_user):
    make_course("retire", meta={"status": "archived", "trainers": [{"name": "S", "email": "t@example.ma"}]})
    synced()
    user = make_user("t@example.ma", role="trainer")
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    page = html.unescape(client.get("/courses/retire/").get_data(as_text=True))
    assert "Archivé — visible de ses seuls formateurs." in page and "Brouillon" not in page
