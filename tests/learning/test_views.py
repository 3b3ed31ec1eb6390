"""A learner's journey through the pages, and what a learner can never do."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from courses.certificates.models import Certificate
from courses.extensions import db
from courses.learning.models import Enrollment, ModuleProgress, QuizAttempt
from tests.conftest import PASSWORD, counting_queries, fire_concurrently, mail_link, sent_mail

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
    assert "Votre score : 50\u00a0% (seuil de réussite : 70\u00a0%)" in result  # spaced as the reports write it
    assert "Pas encore réussi" in result
    assert "Le découpage de 2015" in result  # the trainer's explanation
    assert result.index("Le découpage de 2015") < result.index("Réessayer")  # read first, then try again
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


def pass_the_course(client, slug: str = "gouvernance"):
    """Enroll, read the first module and pass the quiz; the quiz's response (a redirect to the attempt)."""
    client.post(f"/courses/{slug}/enroll")
    client.post(f"/courses/{slug}/lire/complete")
    first, second = question_ids(client.get(f"/courses/{slug}/quiz/").get_data(as_text=True))
    return client.post(f"/courses/{slug}/quiz/quiz", data={first: "0", second: ["0", "2"]})


def test_finishing_a_course_is_a_moment_with_its_certificate(app, client, make_user, login, course):
    login(make_user())
    assert client.get("/courses/gouvernance/completed").headers["Location"] == "/courses/gouvernance/"  # not yet
    result = client.get(pass_the_course(client).headers["Location"]).get_data(as_text=True)
    assert "Félicitations : vous avez terminé ce cours." in result
    assert result.count('href="/courses/gouvernance/completed"') == 1
    # the way on is right under the verdict, not below every corrected answer (a long page on a phone)
    assert result.index('href="/courses/gouvernance/completed"') < result.index('class="feedback"')
    with app.app_context():
        code = db.session.scalar(select(Certificate.code))
    page = client.get("/courses/gouvernance/completed").get_data(as_text=True)
    assert '<h1 id="completion-title">Cours terminé</h1>' in page
    assert f'href="/certificates/{code}.pdf"' in page and f"/verify/{code}" in page
    linkedin = re.search(r'href="(https://www\.linkedin\.com/profile/add\?[^"]+)"', page).group(1)
    fields = parse_qs(urlsplit(linkedin.replace("&amp;", "&")).query)
    assert fields["startTask"] == ["CERTIFICATION_NAME"] and fields["name"] == ["Gouvernance locale"]
    assert fields["certId"] == [code] and fields["certUrl"][0].endswith(f"/verify/{code}")
    assert fields["organizationName"] == ["Tadbir"] and {"issueYear", "issueMonth"} <= fields.keys()
    assert f'href="/certificates/{code}.pdf"' in client.get("/courses/gouvernance/").get_data(as_text=True)
    dashboard = client.get("/me/").get_data(as_text=True)
    assert "Vous ne suivez encore aucun cours" not in dashboard and "Aucun cours en cours." in dashboard
    assert "Gouvernance locale" in dashboard.split("Cours terminés")[1]


def test_the_last_i_have_finished_leads_to_the_complete_page_once(client, make_user, login, make_course, synced):
    make_course("lecture", modules={"01-a": ("A", "Texte."), "02-b": ("B", "Texte.")})
    synced()
    login(make_user())
    client.post("/courses/lecture/enroll")
    assert client.post("/courses/lecture/a/complete").headers["Location"] == "/courses/lecture/b/"
    assert client.post("/courses/lecture/b/complete").headers["Location"] == "/courses/lecture/completed"
    assert client.post("/courses/lecture/a/complete").headers["Location"] == "/courses/lecture/b/"  # done already


