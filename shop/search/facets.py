"""Facets of a search (categories, brands, in stock now), its total, and its first ranked ids.

PostgreSQL answers all of it in one statement: the full-text and code match runs once
into a materialized set, and the brand facet, the category facet and the first ranked
ids are read from that set (a search that ran the match three times spent 3 x 40 ms on
"tapered bearing" over 500,000 products). SQLite, the embedded demo, asks twice.
"""

# SQL is assembled from fixed fragments, table aliases and %s placeholders only: every
# value a user typed travels as a parameter.
# ruff: noqa: S608, S611

from dataclasses import dataclass, field

from shop.search.backends import Backend, Plan
from shop.search.query import E, SearchFilters, fetch, filters_sql, score_sql, where_sql

# Ranked ids read with the facets: the first five pages of 24 cost no further query.
HEAD = 120


@dataclass(frozen=True)
class FacetValue:
    value: str  # what goes in the URL (a category id, a brand name)
    label: str
    count: int
    selected: bool = False
    depth: int = 1  # categories: 1 for a top-level one, 2 for its children, ...


@dataclass(frozen=True)
class Facets:
    categories: list[FacetValue] = field(default_factory=list)
    brands: list[FacetValue] = field(default_factory=list)
    in_stock: int = 0  # how many matches are in stock now


@dataclass(frozen=True)
class Counted:
    facets: Facets
    total: int  # matches with every filter
    unfiltered: int  # matches before the brand and stock filters
    head: list[int] | None = None  # the first ranked ids, when read in the same pass


def _display(be: Backend, filters: SearchFilters) -> tuple[str, list]:
    """Which categories the facet lists: top level, the selected ones and their children."""
    marks, ids = be._in([int(c) for c in filters.category_ids])
    return (
        f"c.depth = 1 OR c.id IN ({marks}) OR EXISTS (SELECT 1 FROM catalogue_category s "
        f"WHERE s.id IN ({marks}) AND c.depth = s.depth + 1 AND c.path LIKE s.path || '%%')"
    ), ids + ids


def _assemble(brand_rows, category_rows, filters: SearchFilters, head=None) -> Counted:
    """``brand_rows``: (brand, matches, in stock) before the brand and stock filters;
    ``category_rows``: (id, name, depth, matches) in tree order, without the category filter.
    """
    chosen = set(filters.brands)
    total = in_stock = unfiltered = 0
    brands = []
    for brand, count, stocked in brand_rows:
        stocked = int(stocked or 0)
        unfiltered += count
        shown = stocked if filters.in_stock else count
        if brand:
            brands.append(FacetValue(brand, brand, shown, brand in chosen))
        if not chosen or brand in chosen:
            total += shown
            in_stock += stocked
    brands = [b for b in brands if b.count or b.selected]
    brands.sort(key=lambda b: (not b.selected, -b.count, b.label.lower()))
    selected = {int(c) for c in filters.category_ids}
    categories = [
        FacetValue(str(pk), name, count, pk in selected, depth)
        for pk, name, depth, count in category_rows
    ]
    facets = Facets(categories=categories, brands=brands, in_stock=in_stock)
    return Counted(facets=facets, total=total, unfiltered=unfiltered, head=head)


def facets_count(be: Backend, plan: Plan, filters: SearchFilters, *, sort: str = "") -> Counted:
    """Facets and totals; on PostgreSQL also the first ranked ids for ``sort``
    ("relevance" or "name"; any other sort reads no head)."""
    if be.vendor == "postgresql":
        return _one_pass(be, plan, filters, sort)
    # Brands count without the brand filter (pick several); stock counts both ways at once.
    where, params = where_sql(be, plan, filters, skip=("brand", "in_stock"))
    brand_rows = fetch(
        f"SELECT {E}.brand, COUNT(*), SUM(CASE WHEN {E}.in_stock THEN 1 ELSE 0 END) "
        f"FROM {E} WHERE {where} GROUP BY {E}.brand",
        params,
    )
    where, params = where_sql(be, plan, filters, skip=("category",))
    display, display_params = _display(be, filters)
    category_rows = fetch(
        f"SELECT c.id, c.name, c.depth, COUNT(*) FROM search_productsearchcategory sc "
        f"JOIN {E} ON {E}.product_id = sc.product_id "
        f"JOIN catalogue_category c ON c.id = sc.category_id "
        f"WHERE {where} AND c.is_public AND ({display}) "
        f"GROUP BY c.id, c.name, c.depth, c.path ORDER BY c.path",
        params + display_params,
    )
    return _assemble(brand_rows, category_rows, filters)


