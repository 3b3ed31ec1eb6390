"""Learner exports people can open: their language, labels not codes, real dates, a column pair per module."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

from flask_babel import to_user_timezone
from openpyxl import load_workbook
from sqlalchemy import select

from courses.auth.models import User
from courses.coordination import exports
from courses.extensions import db
from tests.coordination.conftest import EXPECTED


def local(app, moment: datetime) -> datetime:
    """`moment` in the site's time zone (BABEL_DEFAULT_TIMEZONE), as the site converts it."""
    with app.test_request_context():
        return to_user_timezone(moment)


FRENCH_HEADER = [
    "Nom complet", "Nom complet en caractères arabes", "Adresse électronique", "Organisme", "Type d'organisme", "Région",
    "Fonction", "Session", "Compte activé", "État", "Modules terminés (sur 2)", "Inscrit le", "Terminé le",
    "Dernière activité", "Module 1 — état", "Module 1 — score", "Module 2 — état", "Module 2 — score",
]  # fmt: skip


def csv_rows(client, url: str, language: str = "fr") -> list[list[str]]:
    response = client.get(url, headers={"Accept-Language": language})
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""), delimiter=";"))


def test_csv_speaks_the_exporters_language(client, as_role, five):
    as_role("coordinator")
    url = f"/coordination/courses/gouvernance/report.csv?cohort={five}"
    header, *rows = csv_rows(client, url)
    assert header[: len(FRENCH_HEADER)] == FRENCH_HEADER[: len(header)] and len(header) == len(FRENCH_HEADER)
    by_email = {row[2]: row for row in rows}
    amal = by_email["a@example.ma"]
    assert amal[4:6] == ["Commune", "L'Oriental"]  # labels, not "commune" / "oriental"
    assert amal[7:10] == ["Session de Rabat", "Non", "Invité — compte non activé"]
    assert by_email["c@example.ma"][8:11] == ["Oui", "En cours (1/2)", "1"]
    assert by_email["d@example.ma"][9:11] == ["Terminé", "2"]
    arabic_header = csv_rows(client, url, "ar")[0]
    assert arabic_header[:3] == ["الاسم الكامل", "الاسم الكامل بالحروف العربية", "البريد الإلكتروني"]
    assert arabic_header[-4:] == ["الوحدة 1 — الحالة", "الوحدة 1 — النتيجة", "الوحدة 2 — الحالة", "الوحدة 2 — النتيجة"]
    assert "full_name" not in arabic_header


def test_csv_dates_are_iso_8601_in_the_sites_time_zone(app, client, as_role, five):
    as_role("coordinator")
    header, *rows = csv_rows(client, f"/coordination/courses/gouvernance/report.csv?cohort={five}")
    by_email = {row[2]: dict(zip(header, row, strict=True)) for row in rows}
    for email, (_state, _done, activity) in EXPECTED.items():
        cells = by_email[email]
        assert date.fromisoformat(cells["Inscrit le"])  # a plain date
        if activity is None:
            assert cells["Dernière activité"] == ""
        else:
            written = datetime.fromisoformat(cells["Dernière activité"])
            assert written == activity and written.utcoffset() == local(app, activity).utcoffset()
    assert by_email["d@example.ma"]["Terminé le"] == local(app, EXPECTED["d@example.ma"][2]).date().isoformat()
    assert by_email["c@example.ma"]["Terminé le"] == ""


def test_one_state_and_score_column_per_counted_module(client, as_role, five):
    as_role("coordinator")
    header, *rows = csv_rows(client, f"/coordination/courses/gouvernance/report.csv?cohort={five}")
    by_email = {row[2]: dict(zip(header, row, strict=True)) for row in rows}
    modules = ["Module 1 — état", "Module 1 — score", "Module 2 — état", "Module 2 — score"]
    assert [by_email["d@example.ma"][key] for key in modules] == ["Terminé", "", "Terminé", "100"]
    assert [by_email["e@example.ma"][key] for key in modules] == ["Non commencé", "", "En cours", "0"]
    assert [by_email["b@example.ma"][key] for key in modules] == ["Non commencé", "", "Non commencé", ""]


def test_xlsx_has_date_cells_and_numbers(app, client, as_role, five):
    as_role("coordinator")
    response = client.get("/coordination/courses/gouvernance/report.xlsx", headers={"Accept-Language": "fr"})
    sheet = load_workbook(io.BytesIO(response.data)).active
    header, *rows = [[cell for cell in row] for row in sheet.iter_rows()]
    assert [cell.value for cell in header] == FRENCH_HEADER
    column = {cell.value: index for index, cell in enumerate(header)}
    driss = next(row for row in rows if row[column["Adresse électronique"]].value == "d@example.ma")
    enrolled, activity = driss[column["Inscrit le"]], driss[column["Dernière activité"]]
    assert enrolled.is_date and isinstance(enrolled.value, datetime) and enrolled.number_format == "yyyy-mm-dd"
    assert activity.is_date and activity.number_format == "yyyy-mm-dd hh:mm"
    assert activity.value == local(app, EXPECTED["d@example.ma"][2]).replace(tzinfo=None)  # wall-clock
    assert driss[column["Module 2 — score"]].value == 100 and driss[column["Modules terminés (sur 2)"]].value == 2
    amal = next(row for row in rows if row[column["Adresse électronique"]].value == "a@example.ma")
    assert amal[column["Dernière activité"]].value is None


def test_cells_are_still_neutralised(app, client, as_role, five):
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "b@example.ma"))
        user.full_name, user.organisation = '=HYPERLINK("http://x")', "+212 5 37"
        db.session.commit()
    as_role("coordinator")
    _header, *rows = csv_rows(client, f"/coordination/courses/gouvernance/report.csv?cohort={five}")
    badr = next(row for row in rows if row[2] == "b@example.ma")
    assert badr[0] == '\'=HYPERLINK("http://x")' and badr[3] == "'+212 5 37"
    sheet = load_workbook(io.BytesIO(client.get("/coordination/courses/gouvernance/report.xlsx").data)).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert '\'=HYPERLINK("http://x")' in [cell.value for cell in cells]
    assert all(cell.data_type != "f" for cell in cells)


def test_rows_read_in_batches_are_the_same(app, client, as_role, five, monkeypatch):
    """Progress is read once per batch of learners: a batch boundary changes nothing."""
    as_role("coordinator")
    url = f"/coordination/courses/gouvernance/report.csv?cohort={five}"
    whole = csv_rows(client, url)
    monkeypatch.setattr(exports, "BATCH", 2)
    assert csv_rows(client, url) == whole and len(whole) == 1 + 5
