"""The one reader for uploaded CSV and XLSX files (quick order, price-list import).

An upload is untrusted: a 2 KB .xlsx can inflate to gigabytes (a zip bomb), a CSV cell can be
megabytes long, a file can hold a million rows. Everything here is bounded before it is read:
the archive is checked from its central directory (member count, total inflated size,
compression ratio) before openpyxl opens it, the sheet is streamed in read-only mode, rows stop
at the caller's cap and every cell is capped in length. Problems come back as one
``UploadError`` with a message that says what is wrong and how to fix it.
"""

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _

from shop.errors import PortalError

MAX_MEMBERS = 200  # a workbook from Excel or LibreOffice holds a few dozen parts
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024  # all parts of the archive together, inflated
MAX_RATIO = 100  # inflated : compressed, per part; spreadsheets reach about 10-30
RATIO_CHECKED_FROM = 1024 * 1024  # a small part may compress as well as it likes
MAX_CELL_CHARS = 1000
# openpyxl builds a whole row in memory (about 0.5 KB a cell) and takes microseconds a
# cell: the sheets are scanned for these before it starts. Our files have a few columns.
MAX_CELLS_PER_ROW = 1000
MAX_CELLS = 500_000  # 20,000 price lines of 25 columns
_ROW = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]")
_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s/>]")
DELIMITERS = ("\t", ";", ",")


# What makes a spreadsheet run a cell as a formula (OWASP's CSV-injection list, the same set
# shop.csv_export neutralises on the way out). Checked on key and text cells of every upload.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def is_formula(text) -> bool:
    """Whether a cell would run as a formula in a spreadsheet (leading spaces do not hide it)."""
    if not isinstance(text, str) or not text:
        return False
    return text.startswith(FORMULA_PREFIXES) or text.lstrip(" \u00a0").startswith(FORMULA_PREFIXES)


def formula_message() -> str:
    """The one message for a refused formula cell, in the request's language."""
    return _(
        "Cells may not hold formulas: a cell may not start with =, +, -, @, a tab or a line "
        "break. Type the value itself."
    )


class UploadError(PortalError):
    """A whole-file problem with an upload, in words for the person who sent it."""


@dataclass
class Table:
    rows: list[tuple[int, list[str]]]  # (line number in the file, cells); blank rows left out
    more: bool = False  # the file has more non-blank rows than the cap


def is_xlsx(data: bytes) -> bool:
    return data[:4] == b"PK\x03\x04"


def _check_archive(data: bytes) -> None:
    """Refuse a zip that would inflate beyond the caps, from its central directory alone."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        raise UploadError(
            _("This .xlsx file could not be read: save it again, or as CSV UTF-8.")
        ) from None
    if len(members) > MAX_MEMBERS:
        raise UploadError(
            _(
                "This .xlsx file has %(count)s parts (at most %(max)s): "
                "save it again from your spreadsheet, or as CSV UTF-8."
            )
            % {"count": f"{len(members):,}", "max": MAX_MEMBERS}
        )
    total = sum(member.file_size for member in members)
    limit_mb = MAX_UNCOMPRESSED_BYTES // (1024 * 1024)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise UploadError(
            _(
                "This .xlsx file unpacks to %(size)s MB, more than %(max)s MB: "
                "split it, or save it as CSV UTF-8."
            )
            % {"size": f"{total // (1024 * 1024):,}", "max": limit_mb}
        )
    for member in members:
        if member.file_size < RATIO_CHECKED_FROM:
            continue
        if member.file_size > MAX_RATIO * max(member.compress_size, 1):
            raise UploadError(
                _(
                    "This .xlsx file is packed far more tightly than a spreadsheet "
                    "(%(ratio)s to 1 in one part), so it was not opened: "
                    "save it again from your spreadsheet, or as CSV UTF-8."
                )
                % {"ratio": f"{member.file_size // max(member.compress_size, 1):,}"}
            )
    sheets = [m for m in members if m.filename.startswith("xl/worksheets/") and m.file_size]
    try:
        for member in sheets:
            _check_sheet(data, member)
    except UploadError:
        raise
    except Exception:  # a corrupt part (bad CRC, unknown compression) reads as broken
        raise UploadError(
            _("This .xlsx file could not be read: save it again, or as CSV UTF-8.")
        ) from None


def _check_sheet(data: bytes, member: zipfile.ZipInfo) -> None:
    """Count a sheet's cells per row in its raw XML, streamed in 1 MB pieces (no parsing)."""
    total = in_row = row = 0
    tail = b""
    with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open(member) as sheet:
        while True:
            piece = sheet.read(1024 * 1024)
            buffer = tail + piece
            # A tag cut at the end of a piece is counted with the next one.
            end = len(buffer)
            last_tag = buffer.rfind(b"<")
            if piece and last_tag >= len(buffer) - 4096:
                end = last_tag
            start = 0
            for match in _ROW.finditer(buffer, 0, end):
                in_row += len(_CELL.findall(buffer, start, match.start()))
                total += in_row
                _check_cells(row, in_row, total)
                row, in_row, start = row + 1, 0, match.start() + 1
            in_row += len(_CELL.findall(buffer, start, end))
            _check_cells(row, in_row, total + in_row)
            tail = buffer[end:]
            if not piece:
                return


