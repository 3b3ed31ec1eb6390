"""YAML syntax errors are named in the trainer's language, at the line to edit, with the fix."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from courses import material
from courses.material.yamlerrors import yaml_problem

# (header, line of the mistake in the file, code, words each language must use)
CASES = {
    "tab before a key": (
        "title: A\n\tminutes: 3\n",
        3,
        "yaml_tab",
        {"fr": "tabulation", "en": "tab in the indentation", "ar": "علامة جدولة"},
    ),
    "tab after a list item": (
        "title: A\nsummary: B\n\tobjectives: []\n",
        4,
        "yaml_tab",
        {
            "fr": "remplacez la tabulation par des espaces",
            "en": "replace the tab with spaces",
            "ar": "استبدلها بمسافات",
        },
    ),
    "tab in a quiz": (
        "title: A\nquiz:\n  - question: Q\n\tchoices: [a, b]\n    answer: 0\n",
        5,
        "yaml_tab",
        {"fr": "tabulation", "en": "tab", "ar": "جدولة"},
    ),
    "a key one space short": (
        "title: A\nquiz:\n  - question: Q\n    choices: [a, b]\n   answer: 0\n",
        6,
        "yaml_indent",
        {"fr": "indentation incohérente", "en": "inconsistent indentation", "ar": "إزاحة غير متناسقة"},
    ),
    "a list item one space short": (
        "title: A\nobjectives:\n  - a\n - b\n",
        5,
        "yaml_indent",
        {"fr": "alignez-la", "en": "align it", "ar": "حاذِه"},
    ),
    "a key indented under a text": (
        "title: A\n  minutes: 3\n",
        3,
        "yaml_indent",
        {"fr": "deux espaces par niveau", "en": "two spaces per level", "ar": "مسافتان لكل مستوى"},
    ),
    "a colon in an unquoted title": (
        "title: Loi 113-14: les communes\nminutes: 3\n",
        2,
        "yaml_colon",
        {"fr": 'title: "…"', "en": 'title: "…"', "ar": 'title: "…"'},
    ),
    "a colon in an unquoted question": (
        "title: A\nquiz:\n  - question: Qui préside : le maire ?\n    choices: [a, b]\n    answer: 0\n",
        4,
        "yaml_colon",
        {"fr": "la valeur de « question »", "en": "the value of 'question'", "ar": "قيمة « question »"},
    ),
    "an unclosed double quote": (
        'title: "Les communes\nminutes: 3\n',
        2,
        "yaml_unclosed_quote",
        {"fr": "jamais fermé", "en": "never closed", "ar": "لم تُغلق"},
    ),
    "an unclosed quote followed by another quote": (
        'title: A\nsummary: "Les communes\nminutes: 3\nobjectives:\n  - "un"\n',
        3,
        "yaml_unclosed_quote",
        {"fr": "guillemet ouvert", "en": "quote opened", "ar": "علامة تنصيص فُتحت"},
    ),
    "an unclosed single quote": (
        "title: 'Les communes\nminutes: 3\n",
        2,
        "yaml_unclosed_quote",
        {"fr": "fermez-le", "en": "close it", "ar": "أغلقها"},
    ),
    "text after a closing quote": (
        'title: "Loi" 113-14\n',
        2,
        "yaml_symbol",
        {"fr": 'commence par « " »', "en": "starts with '\"'", "ar": 'تبدأ بـ « " »'},
    ),
    "an apostrophe inside single quotes": (
        "title: 'l'article 146'\n",
        2,
        "yaml_symbol",
        {"fr": "entièrement entre guillemets droits", "en": "wholly between straight double quotes", "ar": "كلها"},
    ),
    "a title starting with a bracket": (
        "title: [Atelier] Les communes\n",
        2,
        "yaml_symbol",
        {"fr": "« [ »", "en": "'['", "ar": "« [ »"},
    ),
    "an objective starting with an asterisk": (
        "title: A\nobjectives:\n  - *Savoir* lire un budget\n",
        4,
        "yaml_symbol",
        {"fr": "« * »", "en": "'*'", "ar": "« * »"},
    ),
    "a backslash inside double quotes": (
        'title: "C:\\dossier"\n',
        2,
        "yaml_escape",
        {"fr": "échappement", "en": "escape", "ar": "تهريبًا"},
    ),
    "an unclosed bracket": (
        "title: A\nobjectives: [un, deux\nminutes: 3\n",
        3,
        "yaml_unclosed_bracket",
        {"fr": "jamais fermé", "en": "never closed", "ar": "لم يُغلق"},
    ),
    "no space after a colon": (
        "title:A\nminutes: 3\n",
        2,
        "yaml_missing_space",
        {"fr": "il manque une espace", "en": "a space is missing", "ar": "تنقص مسافة"},
    ),
}


def module_errors(content_dir, make_course, header: str):
    make_course(modules={"01-intro": f"---\n{header}---\nTexte\n"})
    return material.check(content_dir)


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
@pytest.mark.parametrize("language", ["fr", "en", "ar"])
def test_yaml_mistake_is_named_at_its_line_in_each_language(content_dir, make_course, case, language):
    header, line, code, words = case
    (problem,) = [p for p in module_errors(content_dir, make_course, header) if p.code.startswith("yaml_")]
    assert (problem.line, problem.code) == (line, code)
    reason = problem.reason(language)
    assert words[language] in reason
    assert "mapping values" not in reason and "did not find" not in reason and "scanning" not in reason


def test_every_mistake_of_a_file_is_listed_at_once_each_at_its_line(content_dir, make_course):
    """A new trainer's module with three mistakes: two that stop the YAML parser, one in the quiz."""
    header = (
        "title: Évaluer une campagne : la méthode\n"  # line 2: a colon in an unquoted value
        "minutes: 10\n"
        "objectives:\n"
        "  - Mesurer\n"
        "\t- Comparer\n"  # line 6: a tab
        "quiz:\n"
        "  - question: Quel indicateur ?\n"
        "    choices: [Portée, Coût, Durée]\n"
        "    answer: 3\n"  # line 10: no such choice
    )
    problems = module_errors(content_dir, make_course, header)
    assert [(p.line, p.code) for p in problems] == [(2, "yaml_colon"), (6, "yaml_tab"), (10, "answer_out_of_range")]


