"""Building a search's SQL: the plan of a query, its match, score and filters.

Fragments are written against the index row's alias ``E`` with ``%s`` parameters; the
backend (``shop.search.backends``) supplies what differs between PostgreSQL and SQLite.
"""

# SQL is assembled from fixed fragments, table aliases and %s placeholders only: every
# value a user typed travels as a parameter.
# ruff: noqa: S608, S611

from dataclasses import dataclass

from django.db import connection

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
    query_words,
)  # fmt: skip
from shop.search.codes import normalize_code

E = "search_productsearchentry"  # the index table; also its alias in the product queries
MAX_CODE = 128


@dataclass(frozen=True)
class SearchFilters:
    category_ids: tuple[int, ...] = ()
    brands: tuple[str, ...] = ()
    in_stock: bool = False


def plan_for(query: str, company_id: int | None, *, prefix: bool = True) -> Plan:
    code = normalize_code(query)[:MAX_CODE]
    boost: dict[int, float] = {}
    if company_id is not None and code:
        for product_id, exact in partnumber_selectors.part_number_matches(
            company_id=company_id, code=code
        ):
            boost[product_id] = max(
                boost.get(product_id, 0), TIER_EXACT if exact else TIER_PART_NUMBER_CONTAINS
            )
    words = query_words(query)
    if len(words) > 1 and not any(c.isdigit() for c in code):
        code = ""  # several words without a digit are words, not a code typed with spaces
    if (
        len(code) >= MIN_CODE
        and len(words) > 1
        and " " not in query.strip()
        and any(c.isdigit() for c in code)
    ):
        # One token with digits and separators is a code: its pieces ("brg", "bb") as words
        # would match whole product families, and cost more than the trigram match itself.
        # A plain one ("30205") is also a word: a title may name it where no code does.
        words = ()
    return Plan(code=code if len(code) >= MIN_CODE else "", words=words, boost=boost, prefix=prefix)


def match_sql(be: Backend, plan: Plan, e: str = E) -> tuple[str, list]:
    parts, params = [], []
    if plan.code:
        sql, p = be.code_contains(e, plan.code)
        parts.append(sql)
        params += p
    if plan.words:
        sql, p = be.words_match(e, plan.words, plan.prefix)
        parts.append(sql)
        params += p
    if plan.boost:
        marks, ids = be._in(plan.boost)
        parts.append(f"{e}.product_id IN ({marks})")
        params += ids
    return "(" + " OR ".join(parts or ["1 = 0"]) + ")", params


def score_sql(be: Backend, plan: Plan, *, e: str = E, rank: bool = True) -> tuple[str, list]:
    if plan.words and not plan.code and not plan.boost:
        # Only words: every matched row matches them, so no test per row (10 ms over 5,556
        # matches of "tapered bearing" on PostgreSQL).
        if not rank:
            return str(TIER_WORDS), []
        rank_sql, rank_params = be.words_rank(e, plan.words, plan.prefix)
        return f"{TIER_WORDS} + {rank_sql}", rank_params
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
        words_sql, words_params = be.words_match(e, plan.words, plan.prefix)
        tiers.append(f"CASE WHEN {words_sql} THEN {TIER_WORDS} ELSE 0 END")
        params += words_params
    score = f"{be.greatest}({', '.join(tiers)})" if len(tiers) > 1 else "0"
    if plan.words and rank:
        rank_sql, rank_params = be.words_rank(e, plan.words, plan.prefix)
        score += f" + CASE WHEN {words_sql} THEN {rank_sql} ELSE 0 END"
        params += words_params + rank_params
    return score, params


def filters_sql(be: Backend, filters: SearchFilters, *, skip: tuple = (), e: str = E):
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


def where_sql(be: Backend, plan: Plan, filters: SearchFilters, *, skip: tuple = (), e: str = E):
    match, params = match_sql(be, plan, e)
    extra, extra_params = filters_sql(be, filters, skip=skip, e=e)
    return (f"{match} AND {extra}" if extra else match), params + extra_params


def fetch(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
