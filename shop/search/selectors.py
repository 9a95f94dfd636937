"""Product search: part numbers and words, ranked, with facets (the engine's front door).

CONTRACT (issue 16 skeleton; the search-engine helper replaces the bodies, keeps the names):
the results view, the header autocomplete, the CMS chooser and the benchmark call only
the functions below. No index ever stores a company's price: prices come from the
request's strategy (or ``shop.pricing``'s price book for the price sort).
"""

# SQL is assembled from fixed fragments, table aliases and %s placeholders only: every
# value a user typed travels as a parameter.
# ruff: noqa: S608, S611

from dataclasses import dataclass, field

from django.db import connection
from django.db.models import QuerySet
from django.urls import reverse
from oscar.core.loading import get_model

from shop import selectors as shop_selectors
from shop.partnumbers import selectors as partnumber_selectors
from shop.search.backends import (
    MIN_CODE,
    TIER_CONTAINS,
    TIER_EXACT,
    TIER_PART_NUMBER_CONTAINS,
    TIER_PREFIX,
    TIER_WORDS,
    Backend,
    Plan,
    backend,
    code_similarity,
    query_words,
)  # fmt: skip
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
    depth: int = 1  # categories: 1 for a top-level one, 2 for its children, ...


@dataclass(frozen=True)
class Facets:
    categories: list[FacetValue] = field(default_factory=list)
    brands: list[FacetValue] = field(default_factory=list)
    in_stock: int = 0  # how many matches are in stock now


@dataclass(frozen=True)
class SearchOutcome:
    # product_list_queryset() rows in final order, loaded per slice (RankedProducts):
    # paginate or slice it; count() is ``total``.
    products: QuerySet | list
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


E = "search_productsearchentry"  # the index table; also its alias in the product queries
MAX_CODE = 128


# --- building the match ----------------------------------------------------------------------


def _plan(query: str, company_id: int | None) -> Plan:
    code = normalize_code(query)[:MAX_CODE]
    boost: dict[int, float] = {}
    if company_id is not None and code:
        for product_id in partnumber_selectors.product_ids_matching_part_number(
            company_id=company_id, code=code
        ):
            boost[product_id] = TIER_PART_NUMBER_CONTAINS
        exact = partnumber_selectors.product_id_for_part_number(company_id=company_id, code=code)
        if exact is not None:
            boost[exact] = TIER_EXACT
    words = query_words(query)
    if len(words) > 1 and not any(c.isdigit() for c in code):
        code = ""  # several words without a digit are words, not a code typed with spaces
    if len(code) >= MIN_CODE and " " not in query.strip() and any(c.isdigit() for c in code):
        # One token with digits is a code: its pieces ("brg", "bb") as words would match
        # whole product families, and cost more than the trigram match itself.
        words = ()
    return Plan(code=code if len(code) >= MIN_CODE else "", words=words, boost=boost)


def _match(be: Backend, plan: Plan, e: str = E) -> tuple[str, list]:
    parts, params = [], []
    if plan.code:
        sql, p = be.code_contains(e, plan.code)
        parts.append(sql)
        params += p
    if plan.words:
        sql, p = be.words_match(e, plan.words)
        parts.append(sql)
        params += p
    if plan.boost:
        marks, ids = be._in(plan.boost)
        parts.append(f"{e}.product_id IN ({marks})")
        params += ids
    return "(" + " OR ".join(parts or ["1 = 0"]) + ")", params


def _score(be: Backend, plan: Plan, *, e: str = E, rank: bool = True) -> tuple[str, list]:
    tiers, params = ["0"], []
    if plan.code:
        tiers.append(
            f"CASE WHEN {e}.sku_code = %s OR {e}.mpn_code = %s OR {e}.upc_code = %s "
            f"THEN {TIER_EXACT} WHEN {e}.codes LIKE %s THEN {TIER_PREFIX} "
            f"WHEN {e}.codes LIKE %s THEN {TIER_CONTAINS} ELSE 0 END"
        )
        params += [plan.code] * 3 + [f"% {plan.code}%", f"%{plan.code}%"]
    if plan.boost:
        whens = " ".join("WHEN %s THEN %s" for _ in plan.boost)
        tiers.append(f"CASE {e}.product_id {whens} ELSE 0 END")
        for product_id, tier in plan.boost.items():
            params += [int(product_id), float(tier)]
    words_sql, words_params = ("", [])
    if plan.words:
        words_sql, words_params = be.words_match(e, plan.words)
        tiers.append(f"CASE WHEN {words_sql} THEN {TIER_WORDS} ELSE 0 END")
        params += words_params
    score = f"{be.greatest}({', '.join(tiers)})" if len(tiers) > 1 else "0"
    if plan.words and rank:
        rank_sql, rank_params = be.words_rank(e, plan.words)
        score += f" + CASE WHEN {words_sql} THEN {rank_sql} ELSE 0 END"
        params += words_params + rank_params
    return score, params


