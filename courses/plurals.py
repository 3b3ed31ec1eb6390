"""Which plural form a number takes, decimals included (CLDR's rules, which gettext's lack).

gettext chooses a form from a whole number. For a decimal, `plural_count` gives a whole number that
takes the same form in that language under CLDR's rules: French puts everything below 2 in the
singular ("1,5 heure", the Académie française's rule), English puts 1.5 in the plural
("1.5 hours"), Arabic uses the form for fractions ("1,5 ساعة").

No Flask, no database: the PDF uses it too.
"""

from __future__ import annotations

from functools import cache

from babel import Locale

_SEARCHED = range(0, 200)  # CLDR defines every category of our languages on some number below 200


@cache
def _representative(language: str, category: str) -> int:
    locale = Locale.parse(language)
    return next((n for n in _SEARCHED if locale.plural_form(n) == category), 11)


def plural_count(value: float, language: str | None) -> int:
    """A whole number that takes the plural form `value` takes in `language` (itself when whole)."""
    if float(value).is_integer():
        return int(value)
    language = str(language or "fr")
    return _representative(language, Locale.parse(language).plural_form(value))