def _check_cells(row: int, in_row: int, total: int) -> None:
    if in_row > MAX_CELLS_PER_ROW:
        raise UploadError(
            _(
                "Line %(line)s of this .xlsx file has more than %(max)s cells: keep the "
                "columns the import needs, or save it as CSV UTF-8."
            )
            % {"line": f"{max(row, 1):,}", "max": f"{MAX_CELLS_PER_ROW:,}"}
        )
    if total > MAX_CELLS:
        raise UploadError(
            _(
                "This .xlsx file has more than %(max)s cells: keep the columns the import "
                "needs and split the lines, or save it as CSV UTF-8."
            )
            % {"max": f"{MAX_CELLS:,}"}
        )


def _cell_text(cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))  # a spreadsheet's 10.0 is the 10 that was typed
    return str(cell)


def _xlsx_rows(data: bytes) -> Iterator[list[str]]:
    from openpyxl import load_workbook

    _check_archive(data)
    try:
        # Formulas come through as their text ("=B1") so that callers refuse them rather
        # than trusting a cached value nobody sees.
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # any broken workbook gets the same clear answer
        raise UploadError(
            _("This .xlsx file could not be read: save it again, or as CSV UTF-8.")
        ) from None
    try:
        if not workbook.worksheets:
            raise UploadError(_("This .xlsx file has no sheet: put the lines on the first one."))
        for row in workbook.worksheets[0].iter_rows(values_only=True):
            yield [_cell_text(cell) for cell in row]
    except UploadError:
        raise
    except Exception:
        raise UploadError(
            _("This .xlsx file could not be read: save it again, or as CSV UTF-8.")
        ) from None
    finally:
        workbook.close()


def _decode(data: bytes, encodings: tuple[str, ...]) -> str:
    if b"\x00" in data[:4096]:
        raise UploadError(_("This is not a text CSV file (it contains binary data)."))
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UploadError(_("The file is not UTF-8 text: save it as 'CSV UTF-8' and upload again."))


def _delimiter(text: str) -> str:
    """The separator the first non-blank line uses most (tab, then ';', then ',' on a tie)."""
    first = next((line for line in io.StringIO(text) if line.strip()), "")
    return max(DELIMITERS, key=first.count)


def _csv_rows(text: str) -> Iterator[list[str]]:
    reader = csv.reader(io.StringIO(text), dialect=csv.excel, delimiter=_delimiter(text))
    try:
        yield from reader
    except csv.Error:
        raise UploadError(
            _(
                "Line %(line)s could not be read: a cell is far too long or a quote is not "
                "closed. Fix that line and upload again."
            )
            % {"line": f"{reader.line_num:,}"}
        ) from None


def read_table(
    *,
    data: bytes,
    max_rows: int,
    max_cell_chars: int = MAX_CELL_CHARS,
    encodings: tuple[str, ...] = ("utf-8-sig",),
) -> Table:
    """Read the first sheet of an .xlsx or a CSV into rows of text, within fixed bounds.

    At most ``max_rows`` non-blank rows are kept; ``Table.more`` says whether there were more.
    """
    rows: list[tuple[int, list[str]]] = []
    source = _xlsx_rows(data) if is_xlsx(data) else _csv_rows(_decode(data, encodings))
    more = False
    try:
        for number, cells in enumerate(source, start=1):
            if not any(cell.strip() for cell in cells):
                continue
            longest = max(len(cell) for cell in cells)
            if longest > max_cell_chars:
                raise UploadError(
                    _(
                        "Line %(line)s has a cell of %(length)s characters; a cell may hold "
                        "at most %(max)s. Fix that cell and upload again."
                    )
                    % {
                        "line": f"{number:,}",
                        "length": f"{longest:,}",
                        "max": f"{max_cell_chars:,}",
                    }
                )
            if len(rows) >= max_rows:
                more = True
                break
            rows.append((number, cells))
    finally:
        source.close()  # closes the workbook also when reading stopped early
    return Table(rows, more)
