"""Every language words every content error, with the same placeholders as French."""

from __future__ import annotations

import string
from pathlib import Path

import pytest

from courses.material.errors import error
from courses.material.messages import MESSAGES


def placeholders(template: str) -> list[str]:
    return sorted(name for _, name, _, _ in string.Formatter().parse(template) if name is not None)


@pytest.mark.parametrize("language", sorted(MESSAGES))
def test_every_language_has_exactly_the_french_keys(language):
    assert set(MESSAGES[language]) == set(MESSAGES["fr"])


@pytest.mark.parametrize("language", sorted(MESSAGES))
def test_placeholders_match_french(language):
    for code, french in MESSAGES["fr"].items():
        assert placeholders(MESSAGES[language][code]) == placeholders(french), (language, code)


def test_arabic_is_available():
    assert "ar" in MESSAGES


def test_reason_in_arabic():
    problem = error(Path("content/cours/01-a.md"), 2, "unknown_key", key="titel", allowed="title, minutes")
    reason = problem.reason("ar")
    assert reason == "مفتاح غير معروف « titel » (المفاتيح المسموح بها: title, minutes)"
    assert problem.format("ar").endswith(f"01-a.md:2: {reason}")
