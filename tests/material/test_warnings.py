"""Warnings: what makes a course weaker without making it wrong, each at its line, in fr/ar/en."""

from __future__ import annotations

from pathlib import Path

import pytest

from courses import material
from courses.material import advice
from courses.material.messages import MESSAGES
from tests.conftest import front_matter

WARNINGS = (
    "hours_far_from_minutes",
    "image_weak_alt",
    "heading_skip",
    "long_module_without_sections",
    "question_without_explanation",
    "redundant_multiple_hint",
    "single_answer_says_several",
)


def warnings(root: Path) -> list[tuple[str, int, str]]:
    review = material.review(root)
    assert review.errors == []
    return [(w.path.relative_to(root).as_posix(), w.line, w.code) for w in review.warnings]


def module(meta: dict, body: str) -> str:
    return front_matter({"title": "Module", "minutes": 60, **meta}, body)


@pytest.fixture
def course(make_course):
    """A course whose hours match its one module's minutes, so only the module under test warns."""

    def make(body: str = "## Section\n\nTexte.\n", meta: dict | None = None, **options):
        return make_course(meta={"hours": 1}, modules={"01-module": module(meta or {}, body)}, **options)

    return make


def test_a_well_written_course_has_no_warning(content_dir, course):
    course()
    assert warnings(content_dir) == []


def test_hours_far_from_the_modules_minutes(content_dir, make_course):
    make_course(meta={"hours": 8}, modules={"01-a": module({"minutes": 90}, "## A\n"), "02-b": module({}, "## B\n")})
    assert warnings(content_dir) == [("gouvernance/course.md", 5, "hours_far_from_minutes")]
    (warning,) = material.review(content_dir).warnings
    assert "« hours » annonce 8 h, mais les modules totalisent 150 minutes (2 h 30)" in warning.reason("fr")
    assert "150 minutes" in warning.reason("en") and "150 دقيقة" in warning.reason("ar")


@pytest.mark.parametrize(("hours", "minutes", "far"), [(1, 60, False), (1.5, 61, False), (1, 91, True), (3, 100, True)])
def test_hours_tolerance(hours, minutes, far):
    assert advice.hours_far_from_minutes(hours, minutes) is far


def test_a_course_without_modules_has_no_hours_warning(content_dir, make_course):
    make_course(meta={"status": "draft"}, modules={})
    assert warnings(content_dir) == []


@pytest.mark.parametrize("alt", ["image", "Carte", "carte.png", "carte", "img", "صورة", "x"])
def test_images_whose_alt_text_describes_nothing(content_dir, course, alt):
    course(f"## Section\n\n![{alt}](assets/carte.png)\n", assets={"carte.png": b"\x89PNG"})
    assert warnings(content_dir) == [("gouvernance/01-module.md", 7, "image_weak_alt")]


def test_a_describing_alt_text_is_fine(content_dir, course):
    course("## Section\n\n![Carte des douze régions du Maroc](assets/carte.png)\n", assets={"carte.png": b"\x89PNG"})
    assert warnings(content_dir) == []


def test_headings_that_skip_a_level(content_dir, course):
    course("### Trop bas\n\n## Section\n\n#### Trop loin\n\n### Bien\n\n```bash\n#### dans du code\n```\n")
    found = material.review(content_dir).warnings
    assert [(w.line, w.code, dict(w.params)) for w in found] == [
        (5, "heading_skip", {"written": "###", "expected": "##"}),
        (9, "heading_skip", {"written": "####", "expected": "###"}),
    ]
    assert "ce titre #### saute un niveau : après le titre précédent, écrivez ###" in found[1].reason("fr")


def test_a_body_shifted_by_a_top_heading_starts_at_one_hash(content_dir, course):
    course("# Partie\n\n## Sous-partie\n\n# Autre partie\n")
    assert warnings(content_dir) == []


def test_a_long_module_without_sections(content_dir, course):
    course("Un mot. " * 800)
    assert warnings(content_dir) == [("gouvernance/01-module.md", 5, "long_module_without_sections")]
    (warning,) = material.review(content_dir).warnings
    assert "1600 mots" in warning.reason("fr")


def test_a_long_module_with_sections_is_fine(content_dir, course):
    course("## Section\n\n" + "Un mot. " * 800)
    assert warnings(content_dir) == []


QUIZ = [{"question": "Combien de régions ?", "choices": ["12", "16"], "answer": 0}]


def test_a_question_without_explanation(content_dir, course):
    course(meta={"quiz": QUIZ})
    assert warnings(content_dir) == [("gouvernance/01-module.md", 5, "question_without_explanation")]
    (warning,) = material.review(content_dir).warnings
    assert "la question 1 n'a pas d'« explanation »" in warning.reason("fr")


def test_a_multiple_answer_question_that_repeats_the_platforms_hint(content_dir, course):
    quiz = [{"question": "Lesquelles ? (plusieurs réponses)", "choices": ["a", "b", "c"], "answer": [0, 1],
             "explanation": "Parce que."}]  # fmt: skip
    course(meta={"quiz": quiz})
    assert warnings(content_dir) == [("gouvernance/01-module.md", 5, "redundant_multiple_hint")]
    (warning,) = material.review(content_dir).warnings
    assert "(plusieurs réponses possibles)" in warning.reason("fr")
    assert "(several answers possible)" in warning.reason("en")


def test_a_single_answer_question_that_announces_several(content_dir, course):
    quiz = [{"question": "Lesquelles ? (plusieurs réponses)", "choices": ["a", "b"], "answer": 0, "explanation": "."}]
    course(meta={"quiz": quiz})
    assert warnings(content_dir) == [("gouvernance/01-module.md", 5, "single_answer_says_several")]


@pytest.mark.parametrize(
    "prompt", ["Which ones? (several answers)", "ما هي؟ (أكثر من إجابة)", "Cochez plusieurs choix"]
)
def test_the_hint_is_recognised_in_each_language(prompt):
    assert advice.says_several_answers(prompt)


@pytest.mark.parametrize("code", WARNINGS)
@pytest.mark.parametrize("language", ["fr", "en", "ar"])
def test_every_warning_is_worded_in_every_language(code, language):
    assert code in MESSAGES[language]


def test_warnings_do_not_stop_a_load_and_come_with_errors(content_dir, make_course):
    make_course(meta={"hours": 20}, modules={"01-a": module({}, "## A\n"), "02-b": "---\ntitel: x\n---\n"})
    review = material.review(content_dir)
    assert [e.code for e in review.errors] == ["missing_key", "unknown_key"]
    assert review.courses == []
    assert [w.code for w in review.warnings] == ["hours_far_from_minutes"]
    with pytest.raises(material.ContentInvalid) as raised:
        material.load(content_dir)
    assert raised.value.errors == review.errors


def test_only_reads_the_chosen_course_and_still_checks_links_into_the_others(content_dir, make_course):
    make_course("autre", modules={"01-a": "---\ntitel: cassé\n---\n"})
    make_course("cours", modules={"01-b": module({}, "## B\n\n[autre](../autre/01-a.md) [perdu](../autre/09-x.md)\n")})
    assert material.check(content_dir, only=["cours"]) == [
        e for e in material.check(content_dir) if e.path.parent.name == "cours"
    ]
    assert [(e.path.name, e.code) for e in material.check(content_dir, only=["cours"])] == [("01-b.md", "broken_link")]
    assert [e.code for e in material.check(content_dir, only=["absent"])] == ["unknown_course"]
