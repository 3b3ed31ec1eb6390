"""Decimal numbers take the plural form CLDR gives them: "1,5 heure" in French, "1.5 hours" in English."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from courses.catalog.labels import hours_label
from courses.plurals import plural_count


@pytest.mark.parametrize(
    ("language", "hours", "expected"),
    [
        ("fr", 1.5, "1,5 heure"),  # below 2: singular (Académie française)
        ("fr", 2.5, "2,5 heures"),
        ("fr", 1, "1 heure"),
        ("en", 1.5, "1.5 hours"),
        ("en", 1, "1 hour"),
        ("ar", 1.5, "1.5 ساعة"),
        ("ar", 2, "ساعتان"),
    ],
)
def test_hours_read_right(app, language, hours, expected):
    with app.test_request_context(), force_locale(language):
        assert hours_label(hours) == expected


def test_whole_numbers_are_their_own_count():
    assert plural_count(7, "fr") == 7 and plural_count(1.5, "fr") <= 1 and plural_count(1.5, "en") != 1
