"""Writes to a company's part numbers: one at a time, by CSV/XLSX import, and the CSV export.

Every write is for one company, by its admin or its account team (checked here as well as
in the views), and is recorded in the company's account history.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from oscar.core.loading import get_model

from shop import csv_export, uploads
from shop.caching.versions import version_bump_safely
from shop.companies.services import audit_record
from shop.errors import PortalError
from shop.partnumbers import selectors
from shop.partnumbers.models import CustomerPartNumber
from shop.search.codes import normalize_code
from shop.validators import validate_single_line

StockRecord = get_model("partner", "StockRecord")

MAX_LENGTH = CustomerPartNumber._meta.get_field("part_number").max_length
MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_IMPORT_LINES = 20_000
CHUNK = 2000  # codes per IN (...) query: SQLite allows 32,766 parameters
CSV_COLUMNS = ["part_number", "sku", "product"]
# Header cells (compared as letters and digits only) naming the two columns an import reads.
PART_NUMBER_HEADERS = {"PARTNUMBER", "YOURPARTNUMBER", "CUSTOMERPARTNUMBER", "PARTNO", "IHRETEILENUMMER", "TEILENUMMER"}  # fmt: skip
SKU_HEADERS = {"SKU", "OURSKU", "ARTICLE", "ARTIKELNUMMER", "ARTIKEL"}


class PartNumberError(PortalError):
    """A part-number change that cannot be done, with a message for the person who asked."""


# Checks shared by the forms' path and the import ----------------------------------------


def part_number_problem(text: str) -> str:
    """What is wrong with a typed part number, in words (empty when it is fine)."""
    if not text:
        return _("Type your part number.")
    if len(text) > MAX_LENGTH:
        return _("A part number has at most %(max)s characters; this one has %(length)s.") % {
            "max": MAX_LENGTH,
            "length": len(text),
        }
    try:
        validate_single_line(text)
    except ValidationError as exc:
        return str(exc.messages[0])
    if uploads.is_formula(text):
        # Exports must show it as typed, and spreadsheets run such text as a formula.
        return _(
            "A part number may not start with =, +, -, @, a tab or a line break: a spreadsheet "
            "would run it as a formula."
        )
    if not normalize_code(text):
        return _("A part number needs at least one letter (A-Z) or digit.")
    return ""


def _sku_problem(text: str) -> str:
    if not text:
        return _("Type our SKU for the product.")
    if len(text) > 128:
        return _("'%(sku)s…' is not one of our SKUs.") % {"sku": text[:30]}
    try:
        validate_single_line(text)
    except ValidationError as exc:
        return str(exc.messages[0])
    if uploads.is_formula(text):
        return uploads.formula_message()
    return ""


def _products_by_sku(skus: set[str]) -> dict[str, tuple[int, str, str]]:
    """Our SKU (as typed, any case) -> (product id, SKU as stored, title); a few queries."""
    found: dict[str, tuple[int, str, str]] = {}
    wanted = list(skus)
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        # Stored SKUs are upper case; what was typed may not be.
        variants = set(chunk) | {sku.upper() for sku in chunk}
        rows = StockRecord.objects.filter(partner_sku__in=variants).values_list(
            "partner_sku", "product_id", "product__title"
        )
        exact = {sku: (pid, sku, title) for sku, pid, title in rows}
        by_upper = {sku.upper(): value for sku, value in exact.items()}
        for sku in chunk:
            hit = exact.get(sku) or by_upper.get(sku.upper())
            if hit:
                found[sku] = hit
    return found


@dataclass
class RowResult:
    line: int
    part_number: str
    sku: str
    errors: list[str] = field(default_factory=list)
    error_fields: list[str] = field(default_factory=list)  # the column each error is about
    product_id: int | None = None
    title: str = ""
    status: str = ""  # after applying: created, updated or unchanged

    @property
    def ok(self) -> bool:
        return not self.errors

    def add(self, field_name: str, message: str) -> None:
        self.errors.append(message)
        self.error_fields.append(field_name)


@dataclass
class ImportReport:
    rows: list[RowResult]
    file_error: str = ""
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    applied: bool = False

    @property
    def valid_rows(self) -> list[RowResult]:
        return [row for row in self.rows if row.ok]

    @property
    def invalid_rows(self) -> list[RowResult]:
        return [row for row in self.rows if not row.ok]


def _row_read(line: int, part_number: str, sku: str) -> RowResult:
    """A line's two cells, checked on their own (no database)."""
    part_number, sku = (part_number or "").strip(), (sku or "").strip()
    row = RowResult(line, part_number[: MAX_LENGTH + 20], sku[:128])
    problem = part_number_problem(part_number)
    if problem:
        row.add("part_number", problem)
    problem = _sku_problem(sku)
    if problem:
        row.add("sku", problem)
    return row


