"""Part numbers by the file: check a CSV/XLSX of (your part number, our SKU) lines, then write.

The check writes nothing and reports every line; the write takes all lines (only if all
are valid) or the valid ones, in bulk, in one transaction.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from shop import uploads
from shop.caching.versions import version_bump_safely
from shop.companies.services import audit_record
from shop.partnumbers.models import CustomerPartNumber
from shop.partnumbers.services import checks
from shop.partnumbers.services.checks import PartNumberError, RowResult
from shop.search.codes import normalize_code

MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_IMPORT_LINES = 20_000
# Header cells (compared as letters and digits only) naming the two columns an import reads.
PART_NUMBER_HEADERS = {"PARTNUMBER", "YOURPARTNUMBER", "CUSTOMERPARTNUMBER", "PARTNO", "IHRETEILENUMMER", "TEILENUMMER"}  # fmt: skip
SKU_HEADERS = {"SKU", "OURSKU", "ARTICLE", "ARTIKELNUMMER", "ARTIKEL"}
# The upload forms' "How to import" choices (part_numbers_import_form_run reads them).
IMPORT_MODES = [
    ("all", gettext_lazy("Import only if every line is valid")),
    ("valid", gettext_lazy("Import the valid lines and skip the others")),
    ("check", gettext_lazy("Check only")),
]


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
        checks._row_read(
            number,
            cells[part_column] if len(cells) > part_column else "",
            cells[sku_column] if len(cells) > sku_column else "",
        )
        for number, cells in rows
    ]
    checks._rows_check(company=company, rows=results)
    return ImportReport(results)


@transaction.atomic
def part_numbers_import_apply(
    *, company, report: ImportReport, by_user, valid_only: bool
) -> ImportReport:
    """Write the checked lines: all of them (only if every line is valid), or the valid ones."""
    checks._require_editor(company=company, by_user=by_user)
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


def import_result_message(report: ImportReport) -> str:
    """What an applied import wrote, in words (with the skipped lines counted properly)."""
    message = _("Part numbers imported: %(new)s new, %(changed)s changed, %(same)s unchanged.") % {
        "new": report.created,
        "changed": report.updated,
        "same": report.unchanged,
    }
    skipped = len(report.invalid_rows)
    if skipped:
        message += " " + ngettext(
            "%(count)s line with errors skipped.", "%(count)s lines with errors skipped.", skipped
        ) % {"count": skipped}
    return message


@dataclass
class ImportOutcome:
    """What an upload came to: the report to show, and a refusal or a result to say."""

    report: ImportReport | None = None
    error: str = ""
    message: str = ""

    @property
    def notice(self) -> tuple[int, str] | None:
        """(message level, text) for the page's messages, or None when there is nothing to say."""
        if self.error:
            return messages.ERROR, self.error
        return (messages.SUCCESS, self.message) if self.message else None


def part_numbers_import_form_run(*, form, company, by_user) -> ImportOutcome:
    """Check a valid upload form's file and write it as its mode says (the step both pages share).

    The form has the fields ``file`` and ``mode`` (all, valid or check); a problem with the
    file itself goes on the form's file field.
    """
    upload = form.cleaned_data["file"]
    if upload.size > MAX_IMPORT_BYTES:
        form.add_error(
            "file",
            _("The file is larger than %(size)s MB: split it.")
            % {"size": MAX_IMPORT_BYTES // (1024 * 1024)},
        )
        return ImportOutcome()
    report = part_numbers_import_check(company=company, data=upload.read())
    if report.file_error:
        form.add_error("file", report.file_error)
        return ImportOutcome(report)
    mode = form.cleaned_data["mode"]
    if mode == "check":
        return ImportOutcome(report)
    try:
        part_numbers_import_apply(
            company=company, report=report, by_user=by_user, valid_only=mode == "valid"
        )
    except PartNumberError as exc:
        return ImportOutcome(report, error=exc.message)
    return ImportOutcome(report, message=import_result_message(report))
