"""CSV and XLSX writing shared by every export: BOM, separator, formulas kept as text."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from openpyxl import load_workbook

from courses import tabular

DANGEROUS = ["=1+1", "+33 6 12", "-2", "@SUM(A1)", "\t=cmd", "\r=cmd"]


@pytest.mark.parametrize("value", DANGEROUS)
def test_leading_formula_characters_are_kept_as_text(value):
    assert tabular.neutralise(value) == "'" + value


@pytest.mark.parametrize("value", ["", "Salma", "سلمى", "a=b", "1-2", " =x", "'quoted"])
def test_ordinary_text_is_unchanged(value):
    assert tabular.neutralise(value) == value


def parse(text: str) -> list[list[str]]:
    assert text.startswith(tabular.BOM)
    return list(csv.reader(io.StringIO(text.removeprefix(tabular.BOM), newline=""), delimiter=";"))


def test_csv_has_a_bom_semicolons_and_neutralised_cells():
    text = "".join(
        tabular.csv_stream(["name", "note", "hours"], [["Zineb; Idrissi", "=HYPERLINK(1)", 8.5], ["سلمى", None, 0]])
    )
    assert text.startswith("\ufeffname;note;hours\r\n")
    assert parse(text) == [["name", "note", "hours"], ["Zineb; Idrissi", "'=HYPERLINK(1)", "8.5"], ["سلمى", "", "0"]]
    assert text.encode("utf-8").startswith(b"\xef\xbb\xbf")


def test_csv_header_is_written_as_given():
    assert parse("".join(tabular.csv_stream(["-minus"], []))) == [["-minus"]]


def test_csv_streams_in_chunks_of_rows():
    rows = [[str(n)] for n in range(2 * tabular.CHUNK_ROWS + 1)]
    chunks = list(tabular.csv_stream(["n"], rows))
    assert len(chunks) == 3
    assert chunks[0].startswith(tabular.BOM) and not chunks[1].startswith(tabular.BOM)
    assert parse("".join(chunks))[1:] == rows


def test_csv_writer_hands_out_what_was_written_since_the_last_take():
    writer = tabular.CsvWriter(["code"])
    writer.writerow(["-1"])
    first = writer.take()
    writer.writerow(["TDB-2"])
    assert first == "\ufeffcode\r\n'-1\r\n" and writer.take() == "TDB-2\r\n" and writer.take() == ""


def test_xlsx_is_readable_and_never_holds_a_formula():
    data = tabular.xlsx_bytes("a sheet name longer than thirty-one characters", ["name", "formula", "hours"],
                              [["Salma", "=1+1", 8], ["سلمى", "@SUM(A1)", None]])  # fmt: skip
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook.active
    assert sheet.title == "a sheet name longer than thirty"
    assert [[cell.value for cell in row] for row in sheet.iter_rows()] == [
        ["name", "formula", "hours"],
        ["Salma", "'=1+1", 8],
        ["سلمى", "'@SUM(A1)", None],
    ]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert sheet["A1"].font.bold


PLUS_ONE = timezone(timedelta(hours=1))


def test_csv_writes_dates_and_times_in_iso_8601():
    moment = datetime(2026, 11, 2, 10, 15, 30, 123456, tzinfo=PLUS_ONE)
    rows = parse("".join(tabular.csv_stream(["day", "moment"], [[date(2026, 11, 2), moment]])))
    assert rows[1] == ["2026-11-02", "2026-11-02T10:15:30+01:00"]
    assert datetime.fromisoformat(rows[1][1]) == moment.replace(microsecond=0)


def test_xlsx_writes_dates_and_times_as_date_cells_at_their_wall_clock_time():
    moment = datetime(2026, 11, 2, 10, 15, tzinfo=PLUS_ONE)
    data = tabular.xlsx_bytes("s", ["day", "moment", "utc"], [[date(2026, 11, 2), moment, moment.astimezone(UTC)]])
    day, local, utc = next(load_workbook(io.BytesIO(data)).active.iter_rows(min_row=2))
    assert day.is_date and day.value == datetime(2026, 11, 2) and day.number_format == tabular.XLSX_DATE_FORMAT
    assert local.is_date and local.value == datetime(2026, 11, 2, 10, 15)
    assert local.number_format == tabular.XLSX_DATETIME_FORMAT
    assert utc.value == datetime(2026, 11, 2, 9, 15)


def test_xlsx_freezes_and_filters_its_header_sizes_columns_and_reads_right_to_left_in_arabic():
    import openpyxl

    header = ["الاسم الكامل", "Nom complet en caractères arabes, une colonne au titre très long pour voir"]
    data = tabular.xlsx_bytes("s", header, [["سلمى", "Salma"], ["كريم", "Karim"]], right_to_left=True)
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:B3"
    assert sheet.sheet_view.rightToLeft
    assert sheet.column_dimensions["A"].width >= 12 and sheet.column_dimensions["B"].width <= 41
    plain = openpyxl.load_workbook(io.BytesIO(tabular.xlsx_bytes("s", ["a"], [["b"]]))).active
    assert not plain.sheet_view.rightToLeft