def _filters(be: Backend, filters: SearchFilters, *, skip: tuple = (), e: str = E):
    parts, params = [], []
    if filters.category_ids and "category" not in skip:
        marks, ids = be._in(filters.category_ids)
        parts.append(
            f"EXISTS (SELECT 1 FROM search_productsearchcategory sc "
            f"WHERE sc.product_id = {e}.product_id AND sc.category_id IN ({marks}))"
        )
        params += ids
    if filters.brands and "brand" not in skip:
        parts.append(f"{e}.brand IN ({','.join(['%s'] * len(filters.brands))})")
        params += list(filters.brands)
    if filters.in_stock and "in_stock" not in skip:
        parts.append(f"{e}.in_stock = %s")
        params.append(True)
    return " AND ".join(parts), params


def _where(be: Backend, plan: Plan, filters: SearchFilters, *, skip: tuple = (), e: str = E):
    match, params = _match(be, plan, e)
    extra, extra_params = _filters(be, filters, skip=skip, e=e)
    return (f"{match} AND {extra}" if extra else match), params + extra_params


def _rows(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


# --- facets, exact match, suggestion ---------------------------------------------------------


def _facets(be: Backend, plan: Plan, filters: SearchFilters) -> tuple[Facets, int, int]:
    """Facets, the total with every filter, and the matches before brand/stock filters."""
    # Brands count without the brand filter (pick several); stock counts both ways at once.
    where, params = _where(be, plan, filters, skip=("brand", "in_stock"))
    brand_rows = _rows(
        f"SELECT {E}.brand, COUNT(*), SUM(CASE WHEN {E}.in_stock THEN 1 ELSE 0 END) "
        f"FROM {E} WHERE {where} GROUP BY {E}.brand",
        params,
    )
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

    where, params = _where(be, plan, filters, skip=("category",))
    selected = [int(c) for c in filters.category_ids]
    marks, ids = be._in(selected)
    display = (
        f"c.depth = 1 OR c.id IN ({marks}) OR EXISTS (SELECT 1 FROM catalogue_category s "
        f"WHERE s.id IN ({marks}) AND c.depth = s.depth + 1 AND c.path LIKE s.path || '%%')"
    )
    category_rows = _category_counts(be, where, params, display, ids)
    categories = [
        FacetValue(str(pk), name, count, pk in selected, depth)
        for pk, name, depth, count in category_rows
    ]
    facets = Facets(categories=categories, brands=brands, in_stock=in_stock)
    return facets, total, unfiltered


def _category_counts(be: Backend, where: str, params: list, display: str, ids: list):
    if be.vendor == "postgresql":
        # From the matched rows alone: no lookup per match in the category table.
        return _rows(
            f"WITH counts AS (SELECT cid::int AS cid, COUNT(*) AS n FROM {E}, "
            f"unnest(string_to_array(btrim({E}.categories), ' ')) AS cid "
            f"WHERE {where} AND {E}.categories <> '' GROUP BY cid) "
            f"SELECT c.id, c.name, c.depth, counts.n FROM counts "
            f"JOIN catalogue_category c ON c.id = counts.cid "
            f"WHERE c.is_public AND ({display}) ORDER BY c.path",
            params + ids + ids,
        )
    return _rows(
        f"SELECT c.id, c.name, c.depth, COUNT(*) FROM search_productsearchcategory sc "
        f"JOIN {E} ON {E}.product_id = sc.product_id "
        f"JOIN catalogue_category c ON c.id = sc.category_id "
        f"WHERE {where} AND c.is_public AND ({display}) "
        f"GROUP BY c.id, c.name, c.depth, c.path ORDER BY c.path",
        params + ids + ids,
    )


def _exact(plan: Plan, query: str) -> int | None:
    """The one product an exact SKU, MPN, UPC or the company's own part number names."""
    code = normalize_code(query)[:MAX_CODE]
    if not code:
        return None
    part_number = next((pk for pk, tier in plan.boost.items() if tier == TIER_EXACT), None)
    rows = _rows(
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
            and not _rows("SELECT 1 FROM search_searchterm WHERE term = %s", [word])
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
            rows = _rows(
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
    return Plan(words=tuple(corrected) if changed else (), boost=boost), suggestion


# --- ordering --------------------------------------------------------------------------------


def _price_order(be: Backend, plan: Plan, filters: SearchFilters, company_id, descending):
    """Product ids in the buyer's price order (list price for visitors); unpriced last."""
    from shop.companies.models import Company
    from shop.pricing.engine import PriceBook

    Product = get_model("catalogue", "Product")
    StockRecord = get_model("partner", "StockRecord")
    where, params = _where(be, plan, filters)
    titles = dict(_rows(f"SELECT product_id, title FROM {E} WHERE {where}", params))
    if not titles:
        return []
    products = list(
        Product.objects.filter(pk__in=list(titles))
        .only("id", "min_order_quantity", "pack_size")
        .prefetch_related("categories")
    )
    records = {}
    for record in StockRecord.objects.filter(product_id__in=list(titles)).order_by("pk"):
        records.setdefault(record.product_id, record)
    company = Company.objects.filter(pk=company_id).first() if company_id else None
    book = PriceBook(company=company) if company is not None and company.is_active else None
    if book is not None:
        book.load(products)
    prices = {}
    for product in products:
        record = records.get(product.pk)
        if record is None or record.price is None:
            continue
        if book is None:
            prices[product.pk] = record.price
        else:
            quantity = max(1, product.min_order_quantity)
            prices[product.pk] = book.price(product, record, quantity).unit_price
    priced = sorted(prices, key=lambda pk: (prices[pk], titles[pk].lower(), pk))
    if descending:
        priced = sorted(prices, key=lambda pk: (-prices[pk], titles[pk].lower(), pk))
    unpriced = sorted((pk for pk in titles if pk not in prices), key=lambda pk: titles[pk])
    return priced + unpriced


class RankedProducts:
    """Search results in their final order, loaded one page at a time.

    Ranking reads only the index table (``ORDER BY score LIMIT/OFFSET``); the page's
    products are then loaded as ``shop.selectors.product_list_queryset()`` rows. Joining
    the product table before the cut cost one lookup per match (75 ms for 5,500 matches
    over 500,000 products). Paginators and slicing work as on a queryset; ``count()`` is
    the total the facets already counted.
    """

    ordered = True

    def __init__(self, *, sql: str = "", params: list | None = None, ids=None, total: int):
        self._sql, self._params, self._ids, self.total = sql, params or [], ids, total
        self.model = shop_selectors.Product

    def count(self) -> int:
        return self.total

    def __len__(self) -> int:
        return self.total

    def exists(self) -> bool:
        return self.total > 0

    def _page_ids(self, offset: int, limit: int) -> list[int]:
        if limit <= 0 or offset >= self.total:
            return []
        if self._ids is not None:
            return list(self._ids[offset : offset + limit])
        return [
            r[0] for r in _rows(f"{self._sql} LIMIT %s OFFSET %s", [*self._params, limit, offset])
        ]

    def __getitem__(self, key):
        if isinstance(key, int):
            page = self[key : key + 1]
            if not page:
                raise IndexError(key)
            return page[0]
        start, stop, step = key.indices(self.total)
        ids = self._page_ids(start, stop - start)
        if not ids:
            return []
        rows = shop_selectors.product_list_queryset().in_bulk(ids)
        page = [rows[pk] for pk in ids if pk in rows]
        return page[::step] if step != 1 else page

    def __iter__(self):
        for offset in range(0, self.total, 500):
            yield from self[offset : offset + 500]

    def __bool__(self) -> bool:
        return self.total > 0


def _products(be, plan, filters, sort, company_id, total) -> RankedProducts:
    where, params = _where(be, plan, filters)
    if sort in ("price", "-price"):
        ids = _price_order(be, plan, filters, company_id, sort == "-price")
        return RankedProducts(ids=ids, total=len(ids))
    if sort == "name":
        order, order_params = f"{E}.title, {E}.product_id", []
    else:
        score, score_params = _score(be, plan)
        order, order_params = f"{score} DESC, {E}.title, {E}.product_id", score_params
    return RankedProducts(
        sql=f"SELECT {E}.product_id FROM {E} WHERE {where} ORDER BY {order}",
        params=params + order_params,
        total=total,
    )


# --- the front door --------------------------------------------------------------------------


def product_search(
    *,
    query: str,
    company_id: int | None = None,
    filters: SearchFilters = SearchFilters(),
    sort: str = "relevance",
) -> SearchOutcome:
    """Match a query against SKUs, part numbers (the company's own too) and words; rank; facet."""
    query = " ".join((query or "").split())
    sort = sort if sort in SORTS else "relevance"
    plan = _plan(query, company_id)
    if plan.empty:
        return SearchOutcome(products=RankedProducts(ids=[], total=0), total=0, facets=Facets())
    be = backend()
    exact = _exact(plan, query)
    facets, total, unfiltered = _facets(be, plan, filters)
    fuzzy, suggestion = False, ""
    if unfiltered == 0:
        near, suggestion = _near_misses(be, plan, query)
        if not near.empty:
            plan, fuzzy = near, True
            facets, total, unfiltered = _facets(be, plan, filters)
    refused = sort in ("price", "-price") and total > PRICE_SORT_LIMIT
    if refused:
        sort = "relevance"
    return SearchOutcome(
        products=_products(be, plan, filters, sort, company_id, total),
        total=total,
        facets=facets,
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
    plan = _plan(query, company_id)
    if plan.empty or limit <= 0:
        return []
    be = backend()
    where, params = _match(be, plan)
    score, score_params = _score(be, plan, rank=False)
    rows = _rows(
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
