"""How catalog values read in the interface language."""

from __future__ import annotations

from flask_babel import format_decimal, ngettext
from flask_babel import lazy_gettext as _l

LEVEL_NAMES = {
    "beginner": _l("Beginner"),
    "intermediate": _l("Intermediate"),
    "advanced": _l("Advanced"),
}

STATUS_NAMES = {
    "draft": _l("Draft"),
    "published": _l("Published"),
    "archived": _l("Archived"),
}


def level_name(level: str | None) -> str:
    return str(LEVEL_NAMES.get(level or "", level or ""))


def status_name(status: str) -> str:
    """A course's `status:` value as the interface calls it ("published" -> "Publié")."""
    return str(STATUS_NAMES.get(status, status))


def hours_label(hours: float) -> str:
    """`6 hours`, `1.5 hours` (`1,5 heures` in French), with the locale's decimal sign."""
    whole = float(hours).is_integer()
    # A fractional duration takes the plural that fits "many" in every language we ship.
    count = int(hours) if whole else 11
    return ngettext("%(hours)s hour", "%(hours)s hours", count, hours=format_decimal(int(hours) if whole else hours))


def minutes_label(minutes: int) -> str:
    return ngettext("%(minutes)s minute", "%(minutes)s minutes", minutes, minutes=format_decimal(minutes))
