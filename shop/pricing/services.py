"""Writes over price lists: create, copy, edit entries, import and export CSV; every change logged."""

import csv
import io
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from shop import csv_export, uploads
from shop.caching.services import cache_price_list_bump
from shop.catalogue.services import category_ids_by_path
from shop.errors import PortalError
from shop.pricing.models import PriceChange, PriceList, PriceListEntry

Category = get_model("catalogue", "Category")
Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")

CSV_COLUMNS = [
    "sku",
    "category",
    "kind",
    "value",
    "min_quantity",
    "min_order_quantity",
    "order_multiple",
]
MAX_IMPORT_BYTES = 20 * 1024 * 1024
CHUNK = 5000


class PricingError(PortalError):
    """A price-list change that cannot be done, with a message for the person who asked."""


def _entry_state(entry: PriceListEntry) -> dict:
    return {
        "target": f"product {entry.product_id}" if entry.product_id else f"category {entry.category_id}",
        "kind": entry.kind, "value": str(entry.value), "min_quantity": entry.min_quantity,
        "min_order_quantity": entry.min_order_quantity, "order_multiple": entry.order_multiple,
    }  # fmt: skip


def _unique_code(name: str) -> str:
    base = slugify(name)[:70] or "price-list"
    code, n = base, 2
    while PriceList.objects.filter(code=code).exists():
        code, n = f"{base}-{n}", n + 1
    return code


@transaction.atomic
def price_list_save(*, price_list: PriceList, by_user) -> PriceList:
    """Create or update a price list's header (who, validity window), logging the change."""
    if bool(price_list.company_id) == bool(price_list.customer_group_id):
        raise PricingError(
            "A price list is either one company's contract or a customer group's list.", "company"
        )
    if (
        price_list.valid_from
        and price_list.valid_until
        and price_list.valid_until < price_list.valid_from
    ):
        raise PricingError(
            _("The last valid day cannot come before the first: check both dates."), "valid_until"
        )
    created = price_list.pk is None
    old = None if created else PriceList.objects.filter(pk=price_list.pk).values(
        "name", "valid_from", "valid_until", "is_active").first()  # fmt: skip
    if created and not price_list.code:
        price_list.code = _unique_code(price_list.name)
    price_list.save()
    PriceChange.objects.create(
        price_list=price_list, changed_by=by_user, action="list.created" if created else "list.updated",
        old={k: str(v) for k, v in old.items()} if old else None,
        new={"name": price_list.name, "valid_from": str(price_list.valid_from),
             "valid_until": str(price_list.valid_until), "is_active": str(price_list.is_active)},
    )  # fmt: skip
    return price_list


PRICE_LIST_FIELDS = (
    "name", "company", "customer_group", "currency", "valid_from", "valid_until", "is_active",
)  # fmt: skip


def price_list_upsert(*, price_list: PriceList | None, by_user, **fields) -> PriceList:
    """Create a list (price_list None) or change a list's header from a form's fields."""
    unknown = sorted(set(fields) - set(PRICE_LIST_FIELDS))
    if unknown:
        raise PricingError(_("%(fields)s cannot be changed here.") % {"fields": ", ".join(unknown)})
    target = price_list if price_list is not None else PriceList()
    for name, value in fields.items():
        setattr(target, name, value)
    return price_list_save(price_list=target, by_user=by_user)


@transaction.atomic
def price_list_copy(
    *, source: PriceList, name: str, by_user, valid_from=None, valid_until=None
) -> PriceList:
    """Copy a list with all its entries, e.g. to schedule next year's prices."""
    copy = PriceList(
        name=name, company=source.company, customer_group=source.customer_group,
        currency=source.currency, valid_from=valid_from, valid_until=valid_until,
    )  # fmt: skip
    price_list_save(price_list=copy, by_user=by_user)
    entries = [
        PriceListEntry(
            price_list=copy,
            product_id=e.product_id,
            category_id=e.category_id,
            kind=e.kind,
            value=e.value,
            min_quantity=e.min_quantity,
            min_order_quantity=e.min_order_quantity,
            order_multiple=e.order_multiple,
        )  # fmt: skip
        for e in source.entries.all()
    ]
    PriceListEntry.objects.bulk_create(entries, batch_size=CHUNK)
    cache_price_list_bump(price_list=copy)  # bulk writes send no signals
    PriceChange.objects.create(price_list=copy, changed_by=by_user, action="list.copied",
                               new={"from": source.code, "entries": len(entries)})  # fmt: skip
    return copy


