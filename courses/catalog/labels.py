"""How catalog values read in the interface language."""

from __future__ import annotations

from flask_babel import format_decimal, get_locale, ngettext
from flask_babel import lazy_gettext as _l

from courses.plurals import plural_count

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
    """`6 hours`, `1.5 hours` (`1,5 heure` in French: singular below 2), with the locale's decimal sign."""
    whole = float(hours).is_integer()
    count = plural_count(hours, str(get_locale()))
    return ngettext("%(hours)s hour", "%(hours)s hours", count, hours=format_decimal(int(hours) if whole else hours))


def minutes_label(minutes: int) -> str:
    return ngettext("%(minutes)s minute", "%(minutes)s minutes", minutes, minutes=format_decimal(minutes))