def _flag(be: Backend, filters: SearchFilters, keep: str) -> tuple[str, list]:
    others = tuple(name for name in ("category", "brand", "in_stock") if name != keep)
    sql, params = filters_sql(be, filters, skip=others)
    return (sql or "TRUE"), params


def _one_pass(be: Backend, plan: Plan, filters: SearchFilters, sort: str) -> Counted:
    """One statement: match once, then both facets and the head of the ranking from it."""
    select, params = [], []
    for name in ("category", "brand", "in_stock"):
        sql, p = _flag(be, filters, name)
        select.append(f"({sql}) AS {name}_ok")
        params += p
    order = ""
    if sort == "relevance":
        score, score_params = score_sql(be, plan)
        select.append(f"{score} AS score")
        params += score_params
        order = "score DESC, title, product_id"
    elif sort == "name":
        order = "title, product_id"
    match, match_params = where_sql(be, plan, SearchFilters())
    params += match_params
    display, display_params = _display(be, filters)
    params += display_params
    # The head: top-N of the matches (a heap sort of 120), its order kept in an array.
    head_sql = (
        f"SELECT 3, NULL, NULL, NULL, NULL, NULL, array_agg(product_id ORDER BY {order}) "
        f"FROM (SELECT m.* FROM m WHERE m.category_ok AND m.brand_ok AND m.in_stock_ok "
        f"ORDER BY {order} LIMIT %s) AS t"
        if order
        else "SELECT 3, NULL, NULL, NULL, NULL, NULL, NULL::bigint[]"
    )
    if order:
        params.append(HEAD)
    # Categories: count the distinct category strings first (a handful), then split those.
    found = fetch(
        f"WITH m AS MATERIALIZED (SELECT {E}.product_id, {E}.brand, {E}.in_stock, "
        f"{E}.categories, {E}.title, {', '.join(select)} FROM {E} WHERE {match}), "
        f"strings AS (SELECT m.categories, COUNT(*) AS n FROM m "
        f"WHERE m.brand_ok AND m.in_stock_ok AND m.categories <> '' GROUP BY m.categories), "
        f"counts AS (SELECT cid::int AS cid, SUM(strings.n)::bigint AS n FROM strings, "
        f"unnest(string_to_array(btrim(strings.categories), ' ')) AS cid GROUP BY cid) "
        f"SELECT 1, m.brand, COUNT(*), SUM(CASE WHEN m.in_stock THEN 1 ELSE 0 END), "
        f"NULL::int, NULL::bigint, NULL::bigint[] FROM m WHERE m.category_ok GROUP BY m.brand "
        f"UNION ALL SELECT 2, c.name, counts.n, c.depth, c.id, "
        f"row_number() OVER (ORDER BY c.path), NULL FROM counts "
        f"JOIN catalogue_category c ON c.id = counts.cid WHERE c.is_public AND ({display}) "
        f"UNION ALL ({head_sql})",
        params,
    )
    brand_rows = [(label, n, x) for kind, label, n, x, *_ in found if kind == 1]
    category_rows = [
        (pk, label, x, n)
        for kind, label, n, x, pk, _, _ in sorted(
            (r for r in found if r[0] == 2), key=lambda r: r[5]
        )
    ]
    head = None
    if order:
        head = next((list(r[6] or []) for r in found if r[0] == 3), [])
    return _assemble(brand_rows, category_rows, filters, head)
