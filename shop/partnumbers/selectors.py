"""Reads over customer part numbers, always for one company (a company never sees another's)."""

from collections.abc import Iterable
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.db.models import Case, Exists, OuterRef, Q, QuerySet, Subquery, Value, When
from oscar.core.loading import get_model

from shop.companies import selectors as company_selectors
from shop.partnumbers.models import CustomerPartNumber
from shop.search.codes import normalize_code

StockRecord = get_model("partner", "StockRecord")

MAX_QUERY_CHARS = 100
PER_PAGE = 50


def shown_company_id(*, member) -> int | None:
    """Whose part numbers a storefront page may show beside our SKUs: the member's company.

    Only an active company: cached pages are shared per company only when it is active
    (``shop.caching.audience``); others share a page with every signed-in user.
    """
    if member is None or not member.company.is_active:
        return None
    return member.company_id


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


def part_number_matches(
    *, company_id: int | None, code: str, limit: int = 200
) -> list[tuple[int, bool]]:
    """(product id, exact?) for the company's part numbers containing the code, best first.

    One query for the search's plan: an exact number is a prefix of itself and the
    shortest, so it comes first and is always within the limit.
    """
    normalized = normalize_code(code)
    if company_id is None or len(normalized) < 2:
        return []
    prefix_first = Case(When(normalized__startswith=normalized, then=Value(0)), default=Value(1))
    rows = (
        CustomerPartNumber.objects.filter(company_id=company_id, normalized__contains=normalized)
        .order_by(prefix_first, "normalized")
        .values_list("product_id", "normalized")[:limit]
    )
    return [(product_id, number == normalized) for product_id, number in rows]


def company_has_part_numbers(*, company_id: int | None) -> bool:
    """Whether the company has given any of our products its own part number."""
    return (
        company_id is not None and CustomerPartNumber.objects.filter(company_id=company_id).exists()
    )


def part_numbers_for_company(*, company_id: int, query: str = "") -> QuerySet[CustomerPartNumber]:
    """The company's part numbers with our SKU and product, filtered by a typed query."""
    sku = StockRecord.objects.filter(product_id=OuterRef("product_id")).order_by("id")
    rows = (
        CustomerPartNumber.objects.filter(company_id=company_id)
        .select_related("product", "updated_by")
        .annotate(sku=Subquery(sku.values("partner_sku")[:1]))
    )
    query = " ".join(query.split())[:MAX_QUERY_CHARS]
    if query:
        # One condition per typed word, each met by the part number, the SKU or the title.
        for word in query.split(" "):
            matches = Q(product__title__icontains=word) | Exists(
                StockRecord.objects.filter(
                    product_id=OuterRef("product_id"), partner_sku__icontains=word
                )
            )
            if normalize_code(word):
                matches |= Q(normalized__contains=normalize_code(word))
            rows = rows.filter(matches)
    return rows.order_by("part_number", "id")


def part_numbers_page(*, company_id: int, query: str = "", page_number=None) -> dict:
    """One page of the company's part numbers for a list: page, query and page_query."""
    rows = part_numbers_for_company(company_id=company_id, query=query)
    page: Page = Paginator(rows, PER_PAGE).get_page(page_number)
    return {"page": page, "query": query, "page_query": urlencode({"q": query}) if query else ""}


def part_numbers_editable_by(*, company, user) -> bool:
    """Whether the user may change the company's part numbers: its admins and its account team."""
    if not user.is_authenticated:
        return False
    membership = company_selectors.membership_for_user(user=user)
    if membership is not None and membership.company_id == company.pk:
        return membership.can_manage
    return company_selectors.companies_for_staff(user=user).filter(pk=company.pk).exists()


def part_numbers_resolve(
    *, company_id: int | None, codes: Iterable[str]
) -> dict[str, tuple[int, str]]:
    """For each typed code that is one of the company's part numbers: (product id, part number).

    Keys are the codes as given; one query however many codes.
    """
    by_normalized: dict[str, list[str]] = {}
    for code in codes:
        normalized = normalize_code(code)
        if normalized:
            by_normalized.setdefault(normalized, []).append(code)
    if company_id is None or not by_normalized:
        return {}
    found = {}
    rows = CustomerPartNumber.objects.filter(
        company_id=company_id, normalized__in=list(by_normalized)
    ).values_list("normalized", "product_id", "part_number")
    for normalized, product_id, part_number in rows:
        for code in by_normalized[normalized]:
            found[code] = (product_id, part_number)
    return found


def part_number_suggestions(
    *, company_id: int | None, query: str, limit: int = 10
) -> list[dict[str, str]]:
    """The company's part numbers starting with (then containing) the query, with SKU and title."""
    normalized = normalize_code(query[:MAX_QUERY_CHARS])
    if company_id is None or len(normalized) < 2:
        return []
    sku = StockRecord.objects.filter(product_id=OuterRef("product_id")).order_by("id")
    rows = (
        CustomerPartNumber.objects.filter(company_id=company_id, normalized__contains=normalized)
        .annotate(sku=Subquery(sku.values("partner_sku")[:1]))
        .filter(sku__isnull=False, product__is_public=True)
        .order_by("normalized")
        .values_list("part_number", "normalized", "sku", "product__title")[: limit * 3]
    )
    ranked = sorted(rows, key=lambda row: (not row[1].startswith(normalized), row[1]))
    return [
        {"sku": sku, "title": title, "part_number": part_number}
        for part_number, _n, sku, title in ranked[:limit]
    ]
