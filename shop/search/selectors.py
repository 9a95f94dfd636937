"""Product search: part numbers and words, ranked, with facets (the engine's front door).

CONTRACT (issue 16 skeleton; the search-engine helper replaces the bodies, keeps the names):
the results view, the header autocomplete, the CMS chooser and the benchmark call only
the functions below. No index ever stores a company's price: prices come from the
request's strategy (or ``shop.pricing``'s price book for the price sort).
"""

from dataclasses import dataclass, field

from django.db.models import QuerySet

from shop import selectors as shop_selectors
from shop.search.codes import normalize_code

SORTS = ("relevance", "price", "-price", "name")
# Sorting by the buyer's price prices every match: above this many the page asks to narrow.
PRICE_SORT_LIMIT = 2000


@dataclass(frozen=True)
class SearchFilters:
    category_ids: tuple[int, ...] = ()
    brands: tuple[str, ...] = ()
    in_stock: bool = False


@dataclass(frozen=True)
class FacetValue:
    value: str  # what goes in the URL (a category id, a brand name)
    label: str
    count: int
    selected: bool = False


@dataclass(frozen=True)
class Facets:
    categories: list[FacetValue] = field(default_factory=list)
    brands: list[FacetValue] = field(default_factory=list)
    in_stock: int = 0  # how many matches are in stock now


@dataclass(frozen=True)
class SearchOutcome:
    products: QuerySet | list  # product_list_queryset() rows, ranked/sorted; paginate this
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


def product_search(
    *,
    query: str,
    company_id: int | None = None,
    filters: SearchFilters = SearchFilters(),
    sort: str = "relevance",
) -> SearchOutcome:
    """Match a query against SKUs, part numbers (the company's own too) and words; rank; facet."""
    products = shop_selectors.product_search(query=query)
    if filters.category_ids:
        products = products.filter(categories__in=filters.category_ids)
    if filters.brands:
        products = products.filter(brand__in=filters.brands)
    exact = None
    code = normalize_code(query)
    if code and " " not in query.strip():
        exact = products.filter(stockrecords__partner_sku__iexact=query.strip()).values_list(
            "pk", flat=True
        )
        exact = exact[0] if len(exact) == 1 else None
    return SearchOutcome(
        products=products, total=products.count(), facets=Facets(), exact_product_id=exact
    )


def product_autocomplete(
    *, query: str, company_id: int | None = None, limit: int = 8
) -> list[Suggestion]:
    """The first products whose SKU, part number or title starts with or contains the query."""
    rows = shop_selectors.product_search(query=query)[:limit]
    return [
        Suggestion(
            product_id=p.pk,
            title=p.get_title(),
            sku=p.upc or "",
            url=p.get_absolute_url(),
        )
        for p in rows
    ]
