"""Tables written for spreadsheets: CSV for Excel (UTF-8 BOM, semicolons) and XLSX.

Every export writes its cells through here, so every one gets the same protection: a cell is
data, never a formula. Text starting with `=`, `+`, `-`, `@` (or a tab or carriage return, which
some spreadsheets skip before reading a formula) is written with a leading apostrophe.

Dates and times are values, not text: CSV writes them in ISO 8601 (`2026-11-02`,
`2026-11-02T10:15:00+01:00`), XLSX as date cells with a date format, so spreadsheets sort and
compute with them. A time is written as the wall-clock time it carries: callers convert it to the
reader's time zone first (Excel cells have no time zone; the CSV keeps the offset).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date, datetime

import xlsxwriter

BOM = "\ufeff"
SEPARATOR = ";"  # what Excel expects in French locales
CHUNK_ROWS = 500
CSV_MIMETYPE = "text/csv; charset=utf-8"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_DATE_FORMAT = "yyyy-mm-dd"
XLSX_DATETIME_FORMAT = "yyyy-mm-dd hh:mm"


def neutralise(value: str) -> str:
    """Cells are data, never formulas: a leading =, +, -, @ (or tab/CR) is kept as text."""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


class CsvWriter:
    """CSV text for Excel, written row by row: UTF-8 BOM and header first, cells neutralised.

    `take()` hands out the text written since the last call, so callers can stream it.
    """

    def __init__(self, header: list[str]):
        self._buffer = io.StringIO()
        self._writer = csv.writer(self._buffer, delimiter=SEPARATOR)
        self._buffer.write(BOM)  # Excel then reads accents and Arabic
        self._writer.writerow(header)

    def writerow(self, row: Iterable) -> None:
        self._writer.writerow([_csv_cell(v) for v in row])

    def take(self) -> str:
        text = self._buffer.getvalue()
        self._buffer.seek(0)
        self._buffer.truncate()
        return text


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return neutralise(str(value))


def csv_stream(header: list[str], rows: Iterable[Iterable]) -> Iterator[str]:
    """CSV text in chunks of CHUNK_ROWS rows (see CsvWriter)."""
    writer = CsvWriter(header)
    for count, row in enumerate(rows, start=1):
        writer.writerow(row)
        if count % CHUNK_ROWS == 0:
            yield writer.take()
    yield writer.take()


def xlsx_bytes(sheet: str, header: list[str], rows: Iterable[list], right_to_left: bool = False) -> bytes:
    """An XLSX workbook with one sheet (constant_memory: rows are flushed as they are written): the
    header frozen and filterable, columns as wide as their header (within reason), the sheet
    right-to-left for an Arabic reader."""
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {"constant_memory": True, "strings_to_formulas": False})
    worksheet = workbook.add_worksheet(sheet[:31])
    if right_to_left:
        worksheet.right_to_left()
    bold = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    dates = workbook.add_format({"num_format": XLSX_DATE_FORMAT})
    times = workbook.add_format({"num_format": XLSX_DATETIME_FORMAT})
    for column, title in enumerate(header):
        worksheet.set_column(column, column, min(max(len(title) + 2, 12), 40))
    worksheet.freeze_panes(1, 0)
    worksheet.write_row(0, 0, header, bold)
    last = 0
    for index, row in enumerate(rows, start=1):
        last = index
        for column, value in enumerate(row):
            if isinstance(value, datetime):  # Excel has no time zones: the wall-clock time it carries
                worksheet.write_datetime(index, column, value.replace(tzinfo=None), times)
            elif isinstance(value, date):
                worksheet.write_datetime(index, column, value, dates)
            else:
                worksheet.write(index, column, neutralise(value) if isinstance(value, str) else value)
    if header:
        worksheet.autofilter(0, 0, last, len(header) - 1)
    workbook.close()
    return output.getvalue()