def _rows_check(*, company, rows: list[RowResult], editing_id: int | None = None) -> None:
    """Find each row's product and check it against the catalogue and the company's numbers.

    ``editing_id`` is the mapping a form edits: its own number does not clash with itself.
    """
    taken = {
        normalized: (product_id, part_number)
        for normalized, product_id, part_number in CustomerPartNumber.objects.filter(
            company=company
        )
        .exclude(pk=editing_id)
        .values_list("normalized", "product_id", "part_number")
    }
    products = _products_by_sku({row.sku for row in rows if row.ok})
    # Quick order reads a typed code as our SKU first: a part number that is the SKU of
    # another product could never order its own.
    owners = _products_by_sku({row.part_number for row in rows if row.ok})
    clashing = {taken[n][0] for row in rows if (n := normalize_code(row.part_number)) in taken}
    skus_of = (
        dict(
            StockRecord.objects.filter(product_id__in=clashing)
            .order_by("-id")
            .values_list("product_id", "partner_sku")
        )
        if clashing
        else {}
    )
    first_number: dict[str, int] = {}
    first_product: dict[int, int] = {}
    for row in rows:
        if not row.ok:
            continue
        hit = products.get(row.sku)
        if hit is None:
            row.add("sku", _("'%(sku)s' is not one of our SKUs.") % {"sku": row.sku[:64]})
            continue
        row.product_id, row.sku, row.title = hit
        normalized = normalize_code(row.part_number)
        owner = owners.get(row.part_number)
        if owner and owner[0] != row.product_id:
            row.add(
                "part_number",
                _(
                    "%(number)s is our SKU of another product: typed in a quick order it "
                    "orders that one. Choose another part number."
                )
                % {"number": row.part_number},
            )
        elif normalized in first_number:
            row.add(
                "part_number",
                _("Line %(line)s has the same part number (letters and digits compared).")
                % {"line": first_number[normalized]},
            )
        elif row.product_id in first_product:
            row.add(
                "sku",
                _("Line %(line)s gives %(sku)s a part number already: one per product.")
                % {"line": first_product[row.product_id], "sku": row.sku},
            )
        elif normalized in taken and taken[normalized][0] != row.product_id:
            row.add(
                "part_number",
                _(
                    "%(number)s is already your part number for %(sku)s: change or delete "
                    "that one first."
                )
                % {"number": taken[normalized][1], "sku": skus_of.get(taken[normalized][0], "?")},
            )
        if row.ok:  # a later line repeating a refused one is judged on its own
            first_number[normalized] = row.line
            first_product[row.product_id] = row.line


def _raise_first(row: RowResult) -> None:
    """Raise the row's first problem, naming the form field it belongs to."""
    if row.errors:
        raise PartNumberError(row.errors[0], field=row.error_fields[0])


def _require_editor(*, company, by_user) -> None:
    if not selectors.part_numbers_editable_by(company=company, user=by_user):
        raise PartNumberError(
            _("Only your company's admins and your account manager can change part numbers.")
        )


def _save(mapping: CustomerPartNumber) -> None:
    try:
        with transaction.atomic():
            mapping.save()
    except IntegrityError:
        # A colleague saved the same number, or a number for the same product, a moment ago.
        raise PartNumberError(
            _("Someone else just gave this number or this product a part number: reload and check.")
        ) from None


