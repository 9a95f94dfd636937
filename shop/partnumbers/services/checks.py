"""The checks every part-number write shares: one typed line, or every line of a file.

A line is read on its own first (no database), then checked against the catalogue and the
company's other numbers in a fixed number of queries however many lines there are.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from shop import uploads
from shop.errors import PortalError
from shop.partnumbers import selectors
from shop.partnumbers.models import CustomerPartNumber
from shop.search.codes import normalize_code
from shop.validators import validate_single_line

StockRecord = get_model("partner", "StockRecord")

MAX_LENGTH = CustomerPartNumber._meta.get_field("part_number").max_length
CHUNK = 2000  # codes per IN (...) query: SQLite allows 32,766 parameters


class PartNumberError(PortalError):
    """A part-number change that cannot be done, with a message for the person who asked."""


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
