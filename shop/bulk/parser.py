"""Parse a buyer's quick order: pasted lines or an uploaded CSV/XLSX file, into SKU and quantity.

Pure functions, no database: every line comes back, with what is wrong with it in words,
so that nothing is dropped silently.
"""

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from shop import uploads

MAX_LINES = 10_000
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_QUANTITY = 1_000_000
_SEPARATORS = re.compile(r"[\t;,]+|\s+")
_EMPTY_FIRST_COLUMN = re.compile(r"[ \ufeff]*[\t;,]")
_SKU_SHAPE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$")


@dataclass
class ParsedLine:
    line: int
    sku: str
    quantity: int | None
    raw: str
    errors: list[str] = field(default_factory=list)
    merged_lines: list[int] = field(default_factory=list)
    quantity_text: str = ""  # as typed, shown back when it could not be read
    # When the line did not read as "SKU quantity": everything before the last part as one
    # code, and the last part as the quantity. A customer's part number may hold spaces
    # ("RAS FIL 0815 3"); the quick order takes this reading if the code is one of the
    # buyer company's part numbers (compared as letters and digits, like everywhere else).
    spaced: tuple[str, int] | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class ParseResult:
    lines: list[ParsedLine]
    error: str = ""  # a problem with the whole input


def _quantity(text: str, errors: list[str]) -> int | None:
    text = text.strip()
    if not text:
        errors.append(_("The quantity is missing."))
        return None
    normalised = text.replace(" ", "").replace("\u00a0", "")
    if re.fullmatch(r"-\d+([.,]\d+)?", normalised):
        errors.append(_("The quantity must be more than zero."))
        return None
    # "10.0" from a spreadsheet is 10; "1.000" could be one or a thousand: refused, not guessed.
    if not re.fullmatch(r"\d+([.,]0{1,2})?", normalised):
        errors.append(_("'%(value)s' is not a whole number.") % {"value": text[:20]})
        return None
    value = int(re.split(r"[.,]", normalised)[0])
    if value <= 0:
        errors.append(_("The quantity must be more than zero."))
        return None
    if value > MAX_QUANTITY:
        errors.append(
            _("%(value)s is more than we can take in one line (%(max)s).")
            % {"value": value, "max": f"{MAX_QUANTITY:,}"}
        )
        return None
    return value


def is_whole(text) -> bool:
    """Whether form text is a plain whole number (ASCII digits; "²" passes isdigit() but not int())."""
    return bool(re.fullmatch(r"[0-9]{1,9}", str(text).strip()))


def parse_line(number: int, raw: str) -> ParsedLine | None:
    """Parse one pasted line; None for a blank line."""
    text = raw.strip().strip("\ufeff")
    if not text or not text.strip("\t;, "):
        return None
    parts = [part for part in _SEPARATORS.split(text) if part]
    sku = parts[0].strip().strip("\"'") if parts else ""
    errors: list[str] = []
    if len(parts) == 1 and _EMPTY_FIRST_COLUMN.match(raw) and is_whole(sku):
        # ", 4" (a spreadsheet's empty SKU cell): what is there is the quantity, not a SKU.
        errors.append(_("The SKU is missing: write it before the quantity (e.g. 'BRG-000123 10')."))
        return ParsedLine(number, "", None, raw[:200], errors, quantity_text=sku[:20])
    if uploads.is_formula(sku):
        errors.append(uploads.formula_message())
    elif not _SKU_SHAPE.match(sku):
        errors.append(_("'%(sku)s' does not look like a SKU.") % {"sku": sku[:30]})
    if len(parts) < 2:
        errors.append(_("Add a quantity after the SKU (e.g. 'BRG-000123 10')."))
        return ParsedLine(number, sku[:64], None, raw[:200], errors)
    if len(parts) > 2:
        errors.append(_("Write one SKU and one quantity per line."))
    quantity = _quantity(parts[1].strip("\"'"), errors)
    return ParsedLine(
        number, sku[:64].upper(), quantity, raw[:200], errors, quantity_text=parts[1][:20],
        spaced=_spaced_reading(parts) if errors else None,
    )  # fmt: skip


