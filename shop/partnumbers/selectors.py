"""Reads over customer part numbers, always for one company (a company never sees another's)."""

from collections.abc import Iterable

from shop.partnumbers.models import CustomerPartNumber
from shop.search.codes import normalize_code


def part_numbers_for_products(
    *, company_id: int | None, product_ids: Iterable[int]
) -> dict[int, str]:
    """The company's part number for each of these products that has one; one query."""
    ids = list(product_ids)
    if company_id is None or not ids:
        return {}
    return dict(
        CustomerPartNumber.objects.filter(company_id=company_id, product_id__in=ids).values_list(
            "product_id", "part_number"
        )
    )


def product_id_for_part_number(*, company_id: int | None, code: str) -> int | None:
    """The product the company's part number names (compared normalized), or None."""
    normalized = normalize_code(code)
    if company_id is None or not normalized:
        return None
    return (
        CustomerPartNumber.objects.filter(company_id=company_id, normalized=normalized)
        .values_list("product_id", flat=True)
        .first()
    )


def product_ids_matching_part_number(
    *, company_id: int | None, code: str, limit: int = 200
) -> list[int]:
    """Products whose company part number contains the code (normalized), best first."""
    normalized = normalize_code(code)
    if company_id is None or len(normalized) < 2:
        return []
    rows = CustomerPartNumber.objects.filter(
        company_id=company_id, normalized__contains=normalized
    ).values_list("product_id", "normalized")[:limit]
    return [pid for pid, _n in sorted(rows, key=lambda r: (not r[1].startswith(normalized), r[1]))]
