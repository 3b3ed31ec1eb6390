"""Tables written for spreadsheets: CSV for Excel (UTF-8 BOM, semicolons) and XLSX.

Every export writes its cells through here, so every one gets the same protection: a cell is
data, never a formula. Text starting with `=`, `+`, `-`, `@` (or a tab or carriage return, which
some spreadsheets skip before reading a formula) is written with a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

import xlsxwriter

BOM = "\ufeff"
SEPARATOR = ";"  # what Excel expects in French locales
CHUNK_ROWS = 500
CSV_MIMETYPE = "text/csv; charset=utf-8"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
        self._writer.writerow([neutralise(str(v)) if v is not None else "" for v in row])

    def take(self) -> str:
        text = self._buffer.getvalue()
        self._buffer.seek(0)
        self._buffer.truncate()
        return text


def csv_stream(header: list[str], rows: Iterable[Iterable]) -> Iterator[str]:
    """CSV text in chunks of CHUNK_ROWS rows (see CsvWriter)."""
    writer = CsvWriter(header)
    for count, row in enumerate(rows, start=1):
        writer.writerow(row)
        if count % CHUNK_ROWS == 0:
            yield writer.take()
    yield writer.take()


def xlsx_bytes(sheet: str, header: list[str], rows: Iterable[list]) -> bytes:
    """An XLSX workbook with one sheet (constant_memory: rows are flushed as they are written)."""
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {"constant_memory": True, "strings_to_formulas": False})
    worksheet = workbook.add_worksheet(sheet[:31])
    bold = workbook.add_format({"bold": True})
    worksheet.write_row(0, 0, header, bold)
    for index, row in enumerate(rows, start=1):
        worksheet.write_row(index, 0, [neutralise(v) if isinstance(v, str) else v for v in row])
    workbook.close()
    return output.getvalue()