def _spaced_reading(parts: list[str]) -> tuple[str, int] | None:
    """The line read as one code with spaces and a quantity, if it can be read so at all."""
    code, last = " ".join(parts[:-1]).strip("\"'"), parts[-1].strip("\"'")
    errors: list[str] = []
    # A leading zero is a piece of the code ("RAS FIL 0815" without a quantity), not a count.
    if len(parts) < 2 or last.startswith("0") or not code or len(code) > 64:
        return None
    quantity = _quantity(last, errors)
    if errors or uploads.is_formula(code) or not any(ch.isalnum() for ch in code):
        return None
    return code, quantity


def merge_duplicates(lines: list[ParsedLine]) -> list[ParsedLine]:
    """Merge valid lines with the same SKU into the first one, summing quantities, and say so."""
    first: dict[str, ParsedLine] = {}
    result = []
    for parsed in lines:
        if parsed.ok and parsed.sku in first:
            keeper = first[parsed.sku]
            keeper.quantity = min(MAX_QUANTITY, (keeper.quantity or 0) + (parsed.quantity or 0))
            keeper.merged_lines.append(parsed.line)
            continue
        if parsed.ok:
            first[parsed.sku] = parsed
        result.append(parsed)
    return result


def parse_text(text: str) -> ParseResult:
    """Parse pasted text (also a copy from a spreadsheet: tab-separated)."""
    raw_lines = text.splitlines()
    if len(raw_lines) > MAX_LINES:
        return ParseResult(
            [],
            ngettext(
                "%(count)s line is more than %(max)s: split the order.",
                "%(count)s lines is more than %(max)s: split the order.",
                len(raw_lines),
            )
            % {"count": f"{len(raw_lines):,}", "max": f"{MAX_LINES:,}"},
        )
    lines = [p for n, raw in enumerate(raw_lines, start=1) if (p := parse_line(n, raw))]
    if not lines:
        return ParseResult([], _("Nothing to order: paste one 'SKU quantity' per line."))
    return ParseResult(merge_duplicates(lines))


def file_too_large() -> ParseResult:
    """The answer for a file over the size limit (checked before reading an upload, too)."""
    return ParseResult(
        [],
        _("The file is larger than %(size)s MB: split it.")
        % {"size": MAX_FILE_BYTES // (1024 * 1024)},
    )


def parse_file(name: str, data: bytes) -> ParseResult:
    """Parse an uploaded CSV or XLSX file: first column SKU, second quantity; a header is skipped."""
    if len(data) > MAX_FILE_BYTES:
        return file_too_large()
    try:
        table = uploads.read_table(
            data=data, max_rows=MAX_LINES + 1, encodings=("utf-8-sig", "cp1252")
        )
    except uploads.UploadError as exc:
        return ParseResult([], exc.message)
    return _parse_rows(table)


_HEADER_WORDS = re.compile(
    r"^\W*(sku|item|article|artikel|part|code|product|qty|quantity|menge|anzahl|amount|units?)",
    re.IGNORECASE,
)


def _is_header(row: list[str]) -> bool:
    """A header names its columns ("SKU", "Quantity") and holds no number where the quantity goes."""
    if len(row) < 2 or re.search(r"\d", row[1]):
        return False
    return bool(_HEADER_WORDS.match(row[0]) or _HEADER_WORDS.match(row[1]))


def _parse_rows(table: uploads.Table) -> ParseResult:
    """Rows of a file: SKU and quantity are the first two cells; later cells are ignored.

    Files often carry more columns (a product name, prices: our own basket export does),
    so only the first two count. A first row that names its columns is a header.
    """
    rows = table.rows
    if rows and _is_header([cell.strip() for cell in rows[0][1]]):
        rows = rows[1:]
    if table.more or len(rows) > MAX_LINES:
        return ParseResult(
            [],
            _("The file has more than %(max)s lines: split the order.") % {"max": f"{MAX_LINES:,}"},
        )
    lines = [
        parsed
        for number, cells in rows
        if (parsed := parse_line(number, "\t".join(cell.strip() for cell in cells[:2])))
    ]
    if not lines:
        return ParseResult([], _("The file has no order lines."))
    return ParseResult(merge_duplicates(lines))
