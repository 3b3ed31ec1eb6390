"""Dates as people read them, the same on the web, in mail and on certificates.

Arabic months follow the Moroccan convention (يناير، فبراير، مارس، أبريل، ماي، يونيو، يوليوز، غشت،
شتنبر، أكتوبر، نونبر، دجنبر: CLDR's `ar_MA`), the names used by Moroccan administrations and
on our certificates, rather than the Middle-Eastern نوفمبر of CLDR's generic `ar`. Every date shown
goes through `date_locale` (templates' `dateformat`/`datetimeformat` filters, the audit log,
the PDF), so the web page and the PDF never disagree.

No Flask, no database: the PDF drawing calls these too.
"""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_date

# The locale whose calendar each interface language uses for dates.
DATE_LOCALES = {"ar": "ar_MA"}


def date_locale(language: str | None) -> str:
    """The Babel locale to format dates with in `language` ("ar" → "ar_MA")."""
    language = str(language or "fr")
    return DATE_LOCALES.get(language, language)


def format_day(value: date | datetime, format: str = "long", language: str | None = "fr") -> str:
    """`value` as a day in `language`: "5 novembre 2026", "5 نونبر 2026", "November 5, 2026"."""
    return format_date(value, format, locale=date_locale(language))
