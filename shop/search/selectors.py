"""Product search: part numbers and words, ranked, with facets (the engine's front door).

The results view, the header autocomplete, the CMS chooser and the benchmark call only
the functions below. No index ever stores a company's price: prices come from the
request's strategy (or ``shop.pricing``'s price book for the price sort).

The pieces: ``query`` builds the match, score and filters; ``facets`` counts (one
statement on PostgreSQL, with the first ranked ids); ``ranked`` loads pages in order;
``backends`` holds what differs between PostgreSQL and SQLite.
"""

# SQL is assembled from fixed fragments, table aliases and %s placeholders only: every
# value a user typed travels as a parameter.
# ruff: noqa: S608, S611

from dataclasses import dataclass, replace

from django.urls import reverse

from shop.partnumbers import selectors as partnumber_selectors
from shop.search.backends import (
    MIN_CODE,
    TIER_EXACT,
    Backend,
    Plan,
    backend,
    code_similarity,
)  # fmt: skip
from shop.search.codes import normalize_code
from shop.search.facets import Facets, FacetValue, facets_count
from shop.search.query import (
    MAX_CODE,
    E,
    SearchFilters,
    fetch,
    match_sql,
    plan_for,
    score_sql,
)  # fmt: skip
from shop.search.ranked import RankedProducts, ranked_products

__all__ = [
    "PRICE_SORT_LIMIT",
    "SORTS",
    "FacetValue",
    "Facets",
    "RankedProducts",
    "SearchFilters",
    "SearchOutcome",
    "Suggestion",
    "product_autocomplete",
    "product_search",
]

SORTS = ("relevance", "price", "-price", "name")
# Sorting by the buyer's price prices every match: above this many the page asks to narrow.
PRICE_SORT_LIMIT = 2000


@dataclass(frozen=True)
class SearchOutcome:
    # product_list_queryset() rows in final order, loaded per slice (RankedProducts):
    # paginate or slice it; count() is ``total``.
    products: "RankedProducts | list"
    total: int
    facets: Facets
    exact_product_id: int | None = None  # a SKU/MPN/EAN/customer part number named one product
    suggestion: str = ""  # "did you mean": a query worth offering instead ("" for none)
    fuzzy: bool = False  # nothing matched exactly: these are the near misses
    price_sort_refused: bool = False  # more than PRICE_SORT_LIMIT matches for a price sort


@dataclass(frozen=True)
class Suggestion:
    product_id: int
    title: str
    sku: str
    url: str
    customer_part_number: str = ""


# --- exact match, near misses ----------------------------------------------------------------


def _exact(plan: Plan, query: str) -> int | None:
    """The one product an exact SKU, MPN, UPC or the company's own part number names."""
    code = normalize_code(query)[:MAX_CODE]
    if not code:
        return None
    part_number = next((pk for pk, tier in plan.boost.items() if tier == TIER_EXACT), None)
    rows = fetch(
        f"SELECT product_id FROM {E} WHERE product_id = %s OR sku_code = %s OR mpn_code = %s "
        f"OR upc_code = %s ORDER BY product_id LIMIT 3",
        [part_number or 0, code, code, code],
    )
    ids = [r[0] for r in rows]
    if part_number in ids:
        return part_number
    return ids[0] if len(ids) == 1 else None


