"""Fixtures for the coordinators' console: a course, a cohort, staff accounts."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from courses.audit.services import SYSTEM
from courses.auth import services as accounts
from courses.auth.models import User
from courses.catalog.models import Course, Module
from courses.coordination import services
from courses.coordination.models import Cohort
from courses.extensions import db
from courses.learning import services as learning
from tests.conftest import PASSWORD

QUIZ = """---
title: Quiz
quiz:
  - question: Combien de régions ?
    choices: ["12", "16"]
    answer: 0
---
Texte
"""


@pytest.fixture
def course(make_course, synced):
    make_course(modules={"01-lire": ("Lire", "Texte."), "02-quiz": QUIZ})
    synced()
    return "gouvernance"


@pytest.fixture
def cohort_id(app, course):
    with app.app_context():
        course_row = db.session.scalar(select(Course))
        fields = services.CohortFields(
            course_row, "Session de Rabat", date(2026, 12, 1), date(2026, 12, 15), "Rabat", 50
        )
        cohort = services.create_cohort(fields, SYSTEM)
        db.session.commit()
        return cohort.id


@pytest.fixture
def as_role(client, make_user):
    """Log the client in as a new user with the given role; returns the user."""

    def login(role: str, email: str | None = None):
        client.post("/logout")
        user = make_user(email or f"{role}@example.ma", role=role)
        response = client.post("/login", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 302
        return user

    return login


def cohort_of(app, cohort_id: int) -> Cohort:
    return db.session.get(Cohort, cohort_id)


T0 = datetime(2026, 12, 1, 8, tzinfo=UTC)
HOUR = timedelta(hours=1)

#: email -> (state, counted modules done, last activity), as the fixture below makes them.
EXPECTED = {
    "a@example.ma": ("invited", 0, None),
    "b@example.ma": ("not_started", 0, T0),  # activated at T0 (its last login), nothing opened
    "c@example.ma": ("in_progress", 1, T0 + 2 * HOUR),  # opened then completed "lire": the completion is later
    "d@example.ma": ("completed", 2, T0 + 24 * HOUR),
    "e@example.ma": ("in_progress", 0, T0 + 5 * HOUR),  # opened the quiz at 4h, failed it at 5h
}


def add_learner(cohort: Cohort, email: str, name: str, password: str | None = PASSWORD, **profile) -> User:
    user = accounts.create_user(email, accounts.Profile(full_name=name, **profile), password)
    services.enroll_in_cohort(cohort, user, SYSTEM)
    return user


@pytest.fixture
def five(app, course, cohort_id):
    """One learner per state (two in progress), with known times: see EXPECTED."""
    with app.app_context():
        cohort = db.session.get(Cohort, cohort_id)
        modules = {m.slug: m for m in db.session.scalars(select(Module))}
        lire, quiz = modules["lire"], modules["quiz"]
        add_learner(cohort, "a@example.ma", "Amal Invitée", None, organisation_type="commune", region="oriental")
        add_learner(cohort, "b@example.ma", "Badr Activé").last_login_at = T0
        enrollments = {}
        for email, name in (
            ("c@example.ma", "Chama Partielle"),
            ("d@example.ma", "Driss Fini"),
            ("e@example.ma", "Ejjo Quiz"),
        ):
            user = add_learner(cohort, email, name)
            user.last_login_at = T0 - 24 * HOUR  # older than what they did: activity wins
            enrollments[email] = learning.get_enrollment(user, cohort.course)
        learning.record_view(enrollments["c@example.ma"], lire, now=T0 + HOUR)
        learning.complete_module(enrollments["c@example.ma"], lire, now=T0 + 2 * HOUR)
        learning.complete_module(enrollments["d@example.ma"], lire, now=T0 + 3 * HOUR)
        learning.submit_quiz(
            enrollments["d@example.ma"], quiz, {q.id: [0] for q in quiz.active_questions}, now=T0 + 24 * HOUR
        )
        learning.record_view(enrollments["e@example.ma"], quiz, now=T0 + 4 * HOUR)
        learning.submit_quiz(
            enrollments["e@example.ma"], quiz, {q.id: [1] for q in quiz.active_questions}, now=T0 + 5 * HOUR
        )
        db.session.commit()
    return cohort_id
