"""A module's `exercise:`: read, rendered through the one renderer, every mistake at its line."""

from __future__ import annotations

import pytest

from courses import material
from courses.material.exercise import count_words

EXERCISE = """---
title: La brève
minutes: 20
exercise:
  instructions: |
    Rédigez une **brève** sur la séance du conseil. Voir [la carte](assets/carte.svg).
  min_words: 100
  max_words: 250
  rubric:
    - criterion: Exactitude
      levels:
        - Insuffisant: 0
        - label: Juste
          points: 2
          description: Les faits sont exacts et datés.
    - criterion: Clarté
      levels:
        - Confuse: 0
        - Claire: 1
  pass_points: 2
  model_answer: |
    Le conseil communal a adopté <script>alert(1)</script> le budget.
  resubmit: false
---
Le texte du module.
"""

SVG = "<svg xmlns='http://www.w3.org/2000/svg'/>"


def module_with(make_course, exercise_lines: str):
    text = f"---\ntitle: La brève\nminutes: 20\nexercise:\n{exercise_lines}---\nTexte.\n"
    make_course(modules={"01-breve": text}, assets={"carte.svg": SVG})


def test_an_exercise_is_read_with_its_rubric_limits_and_rendered_instructions(content_dir, make_course):
    make_course(modules={"01-breve": EXERCISE}, assets={"carte.svg": SVG})
    (course,) = material.load(content_dir)
    exercise = course.modules[0].exercise
    assert (exercise.min_words, exercise.max_words, exercise.pass_points, exercise.resubmit) == (100, 250, 2, False)
    assert [c.name for c in exercise.rubric] == ["Exactitude", "Clarté"]
    assert [(lv.label, lv.points) for lv in exercise.rubric[0].levels] == [("Insuffisant", 0), ("Juste", 2)]
    assert exercise.rubric[0].levels[1].description == "Les faits sont exacts et datés."
    assert exercise.max_points == 3
    assert "<strong>brève</strong>" in exercise.instructions.html
    assert 'href="../assets/carte.svg"' in exercise.instructions.html  # relative to the module's page
    assert "<script" not in exercise.model_answer.html  # the one sanitiser
    record = exercise.record()
    assert record["rubric"][1] == {
        "name": "Clarté",
        "levels": [
            {"label": "Confuse", "points": 0, "description": ""},
            {"label": "Claire", "points": 1, "description": ""},
        ],
    }
    assert course.exercise_completion == "passed"


def test_a_module_without_exercise_has_none(content_dir, make_course):
    make_course()
    assert material.load(content_dir)[0].modules[0].exercise is None


def test_exercise_completion_takes_submitted_and_refuses_other_values(content_dir, make_course):
    make_course(meta={"exercise_completion": "submitted"})
    assert material.load(content_dir)[0].exercise_completion == "submitted"
    make_course(meta={"exercise_completion": "reviewed"})
    (problem,) = material.check(content_dir)
    assert problem.code == "bad_exercise_completion" and "submitted (dès que" in problem.reason("fr")


@pytest.mark.parametrize(
    ("lines", "code", "line"),
    [
        ("  min_words: 10\n", "missing_key", 5),
        ("  instructions: Écrivez.\n  min_words: 300\n  max_words: 200\n", "exercise_words_order", 6),
        ("  instructions: Écrivez.\n  words: 200\n", "unknown_key", 6),
        ("  instructions: Écrivez.\n  pass_points: 2\n", "threshold_without_rubric", 6),
        (
            "  instructions: Écrivez.\n  rubric:\n    - criterion: A\n      levels:\n        - Non: 0\n"
            "        - Oui: 2\n  pass_points: 3\n",
            "threshold_above_rubric",
            11,
        ),
        (
            "  instructions: Écrivez.\n  rubric:\n    - criterion: A\n      levels:\n        - Seul: 1\n",
            "rubric_levels_count",
            8,
        ),
        (
            "  instructions: Écrivez.\n  rubric:\n    - criterion: A\n      levels:\n        - Oui: 1\n"
            "        - Oui: 2\n",
            "rubric_duplicate_level",
            8,
        ),
        (
            "  instructions: Écrivez.\n  rubric:\n    - criterion: A\n      levels:\n        - Oui: -1\n"
            "        - Non: 2\n",
            "out_of_range",
            9,
        ),
        (
            "  instructions: Écrivez.\n  rubric:\n    - criterion: A\n      levels:\n        - label: Oui\n"
            "        - Non: 2\n",
            "missing_key",
            9,
        ),
        ("  instructions: Écrivez.\n  resubmit: peut-être\n", "expected_bool", 6),
        ("  instructions: ''\n", "empty_text", 5),
    ],
)
def test_each_mistake_is_named_at_its_line(content_dir, make_course, lines, code, line):
    module_with(make_course, lines)
    problems = material.check(content_dir)
    assert [(p.code, p.line) for p in problems] == [(code, line)], [p.format() for p in problems]
    for language in ("fr", "ar", "en"):
        assert problems[0].reason(language) != code  # worded in every language


def test_a_broken_link_in_the_instructions_is_an_error_of_the_module(content_dir, make_course):
    module_with(make_course, "  instructions: Voir [le modèle](assets/absent.pdf).\n")
    (problem,) = material.check(content_dir)
    assert problem.code == "missing_file_link" and problem.path.name == "01-breve.md"


def test_words_are_counted_as_a_reader_counts_them():
    assert count_words("") == 0
    assert count_words("  Le conseil — réuni l'an dernier — a voté.  ") == 7
    assert count_words("sous-préfecture, 2026 !") == 2
    assert count_words("صادق المجلس الجماعي على الميزانية.") == 5
    assert count_words("38,8 % en 2023, loi 31.13, à 09:30, 2/4 jours, www.chafafiya.ma") == 10
