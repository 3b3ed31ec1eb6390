"""How account values read in the interface language."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

from flask_babel import force_locale, format_percent
from flask_babel import lazy_gettext as _l

from courses.auth.territory import ORGANISATION_TYPES, REGIONS

ROLE_NAMES = {
    "learner": _l("Learner"),
    "trainer": _l("Trainer"),
    "coordinator": _l("Coordinator"),
    "admin": _l("Administrator"),
}


def role_name(role: str) -> str:
    return str(ROLE_NAMES.get(role, role))


def region_name(code: str | None) -> str:
    return str(REGIONS[code]) if code in REGIONS else str(_l("Not given"))


def organisation_type_name(code: str | None) -> str:
    return str(ORGANISATION_TYPES[code]) if code in ORGANISATION_TYPES else str(_l("Not given"))


def spellings(labels: Mapping[str, object], languages: Iterable[str]) -> Iterator[tuple[str, str]]:
    """(label, code) for each code of `labels` (ORGANISATION_TYPES, REGIONS) as it reads in each language.

    What people may type for a code in a file: the sign-up form's own words, in any interface language.
    Needs an application context for the translations (without one, labels read as their msgids).
    """
    for language in languages:
        with force_locale(language):
            for code, label in labels.items():
                yield str(label), code


def allowed_names(labels: Mapping[str, object]) -> list[str]:
    """The labels of `labels` in the current language, in their order: what a refusal lists as allowed."""
    return [str(label) for label in labels.values()]


def breakdown_bar(breakdown) -> tuple[str, float, str]:
    """A report breakdown by region as a chart bar: label, rate, "rate (completed/enrolled)"."""
    text = f"{format_percent(breakdown.rate)} ({breakdown.completed}/{breakdown.enrolled})"
    return region_name(breakdown.key), breakdown.rate, text
