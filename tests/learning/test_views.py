"""A learner's journey through the pages, and what a learner can never do."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from courses.certificates.models import Certificate
from courses.extensions import db
from courses.learning.models import Enrollment, ModuleProgress, QuizAttempt
from tests.conftest import counting_queries, fire_concurrently, mail_link, sent_mail

QUIZ = """---
title: Quiz final
quiz:
  - question: Combien de régions compte le Maroc depuis 2015 ?
    choices: ["12", "16"]
    answer: 0
    explanation: Le découpage de 2015 a ramené le nombre de régions de 16 à 12.
  - question: Lesquelles sont des collectivités territoriales ?
    choices: [Communes, Ambassades, Régions]
    answer: [0, 2]
---
Texte du quiz.
"""


@pytest.fixture
def course(make_course, synced):
    make_course(modules={"01-lire": ("Lire", "Premier module."), "02-quiz": QUIZ})
    synced()
    return "gouvernance"


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def question_ids(page: str) -> list[str]:
    return sorted(set(re.findall(r'name="(q\d+)"', page)))


def test_full_journey(app, client, course):
    signup = {
        "email": "salma@example.ma",
        "full_name": "Salma Benali",
        "organisation_type": "media",
        "region": "fes-meknes",
    }
    assert client.post("/signup", data=signup).status_code == 200
    activation = mail_link(sent_mail(app)[-1])
    password = "correct horse battery"
    assert client.post(activation, data={"password": password, "confirm": password}).status_code == 302
    page = client.get("/courses/gouvernance/").get_data(as_text=True)
    assert "S'inscrire à ce cours" in page
    assert client.post("/courses/gouvernance/enroll").status_code == 302
    page = client.get("/courses/gouvernance/").get_data(as_text=True)
    assert "Votre progression" in page and "0% fait" in page.replace("\xa0", "")

    reader = client.get("/courses/gouvernance/lire/").get_data(as_text=True)
    assert "J'ai terminé ce module" in reader
    done = client.post("/courses/gouvernance/lire/complete")
    assert done.headers["Location"] == "/courses/gouvernance/quiz/"

    quiz_page = client.get("/courses/gouvernance/quiz/").get_data(as_text=True)
    first, second = question_ids(quiz_page)
    assert "<fieldset" in quiz_page and "<legend" in quiz_page
    failed = client.post("/courses/gouvernance/quiz/quiz", data={first: "1", second: ["0", "2"]})
    result = client.get(failed.headers["Location"]).get_data(as_text=True)
    assert "50" in result and "Pas encore réussi" in result
    assert "Le découpage de 2015" in result  # the trainer's explanation
    passed = client.post("/courses/gouvernance/quiz/quiz", data={first: "0", second: ["0", "2"]})
    assert "100" in client.get(passed.headers["Location"]).get_data(as_text=True)

    course_page = client.get("/courses/gouvernance/").get_data(as_text=True)
    assert "Terminé le" in course_page
    dashboard = client.get("/me/").get_data(as_text=True)
    assert "Gouvernance locale" in dashboard.split("Cours terminés")[1]
    with app.app_context():
        assert db.session.scalar(select(Enrollment.completed_at)) is not None


def test_opening_a_module_records_it_and_the_resume_point(app, client, make_user, login, course):
    login(make_user())
    client.post("/courses/gouvernance/enroll")
    client.get("/courses/gouvernance/quiz/")
    client.get("/courses/gouvernance/quiz/")  # a re-read writes nothing new
    with app.app_context():
        (progress,) = db.session.scalars(select(ModuleProgress)).all()
        assert progress.first_viewed_at is not None and progress.completed_at is None
        assert db.session.scalar(select(Enrollment.last_module_id)) == progress.module_id
    assert "En cours" in client.get("/courses/gouvernance/").get_data(as_text=True)


def test_quiz_page_never_carries_the_answers(client, make_user, login, course):
    login(make_user())
    client.post("/courses/gouvernance/enroll")
    page = client.get("/courses/gouvernance/quiz/").get_data(as_text=True)
    assert "Le découpage de 2015" not in page
    assert "bonne réponse" not in page and "data-answer" not in page


def test_missing_answers_redisplay_the_form_and_store_nothing(app, client, make_user, login, course):
    login(make_user())
    client.post("/courses/gouvernance/enroll")
    page = client.get("/courses/gouvernance/quiz/").get_data(as_text=True)
    first, _second = question_ids(page)
    response = client.post("/courses/gouvernance/quiz/quiz", data={first: "0"})
    assert response.status_code == 400
    assert "Cochez au moins une réponse." in response.get_data(as_text=True)
    assert count(app, QuizAttempt) == 0


def test_missing_answers_come_back_to_the_quiz_with_a_summary_linking_each_question(client, make_user, login, course):
    login(make_user())
    client.post("/courses/gouvernance/enroll")
    page = client.get("/courses/gouvernance/quiz/").get_data(as_text=True)
    assert 'action="/courses/gouvernance/quiz/quiz#quiz-panel"' in page and 'id="quiz-panel"' in page
    first, second = question_ids(page)
    returned = client.post("/courses/gouvernance/quiz/quiz", data={first: "0"}).get_data(as_text=True)
    quiz_panel = returned.split('id="quiz-panel"')[1]
    summary = quiz_panel.split('id="quiz-errors"')[1].split("</div>")[0]
    assert "Répondez à toutes les questions avant de vérifier." in summary
    assert f'href="#{second}-0"' in summary and "Cochez au moins une réponse." in summary
    assert f'href="#{first}-0"' not in summary
    assert returned.count("Répondez à toutes les questions") == 1  # in the quiz, not also flashed at the top
    assert f'id="{second}-0"' in quiz_panel


def _fail_then_pass(client, slug="gouvernance"):
    first, second = question_ids(client.get(f"/courses/{slug}/quiz/").get_data(as_text=True))
    failed = client.post(f"/courses/{slug}/quiz/quiz", data={first: "1", second: ["0", "2"]}).headers["Location"]
    failed_page = client.get(failed).get_data(as_text=True)
    client.post(f"/courses/{slug}/quiz/quiz", data={first: "0", second: ["0", "2"]})
    return failed_page, client.get(failed).get_data(as_text=True)


def test_a_failed_attempt_names_the_wrong_questions_and_explains_but_keeps_the_right_choices(
    client, make_user, login, course
):
    login(make_user())
    client.post("/courses/gouvernance/enroll")
    failed, after_passing = _fail_then_pass(client)
    assert 'href="#question-1">question 1</a>' in failed and 'href="#question-2"' not in failed
    assert "✗ Incorrect" in failed and "Le découpage de 2015" in failed
    assert "bonne réponse" not in failed and "tag-right" not in failed
    assert "Les bonnes réponses s'affichent une fois ce module réussi." in failed
    assert after_passing.count("bonne réponse") == 3  # once passed, the same attempt shows them all


@pytest.mark.parametrize(
    ("policy", "verdicts", "explanation", "right_choices"),
    [("answers", True, True, True), ("score", False, False, False)],
)
def test_the_course_front_matter_chooses_what_a_failed_attempt_shows(
    client, make_user, login, make_course, synced, policy, verdicts, explanation, right_choices
):
    make_course(meta={"quiz_feedback": policy}, modules={"01-quiz": QUIZ})
    synced()
    login(make_user())
    client.post("/courses/gouvernance/enroll")
    failed, after_passing = _fail_then_pass(client)
    assert "50" in failed
    assert ("✗ Incorrect" in failed) is verdicts
    assert ("Le découpage de 2015" in failed) is explanation
    assert ("bonne réponse" in failed) is right_choices
    assert "bonne réponse" in after_passing and "Le découpage de 2015" in after_passing


@pytest.mark.parametrize(
    "tamper",
    [
        lambda a, b: {a: "9", b: ["0"]},  # unknown choice
        lambda a, b: {a: "0", b: ["0", "7"]},
        lambda a, b: {a: "zéro", b: ["0"]},
        lambda a, b: {a: "0" * 100_000, b: ["0"]},  # huge value
        lambda a, b: {},
    ],
)
def test_tampered_quiz_values_change_nothing(app, client, make_user, login, course, tamper):
    login(make_user())
    client.post("/courses/gouvernance/enroll")
    first, second = question_ids(client.get("/courses/gouvernance/quiz/").get_data(as_text=True))
    response = client.post("/courses/gouvernance/quiz/quiz", data=tamper(first, second))
    assert response.status_code == 400
    assert count(app, QuizAttempt) == 0


def test_quiz_refused_without_enrollment(app, client, make_user, login, course):
    login(make_user())
    response = client.post("/courses/gouvernance/quiz/quiz", data={"q1": "0", "q2": ["0", "2"]})
    assert response.status_code == 403
    assert client.post("/courses/gouvernance/lire/complete").status_code == 403
    assert count(app, QuizAttempt) == 0 and count(app, ModuleProgress) == 0


def test_anonymous_is_sent_to_login(client, course):
    for url in ("/courses/gouvernance/enroll", "/courses/gouvernance/lire/complete", "/courses/gouvernance/quiz/quiz"):
        response = client.post(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url
    assert "/login" in client.get("/me/").headers["Location"]


def test_a_learner_cannot_see_another_learners_attempt(app, client, make_user, login, course):
    login(make_user("a@example.ma"))
    client.post("/courses/gouvernance/enroll")
    first, second = question_ids(client.get("/courses/gouvernance/quiz/").get_data(as_text=True))
    url = client.post("/courses/gouvernance/quiz/quiz", data={first: "0", second: ["0"]}).headers["Location"]
    assert client.get(url).status_code == 200
    client.post("/logout")
    login(make_user("b@example.ma"))
    assert client.get(url).status_code == 404
    client.post("/courses/gouvernance/enroll")
    assert client.get(url).status_code == 404
    assert 'href="/courses/gouvernance/"' not in client.get("/me/").get_data(as_text=True).split("Cours terminés")[1]


def test_enrolling_twice_keeps_one_enrollment(app, client, make_user, login, course):
    login(make_user())
    client.post("/courses/gouvernance/enroll")
    client.post("/courses/gouvernance/enroll")
    assert count(app, Enrollment) == 1


def test_twenty_concurrent_completions_complete_once(app, client, make_user, login, course):
    login(make_user())
    client.post("/courses/gouvernance/enroll")
    statuses = fire_concurrently(app, client, "POST", "/courses/gouvernance/lire/complete")
    assert statuses == [302] * 20
    with app.app_context():
        rows = db.session.scalars(select(ModuleProgress)).all()
        assert len(rows) == 1 and rows[0].completed_at is not None


def test_thirty_concurrent_passing_quizzes_complete_once_without_deadlock(app, client, make_user, login, course):
    """Each submission locks the enrollment before touching its progress: no DeadlockDetected on PostgreSQL."""
    login(make_user())
    client.post("/courses/gouvernance/enroll")
    client.post("/courses/gouvernance/lire/complete")  # the quiz is then the last module: a pass completes
    first, second = question_ids(client.get("/courses/gouvernance/quiz/").get_data(as_text=True))
    answers = {first: "0", second: ["0", "2"]}
    statuses = fire_concurrently(app, client, "POST", "/courses/gouvernance/quiz/quiz", times=30, data=answers)
    assert statuses == [302] * 30
    with app.app_context():
        assert count(app, QuizAttempt) == 30
        progress = db.session.scalar(select(ModuleProgress).where(ModuleProgress.best_score == 100))
        assert progress.completed_at is not None
        assert db.session.scalar(select(Enrollment.completed_at)) is not None
        assert db.session.scalar(select(func.count()).select_from(Certificate)) == 1


def test_page_queries_do_not_grow_with_data(app, client, make_course, make_user, login, synced):
    def measure(modules: int, learners: int) -> dict[str, int]:
        slug = f"cours-{modules}"
        make_course(slug=slug, modules={f"{n:02d}-m{n}": (f"M{n}", "texte") for n in range(1, modules + 1)})
        synced()
        for n in range(learners):
            other = make_user(f"{slug}-{n}@example.ma")
            with app.app_context():
                from courses.auth.models import User
                from courses.catalog.models import Course
                from courses.learning import services

                services.enroll(db.session.get(User, other.id), db.session.scalar(select(Course).filter_by(slug=slug)))
                db.session.commit()
        user = make_user(f"reader-{slug}@example.ma")
        login(user)
        client.post(f"/courses/{slug}/enroll")
        client.post(f"/courses/{slug}/m1/complete")
        counts = {}
        for name, url in (("module", f"/courses/{slug}/m2/"), ("course", f"/courses/{slug}/"), ("dashboard", "/me/")):
            client.get(url)  # warm: first-view inserts happen once
            with counting_queries(app) as statements:
                assert client.get(url).status_code == 200
            counts[name] = len(statements)
        client.post("/logout")
        return counts

    small = measure(1 + 1, 1)
    large = measure(50, 30)
    assert small == large
    assert max(large.values()) <= 12
