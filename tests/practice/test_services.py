"""Written exercises as services: drafts, handing in, reviews, completion, races, figures."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from courses.audit.models import AuditEvent
from courses.auth.models import User
from courses.certificates.models import Certificate
from courses.database import utcnow
from courses.extensions import db
from courses.learning import services as learning
from courses.practice import services
from courses.practice.models import NOT_PASSED, PASSED, REVISE, SUBMITTED, Review, Submission
from tests.conftest import mail_text, sent_mail
from tests.practice.conftest import TEXT, course_and_module, enrolled


def user(people, name) -> User:
    return db.session.get(User, people[name].id)


def handed_in(people, text=TEXT):
    enrollment = enrolled(people["learner"].id)
    _course, module = course_and_module()
    services.submit(enrollment, module, text)
    db.session.commit()
    return enrollment, module, services.submission_of(enrollment, module)


def test_a_draft_is_kept_and_rewritten_until_handed_in(ctx, exercise_course):
    enrollment = enrolled(exercise_course["learner"].id)
    _course, module = course_and_module()
    services.save_draft(enrollment, module, "Premier jet.")
    services.save_draft(enrollment, module, "Second jet, plus long.")
    db.session.commit()
    submission = services.submission_of(enrollment, module)
    assert (submission.status, submission.text, submission.words, submission.handed_in) == (
        "draft",
        "Second jet, plus long.",
        4,
        0,
    )
    assert db.session.scalar(select(func.count()).select_from(Submission)) == 1


@pytest.mark.parametrize(
    ("text", "code"), [("", "empty"), ("  — ! ", "empty"), ("Trop court.", "too_short"), ("mot " * 41, "too_long")]
)
def test_handing_in_checks_the_word_range_and_changes_nothing_when_refused(ctx, exercise_course, text, code):
    enrollment = enrolled(exercise_course["learner"].id)
    _course, module = course_and_module()
    with pytest.raises(services.PracticeError) as refused:
        services.submit(enrollment, module, text)
    assert refused.value.code == code
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Submission)) == 0


def test_a_handed_in_text_is_locked_until_a_revision_is_asked(ctx, exercise_course):
    enrollment, module, submission = handed_in(exercise_course)
    assert (submission.status, submission.handed_in) == (SUBMITTED, 1)
    for write in (services.save_draft, services.submit):
        with pytest.raises(services.PracticeError, match="locked"):
            write(enrollment, module, TEXT + " Encore.")
        db.session.rollback()
    assert services.submission_of(enrollment, module).text == TEXT


def test_a_module_with_an_exercise_is_not_completed_by_the_done_button(ctx, exercise_course):
    enrollment = enrolled(exercise_course["learner"].id)
    _course, module = course_and_module()
    with pytest.raises(learning.LearningError, match="exercise_required"):
        learning.complete_module(enrollment, module)


def test_revise_then_pass_completes_the_module_the_course_and_issues_the_certificate(ctx, exercise_course):
    trainer = user(exercise_course, "trainer")
    enrollment, module, submission = handed_in(exercise_course)
    _course, first = course_and_module("lire")
    learning.complete_module(enrollment, first)
    services.review(submission, trainer, REVISE, [1, 0], "Dites qui a voté, et clarifiez la deuxième phrase.")
    db.session.commit()
    assert submission.status == REVISE and not learning.is_module_completed(enrollment, module)
    services.submit(enrollment, module, TEXT + " Les élus de l'opposition ont voté pour.")
    db.session.commit()
    services.review(submission, trainer, PASSED, [1, 1], "")
    db.session.commit()
    assert submission.status == PASSED and submission.handed_in == 2
    assert learning.is_module_completed(enrollment, module)
    db.session.refresh(enrollment)
    assert enrollment.completed_at is not None
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == 1
    first_review, second_review = submission.reviews
    assert first_review.text == TEXT and "opposition" in second_review.text  # each review keeps what it read
    assert (second_review.points, second_review.max_points) == (3, 3)
    assert [s["level"] for s in first_review.scores] == ["Juste", "Confuse"]


def test_passing_needs_the_pass_points_and_a_revision_needs_a_comment(ctx, exercise_course):
    trainer = user(exercise_course, "trainer")
    _enrollment, _module, submission = handed_in(exercise_course)
    for decision, levels, comment, code in [
        (PASSED, [0, 1], "", "below_pass_points"),
        (REVISE, [1, 1], "  ", "comment_required"),
        (NOT_PASSED, [1, 1], "Non.", "bad_decision"),  # this exercise allows a second handing-in
        (PASSED, [1], "", "rubric_incomplete"),
        (PASSED, [1, 5], "", "rubric_incomplete"),
    ]:
        with pytest.raises(services.PracticeError, match=code):
            services.review(submission, trainer, decision, levels, comment)
        db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Review)) == 0


def test_only_the_course_trainers_and_admins_review(ctx, exercise_course, make_user):
    _enrollment, _module, submission = handed_in(exercise_course)
    coordinator = make_user("coord@example.ma", role="coordinator")
    for outsider in (user(exercise_course, "other_trainer"), user(exercise_course, "other"), coordinator):
        assert not services.may_review(outsider, submission.module.course)
        with pytest.raises(services.PracticeError, match="forbidden"):
            services.review(submission, outsider, PASSED, [1, 1], "")
    admin = make_user("admin@example.ma", role="admin")
    assert services.may_review(admin, submission.module.course)


def test_a_second_review_of_the_same_handing_in_is_refused(ctx, exercise_course):
    trainer = user(exercise_course, "trainer")
    _enrollment, _module, submission = handed_in(exercise_course)
    services.review(submission, trainer, PASSED, [1, 1], "")
    db.session.commit()
    with pytest.raises(services.PracticeError, match="already_reviewed"):
        services.review(submission, trainer, REVISE, [0, 0], "Non.")


def test_the_review_is_audited_and_mailed_in_the_learners_language(app, ctx, exercise_course):
    learner = user(exercise_course, "learner")
    learner.preferred_language = "ar"
    trainer = user(exercise_course, "trainer")
    _enrollment, _module, submission = handed_in(exercise_course)
    services.review(submission, trainer, REVISE, [1, 0], "<script>alert(1)</script> Précisez la date.")
    db.session.commit()
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "exercise.review"))
    assert (event.actor_id, event.data["decision"], event.data["points"]) == (trainer.id, "revise", 2)
    message = sent_mail(app)[-1]
    assert message["To"] == "salma@example.ma"
    assert "تمرين" in message["Subject"]
    assert "<script>alert(1)</script> Précisez la date." in mail_text(message)  # plain text, as typed
    html = message.get_body(("html",)).get_content()
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "/courses/gouvernance/breve/#exercise" in mail_text(message)


def test_no_mail_and_no_review_when_the_transaction_rolls_back(app, ctx, exercise_course):
    _enrollment, _module, submission = handed_in(exercise_course)
    before = len(sent_mail(app))
    services.review(submission, user(exercise_course, "trainer"), PASSED, [1, 1], "")
    db.session.rollback()
    assert len(sent_mail(app)) == before and db.session.scalar(select(func.count()).select_from(Review)) == 0


def test_without_resubmission_the_decisions_are_passed_or_not_passed(ctx, make_course, synced, make_user):
    once = "---\ntitle: Une fois\nexercise:\n  instructions: Écrivez.\n  resubmit: false\n---\nTexte.\n"
    make_course(meta={"trainers": [{"name": "N", "email": "n@example.ma"}]}, modules={"01-une-fois": once})
    synced()
    trainer, learner = make_user("n@example.ma", role="trainer"), make_user("l@example.ma")
    course, module = course_and_module("une-fois")
    enrollment = learning.enroll(learner, course)
    services.submit(enrollment, module, "Un texte.")
    db.session.commit()
    submission = services.submission_of(enrollment, module)
    with pytest.raises(services.PracticeError, match="bad_decision"):
        services.review(submission, trainer, REVISE, [], "Refaites.")
    db.session.rollback()
    services.review(submission, trainer, NOT_PASSED, [], "Hors sujet.")
    db.session.commit()
    assert submission.status == NOT_PASSED
    assert services.model_answer_shown(services.exercise_of(module), submission) is False  # it has none
    with pytest.raises(services.PracticeError, match="locked"):
        services.save_draft(enrollment, module, "Nouveau.")


def test_a_course_may_count_an_exercise_done_once_handed_in(ctx, make_course, synced, make_user):
    brief = "---\ntitle: Brève\nexercise:\n  instructions: Écrivez.\n---\nTexte.\n"
    make_course(meta={"exercise_completion": "submitted"}, modules={"01-breve": brief})
    synced()
    course, module = course_and_module("breve")
    enrollment = learning.enroll(make_user("l@example.ma"), course)
    services.submit(enrollment, module, "Un texte.")
    db.session.commit()
    db.session.refresh(enrollment)
    assert learning.is_module_completed(enrollment, module) and enrollment.completed_at is not None


def test_a_module_with_a_quiz_and_an_exercise_needs_both(ctx, make_course, synced, make_user):
    both = (
        "---\ntitle: Les deux\nquiz:\n  - question: Q ?\n    choices: [Oui, Non]\n    answer: 0\n"
        "exercise:\n  instructions: Écrivez.\n---\nTexte.\n"
    )
    make_course(meta={"trainers": [{"name": "N", "email": "n@example.ma"}]}, modules={"01-les-deux": both})
    synced()
    trainer = make_user("n@example.ma", role="trainer")
    course, module = course_and_module("les-deux")
    enrollment = learning.enroll(make_user("l@example.ma"), course)
    services.submit(enrollment, module, "Un texte.")
    submission = services.submission_of(enrollment, module)
    services.review(submission, trainer, PASSED, [], "")
    assert not learning.is_module_completed(enrollment, module)  # the quiz is still to pass
    learning.submit_quiz(enrollment, module, {q.id: [0] for q in module.active_questions})
    assert learning.is_module_completed(enrollment, module)


def test_the_queue_lists_handed_in_texts_oldest_first_by_state_and_session(ctx, exercise_course, make_user):
    from courses.audit.services import SYSTEM
    from courses.coordination import services as coordination

    learners = [make_user(f"l{n}@example.ma", full_name=f"L{n}") for n in range(4)]
    writer = make_user("draft@example.ma")
    course, module = course_and_module()
    cohort = coordination.create_cohort(
        coordination.CohortFields(course, "Rabat", utcnow().date(), utcnow().date()), SYSTEM
    )
    start = utcnow() - timedelta(days=3)
    for number, person in enumerate(learners):
        enrollment = learning.enroll(person, course)
        enrollment.cohort_id = cohort.id if number % 2 else None
        services.submit(enrollment, module, TEXT, now=start + timedelta(hours=10 - number))  # the last is oldest
    draft = learning.enroll(writer, course)
    services.save_draft(draft, module, "Jamais rendu.")
    db.session.commit()
    page = services.queue(course)
    assert [row.learner.full_name for row in page.rows] == ["L3", "L2", "L1", "L0"]
    assert page.counts == {"submitted": 4, "revise": 0, "passed": 0, "not_passed": 0}  # the draft is nobody's business
    assert [row.learner.full_name for row in services.queue(course, cohort=cohort).rows] == ["L3", "L1"]
    assert services.queue(course, PASSED).rows == []


def test_figures_count_what_waits_and_the_average_time_to_review(ctx, exercise_course, make_user):
    people = [make_user(f"l{number}@example.ma") for number in range(3)]
    trainer = user(exercise_course, "trainer")
    course, module = course_and_module()
    moment = utcnow() - timedelta(days=2)
    submissions = []
    for person in people:
        enrollment = learning.enroll(person, course)
        services.submit(enrollment, module, TEXT, now=moment)
        submissions.append(services.submission_of(enrollment, module))
    services.review(submissions[0], trainer, PASSED, [1, 1], "", now=moment + timedelta(hours=2))
    services.review(submissions[1], trainer, PASSED, [1, 1], "", now=moment + timedelta(hours=6))
    db.session.commit()
    figures = services.figures(course.id)
    assert (figures.pending, figures.reviewed) == (1, 2)
    assert figures.average_seconds == pytest.approx(4 * 3600, abs=1)
    assert services.pending_by_course([course.id]) == {course.id: 1}
