"""Reads over requisition lists, scoped to the member asking."""

from django.db.models import Count, Q, QuerySet
from oscar.core.loading import get_model

from shop.bulk.models import RequisitionList
from shop.partnumbers import selectors as partnumber_selectors

StockRecord = get_model("partner", "StockRecord")
LIST_CHOICES_SECONDS = 3600  # the version makes a stale copy unreachable; this frees memory


def requisition_lists_for_member(*, member) -> QuerySet[RequisitionList]:
    """The member's own lists and the lists colleagues shared, in their company only."""
    return (
        RequisitionList.objects.filter(company=member.company)
        .filter(Q(owner=member.user) | Q(is_shared=True))
        .select_related("owner")
        .annotate(line_count=Count("lines"))
    )


def list_choices_for_member(*, member) -> list[dict]:
    """The member's own lists as ``{"pk", "name"}`` by name, for "save to list" forms (cached).

    Cached per user and company under the version ``lists:user:<id>``, which saving or
    deleting one of the user's lists bumps (shop.caching.receivers).
    """
    from django.core.cache import cache

    from shop.caching.versions import request_cache_get

    def build() -> list[dict]:
        return list(
            RequisitionList.objects.filter(owner_id=member.user_id, company_id=member.company_id)
            .order_by("name")
            .values("pk", "name")
        )

    try:
        key = list_choices_key(member=member)
        found = request_cache_get(key)  # read ahead with the page's entries, if it did
    except Exception:  # a cache outage costs a query, never the page
        return build()
    if found is None:
        found = build()
        cache.set(key, found, LIST_CHOICES_SECONDS)
    return found


def list_choices_key(*, member) -> str:
    """The cache key of the member's list choices (for ``list_choices_for_member``)."""
    from shop.caching.versions import versions_token

    version = versions_token(scopes=[f"lists:user:{member.user_id}"])
    return f"lists:choices:{member.user_id}:{member.company_id}:{version}"


def list_choices_prefetch_keys(request) -> list[str]:
    """The list choices a member's page will read (shop.caching.prefetch)."""
    member = getattr(request, "company_member", None)
    return [list_choices_key(member=member)] if member is not None else []


def requisition_rows(*, requisition, strategy) -> list[dict]:
    """The list's lines with today's SKU, the company's part number, stock and unit price; 5 queries."""
    from shop.partner.stock import stock_info

    lines = list(
        requisition.lines.select_related("product", "product__product_class").order_by("id")
    )
    records = {
        r.product_id: r
        for r in StockRecord.objects.filter(product__in=[line.product_id for line in lines])
    }
    if hasattr(strategy, "prime"):
        strategy.prime([line.product for line in lines])
    part_numbers = partnumber_selectors.part_numbers_for_products(
        company_id=requisition.company_id, product_ids=[line.product_id for line in lines]
    )
    rows = []
    for line in lines:
        record = records.get(line.product_id)
        price = (
            strategy.pricing_policy(line.product, record, quantity=line.quantity)
            if (record is not None and hasattr(strategy, "book"))
            else None
        )
        rows.append(
            {
                "line": line,
                "sku": record.partner_sku if record else "",
                "part_number": part_numbers.get(line.product_id, ""),
                "stock": stock_info(record, strategy=strategy, product=line.product),
                "price": price if price is not None and price.exists else None,
                # The pack the quantity input steps by (0 removes the line, so min is 0).
                "step": (
                    strategy.quantity_rule(line.product, record).order_multiple
                    if record is not None and hasattr(strategy, "quantity_rule")
                    else 1
                ),
            }
        )
    return rows


def sku_suggestions(
    query: str, *, limit: int = 10, company_id: int | None = None
) -> list[dict[str, str]]:
    """The company's matching part numbers, then orderable SKUs starting with the query, then
    products whose name holds it; one query, or two with a company."""
    query = query.strip()[:64]
    if len(query) < 2:
        return []
    own = partnumber_selectors.part_number_suggestions(
        company_id=company_id, query=query, limit=limit
    )
    rows = (
        StockRecord.objects.filter(
            Q(partner_sku__istartswith=query) | Q(product__title__icontains=query),
            product__is_public=True,
            price__isnull=False,
        )
        .exclude(product__structure="parent")
        .order_by("partner_sku")
        .values_list("partner_sku", "product__title")[: limit * 3]
    )
    starts = query.upper()
    ranked = sorted(rows, key=lambda row: (not row[0].upper().startswith(starts), row[0]))
    shown = {item["sku"] for item in own}
    return (own + [{"sku": sku, "title": title} for sku, title in ranked if sku not in shown])[
        :limit
    ]


def requisition_lists_for_company(*, company_id: int, limit: int = 50) -> list[RequisitionList]:
    """All requisition lists of a company (for its account team), with owner and line count."""
    return list(
        RequisitionList.objects.filter(company_id=company_id)
        .select_related("owner")
        .annotate(line_count=Count("lines"))
        .order_by("-updated_at", "-id")[:limit]
    )