@transaction.atomic
def entry_delete(*, price_list: PriceList, entry_id: int, by_user) -> None:
    entry = price_list.entries.filter(pk=entry_id).first()
    if entry is None:
        raise PricingError("That price no longer exists.")
    PriceChange.objects.create(price_list=price_list, entry_id=entry.pk, changed_by=by_user,
                               action="entry.deleted", old=_entry_state(entry))  # fmt: skip
    entry.delete()


@dataclass
class RowResult:
    line: int
    data: dict
    errors: list[str] = field(default_factory=list)
    entry: PriceListEntry | None = None
    # The column each message in ``errors`` is about (None: the whole line), for the API.
    error_fields: list[str | None] = field(default_factory=list)
    status: str = ""  # after applying: created, updated or unchanged


@dataclass
class ImportReport:
    rows: list[RowResult]
    file_error: str = ""
    created: int = 0
    updated: int = 0
    applied: bool = False

    @property
    def valid_rows(self) -> list[RowResult]:
        return [r for r in self.rows if not r.errors]

    @property
    def invalid_rows(self) -> list[RowResult]:
        return [r for r in self.rows if r.errors]


def _decimal(text: str, name: str, errors: list[str], *, required: bool) -> Decimal | None:
    text = (text or "").strip()
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")  # a decimal comma, as European spreadsheets write it
    if not text:
        if required:
            errors.append(f"{name} is missing.")
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        errors.append(f"{name} '{text}' is not a number.")
        return None
    if not value.is_finite() or value < 0:
        errors.append(f"{name} must be zero or more.")
        return None
    if value > Decimal("99999999"):
        errors.append(f"{name} is too large.")
        return None
    return value


def _integer(
    text: str, name: str, errors: list[str], *, required: bool, minimum: int = 1
) -> int | None:
    text = (text or "").strip()
    if not text:
        if required:
            errors.append(f"{name} is missing.")
        return None
    if not re.fullmatch(r"[0-9]{1,9}", text) or int(text) < minimum or int(text) > 10_000_000:
        errors.append(f"{name} must be a whole number from {minimum}.")
        return None
    return int(text)