def _checked_row(*, company, part_number: str, sku: str, editing_id: int | None) -> RowResult:
    row = _row_read(1, part_number, sku)
    if row.ok:
        _rows_check(company=company, rows=[row], editing_id=editing_id)
    if row.ok:
        other = company.part_numbers.filter(product_id=row.product_id).exclude(pk=editing_id)
        if other.exists():
            row.add(
                "sku", _("%(sku)s has a part number already: edit that one.") % {"sku": row.sku}
            )
    _raise_first(row)
    return row


def part_number_create(*, company, part_number: str, sku: str, by_user) -> CustomerPartNumber:
    """Give one of our products (named by SKU) the company's part number."""
    _require_editor(company=company, by_user=by_user)
    row = _checked_row(company=company, part_number=part_number, sku=sku, editing_id=None)
    mapping = CustomerPartNumber(
        company=company, product_id=row.product_id, part_number=row.part_number, updated_by=by_user
    )
    _save(mapping)
    audit_record(
        company=company,
        actor=by_user,
        action="part_number.created",
        detail={"part_number": mapping.part_number, "sku": row.sku},
    )
    return mapping


def part_number_update(
    *, company, part_number_id: int, part_number: str, sku: str, by_user
) -> CustomerPartNumber:
    """Change one of the company's part numbers: the number, or the product it names."""
    _require_editor(company=company, by_user=by_user)
    mapping = company.part_numbers.filter(pk=part_number_id).first()
    if mapping is None:
        raise PartNumberError(_("This part number was deleted meanwhile."))
    row = _checked_row(company=company, part_number=part_number, sku=sku, editing_id=mapping.pk)
    before = {"part_number": mapping.part_number, "product_id": mapping.product_id}
    mapping.part_number, mapping.product_id = row.part_number, row.product_id
    mapping.updated_by = by_user
    _save(mapping)
    audit_record(
        company=company,
        actor=by_user,
        action="part_number.updated",
        detail={"before": before, "part_number": mapping.part_number, "sku": row.sku},
    )
    return mapping


def part_number_delete(*, company, part_number_id: int, by_user) -> None:
    """Remove one of the company's part numbers (the product stays orderable by our SKU)."""
    _require_editor(company=company, by_user=by_user)
    mapping = company.part_numbers.filter(pk=part_number_id).first()
    if mapping is None:
        return  # deleted already: what was asked for is done
    mapping.delete()
    audit_record(
        company=company,
        actor=by_user,
        action="part_number.deleted",
        detail={"part_number": mapping.part_number, "product_id": mapping.product_id},
    )


# Import and export --------------------------------------------------------------------------


def _columns(header: list[str]) -> tuple[int, int] | None:
    """The (part number, SKU) column positions a header row names, or None if it is no header."""
    names = [normalize_code(cell) for cell in header]
    part = next((i for i, name in enumerate(names) if name in PART_NUMBER_HEADERS), None)
    sku = next((i for i, name in enumerate(names) if name in SKU_HEADERS), None)
    if part is None or sku is None:
        return None
    return part, sku