def test_a_mistake_that_cannot_be_mended_stops_the_check_of_that_file_after_its_syntax(content_dir, make_course):
    header = "title: A\nquiz:\n  - question: Q\n    choices: [a, b]\n   answer: 0\nminutes: x\n"
    problems = module_errors(content_dir, make_course, header)
    assert [(p.line, p.code) for p in problems] == [(6, "yaml_indent")]  # not "minutes" on a guessed file


def test_an_unknown_syntax_error_keeps_the_parser_detail_inside_a_translated_hint():
    mark = yaml.Mark("<front matter>", 0, 1, 4, None, None)
    exc = yaml.scanner.ScannerError("while scanning something new", mark, "found something odd", mark)
    problem = yaml_problem(Path("m.md"), "title: A\nsummary: B\n", exc)
    assert (problem.line, problem.code) == (3, "yaml_syntax")
    assert problem.reason("fr").startswith("erreur de syntaxe YAML (found something odd) :")
    assert "guillemets droits" in problem.reason("fr") and "علامتي تنصيص" in problem.reason("ar")


def test_a_tab_after_a_key_is_accepted(content_dir, make_course):
    assert module_errors(content_dir, make_course, "title: A\nminutes:\t3\n") == []


def test_a_text_with_colon_in_a_list_gets_the_quote_hint(content_dir, make_course):
    (problem,) = module_errors(content_dir, make_course, "title: A\nobjectives:\n  - Savoir: lire un budget\n")
    assert (problem.line, problem.code) == (4, "text_with_colon")
    assert "guillemets droits" in problem.reason("fr")


def test_a_value_starting_with_a_hash_is_a_comment(content_dir, make_course):
    (problem,) = module_errors(content_dir, make_course, "title: #1 du classement\n")
    assert (problem.line, problem.code) == (2, "text_comment")
    assert "commentaire" in problem.reason("fr") and "comment" in problem.reason("en")


@pytest.mark.parametrize(
    ("written", "level"),
    [("débutant", "beginner"), ("Débutant", "beginner"), ("مبتدئ", "beginner"), ("intermédiaire", "intermediate"),
     ("متوسط", "intermediate"), ("avancé", "advanced"), ("متقدم", "advanced"), ("advanced", "advanced")],
)  # fmt: skip
def test_level_accepts_french_and_arabic_names(content_dir, make_course, written, level):
    make_course(meta={"level": written})
    (course,) = material.load(content_dir)
    assert course.level == level


def test_a_wrong_level_lists_the_allowed_values_in_the_trainers_language(content_dir, make_course):
    make_course(meta={"level": "facile"})
    (problem,) = material.check(content_dir)
    assert problem.code == "bad_level"
    assert "beginner (débutant)" in problem.reason("fr")
    assert "beginner (مبتدئ)" in problem.reason("ar")
    assert "beginner, intermediate, advanced" in problem.reason("en")


def test_status_is_not_translated_but_its_values_are_explained(content_dir, make_course):
    make_course(meta={"status": "publié"})
    (problem,) = material.check(content_dir)
    assert problem.code == "bad_status"
    assert "published (publié au catalogue)" in problem.reason("fr")


def test_quiz_feedback_defaults_to_explanations_and_takes_each_allowed_value(content_dir, make_course):
    make_course()
    make_course("reponses", meta={"quiz_feedback": "answers"})
    make_course("score", meta={"quiz_feedback": "score"})
    feedback = {course.slug: course.quiz_feedback for course in material.load(content_dir)}
    assert feedback == {"gouvernance": "explanations", "reponses": "answers", "score": "score"}


def test_a_wrong_quiz_feedback_names_the_allowed_values_with_its_line(content_dir, make_course):
    make_course(meta={"quiz_feedback": "solutions"})
    (problem,) = material.check(content_dir)
    assert (problem.code, problem.line) == ("bad_quiz_feedback", 9)  # after the 8 lines of the test course's header
    assert "« solutions »" in problem.reason("fr") and "answers (aussi les bonnes réponses)" in problem.reason("fr")
    assert "score (the score only)" in problem.reason("en")
    assert "explanations" in problem.reason("ar") and "النتيجة وحدها" in problem.reason("ar")
