"""Interface language: the user's saved choice, then the switcher's cookie, then the browser, then French."""

from __future__ import annotations

import zoneinfo
from datetime import datetime

from babel import dates
from babel.units import format_unit
from flask import Blueprint, Flask, current_app, g, redirect, request
from flask_babel import get_locale, get_timezone, to_user_timezone
from flask_login import current_user

from courses.dates import date_locale
from courses.extensions import babel, db
from courses.text import elide
from courses.urls import safe_next_url

bp = Blueprint("i18n", __name__)

COOKIE = "lang"
RIGHT_TO_LEFT = frozenset({"ar"})
LANGUAGE_NAMES = {"fr": "Français", "ar": "العربية", "en": "English"}


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    preferred = getattr(current_user, "preferred_language", None)
    if preferred in languages:
        return preferred
    if request.cookies.get(COOKIE) in languages:
        return request.cookies[COOKIE]
    if g.get("link_language") in languages:  # an emailed link speaks its recipient's language (auth.views.reset)
        return g.link_language
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


def direction(language: str | None) -> str:
    """'rtl' for right-to-left languages, else 'ltr'."""
    return "rtl" if language in RIGHT_TO_LEFT else "ltr"


@bp.post("/language")
def switch():
    """Remember the chosen language in a cookie (and on the account of who is signed in) and go back
    where the user was."""
    language = request.form.get("language", "")
    response = _chosen(language, request.form.get("next"))
    known = language in current_app.config["LANGUAGES"]
    if known and current_user.is_authenticated and current_user.preferred_language != language:
        current_user.preferred_language = language  # the saved choice would otherwise win
        db.session.commit()
    return response


@bp.get("/language")
def choose():
    """The visitors' switch: a plain GET form, so public pages carry no CSRF token and need no session
    (they can then be kept whole, see catalog.pagecache). It only sets the visitor's cookie; an
    account's saved language changes only through the POST form signed-in people get."""
    return _chosen(request.args.get("language", ""), request.args.get("next"))


def _chosen(language: str, next_url: str | None):
    response = redirect(safe_next_url(next_url))
    if language in current_app.config["LANGUAGES"]:
        response.set_cookie(COOKIE, language, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return response


def upload_limit() -> str:
    """The largest request the site accepts (MAX_CONTENT_LENGTH), in words: "5 mégaoctets", "5 megabytes"."""
    size = current_app.config["MAX_CONTENT_LENGTH"]
    value, unit = (size / 2**20, "digital-megabyte") if size >= 2**20 else (size / 2**10, "digital-kilobyte")
    value = int(value) if value == int(value) else round(value, 1)
    return format_unit(value, unit, length="long", locale=get_locale())


def dateformat(value, format: str = "medium") -> str:
    """Template filter: a date in the current language, Arabic months the Moroccan way (courses.dates).

    Babel is called with the locale (Flask-Babel's `force_locale` would switch the whole request's
    translations for each date, and a report's table formats a hundred).
    """
    if isinstance(value, datetime):
        value = to_user_timezone(value)
    return dates.format_date(value, format, locale=date_locale(get_locale()))


def datetimeformat(value, format: str = "medium") -> str:
    """Template filter: a moment in the site's time zone and the current language (see `dateformat`)."""
    return dates.format_datetime(value, format, tzinfo=get_timezone(), locale=date_locale(get_locale()))


def elided(text: str) -> str:
    """`text` (a translated sentence with a name in it) with French elision: "Rôle d'Amina" (courses.text.elide).

    Also the template filter `elide`: `{{ _('Role of %(name)s', name=…)|elide }}`.
    """
    return elide(text, str(get_locale()))


def comma(language: str) -> str:
    """What stands between the items of a list, as the language writes it."""
    return "، " if language == "ar" else ", "


def colon(language: str) -> str:
    """What stands before a detail ("Non valide : …"): French puts a space before the colon."""
    return " : " if language == "fr" else ": "


def _template_globals() -> dict:
    language = str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])
    return {
        "current_language": language,
        "text_direction": direction(language),
        "language_names": LANGUAGE_NAMES,
        "direction_of": direction,
        "upload_limit": upload_limit,
        "comma": comma(language),  # between the items of a list, as the language writes it
        "colon": colon(language),
    }


def init_app(app: Flask) -> None:
    # One source of time-zone rules: the `tzdata` package (the IANA release pytz, behind the pages'
    # date filters, ships too), never the system's copy, which may be older. Morocco's offsets
    # change (around Ramadan, and in 2026): a day stored with one table and shown with another
    # would move by an hour.
    zoneinfo.reset_tzpath(to=())
    zoneinfo.ZoneInfo.clear_cache()  # zones read before (a library at import) are read again
    babel.init_app(app, locale_selector=select_locale)
    app.register_blueprint(bp)
    app.context_processor(_template_globals)
    # In place of Flask-Babel's filters of the same names: one date convention everywhere.
    app.jinja_env.filters.update(dateformat=dateformat, datetimeformat=datetimeformat, elide=elided)
