"""One date convention for the web, mail and certificates: Arabic months the Moroccan way."""

from __future__ import annotations

from datetime import date

from flask import render_template_string
from flask_babel import force_locale

from courses.dates import date_locale, format_day

NOVEMBER = date(2026, 11, 5)


def test_arabic_months_are_the_moroccan_ones():
    assert date_locale("ar") == "ar_MA" and date_locale("fr") == "fr"
    assert format_day(NOVEMBER, "long", "ar") == "5 نونبر 2026"
    assert format_day(NOVEMBER, "long", "fr") == "5 novembre 2026"


def test_the_templates_filters_say_what_the_pdf_says(app):
    with app.test_request_context(), force_locale("ar"):
        shown = render_template_string("{{ d|dateformat('long') }}", d=NOVEMBER)
    assert shown == format_day(NOVEMBER, "long", "ar") and "نوفمبر" not in shown
