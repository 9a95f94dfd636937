"""One part number at a time: add, change, delete, and the form step both pages share.

Every write is for one company, by its admin or its account team (checked here as well as
in the views), and is recorded in the company's account history.
"""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from shop.companies.services import audit_record
from shop.partnumbers.models import CustomerPartNumber
from shop.partnumbers.services import checks
from shop.partnumbers.services.checks import PartNumberError, RowResult


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
    row = checks._row_read(1, part_number, sku)
    if row.ok:
        # Through the module, so that a test can hold the check (tests/shop/partnumbers).
        checks._rows_check(company=company, rows=[row], editing_id=editing_id)
    if row.ok:
        other = company.part_numbers.filter(product_id=row.product_id).exclude(pk=editing_id)
        if other.exists():
            row.add(
                "sku", _("%(sku)s has a part number already: edit that one.") % {"sku": row.sku}
            )
    checks._raise_first(row)
    return row


def part_number_create(*, company, part_number: str, sku: str, by_user) -> CustomerPartNumber:
    """Give one of our products (named by SKU) the company's part number."""
    checks._require_editor(company=company, by_user=by_user)
    row = _checked_row(company=company, part_number=part_number, sku=sku, editing_id=None)
    mapping = CustomerPartNumber(
        company=company, product_id=row.product_id, part_number=row.part_number, updated_by=by_user
    )
    _save(mapping)
    mapping.sku = row.sku  # as the list's selector annotates it
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
    checks._require_editor(company=company, by_user=by_user)
    mapping = company.part_numbers.filter(pk=part_number_id).first()
    if mapping is None:
        raise PartNumberError(_("This part number was deleted meanwhile."))
    row = _checked_row(company=company, part_number=part_number, sku=sku, editing_id=mapping.pk)
    before = {"part_number": mapping.part_number, "product_id": mapping.product_id}
    mapping.part_number, mapping.product_id = row.part_number, row.product_id
    mapping.updated_by = by_user
    _save(mapping)
    mapping.sku = row.sku
    audit_record(
        company=company,
        actor=by_user,
        action="part_number.updated",
        detail={"before": before, "part_number": mapping.part_number, "sku": row.sku},
    )
    return mapping


def part_number_delete(*, company, part_number_id: int, by_user) -> CustomerPartNumber | None:
    """Remove one of the company's part numbers (the product stays orderable by our SKU).

    Returns the removed mapping, or None when it was gone already.
    """
    checks._require_editor(company=company, by_user=by_user)
    mapping = company.part_numbers.filter(pk=part_number_id).first()
    if mapping is None:
        return None  # deleted already: what was asked for is done
    mapping.delete()
    audit_record(
        company=company,
        actor=by_user,
        action="part_number.deleted",
        detail={"part_number": mapping.part_number, "product_id": mapping.product_id},
    )
    return mapping


# The step the company area's and the account team's forms share -----------------------------


@dataclass(frozen=True)
class Saved:
    """A part number just added or changed, with the message that names it and our SKU."""

    mapping: CustomerPartNumber
    created: bool

    @property
    def message(self) -> str:
        values = {"number": self.mapping.part_number, "sku": self.mapping.sku}
        if self.created:
            return _("Part number %(number)s for our SKU %(sku)s saved.") % values
        return _("Part number %(number)s updated: it now stands for our SKU %(sku)s.") % values


def part_number_form_save(
    *, form, company, by_user, part_number_id: int | None = None
) -> Saved | None:
    """Add (or, with an id, change) the part number a valid form holds; None with the form's error.

    The form has the fields ``part_number`` and ``sku``; a refusal is put on the field it
    is about (or the whole form), so both pages explain it the same way.
    """
    data = {"part_number": form.cleaned_data["part_number"], "sku": form.cleaned_data["sku"]}
    try:
        if part_number_id is None:
            return Saved(part_number_create(company=company, by_user=by_user, **data), True)
        mapping = part_number_update(
            company=company, part_number_id=part_number_id, by_user=by_user, **data
        )
        return Saved(mapping, False)
    except PartNumberError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return None


def part_number_delete_message(*, company, part_number_id: int, by_user) -> tuple[bool, str]:
    """Delete one part number for a page: (done, the message to show)."""
    try:
        mapping = part_number_delete(
            company=company, part_number_id=part_number_id, by_user=by_user
        )
    except PartNumberError as exc:
        return False, exc.message
    if mapping is None:
        return True, _("This part number was deleted meanwhile.")
    return True, _("Part number %(number)s deleted.") % {"number": mapping.part_number}