def part_numbers_import_check(*, company, data: bytes) -> ImportReport:
    """Read a CSV or XLSX of (your part number, our SKU) lines and check each; nothing is written.

    A first line naming the columns (part_number, sku) is a header; without one the first
    column is the part number and the second our SKU.
    """
    if len(data) > MAX_IMPORT_BYTES:
        return ImportReport(
            [],
            file_error=_("The file is larger than %(size)s MB: split it.")
            % {"size": MAX_IMPORT_BYTES // (1024 * 1024)},
        )
    try:
        table = uploads.read_table(
            data=data, max_rows=MAX_IMPORT_LINES + 1, encodings=("utf-8-sig", "cp1252")
        )
    except uploads.UploadError as exc:
        return ImportReport([], file_error=exc.message)
    rows = table.rows
    columns = _columns([cell.strip() for cell in rows[0][1]]) if rows else None
    if columns:
        rows = rows[1:]
    if table.more or len(rows) > MAX_IMPORT_LINES:
        return ImportReport(
            [],
            file_error=_("The file has more than %(max)s lines: split it.")
            % {"max": f"{MAX_IMPORT_LINES:,}"},
        )
    if not rows:
        return ImportReport(
            [],
            file_error=_("The file has no lines: put your part number and our SKU on each line."),
        )
    part_column, sku_column = columns or (0, 1)
    results = [
        _row_read(
            number,
            cells[part_column] if len(cells) > part_column else "",
            cells[sku_column] if len(cells) > sku_column else "",
        )
        for number, cells in rows
    ]
    _rows_check(company=company, rows=results)
    return ImportReport(results)


@transaction.atomic
def part_numbers_import_apply(
    *, company, report: ImportReport, by_user, valid_only: bool
) -> ImportReport:
    """Write the checked lines: all of them (only if every line is valid), or the valid ones."""
    _require_editor(company=company, by_user=by_user)
    if report.file_error:
        raise PartNumberError(report.file_error)
    if report.invalid_rows and not valid_only:
        raise PartNumberError(
            ngettext(
                "%(count)s of %(total)s lines has errors: nothing was imported. Fix it, or "
                "choose to import only the valid lines.",
                "%(count)s of %(total)s lines have errors: nothing was imported. Fix them, or "
                "choose to import only the valid lines.",
                len(report.invalid_rows),
            )
            % {"count": len(report.invalid_rows), "total": len(report.rows)}
        )
    existing = {
        mapping.product_id: mapping
        for mapping in company.part_numbers.select_for_update(of=("self",)).order_by()
    }
    holders = {mapping.normalized: mapping.product_id for mapping in existing.values()}
    now = timezone.now()
    to_create, to_update = [], []
    for row in report.valid_rows:
        normalized = normalize_code(row.part_number)
        if holders.get(normalized, row.product_id) != row.product_id:
            # The check saw it free; a colleague has taken it since.
            raise PartNumberError(
                _("Part numbers changed meanwhile: nothing was imported. Check the file again.")
            )
        mapping = existing.get(row.product_id)
        if mapping is None:
            row.status = "created"
            to_create.append(
                CustomerPartNumber(
                    company=company, product_id=row.product_id, part_number=row.part_number,
                    normalized=normalized, updated_by=by_user, created_at=now, updated_at=now,
                )
            )  # fmt: skip
        elif mapping.part_number == row.part_number:
            row.status = "unchanged"
        else:
            row.status = "updated"
            mapping.part_number, mapping.normalized = row.part_number, normalized
            mapping.updated_by, mapping.updated_at = by_user, now
            to_update.append(mapping)
        holders[normalized] = row.product_id
    try:
        with transaction.atomic():
            CustomerPartNumber.objects.bulk_update(
                to_update, ["part_number", "normalized", "updated_by", "updated_at"], batch_size=500
            )
            CustomerPartNumber.objects.bulk_create(to_create, batch_size=500)
    except IntegrityError:
        raise PartNumberError(
            _("Part numbers changed meanwhile: nothing was imported. Check the file again.")
        ) from None
    if to_create or to_update:
        # Bulk writes send no post_save: grids that show the company's numbers go stale here.
        version_bump_safely(scopes=[f"prices:company:{company.pk}"])
    report.created, report.updated = len(to_create), len(to_update)
    report.unchanged = sum(1 for row in report.rows if row.status == "unchanged")
    report.applied = True
    audit_record(
        company=company,
        actor=by_user,
        action="part_numbers.imported",
        detail={
            "created": report.created,
            "updated": report.updated,
            "skipped": len(report.invalid_rows),
        },
    )
    return report


def part_numbers_export(*, company) -> Iterator[str]:
    """The company's part numbers as CSV text (part_number, sku, product), piece by piece.

    The file imports again unchanged; cells that a spreadsheet would run as a formula are
    written safely.
    """
    buffer = _Buffer()
    writer = csv_export.csv_writer(buffer)
    writer.writerow(CSV_COLUMNS)
    yield buffer.take()
    rows = selectors.part_numbers_for_company(company_id=company.pk).values_list(
        "part_number", "sku", "product__title"
    )
    for part_number, sku, title in rows.iterator(chunk_size=2000):
        writer.writerow([part_number, sku or "", title])
        yield buffer.take()


class _Buffer:
    """A file-like that hands over what was written since the last take()."""

    def __init__(self):
        self._parts: list[str] = []

    def write(self, text: str) -> int:
        self._parts.append(text)
        return len(text)

    def take(self) -> str:
        text, self._parts = "".join(self._parts), []
        return text