def price_list_entry_check(*, price_list: PriceList, row: dict) -> ImportReport:
    """Validate one entry typed in a form exactly as an imported CSV line would be."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    writer.writerow(["" if row.get(column) is None else str(row[column]) for column in CSV_COLUMNS])
    return price_list_import_check(price_list=price_list, data=buffer.getvalue().encode())


def price_list_import_check(
    *,
    price_list: PriceList,
    data: bytes,
    progress: Callable[[int, int], None] | None = None,
    max_lines: int | None = None,
    max_bytes: int | None = MAX_IMPORT_BYTES,
) -> ImportReport:
    """Parse and validate a CSV or XLSX of prices; nothing is written.

    The web import passes ``max_lines`` (PRICE_LIST_WEB_IMPORT_MAX_LINES); the management
    command passes neither limit, for files of any length.
    """
    if max_bytes is not None and len(data) > max_bytes:
        return ImportReport(
            [], file_error=f"The file is larger than {max_bytes // (1024 * 1024)} MB."
        )
    try:
        table = uploads.read_table(
            data=data, max_rows=(max_lines + 1) if max_lines else sys.maxsize
        )
    except uploads.UploadError as exc:
        return ImportReport([], file_error=exc.message)
    if max_lines and (table.more or len(table.rows) > max_lines + 1):
        return ImportReport(
            [],
            file_error=_(
                "The file has more than %(max)s price lines, the limit for an import on the web. "
                "Split it, or import it with 'python manage.py import_price_list %(code)s <file>'."
            )
            % {"max": f"{max_lines:,}", "code": price_list.code},
        )
    header_cells = table.rows[0][1] if table.rows else []
    header = [cell.strip().lower() for cell in header_cells]
    missing = {"kind", "value"} - set(header)
    if not header or missing or not ({"sku", "category"} & set(header)):
        return ImportReport(
            [],
            file_error=f"The first line must name the columns: {', '.join(CSV_COLUMNS)} (sku or category, kind and value are needed).",
        )
    raw_rows = []  # (line number in the file, cells by column name), like csv.DictReader
    for number, cells in table.rows[1:]:
        raw = dict(zip(header, cells, strict=False))
        if len(cells) > len(header):
            raw[None] = cells[len(header) :]
        raw_rows.append((number, raw))
    rows = price_list_rows_check(price_list=price_list, raw_rows=raw_rows, progress=progress)
    if not rows:
        return ImportReport([], file_error="The file has a header but no prices.")
    return ImportReport(rows)


def _field_errors(errors: list[str], fields: list[str | None]):
    """An ``add(field, message)`` that keeps the messages and the columns they are about."""

    def add(name: str | None, message: str) -> None:
        errors.append(message)
        fields.append(name)

    return add


def price_list_rows_check(
    *,
    price_list: PriceList,
    raw_rows: list[tuple[int, dict]],
    progress: Callable[[int, int], None] | None = None,
) -> list[RowResult]:
    """Validate price lines given as column name -> text (an import's lines, or API items).

    A line names its product by ``sku`` (a stock record's SKU) or, from the API, by
    ``product_external_id`` (the ERP's key); or a whole category by ``category``.
    """
    external_ids = {(r.get("product_external_id") or "").strip() for _n, r in raw_rows} - {""}
    product_by_external_id = (
        dict(Product.objects.filter(external_id__in=external_ids).values_list("external_id", "pk"))
        if external_ids
        else {}
    )
    skus = {(r.get("sku") or "").strip() for _number, r in raw_rows} - {""}
    product_by_sku: dict[str, int] = {}
    sku_list = list(skus)
    for start in range(0, len(sku_list), CHUNK):
        product_by_sku.update(
            StockRecord.objects.filter(partner_sku__in=sku_list[start : start + CHUNK]).values_list(
                "partner_sku", "product_id"
            )
        )
    categories = category_ids_by_path()  # one query, however many categories
    rows, seen = [], {}
    total = len(raw_rows)
    for done, (index, raw) in enumerate(raw_rows, start=1):
        errors: list[str] = []
        error_fields: list[str | None] = []
        add = _field_errors(errors, error_fields)
        if None in raw:
            add(None, "This line has more cells than the header.")
        sku, category_name = (raw.get("sku") or "").strip(), (raw.get("category") or "").strip()
        external_id = (raw.get("product_external_id") or "").strip()
        formula = next(
            (name for name in ("sku", "category") if uploads.is_formula(raw.get(name) or "")), None
        )
        if formula:
            add(formula, uploads.formula_message())
        product_id = category_id = None
        if sum(map(bool, (sku, category_name, external_id))) > 1:
            add("sku", "Give either a SKU or a category, not both.")
        elif external_id:
            product_id = product_by_external_id.get(external_id)
            if product_id is None:
                add("product_external_id", f"Unknown product external id '{external_id}'.")
        elif sku:
            product_id = product_by_sku.get(sku)
            if product_id is None:
                add("sku", f"Unknown SKU '{sku}'.")
        elif category_name:
            category_id = categories.get(category_name.lower())
            if category_id is None:
                add("category", f"Unknown category '{category_name}'.")
        else:
            add("sku", "Give a SKU or a category.")
        kind = (raw.get("kind") or "fixed").strip().lower()
        kind = {
            "fixed": "fixed",
            "price": "fixed",
            "percent": "percent",
            "%": "percent",
            "percent_off": "percent",
        }.get(kind)
        if kind is None:
            add("kind", "kind must be 'fixed' or 'percent'.")
        value = _decimal(raw.get("value"), "value", errors, required=True)
        error_fields += ["value"] * (len(errors) - len(error_fields))
        if kind == "percent" and value is not None and value > 100:
            add("value", "A percentage off cannot exceed 100.")
        min_quantity = (
            _integer(raw.get("min_quantity"), "min_quantity", errors, required=False) or 1
        )
        error_fields += ["min_quantity"] * (len(errors) - len(error_fields))
        moq = _integer(raw.get("min_order_quantity"), "min_order_quantity", errors, required=False)
        error_fields += ["min_order_quantity"] * (len(errors) - len(error_fields))
        multiple = _integer(raw.get("order_multiple"), "order_multiple", errors, required=False)
        error_fields += ["order_multiple"] * (len(errors) - len(error_fields))
        key = (product_id, category_id, min_quantity)
        if not errors and key in seen:
            add(
                "min_quantity",
                f"Duplicate of line {seen[key]}: the same item and from-quantity twice.",
            )
        elif not errors:
            seen[key] = index
        entry = None
        if not errors:
            entry = PriceListEntry(
                price_list=price_list, product_id=product_id, category_id=category_id, kind=kind,
                value=value, min_quantity=min_quantity, min_order_quantity=moq, order_multiple=multiple,
            )  # fmt: skip
        data = {k: (raw.get(k) or "") for k in CSV_COLUMNS}
        rows.append(RowResult(index, data, errors, entry, error_fields))
        if progress and (done % 5000 == 0 or done == total):
            progress(done, total)
    return rows


@transaction.atomic
def price_list_import_apply(
    *, price_list: PriceList, report: ImportReport, by_user, valid_only: bool
) -> ImportReport:
    """Write the checked rows: all of them (only if every row is valid) or only the valid ones."""
    if report.file_error:
        raise PricingError(report.file_error)
    if report.invalid_rows and not valid_only:
        raise PricingError(
            f"{len(report.invalid_rows)} of {len(report.rows)} lines have errors: nothing was applied. "
            "Fix them, or choose to apply only the valid lines."
        )
    existing = {
        (e.product_id, e.category_id, e.min_quantity): e
        for e in price_list.entries.order_by().select_for_update(of=("self",))
    }
    to_create, to_update, changes = [], [], []
    for row in report.valid_rows:
        new = row.entry
        key = (new.product_id, new.category_id, new.min_quantity)
        old = existing.get(key)
        row.status = "unchanged"
        if old is None:
            row.status = "created"
            to_create.append(new)
            changes.append(
                PriceChange(
                    price_list=price_list,
                    changed_by=by_user,
                    action="entry.imported",
                    new=_entry_state(new),
                )
            )
        elif (old.kind, old.value, old.min_order_quantity, old.order_multiple) != (
            new.kind,
            new.value,
            new.min_order_quantity,
            new.order_multiple,
        ):
            row.status = "updated"
            before = _entry_state(old)
            old.kind, old.value = new.kind, new.value
            old.min_order_quantity, old.order_multiple = new.min_order_quantity, new.order_multiple
            to_update.append(old)
            changes.append(
                PriceChange(
                    price_list=price_list,
                    entry_id=old.pk,
                    changed_by=by_user,
                    action="entry.updated",
                    old=before,
                    new=_entry_state(old),
                )
            )
    PriceListEntry.objects.bulk_create(to_create, batch_size=CHUNK)
    PriceListEntry.objects.bulk_update(
        to_update, ["kind", "value", "min_order_quantity", "order_multiple"], batch_size=CHUNK
    )
    PriceChange.objects.bulk_create(changes, batch_size=CHUNK)
    PriceList.objects.filter(pk=price_list.pk).update(updated_at=timezone.now())
    if to_create or to_update:
        cache_price_list_bump(price_list=price_list)  # bulk writes send no signals
    report.created, report.updated, report.applied = len(to_create), len(to_update), True
    return report


def price_list_export(*, price_list: PriceList) -> Iterable[str]:
    """Yield the list as CSV lines, in the import format."""
    buffer = io.StringIO()
    writer = csv_export.csv_writer(buffer)
    writer.writerow(CSV_COLUMNS)
    entries = price_list.entries.select_related("category").order_by(
        "product_id", "category_id", "min_quantity"
    )
    skus = dict(
        StockRecord.objects.filter(
            product_id__in=price_list.entries.values("product_id")
        ).values_list("product_id", "partner_sku")
    )
    for entry in entries.iterator(chunk_size=CHUNK):
        writer.writerow([
            skus.get(entry.product_id, "") if entry.product_id else "",
            entry.category.full_name if entry.category_id else "",
            entry.kind, format(entry.value.normalize(), "f"), entry.min_quantity,
            entry.min_order_quantity or "", entry.order_multiple or "",
        ])  # fmt: skip
        if buffer.tell() > 64 * 1024:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


PRICE_ITEM_FIELDS = ("sku", "product_external_id", "category", *CSV_COLUMNS[2:])


def price_list_by_ref(*, ref: str) -> PriceList | None:
    """A price list by its code, or by the ERP's key written ``ext:<external id>``."""
    if ref.startswith("ext:"):
        external_id = ref[4:]
        if not external_id:
            return None
        return PriceList.objects.filter(external_id=external_id).first()
    return PriceList.objects.filter(code=ref).first()


def _item_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):  # True is an int to Python, never a quantity here
        return "?"
    return str(value)  # Decimal and int as written; a JSON number is parsed as Decimal


def price_list_entries_upsert(*, price_list: PriceList, items: list[dict], atomic: bool, by_user):
    """Create or update a price list's entries in bulk, checked exactly as a CSV import is.

    An item names a product by ``sku`` or ``product_external_id`` (or a whole ``category``)
    and gives ``price`` (or ``value``), optional ``kind`` (fixed, percent), ``min_quantity``,
    ``min_order_quantity`` and ``order_multiple``.
    """
    from shop.catalogue import services as bulk

    raw_rows, by_price = [], []  # by_price: the item calls its value "price"
    for index, item in enumerate(items):
        item = item if isinstance(item, dict) else {}
        raw = {name: _item_text(item.get(name)) for name in PRICE_ITEM_FIELDS}
        by_price.append("price" in item and "value" not in item)
        if by_price[-1]:
            raw["value"] = _item_text(item["price"])
        raw_rows.append((index, raw))
    rows = price_list_rows_check(price_list=price_list, raw_rows=raw_rows)
    results = []
    for row, (_index, raw) in zip(rows, raw_rows, strict=True):
        target = (
            raw["sku"]
            or (raw["product_external_id"] and f"ext:{raw['product_external_id']}")
            or (raw["category"] and f"category:{raw['category']}")
        )
        result = bulk.ItemResult(index=row.line, key=f"{target}@{raw['min_quantity'] or 1}")
        for name, message in zip(row.error_fields, row.errors, strict=True):
            result.error("price" if name == "value" and by_price[row.line] else name, message)
        results.append(result)
    refused = bulk.bulk_refused(results, atomic=atomic)
    if refused:
        return refused
    report = ImportReport(rows)
    if report.valid_rows:
        price_list_import_apply(
            price_list=price_list, report=report, by_user=by_user, valid_only=True
        )
    for result, row in zip(results, rows, strict=True):
        if not result.errors:
            result.status = row.status
    return bulk.BulkResult(atomic=atomic, items=results, applied=True)