def test_next_courses_are_in_the_same_language_not_enrolled_not_a_translation(
    app, client, make_user, login, make_course, synced
):
    make_course("lecture", modules={"01-a": ("A", "Texte.")})
    make_course("lecture-ar", meta={"title": "القراءة", "language": "ar", "translation_of": "lecture"})
    make_course("medias", meta={"title": "Médias de proximité"})
    make_course("budget", meta={"title": "Budget participatif"})
    make_course("autre-ar", meta={"title": "دورة أخرى", "language": "ar"})
    make_course("brouillon", meta={"title": "Brouillon", "status": "draft"})
    synced()
    login(make_user())
    client.post("/courses/budget/enroll")
    client.post("/courses/lecture/enroll")
    client.post("/courses/lecture/a/complete")
    page = client.get("/courses/lecture/completed").get_data(as_text=True)
    following = page.split("Et ensuite ?")[1]
    assert "Médias de proximité" in following
    for absent in (
        "القراءة",
        "Budget participatif",
        "دورة أخرى",
        "Brouillon",
    ):  # translation, enrolled, language, draft
        assert absent not in following


def test_start_before_the_first_module_then_continue(client, make_user, login, course):
    login(make_user())
    client.post("/courses/gouvernance/enroll")
    assert ">Commencer</a>" in client.get("/courses/gouvernance/").get_data(as_text=True)
    assert ">Commencer</a>" in client.get("/me/").get_data(as_text=True)
    client.get("/courses/gouvernance/lire/")
    for url in ("/courses/gouvernance/", "/me/"):
        page = client.get(url).get_data(as_text=True)
        assert ">Continuer</a>" in page and ">Commencer</a>" not in page, url
    assert 'href="/courses/gouvernance/lire/">Continuer' in client.get("/courses/gouvernance/").get_data(as_text=True)
    client.post("/courses/gouvernance/lire/complete")  # the module last opened is done: go on to the next
    for url in ("/courses/gouvernance/", "/me/"):
        assert 'href="/courses/gouvernance/quiz/">Continuer' in client.get(url).get_data(as_text=True), url


def test_catalog_cards_say_where_the_learner_stands_in_constant_queries(
    app, client, make_user, login, make_course, synced
):
    for slug in ("a", "b", "c", "d"):
        make_course(slug, meta={"title": f"Cours {slug.upper()}"}, modules={"01-m": ("M", "Texte.")})
    synced()
    login(make_user())

    def catalog_queries() -> int:
        client.get("/")  # warm: the filters' facets are cached once per catalog version
        with counting_queries(app) as statements:
            assert client.get("/").status_code == 200
        return len(statements)

    client.post("/courses/a/enroll")
    one = catalog_queries()
    client.post("/courses/b/enroll")
    client.get("/courses/b/m/")
    client.post("/courses/c/enroll")
    client.post("/courses/c/m/complete")
    assert catalog_queries() == one
    page = client.get("/").get_data(as_text=True)
    cards = {slug: page.split(f'href="/courses/{slug}/"')[1].split("</li>")[0] for slug in "abcd"}
    assert "Inscription faite, pas encore commencé" in cards["a"]
    assert "En cours" in cards["b"] and "Terminé" in cards["c"]
    assert 'class="state' not in cards["d"]
    assert "En cours" in client.get("/?q=texte").get_data(as_text=True)  # search results too
    client.post("/logout")
    assert 'class="state' not in client.get("/").get_data(as_text=True)  # the cached list is no one's


def test_logging_in_from_the_header_comes_back_to_the_page(client, make_user, course):
    user = make_user()
    page = client.get("/courses/gouvernance/lire/").get_data(as_text=True)
    login_link = re.search(r'<a href="(/login[^"]*)">Se connecter</a>', page).group(1)
    assert login_link == "/login?next=/courses/gouvernance/lire/"
    response = client.post(
        login_link, data={"email": user.email, "password": PASSWORD, "next": "/courses/gouvernance/lire/"}
    )
    assert response.headers["Location"] == "/courses/gouvernance/lire/"
    client.post("/logout")
    home = client.get("/").get_data(as_text=True)
    assert '<a href="/login">Se connecter</a>' in home  # from the home page: the learner's own home
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).headers["Location"] == "/me/"
