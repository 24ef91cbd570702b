"""Streaming CSV and bounded-memory XLSX downloads of a table of any length.

Both take the header and an iterator of rows and never hold more than one row (CSV) or one
row plus openpyxl's write buffer (XLSX) in memory: the XLSX sheet is written row by row into
an unnamed temporary file on disk that is then streamed in 64 KB chunks.
"""

import csv
import datetime as dt
import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal

from django.http import StreamingHttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from durchstarten.exports.sanitise import neutralise, xlsx_text

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOM = "\ufeff"
DATE_FORMAT = "DD.MM.YYYY"
# Sheet names may hold at most 31 characters.
SHEET_NAME_LENGTH = 31


class _Line:
    """A file-like object for csv.writer that hands back what was written."""

    def write(self, value: str) -> str:
        return value


def _csv_cell(value: object) -> str:
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, int):
        # A number is no formula, also when negative.
        return str(value)
    if isinstance(value, Decimal | float):
        # German spreadsheets read a comma as the decimal separator.
        return str(value).replace(".", ",")
    return neutralise(value)


def csv_lines(header: Sequence[str], rows: Iterable[Sequence]) -> Iterator[str]:
    """The CSV text line by line: a BOM, semicolons, every text cell neutralised."""
    writer = csv.writer(_Line(), delimiter=";")
    yield BOM + writer.writerow([neutralise(cell) for cell in header])
    for row in rows:
        yield writer.writerow([_csv_cell(cell) for cell in row])


def _attachment(response, filename: str):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence]):
    """A streamed CSV download as German Excel expects it."""
    response = StreamingHttpResponse(
        (line.encode("utf-8") for line in csv_lines(header, rows)), content_type=CSV_TYPE
    )
    return _attachment(response, filename)


def _xlsx_cell(sheet, value: object):
    if value is None or isinstance(value, bool | int | float | Decimal):
        return WriteOnlyCell(sheet, value=value)
    if isinstance(value, dt.datetime):
        value = value.replace(tzinfo=None)
    if isinstance(value, dt.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    return WriteOnlyCell(sheet, value=xlsx_text(value))


def write_xlsx(target, title: str, header: Sequence[str], rows: Iterable[Sequence]) -> int:
    """Write one sheet into the binary file ``target``; returns the number of data rows."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=xlsx_text(title)[:SHEET_NAME_LENGTH] or "Export")
    bold = Font(bold=True)
    heading = []
    for label in header:
        cell = WriteOnlyCell(sheet, value=xlsx_text(label))
        cell.font = bold
        heading.append(cell)
    sheet.append(heading)
    sheet.freeze_panes = "A2"
    count = 0
    for row in rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row])
        count += 1
    workbook.save(target)
    return count


class _FileChunks:
    """A temporary file's content in 64 KB chunks, read through its own descriptor.

    A raw descriptor rather than a file object: a response nobody reads to the end (a client
    that disconnects, a test) is dropped with its file still open, and then a file object
    would complain; the descriptor is closed when read to the end, when the response is
    closed, or when this object is dropped.
    """

    size = 64 * 1024

    def __init__(self, fd: int):
        self.fd: int | None = fd

    def __iter__(self) -> Iterator[bytes]:
        while self.fd is not None and (chunk := os.read(self.fd, self.size)):
            yield chunk
        self.close()

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None

    def __del__(self) -> None:
        self.close()


def xlsx_response(
    filename: str, title: str, header: Sequence[str], rows: Iterable[Sequence]
) -> tuple[StreamingHttpResponse, int]:
    """An XLSX download written to a temporary file and streamed from there, and the number
    of its data rows."""
    with tempfile.TemporaryFile() as target:
        count = write_xlsx(target, title, header, rows)
        size = target.tell()
        fd = os.dup(target.fileno())
    os.lseek(fd, 0, os.SEEK_SET)
    response = StreamingHttpResponse(_FileChunks(fd), content_type=XLSX_TYPE)
    response["Content-Length"] = str(size)
    return _attachment(response, filename), count
