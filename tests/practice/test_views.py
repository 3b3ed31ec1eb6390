"""The exercise's pages: a learner's draft and handing-in, the trainers' queue, review page and ZIP."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date

from sqlalchemy import select

from courses.extensions import db
from courses.practice.models import Submission
from tests.conftest import PASSWORD, counting_queries, mail_text, sent_mail
from tests.practice.conftest import TEXT

MODULE = "/courses/gouvernance/breve/"
WRITE = MODULE + "exercise"
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)> Le conseil a voté le budget hier soir.'


def log_in(client, user):
    client.get("/logout")
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302


def submission(app) -> Submission:
    with app.app_context():
        return db.session.scalar(select(Submission))


def hand_in(client, person, text=TEXT):
    log_in(client, person)
    client.post("/courses/gouvernance/enroll")
    return client.post(WRITE, data={"text": text, "hand_in": "1"})


def test_the_instructions_are_shown_to_every_reader_and_the_form_to_enrolled_learners(client, exercise_course):
    page = client.get(MODULE).get_data(as_text=True)
    assert "<strong>brève</strong>" in page and "5 à 40 mots" in page and "textarea" not in page
    assert "Exactitude" in page and "au moins 2 des 3 points" in page  # the rubric, before writing
    assert "Le conseil communal de Salé a adopté son budget" not in page  # the model answer waits
    log_in(client, exercise_course["learner"])
    client.post("/courses/gouvernance/enroll")
    page = client.get(MODULE).get_data(as_text=True)
    assert "<textarea" in page and "Enregistrer le brouillon" in page and "Rendre pour correction" in page
    assert "J'ai terminé ce module" not in page  # the exercise completes this module, not a button


def test_a_draft_survives_a_new_login_and_a_refused_handing_in_keeps_the_text(app, client, exercise_course):
    learner = exercise_course["learner"]
    log_in(client, learner)
    client.post("/courses/gouvernance/enroll")
    response = client.post(WRITE, data={"text": "Un premier jet de ma brève.", "save": "1"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/courses/gouvernance/breve/#exercise")
    page = client.get(MODULE).get_data(as_text=True)
    assert "Brouillon enregistré" in page and "Un premier jet de ma brève.</textarea>" in page
    log_in(client, learner)  # a new session
    assert "Un premier jet de ma brève.</textarea>" in client.get(MODULE).get_data(as_text=True)
    client.post(WRITE, data={"text": "Trop court.", "hand_in": "1"})
    page = client.get(MODULE).get_data(as_text=True)
    assert "votre texte a 2 mots ; cet exercice en demande au moins 5" in page.lower()
    assert "Trop court.</textarea>" in page  # kept as the draft
    assert submission(app).status == "draft"
    client.post(WRITE, data={"text": "mot " * 41, "hand_in": "1"})
    page = client.get(MODULE).get_data(as_text=True)
    assert "votre texte a 41 mots ; cet exercice en permet au plus 40" in page.lower().replace("\xa0", " ")
    assert submission(app).status == "draft"


def test_handing_in_locks_the_text_and_shows_it_back(app, client, exercise_course):
    assert hand_in(client, exercise_course["learner"]).status_code == 302
    page = client.get(MODULE).get_data(as_text=True)
    assert "Rendu, en attente de correction" in page and "<textarea" not in page and TEXT.replace("'", "&#39;") in page
    client.post(WRITE, data={"text": "Autre chose.", "save": "1"})
    assert submission(app).text == TEXT


def test_the_trainer_reviews_from_the_queue_and_the_learner_reads_the_feedback(app, client, exercise_course):
    hand_in(client, exercise_course["learner"])
    log_in(client, exercise_course["trainer"])
    home = client.get("/teaching/").get_data(as_text=True)
    assert "/teaching/courses/gouvernance/exercises/" in home
    queue = client.get("/teaching/courses/gouvernance/exercises/").get_data(as_text=True)
    assert "Salma Benali" in queue and "La brève" in queue
    review_url = f"/teaching/exercises/{submission(app).id}"
    page = client.get(review_url).get_data(as_text=True)
    assert (
        TEXT.replace("'", "&#39;") in page
        and "Exactitude" in page
        and "Le conseil communal de Salé a adopté son budget" in page
    )
    refused = client.post(review_url, data={"c0": "0", "c1": "1", "decision": "passed", "comment": ""})
    assert refused.status_code == 400 and "la validation demande au moins 2" in refused.get_data(as_text=True).lower()
    response = client.post(review_url, data={"c0": "1", "c1": "0", "decision": "revise", "comment": "Ajoutez la date."})
    assert response.status_code == 302
    assert "Nothing awaits" not in client.get(response.headers["Location"]).get_data(as_text=True)
    log_in(client, exercise_course["learner"])
    page = client.get(MODULE).get_data(as_text=True)
    assert "À reprendre" in page and "Ajoutez la date." in page and "2 / 3" in page and "<textarea" in page
    assert "Révision demandée" in mail_text(sent_mail(app)[-1]) or "reprendre" in mail_text(sent_mail(app)[-1])


def test_a_pass_shows_the_model_answer_and_completes_the_course(app, client, exercise_course):
    hand_in(client, exercise_course["learner"])
    client.post("/courses/gouvernance/lire/complete")
    log_in(client, exercise_course["trainer"])
    client.post(f"/teaching/exercises/{submission(app).id}", data={"c0": "1", "c1": "1", "decision": "passed"})
    log_in(client, exercise_course["learner"])
    page = client.get(MODULE).get_data(as_text=True)
    assert "Validé" in page and "Le conseil communal de Salé a adopté son budget" in page
    assert "Vous avez terminé ce cours" in client.get("/courses/gouvernance/").get_data(
        as_text=True
    ) or "/courses/gouvernance/completed" in client.get("/courses/gouvernance/").get_data(as_text=True)


def test_hostile_text_stays_inert_in_every_page_export_and_mail(app, client, exercise_course, make_user):
    hand_in(client, exercise_course["learner"], XSS)
    log_in(client, exercise_course["trainer"])
    url = f"/teaching/exercises/{submission(app).id}"
    for page in (
        client.get(url).get_data(as_text=True),
        client.get("/teaching/courses/gouvernance/exercises/").get_data(as_text=True),
    ):
        assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in client.get(url).get_data(as_text=True)
    client.post(url, data={"c0": "1", "c1": "1", "decision": "revise", "comment": XSS})
    mail = sent_mail(app)[-1]
    assert "<script>" not in mail.get_body(("html",)).get_content()
    log_in(client, exercise_course["learner"])
    page = client.get(MODULE).get_data(as_text=True)
    assert "<script>alert" not in page and "<img src=x" not in page and "&lt;img src=x" in page
    make_user("coord@example.ma", role="coordinator")
    log_in(client, make_user("admin@example.ma", role="admin"))
    archive = zipfile.ZipFile(io.BytesIO(client.get("/teaching/courses/gouvernance/exercises.zip").data))
    (name,) = archive.namelist()
    assert name == f"Salma-Benali-{exercise_course['learner'].id}/02-breve.txt"
    assert XSS in archive.read(name).decode("utf-8")  # a text file: as typed
    csv = client.get("/coordination/courses/gouvernance/report.csv").get_data(as_text=True)
    assert "Module 2 — points de l'exercice (sur 3)" in csv and "<script>" not in csv
    assert csv.rstrip().endswith(";À reprendre;" + date.today().isoformat() + ";3")  # points: a number


def test_only_the_course_trainers_and_admins_reach_the_review_pages(app, client, exercise_course, make_user):
    hand_in(client, exercise_course["learner"])
    url = f"/teaching/exercises/{submission(app).id}"
    pages = (url, "/teaching/courses/gouvernance/exercises/", "/teaching/courses/gouvernance/exercises.zip")
    for outsider in (
        exercise_course["other_trainer"],
        exercise_course["other"],
        make_user("c@example.ma", role="coordinator"),
    ):
        log_in(client, outsider)
        assert [client.get(page).status_code for page in pages] == [403, 403, 403]
        assert client.post(url, data={"c0": "1", "c1": "1", "decision": "passed"}).status_code == 403
    anonymous = app.test_client()
    assert all(anonymous.get(page).status_code == 302 for page in pages)  # to the login page
    assert submission(app).status == "submitted"


def test_another_learner_cannot_write_into_a_course_they_do_not_follow(client, exercise_course):
    log_in(client, exercise_course["other"])
    assert client.post(WRITE, data={"text": "Intrus.", "save": "1"}).status_code == 403


def test_the_report_and_session_page_show_what_waits_and_how_long_reviews_take(app, client, exercise_course, make_user):
    hand_in(client, exercise_course["learner"])
    log_in(client, make_user("c@example.ma", role="coordinator"))
    page = client.get("/coordination/courses/gouvernance/report").get_data(as_text=True)
    assert "Exercices écrits" in page and "En attente de correction" in page
    assert "/teaching/courses/gouvernance/exercises/" not in page  # coordinators do not read the texts


def test_queue_and_module_pages_read_a_fixed_number_of_queries(app, client, exercise_course, make_user):
    counts = []
    for learners in (1, 12):
        for number in range(len(counts) * 100, len(counts) * 100 + learners):
            hand_in(client, make_user(f"l{number}@example.ma", full_name=f"L{number}"))
        log_in(client, exercise_course["trainer"])
        client.get("/teaching/courses/gouvernance/exercises/")  # the first visit records the language
        with counting_queries(app) as queue:
            assert client.get("/teaching/courses/gouvernance/exercises/").status_code == 200
        with counting_queries(app) as module:
            assert client.get(MODULE).status_code == 200
        counts.append((len(queue), len(module)))
    assert counts[0] == counts[1]


def test_a_second_review_of_a_text_already_reviewed_says_so(app, client, exercise_course):
    hand_in(client, exercise_course["learner"])
    log_in(client, exercise_course["trainer"])
    url = f"/teaching/exercises/{submission(app).id}"
    client.post(url, data={"c0": "1", "c1": "1", "decision": "passed"})
    late = client.post(url, data={"c0": "0", "c1": "0", "decision": "revise", "comment": "Non."})  # a second tab
    assert late.status_code == 400 and "déjà été corrigé" in late.get_data(as_text=True)
    assert submission(app).status == "passed"


def test_a_passed_quiz_does_not_say_the_module_is_done_while_its_exercise_waits(client, make_course, synced, make_user):
    both = (
        "---\ntitle: Les deux\nquiz:\n  - question: Q ?\n    choices: [Oui, Non]\n    answer: 0\n"
        "exercise:\n  instructions: Écrivez.\n---\nTexte.\n"
    )
    make_course(modules={"01-les-deux": both})
    synced()
    log_in(client, make_user("l@example.ma"))
    client.post("/courses/gouvernance/enroll")
    page = client.get("/courses/gouvernance/").get_data(as_text=True)
    assert "exercice écrit" in page  # the syllabus says the module has one
    page = client.get("/courses/gouvernance/les-deux/").get_data(as_text=True)
    value = re.search(r'name="(q\d+)" type="radio" value="0"', page) or re.search(r'name="(q\d+)"', page)
    result = client.post("/courses/gouvernance/les-deux/quiz", data={value.group(1): "0"}, follow_redirects=True)
    text = result.get_data(as_text=True)
    assert "Quiz réussi. Le module sera terminé quand son exercice écrit sera validé" in text
    assert "ce module est terminé" not in text
    course = client.get("/courses/gouvernance/").get_data(as_text=True)
    assert "réussir le quiz (70\u00a0% requis) et l'exercice écrit" in course  # French spaces its %
