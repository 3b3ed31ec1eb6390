"""Fixtures for the coordinators' console: a course, a cohort, staff accounts."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from courses.audit.services import SYSTEM
from courses.catalog.models import Course
from courses.coordination import services
from courses.coordination.models import Cohort
from courses.extensions import db
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
