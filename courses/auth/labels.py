"""How account values read in the interface language."""

from __future__ import annotations

from flask_babel import format_percent
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


def breakdown_bar(breakdown) -> tuple[str, float, str]:
    """A report breakdown by region as a chart bar: label, rate, "rate (completed/enrolled)"."""
    text = f"{format_percent(breakdown.rate)} ({breakdown.completed}/{breakdown.enrolled})"
    return region_name(breakdown.key), breakdown.rate, text