def _near_misses(be: Backend, plan: Plan, query: str) -> tuple[Plan, str]:
    """A plan of near matches (typos in a code or a word) and the query worth suggesting."""
    corrected, changed = [], False
    for word in plan.words:
        if (
            word.isalpha()
            and len(word) >= 3
            and not fetch("SELECT 1 FROM search_searchterm WHERE term = %s", [word])
        ):
            better = be.similar_term(word)
            if better and better != word:
                corrected.append(better)
                changed = True
                continue
        corrected.append(word)
    boost: dict[int, float] = {}
    code = normalize_code(query)[:MAX_CODE]
    suggestion = " ".join(corrected) if changed else ""
    if len(code) >= MIN_CODE and any(ch.isdigit() for ch in code):
        near = be.fuzzy_codes(code)
        # Near misses rank below every real match: 0 < score < TIER_WORDS.
        boost = {pk: 1 + 8 * s for pk, s in near}
        if near and not suggestion:
            rows = fetch(
                f"SELECT sku, sku_code, manufacturer_part_number, mpn_code FROM {E} "
                f"WHERE product_id = %s",
                [near[0][0]],
            )
            if rows:
                sku, sku_code, mpn, mpn_code = rows[0]
                suggestion = (
                    mpn
                    if mpn and code_similarity(code, mpn_code) > code_similarity(code, sku_code)
                    else sku
                )
    return Plan(words=tuple(corrected) if changed else (), boost=boost, prefix=False), suggestion


# --- the front door --------------------------------------------------------------------------


def product_search(
    *,
    query: str,
    company_id: int | None = None,
    filters: SearchFilters | None = None,
    sort: str = "relevance",
) -> SearchOutcome:
    """Match a query against SKUs, part numbers (the company's own too) and words; rank; facet."""
    query = " ".join((query or "").split())
    filters = filters or SearchFilters()
    sort = sort if sort in SORTS else "relevance"
    # Submitted words match whole (stemmed); the last one as a prefix only if that finds nothing.
    plan = plan_for(query, company_id, prefix=False)
    if plan.empty:
        return SearchOutcome(products=RankedProducts(ids=[], total=0), total=0, facets=Facets())
    be = backend()
    exact = _exact(plan, query)
    # The head of the ranking is read with the facets; a refused price sort shows relevance.
    head_sort = "name" if sort == "name" else "relevance"
    counted = facets_count(be, plan, filters, sort=head_sort)
    if counted.unfiltered == 0 and plan.words:
        plan = replace(plan, prefix=True)  # "hose hydr": the last word was not finished
        counted = facets_count(be, plan, filters, sort=head_sort)
    fuzzy, suggestion = False, ""
    if counted.unfiltered == 0:
        near, suggestion = _near_misses(be, plan, query)
        if not near.empty:
            plan, fuzzy = near, True
            counted = facets_count(be, plan, filters, sort=head_sort)
    refused = sort in ("price", "-price") and counted.total > PRICE_SORT_LIMIT
    if refused:
        sort = "relevance"
    return SearchOutcome(
        products=ranked_products(be, plan, filters, sort, company_id, counted.total, counted.head),
        total=counted.total,
        facets=counted.facets,
        exact_product_id=exact,
        suggestion=suggestion,
        fuzzy=fuzzy,
        price_sort_refused=refused,
    )


def product_autocomplete(
    *, query: str, company_id: int | None = None, limit: int = 8
) -> list[Suggestion]:
    """The first products whose SKU, part number or title starts with or contains the query."""
    query = " ".join((query or "").split())
    plan = plan_for(query, company_id)
    if plan.empty or limit <= 0:
        return []
    be = backend()
    where, params = match_sql(be, plan)
    score, score_params = score_sql(be, plan, rank=False)
    rows = fetch(
        f"SELECT {E}.product_id, {E}.title, {E}.sku, {E}.slug FROM {E} WHERE {where} "
        f"ORDER BY {score} + CASE WHEN lower({E}.title) LIKE %s THEN 5 ELSE 0 END DESC, "
        f"{E}.title, {E}.product_id LIMIT %s",
        params + score_params + [query.lower().replace("%", "").replace("_", "") + "%", limit],
    )
    part_numbers = partnumber_selectors.part_numbers_for_products(
        company_id=company_id, product_ids=[r[0] for r in rows]
    )
    return [
        Suggestion(
            product_id=pk,
            title=title,
            sku=sku,
            url=reverse("catalogue:detail", kwargs={"product_slug": slug, "pk": pk}),
            customer_part_number=part_numbers.get(pk, ""),
        )
        for pk, title, sku, slug in rows
    ]
