"""Enrollment, progress, quizzes and completion as plain functions."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from courses import hooks
from courses.auth.models import User
from courses.catalog.models import Course, Module
from courses.extensions import db
from courses.learning import services
from courses.learning.models import Enrollment, ModuleProgress, QuizAttempt
from tests.conftest import TWO_QUESTION_QUIZ
from tests.learning.test_views import counting_queries

QUIZ = TWO_QUESTION_QUIZ


@pytest.fixture
def course_setup(ctx, make_course, make_user, synced):
    make_course(
        modules={
            "01-lire": ("Lire", "texte"),
            "02-quiz": QUIZ,
            "03-bonus": "---\ntitle: Bonus\nrequired: false\n---\nx\n",
        }
    )
    synced()
    user = db.session.get(User, make_user().id)
    course = db.session.scalar(select(Course))
    modules = {m.slug: m for m in course.modules}
    return user, course, modules


def right_answers(module: Module) -> dict[int, list[int]]:
    return {q.id: list(q.answers) for q in module.active_questions}


def test_enroll_is_idempotent(course_setup):
    user, course, _ = course_setup
    first = services.enroll(user, course)
    second = services.enroll(user, course, source="coordinator")
    assert first.id == second.id and second.source == "self"
    assert db.session.scalar(select(func.count()).select_from(Enrollment)) == 1


def test_cannot_enroll_in_draft(ctx, make_course, make_user, synced):
    make_course(meta={"status": "draft"})
    synced()
    user = db.session.get(User, make_user().id)
    with pytest.raises(services.LearningError):
        services.enroll(user, db.session.scalar(select(Course)))


def test_view_records_first_view_and_resume_point(course_setup):
    user, course, modules = course_setup
    enrollment = services.enroll(user, course)
    services.record_view(enrollment, modules["lire"])
    services.record_view(enrollment, modules["lire"])
    services.record_view(enrollment, modules["quiz"])
    progress = db.session.scalars(select(ModuleProgress)).all()
    assert len(progress) == 2 and enrollment.last_module_id == modules["quiz"].id
    state = services.course_progress(enrollment, list(modules.values()))
    assert state.states[modules["lire"].id] == services.IN_PROGRESS
    assert state.states[modules["bonus"].id] == services.NOT_STARTED


def test_module_with_quiz_cannot_be_marked_done(course_setup):
    user, course, modules = course_setup
    enrollment = services.enroll(user, course)
    with pytest.raises(services.LearningError) as raised:
        services.complete_module(enrollment, modules["quiz"])
    assert raised.value.code == "quiz_required"


def test_failing_then_passing_the_quiz(course_setup):
    user, course, modules = course_setup
    enrollment = services.enroll(user, course)
    quiz = modules["quiz"]
    first, second = quiz.active_questions
    failed = services.submit_quiz(enrollment, quiz, {first.id: [1], second.id: [0, 2]})
    assert (failed.score, failed.is_passed) == (50, False)
    assert [a.is_correct for a in failed.answers] == [False, True]
    passed = services.submit_quiz(enrollment, quiz, right_answers(quiz))
    assert (passed.score, passed.is_passed) == (100, True)
    worse = services.submit_quiz(enrollment, quiz, {first.id: [1], second.id: [0]})
    assert worse.score == 0
    state = services.course_progress(enrollment, list(modules.values()))
    assert state.best_scores[quiz.id] == 100 and state.states[quiz.id] == services.COMPLETED
    assert db.session.scalar(select(func.count()).select_from(QuizAttempt)) == 3


@pytest.mark.parametrize(
    "answers",
    [
        lambda q1, q2: {q1.id: [0]},  # a question missing
        lambda q1, q2: {q1.id: [0], q2.id: [0], 999: [0]},  # an unknown question
        lambda q1, q2: {q1.id: [7], q2.id: [0]},  # a choice that does not exist
        lambda q1, q2: {q1.id: [0, 1], q2.id: [0]},  # two answers to a one-answer question
        lambda q1, q2: {q1.id: [], q2.id: [0]},  # no answer
    ],
)
def test_tampered_answers_are_refused_and_nothing_stored(course_setup, answers):
    user, course, modules = course_setup
    enrollment = services.enroll(user, course)
    quiz = modules["quiz"]
    with pytest.raises(services.LearningError):
        services.submit_quiz(enrollment, quiz, answers(*quiz.active_questions))
    assert db.session.scalar(select(func.count()).select_from(QuizAttempt)) == 0


def test_completion_needs_every_required_module(app, course_setup):
    user, course, modules = course_setup
    enrollment = services.enroll(user, course)
    completions = []
    hooks.register(app, "learning.course_completed", completions.append)  # this test's app only
    services.complete_module(enrollment, modules["lire"])
    assert enrollment.completed_at is None
    missing = services.course_progress(enrollment, list(modules.values())).missing
    assert [m.slug for m in missing] == ["quiz"]  # the optional bonus does not count
    services.submit_quiz(enrollment, modules["quiz"], right_answers(modules["quiz"]))
    assert enrollment.completed_at is not None and completions == [enrollment]
    assert services.course_progress(enrollment, list(modules.values())).percent == 100


def test_completed_at_never_moves(course_setup):
    user, course, modules = course_setup
    enrollment = services.enroll(user, course)
    services.complete_module(enrollment, modules["lire"])
    services.submit_quiz(enrollment, modules["quiz"], right_answers(modules["quiz"]))
    completed_at = enrollment.completed_at
    services.submit_quiz(enrollment, modules["quiz"], right_answers(modules["quiz"]))
    assert services.update_completion(enrollment) is False
    assert enrollment.completed_at == completed_at


def test_new_required_module_counts_only_for_learners_not_yet_complete(course_setup, make_user, make_course, synced):
    user, course, modules = course_setup
    done = services.enroll(user, course)
    services.complete_module(done, modules["lire"])
    services.submit_quiz(done, modules["quiz"], right_answers(modules["quiz"]))
    db.session.commit()
    other = services.enroll(db.session.get(User, make_user().id), course)
    services.complete_module(other, modules["lire"])
    db.session.commit()
    make_course(modules={"01-lire": ("Lire", "texte"), "02-quiz": QUIZ, "04-nouveau": ("Nouveau", "y")})
    synced()
    db.session.expire_all()
    live = [m for m in db.session.get(Course, course.id).modules if m.archived_at is None]
    assert db.session.get(Enrollment, done.id).completed_at is not None
    missing = services.course_progress(db.session.get(Enrollment, other.id), live).missing
    assert [m.slug for m in missing] == ["quiz", "nouveau"]


def test_editing_a_completed_module_keeps_it_completed(course_setup, make_course, synced):
    user, course, modules = course_setup
    enrollment = services.enroll(user, course)
    services.complete_module(enrollment, modules["lire"])
    db.session.commit()
    make_course(modules={"01-lire": ("Lire", "texte entièrement réécrit"), "02-quiz": QUIZ})
    synced()
    db.session.expire_all()
    progress = db.session.scalar(select(ModuleProgress).where(ModuleProgress.module_id == modules["lire"].id))
    assert progress.completed_at is not None


def test_dashboard_counts(course_setup):
    user, course, modules = course_setup
    enrollment = services.enroll(user, course)
    services.record_view(enrollment, modules["lire"])
    services.complete_module(enrollment, modules["lire"])
    (entry,) = services.dashboard(user)
    assert (entry.done, entry.counted, entry.percent) == (1, 2, 50)
    assert entry.resume.slug == "quiz"  # "lire" is done: Continue leads on, as on the course page


def test_recheck_completions_completes_what_a_content_change_left_done(app, course_setup):
    user, course, modules = course_setup
    enrollment = services.enroll(user, course)
    services.complete_module(enrollment, modules["lire"])
    assert services.recheck_completions(services.dashboard(user)) == []  # the quiz still counts
    assert enrollment.completed_at is None
    modules["quiz"].is_required = False  # the trainer made the quiz optional: "lire" alone counts now
    db.session.flush()
    assert services.recheck_completions(services.dashboard(user)) == [enrollment]
    assert enrollment.completed_at is not None
    entries = services.dashboard(user)
    with counting_queries(app) as statements:
        assert services.recheck_completions(entries) == []
    assert statements == []  # nothing stuck: no query at all
