"""A written exercise from first draft to certificate, as a learner and a trainer live it, in French
and in Arabic, on a phone: a draft kept across logins and across an expired session, a review that
asks for a revision, the revision, the pass, the completed course."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from courses.auth import services as accounts
from courses.auth.models import User
from courses.certificates.models import Certificate
from courses.extensions import db
from courses.learning.models import Enrollment
from courses.practice.models import Review, Submission
from tests.browser.conftest import front_matter, log_in, serving
from tests.browser.test_agenda import no_violations
from tests.conftest import PASSWORD

BRIEF = {
    "title": "Rédiger une brève",
    "minutes": 30,
    "exercise": {
        "instructions": "Rédigez une **brève** sur la séance du conseil : qui, quoi, quand, quel vote.",
        "min_words": 8,
        "max_words": 80,
        "rubric": [
            {"criterion": "Exactitude", "levels": [{"Faits erronés": 0}, {"Faits justes": 2}]},
            {"criterion": "Clarté", "levels": [{"Confus": 0}, {"Clair": 1}]},
        ],
        "pass_points": 3,
        "model_answer": "Le conseil communal a adopté mardi son budget par 24 voix contre 5.",
    },
}
FIRST = "Le conseil a voté le budget mardi."
REVISED = "Le conseil communal de Salé a adopté mardi le budget 2027 par 24 voix contre 5, avec 2 abstentions."


@pytest.fixture(scope="module")
def room(tmp_path_factory):
    """A server of its own with a one-module course whose module is a written exercise."""
    with serving(tmp_path_factory.mktemp("practice")) as server:
        folder = server.content / "redaction"
        folder.mkdir()
        meta = {"title": "Atelier d'écriture", "summary": "Écrire pour informer.", "language": "fr", "hours": 0.5,
                "status": "published", "trainers": [{"name": "Author Tadbir", "email": "author@example.ma"}]}  # fmt: skip
        (folder / "course.md").write_text(front_matter(meta, "Un atelier.\n"), "utf-8")
        (folder / "01-breve.md").write_text(front_matter(BRIEF, "## La brève\n\nQui, quoi, quand.\n"), "utf-8")
        result = server.app.test_cli_runner().invoke(args=["content", "sync"])
        assert result.exit_code == 0, result.output
        yield server


def new_learner(room, language: str) -> str:
    email = f"writer-{language}@example.ma"
    with room.app.app_context():
        accounts.create_user(
            email, accounts.Profile(full_name="Salma Benali", full_name_ar="سلمى بنعلي"), PASSWORD, "learner"
        )
        db.session.commit()
    return email


def as_person(page, room, email: str, language: str) -> None:
    page.context.clear_cookies()
    log_in(page, room, email)
    page.click(f"button[value={language}]")


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_draft_review_revision_pass_and_certificate(page, room, language):
    email = new_learner(room, language)
    module = f"{room}/courses/redaction/breve/"
    as_person(page, room, email, language)
    page.goto(f"{room}/courses/redaction/")
    page.locator("form[action$='/enroll'] button").click()
    page.goto(module)
    area = page.locator("#exercise textarea")
    area.fill(FIRST)
    expect(page.locator("#word-count")).to_contain_text("7")  # counted as typed
    page.locator("#exercise [name=save]").click()
    expect(page.locator("#exercise .flash-success")).to_be_visible()
    no_violations(page)

    # A new login finds the draft; handing in a text too short keeps it as a draft and says why.
    as_person(page, room, email, language)
    page.goto(module)
    expect(area).to_have_value(FIRST)

    if language == "fr":  # the browser's storage does not depend on the language: checked once
        keeps_typed_text(page, room, email, module, language)
    page.locator("#exercise [name=hand_in]").click()
    expect(page.locator("#exercise .flash-error")).to_contain_text("8")
    expect(area).to_have_value(FIRST)
    area.fill(REVISED)
    if language == "fr":
        expires_while_writing(page, room, email, module)
    page.locator("#exercise [name=hand_in]").click()
    expect(page.locator("#exercise .exercise-state .state-submitted")).to_be_visible()
    expect(page.locator("#exercise textarea")).to_have_count(0)
    reviewed(page, room, email, module, language)


def keeps_typed_text(page, room, email: str, module: str, language: str) -> None:
    """Typed and never saved, then someone else signs in on the same phone: they never get it; its
    author, back, does."""
    area = page.locator("#exercise textarea")
    area.fill("Texte privé, jamais enregistré.")
    other = new_learner(room, f"{language}-other")
    as_person(page, room, other, language)
    page.goto(f"{room}/courses/redaction/")
    page.locator("form[action$='/enroll'] button").click()
    page.goto(module)
    expect(area).to_have_value("")
    expect(page.locator("[data-restored]")).to_be_hidden()
    as_person(page, room, email, language)
    page.goto(module)
    expect(area).to_have_value("Texte privé, jamais enregistré.")
    area.fill(FIRST)


def expires_while_writing(page, room, email: str, module: str) -> None:
    """The session expires while the learner writes: the text typed comes back after the login."""
    area = page.locator("#exercise textarea")
    page.context.clear_cookies()
    page.locator("#exercise [name=save]").click()
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("#submit")
    page.wait_for_url(f"{module}#exercise")
    expect(area).to_have_value(REVISED)
    expect(page.locator("[data-restored]")).to_be_visible()


def reviewed(page, room, email: str, module: str, language: str) -> None:
    """The trainer asks for a revision, the learner revises, the trainer passes it: the course is complete."""
    as_person(page, room, "author@example.ma", language)
    page.locator("a[href='/teaching/courses/redaction/exercises/']").click()
    no_violations(page)
    page.locator("table.data a[href^='/teaching/exercises/']").first.click()
    page.locator("input[name=c0][value='1']").check()
    page.locator("input[name=c1][value='0']").check()
    page.locator("input[name=decision][value=passed]").check()
    page.locator("main form [name=submit]").click()  # 2 points of 3: passing needs 3
    expect(page.locator(".error-summary")).to_be_visible()
    no_violations(page)
    page.locator("input[name=c0][value='1']").check()
    page.locator("input[name=c1][value='0']").check()
    page.fill("textarea[name=comment]", "<b>Précisez</b> la commune et la date.")
    page.locator("input[name=decision][value=revise]").check()
    page.locator("main form [name=submit]").click()
    expect(page.locator(".flashes .flash-success")).to_be_visible()

    # The learner reads the feedback (as typed, not as HTML), revises and hands in again.
    as_person(page, room, email, language)
    page.goto(module)
    expect(page.locator("#exercise .review-feedback")).to_contain_text("<b>Précisez</b> la commune")
    expect(page.locator("#exercise .review-feedback")).to_contain_text("2 / 3")
    no_violations(page)
    page.locator("#exercise textarea").fill(REVISED + " Les travaux commencent en juin.")
    page.locator("#exercise [name=hand_in]").click()
    expect(page.locator("#exercise .exercise-state .state-submitted")).to_be_visible()

    as_person(page, room, "author@example.ma", language)
    page.goto(f"{room}/teaching/courses/redaction/exercises/")
    page.locator("table.data a[href^='/teaching/exercises/']").first.click()
    expect(page.locator(".review-feedback")).to_have_count(1)  # the first review, with the text it read
    page.locator("input[name=c0][value='1']").check()
    page.locator("input[name=c1][value='1']").check()
    page.locator("input[name=decision][value=passed]").check()
    page.locator("main form [name=submit]").click()
    expect(page.locator(".flashes .flash-success")).to_be_visible()

    # Passed: the module and the course are complete, the certificate is issued, the model answer shown.
    as_person(page, room, email, language)
    page.goto(module)
    expect(page.locator("#exercise .exercise-state .state-passed")).to_be_visible()
    expect(page.locator("#exercise .model-answer")).to_contain_text("24 voix contre 5")
    no_violations(page)
    page.goto(f"{room}/courses/redaction/")
    expect(page.locator("#certificate-title")).to_be_visible()
    with room.app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        submission = db.session.scalar(
            select(Submission).join(Submission.enrollment).where(Enrollment.user_id == user.id)
        )
        assert (submission.status, submission.handed_in) == ("passed", 2)
        assert db.session.scalar(select(func.count()).where(Review.submission_id == submission.id)) == 2
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(Certificate)
                .where(Certificate.enrollment_id == submission.enrollment_id)
            )
            == 1
        )
