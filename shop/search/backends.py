"""The SQL that differs between PostgreSQL and SQLite: matching, scoring, fuzzy lookups.

Fragments are written against the index row's alias (``{e}``) with ``%s`` parameters.
Score tiers (exact code > code prefix > code contains > words > near miss) are the same
on both; within the words tier PostgreSQL uses ``ts_rank`` and SQLite FTS5's ``bm25``.
"""

# SQL is assembled from fixed fragments, table aliases and %s placeholders only: every
# value a user typed travels as a parameter.
# ruff: noqa: S608, S611

import re
from dataclasses import dataclass, field

from django.db import connection

from shop.search.index import TEXT_CONFIG

TIER_EXACT, TIER_PREFIX, TIER_CONTAINS, TIER_WORDS = 40, 30, 20, 10
TIER_PART_NUMBER_CONTAINS = 25
MIN_CODE = 3  # trigram indexes (and FTS5's trigram tokenizer) need three characters
FUZZY_CODE_THRESHOLD = 0.5  # pg_trgm's default strict word similarity threshold
FUZZY_TERM_THRESHOLD = 0.3  # pg_trgm's default similarity threshold
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Plan:
    """What to match: a normalized code, words (all must match), extra ids with a tier.

    ``prefix``: the last word may still be being typed (autocomplete; and the results page
    when the whole words matched nothing), so it matches as a prefix. A submitted query's
    words match whole (stemmed: "bearing" finds "bearings"); a prefix of a common word
    reads the posting lists of every lexeme it starts (66,667 rows for "bear:*" over
    500,000 products, 15 ms before any other work).
    """

    code: str = ""
    words: tuple[str, ...] = ()
    boost: dict[int, float] = field(default_factory=dict)
    prefix: bool = True

    @property
    def empty(self) -> bool:
        return not (self.code or self.words or self.boost)


def query_words(query: str, limit: int = 8) -> tuple[str, ...]:
    return tuple(w.lower() for w in _WORD.findall(query))[:limit]


def _prefix_last(words, whole: str, prefix: str, last_as_prefix: bool = True) -> list[str]:
    """Earlier words whole, the last one (still being typed) as a prefix.

    A prefix of every word reads the posting lists of every lexeme it starts: two short
    prefixes cost PostgreSQL 30 ms over 500,000 products.
    """
    last = prefix if last_as_prefix else whole
    return [whole.format(w) for w in words[:-1]] + [last.format(w) for w in words[-1:]]


def trigrams(word: str) -> set[str]:
    """pg_trgm's trigrams of one word: lower case, two spaces before and one after."""
    padded = f"  {word.lower()} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def similarity(a: str, b: str) -> float:
    """pg_trgm's similarity() of two words (shared trigrams over all trigrams)."""
    ta, tb = trigrams(a), trigrams(b)
    return len(ta & tb) / len(ta | tb) if ta and tb else 0.0


def code_similarity(code: str, codes: str) -> float:
    """The best similarity of a code to any of a row's codes (strict word similarity)."""
    return max((similarity(code, c) for c in codes.split()), default=0.0)


class Backend:
    vendor = "sqlite"
    greatest = "max"

    def _in(self, ids) -> tuple[str, list]:
        ids = [int(i) for i in ids]
        return ",".join(["%s"] * len(ids)) or "NULL", ids

    def _fts_query(self, words, prefix: bool) -> str:
        return " AND ".join(_prefix_last(words, '"{}"', '"{}"*', prefix))

    def words_match(self, e: str, words, prefix: bool = True) -> tuple[str, list]:
        query = self._fts_query(words, prefix)
        return f"{e}.product_id IN (SELECT rowid FROM search_fts WHERE search_fts MATCH %s)", [
            query
        ]

    def words_rank(self, e: str, words, prefix: bool = True) -> tuple[str, list]:
        query = self._fts_query(words, prefix)
        # bm25 is negative (better is lower) for selective terms: squeeze it into (0, 1).
        bm25 = (
            f"(SELECT bm25(search_fts, 10.0, 10.0, 4.0, 1.0) FROM search_fts "
            f"WHERE search_fts MATCH %s AND rowid = {e}.product_id)"
        )
        return f"coalesce(0.5 - 0.5 * {bm25} / (1.0 + abs({bm25})), 0)", [query, query]

    def code_contains(self, e: str, code: str) -> tuple[str, list]:
        return (
            f"{e}.product_id IN (SELECT rowid FROM search_fts_codes "
            f"WHERE search_fts_codes MATCH %s)",
            [f'"{code}"'],
        )

    def fuzzy_codes(self, code: str, limit: int = 20) -> list[tuple[int, float]]:
        """Products with a code close to this one (typos), best first, with the similarity."""
        grams = sorted({code[i : i + 3] for i in range(len(code) - 2)})
        if not grams:
            return []
        query = " OR ".join(f'"{g}"' for g in grams)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT e.product_id, e.codes FROM search_fts_codes f "
                "JOIN search_productsearchentry e ON e.product_id = f.rowid "
                "WHERE search_fts_codes MATCH %s LIMIT 2000",
                [query],
            )
            scored = [(pk, code_similarity(code, codes)) for pk, codes in cursor.fetchall()]
        scored = [(pk, s) for pk, s in scored if s >= FUZZY_CODE_THRESHOLD]
        return sorted(scored, key=lambda r: (-r[1], r[0]))[:limit]

    def similar_term(self, word: str) -> str | None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT term, documents FROM search_searchterm "
                "WHERE length(term) BETWEEN %s AND %s",
                [max(3, len(word) - 3), len(word) + 3],
            )
            scored = [(similarity(word, t), n, t) for t, n in cursor.fetchall()]
        scored = [r for r in scored if r[0] >= FUZZY_TERM_THRESHOLD]
        if not scored:
            return None
        return sorted(scored, key=lambda r: (-r[0], -r[1], r[2]))[0][2]


class PostgresBackend(Backend):
    vendor = "postgresql"
    greatest = "GREATEST"

    def _tsquery(self, words, prefix: bool) -> str:
        return " & ".join(_prefix_last(words, "'{}'", "'{}':*", prefix))

    def words_match(self, e: str, words, prefix: bool = True) -> tuple[str, list]:
        return f"{e}.document @@ to_tsquery(%s::regconfig, %s)", [
            TEXT_CONFIG,
            self._tsquery(words, prefix),
        ]

    def words_rank(self, e: str, words, prefix: bool = True) -> tuple[str, list]:
        return f"ts_rank({e}.document, to_tsquery(%s::regconfig, %s))", [
            TEXT_CONFIG,
            self._tsquery(words, prefix),
        ]

    def code_contains(self, e: str, code: str) -> tuple[str, list]:
        return f"{e}.codes LIKE %s", [f"%{code}%"]

    def fuzzy_codes(self, code: str, limit: int = 20) -> list[tuple[int, float]]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT product_id, strict_word_similarity(%s, codes) AS s "
                "FROM search_productsearchentry WHERE %s <<%% codes "
                "ORDER BY s DESC, product_id LIMIT %s",
                [code, code, limit],
            )
            return [(pk, float(s)) for pk, s in cursor.fetchall()]

    def similar_term(self, word: str) -> str | None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT term FROM search_searchterm WHERE term %% %s "
                "ORDER BY similarity(term, %s) DESC, documents DESC, term LIMIT 1",
                [word, word],
            )
            row = cursor.fetchone()
        return row[0] if row else None


def backend() -> Backend:
    return PostgresBackend() if connection.vendor == "postgresql" else Backend()
