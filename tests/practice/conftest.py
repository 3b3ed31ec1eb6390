"""A course whose second module asks for a written brief with a rubric, its trainer and two learners."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from courses.catalog.models import Course, Module
from courses.extensions import db
from courses.learning import services as learning

BRIEF = """---
title: La brève
minutes: 20
exercise:
  instructions: |
    Rédigez une **brève** de 5 à 40 mots sur la séance du conseil.
  min_words: 5
  max_words: 40
  rubric:
    - criterion: Exactitude
      levels:
        - Insuffisante: 0
        - Juste: 2
    - criterion: Clarté
      levels:
        - Confuse: 0
        - Claire: 1
  pass_points: 2
  model_answer: |
    Le conseil communal de Salé a adopté son budget mardi.
---
Comment écrire une brève.
"""

TEXT = "Le conseil communal de Salé a adopté mardi le budget de 2027 à l'unanimité."


@pytest.fixture
def exercise_course(make_course, synced, make_user):
    """`gouvernance`: 01-lire (no quiz), 02-breve (the exercise); trainer named in the course."""
    make_course(
        meta={"trainers": [{"name": "Nadia Trainer", "email": "nadia@example.ma"}]},
        modules={"01-lire": ("Lire", "Premier module."), "02-breve": BRIEF},
    )
    synced()
    return {
        "trainer": make_user("nadia@example.ma", role="trainer", full_name="Nadia Trainer"),
        "learner": make_user("salma@example.ma", full_name="Salma Benali"),
        "other": make_user("omar@example.ma", full_name="Omar Idrissi"),
        "other_trainer": make_user("karim@example.ma", role="trainer"),
    }


def course_and_module(slug: str = "breve"):
    course = db.session.scalar(select(Course))
    return course, db.session.scalar(select(Module).where(Module.slug == slug))


def enrolled(user_id: int):
    """The user's enrollment in the course, made if needed, in the current context."""
    from courses.auth.models import User

    course, _module = course_and_module()
    return learning.enroll(db.session.get(User, user_id), course)
