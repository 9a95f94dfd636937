"""The one CSV writer for every export: ours (price lists, basket) and Oscar's dashboard.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is run as a
formula by Excel and LibreOffice (``=HYPERLINK("http://x","y")`` in a buyer's name becomes a
link on an account manager's screen). Such text gets a leading ``'``, in every column, so it
is shown as typed. Numbers stay numbers: only text is touched (objects are written as their text), and text
that is just a number ("-5", "+3.25") is left alone because no spreadsheet runs it.
"""

import csv
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from oscar.core.compat import UnicodeCSVWriter

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+([.,][0-9]+)?")


def spreadsheet_safe(value: Any) -> Any:
    """Return the value as a spreadsheet will show it, never as a formula it would run."""
    if value is None or isinstance(value, int | float | Decimal):
        return value  # csv writes these as numbers (or nothing); -5 stays -5
    # Anything else is written as its text: a model instance (Oscar's product report
    # writes the Product), a lazy translation, a date.
    text = str(value)
    if text.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(text):
        return f"'{text}"
    return text


class SafeCSVWriter:
    """``csv.writer`` whose rows are made spreadsheet-safe cell by cell."""

    def __init__(self, file, **kwargs):
        self._writer = csv.writer(file, **kwargs)

    def writerow(self, row: Iterable) -> Any:
        return self._writer.writerow([spreadsheet_safe(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(file, **kwargs) -> SafeCSVWriter:
    """Return the writer every CSV export uses (arguments as for ``csv.writer``)."""
    return SafeCSVWriter(file, **kwargs)


class SafeUnicodeCSVWriter(UnicodeCSVWriter):
    """Oscar's dashboard writer (Excel dialect, optional BOM) with the same safe cells."""

    def writerow(self, row: Iterable) -> None:
        super().writerow([spreadsheet_safe(cell) for cell in row])
