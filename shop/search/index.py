"""Writing the search index: bulk SQL on PostgreSQL, rows built in Python on SQLite.

Both paths write the same rows for the same products: one ``ProductSearchEntry`` per
browsable product (public, not a variant), its categories with their ancestors, and the
title words for "did you mean". SQLite also gets the FTS5 rows (words and codes).
"""

# SQL is assembled from fixed fragments, table aliases and %s placeholders only: every
# value a user typed travels as a parameter.
# ruff: noqa: S608, S611

import re
from collections.abc import Callable, Iterable

from django.db import connection
from django.db.models import Q
from oscar.core.loading import get_model

from shop.search.codes import normalize_code
from shop.search.models import ProductSearchCategory, ProductSearchEntry, SearchTerm

Category = get_model("catalogue", "Category")
Product = get_model("catalogue", "Product")
ProductAttributeValue = get_model("catalogue", "ProductAttributeValue")
ProductCategory = get_model("catalogue", "ProductCategory")
StockRecord = get_model("partner", "StockRecord")

TEXT_CONFIG = "english"  # the catalogue is written in English (SQLite: the porter stemmer)
CHUNK = 2000
_TAGS = re.compile(r"<[^>]*>")
_TERM = re.compile(r"[^\W\d_]{3,}")


def title_terms(title: str) -> set[str]:
    """The words of a title worth suggesting: letters only, three or more."""
    return {t for t in _TERM.findall(title.lower()) if len(t) <= 64}


def codes_text(*codes: str) -> str:
    """Normalized codes between spaces: ' A B ' (so that '% X' finds a code's prefix)."""
    seen = []
    for code in codes:
        if code and code not in seen:
            seen.append(code)
    return f" {' '.join(seen)} " if seen else ""


# --- PostgreSQL: one INSERT ... SELECT for any number of products ---------------------------

_NORM = "regexp_replace(upper({0}), '[^0-9A-Z]+', '', 'g')"

_PG_ENTRIES = """
WITH sel AS (
    SELECT p.id, p.title, p.slug, p.upc, p.brand, p.manufacturer_part_number, p.description,
           coalesce(pc.track_stock, true) AS track_stock
    FROM catalogue_product p
    LEFT JOIN catalogue_productclass pc ON pc.id = p.product_class_id
    WHERE p.is_public AND p.parent_id IS NULL {only_p}
), sr AS (
    -- A variant's stock records belong to its parent's row (the parent is what is listed).
    SELECT coalesce(vp.parent_id, r.product_id) AS product_id, min(partner_sku) AS sku,
           string_agg(DISTINCT partner_sku, ' ') AS skus,
           string_agg(DISTINCT {norm_sku}, ' ') AS sku_codes,
           bool_or(num_in_stock - coalesce(num_allocated, 0) > 0) AS stocked
    FROM partner_stockrecord r JOIN catalogue_product vp ON vp.id = r.product_id
    WHERE true {only_sr} GROUP BY coalesce(vp.parent_id, r.product_id)
), av AS (
    SELECT v.product_id,
           string_agg(concat_ws(' ', v.value_text, o.option, v.value_integer::text,
                                v.value_float::text), ' ') AS attrs
    FROM catalogue_productattributevalue v
    LEFT JOIN catalogue_attributeoption o ON o.id = v.value_option_id
    WHERE true {only_av} GROUP BY v.product_id
), ancestors AS (
    SELECT c.id AS category_id, a.id AS ancestor_id
    FROM catalogue_category c
    JOIN catalogue_category a ON a.depth <= c.depth AND a.path = left(c.path, length(a.path))
), cat AS (
    SELECT pc.product_id,
           ' ' || string_agg(DISTINCT an.ancestor_id::text, ' ') || ' ' AS categories
    FROM catalogue_productcategory pc JOIN ancestors an ON an.category_id = pc.category_id
    WHERE true {only_pc} GROUP BY pc.product_id
), rows AS (
    SELECT s.*, sr.skus, sr.sku_codes, coalesce(sr.stocked, false) AS stocked, av.attrs,
           coalesce(cat.categories, '') AS categories,
           coalesce(sr.sku, s.upc, '') AS display_sku,
           {norm_msku} AS sku_code, {norm_mpn} AS mpn_code, {norm_upc} AS upc_code
    FROM sel s LEFT JOIN sr ON sr.product_id = s.id LEFT JOIN av ON av.product_id = s.id
    LEFT JOIN cat ON cat.product_id = s.id
)
INSERT INTO search_productsearchentry
    (product_id, title, slug, sku, manufacturer_part_number, sku_code, mpn_code, upc_code,
     codes, brand, categories, in_stock, document)
SELECT id, left(title, 255), left(slug, 255), left(display_sku, 128), manufacturer_part_number,
       left(sku_code, 128), left(mpn_code, 64), left(upc_code, 64),
       coalesce(' ' || nullif(concat_ws(' ', nullif(sku_codes, ''),
           CASE WHEN mpn_code <> '' AND position(' ' || mpn_code || ' '
                IN ' ' || coalesce(sku_codes, '') || ' ') = 0 THEN mpn_code END,
           CASE WHEN upc_code <> '' AND upc_code <> mpn_code AND position(' ' || upc_code || ' '
                IN ' ' || coalesce(sku_codes, '') || ' ') = 0 THEN upc_code END), '') || ' ', ''),
       brand, categories, (NOT track_stock) OR stocked,
       setweight(to_tsvector(%(config)s, concat_ws(' ', title, skus, manufacturer_part_number,
                                                    upc, sku_codes, mpn_code, upc_code)), 'A')
       || setweight(to_tsvector(%(config)s, concat_ws(' ', brand, attrs)), 'B')
       || setweight(to_tsvector(%(config)s,
                                regexp_replace(coalesce(description, ''), '<[^>]*>', ' ', 'g')),
                    'C')
FROM rows
""".format(
    only_p="{only_p}",
    only_sr="{only_sr}",
    only_av="{only_av}",
    only_pc="{only_pc}",
    norm_sku=_NORM.format("partner_sku"),
    norm_msku=_NORM.format("coalesce(sr.sku, s.upc, '')"),
    norm_mpn=_NORM.format("s.manufacturer_part_number"),
    norm_upc=_NORM.format("coalesce(s.upc, '')"),
)

_PG_CATEGORIES = """
WITH ancestors AS (
    SELECT c.id AS category_id, a.id AS ancestor_id
    FROM catalogue_category c
    JOIN catalogue_category a ON a.depth <= c.depth AND a.path = left(c.path, length(a.path))
)
INSERT INTO search_productsearchcategory (product_id, category_id)
SELECT DISTINCT pc.product_id, an.ancestor_id
FROM catalogue_productcategory pc
JOIN ancestors an ON an.category_id = pc.category_id
JOIN search_productsearchentry e ON e.product_id = pc.product_id
WHERE true {only_pc}
"""

_PG_TERMS = """
INSERT INTO search_searchterm (term, documents)
SELECT word, ndoc FROM ts_stat(
    'SELECT to_tsvector(''simple'', title) FROM search_productsearchentry {only_e}'
)
WHERE length(word) BETWEEN 3 AND 64 AND word ~ '^[[:alpha:]]+$'
ON CONFLICT (term) DO NOTHING
"""


def _pg_write(product_ids: list[int] | None, progress: Callable | None) -> int:
    only = {"only_p": "", "only_sr": "", "only_av": "", "only_pc": "", "only_e": ""}
    params: dict = {"config": TEXT_CONFIG}
    if product_ids is not None:
        only = {
            "only_p": "AND p.id = ANY(%(ids)s)",
            "only_sr": "AND (vp.id = ANY(%(ids)s) OR vp.parent_id = ANY(%(ids)s))",
            "only_av": "AND v.product_id = ANY(%(ids)s)",
            "only_pc": "AND pc.product_id = ANY(%(ids)s)",
            # ts_stat runs its own query text: the ids are integers, written out.
            "only_e": "WHERE product_id IN ({})".format(
                ",".join(str(int(i)) for i in product_ids) or "NULL"
            ),
        }
        params["ids"] = list(product_ids)
    with connection.cursor() as cursor:
        if product_ids is None:
            cursor.execute("DELETE FROM search_productsearchcategory")
            cursor.execute("DELETE FROM search_productsearchentry")
            cursor.execute("DELETE FROM search_searchterm")
        else:
            cursor.execute(
                "DELETE FROM search_productsearchcategory WHERE product_id = ANY(%(ids)s)", params
            )
            cursor.execute(
                "DELETE FROM search_productsearchentry WHERE product_id = ANY(%(ids)s)", params
            )
        if progress:
            progress("entries")
        cursor.execute(_PG_ENTRIES.format(**only), params)
        written = cursor.rowcount
        if progress:
            progress("categories")
        cursor.execute(_PG_CATEGORIES.format(**only), params)
        if progress:
            progress("terms")
        cursor.execute(_PG_TERMS.format(**only), params)
        if product_ids is None:
            if progress:
                progress("analyze")
            for table in ("search_productsearchentry", "search_productsearchcategory"):
                cursor.execute(f"ANALYZE {table}")
    return written


# --- SQLite (and any other database): rows built in Python, FTS5 beside them ----------------


def _category_ancestors() -> dict[int, list[int]]:
    rows = list(Category.objects.values_list("pk", "path"))
    by_path = {path: pk for pk, path in rows}
    steplen = Category.steplen
    return {
        pk: [
            by_path[path[:n]] for n in range(steplen, len(path) + 1, steplen) if path[:n] in by_path
        ]
        for pk, path in rows
    }


def _python_chunk(ids: list[int], ancestors: dict[int, list[int]]) -> tuple[list, list, list, set]:
    products = list(
        Product.objects.filter(pk__in=ids, is_public=True, parent__isnull=True).values_list(
            "pk", "title", "slug", "upc", "brand", "manufacturer_part_number", "description",
            "product_class__track_stock",
        )
    )  # fmt: skip
    found = [p[0] for p in products]
    records: dict[int, list] = {}
    # A variant's stock records belong to its parent's row (the parent is what is listed).
    for product_id, parent_id, sku, in_stock, allocated in StockRecord.objects.filter(
        Q(product_id__in=found) | Q(product__parent_id__in=found)
    ).values_list(
        "product_id", "product__parent_id", "partner_sku", "num_in_stock", "num_allocated"
    ):
        records.setdefault(parent_id or product_id, []).append(
            (sku, (in_stock or 0) - (allocated or 0) > 0)
        )
    attrs: dict[int, list[str]] = {}
    for product_id, *values in ProductAttributeValue.objects.filter(
        product_id__in=found
    ).values_list(
        "product_id", "value_text", "value_option__option", "value_integer", "value_float"
    ):
        attrs.setdefault(product_id, []).extend(str(v) for v in values if v not in (None, ""))
    categories: dict[int, set[int]] = {}
    for product_id, category_id in ProductCategory.objects.filter(product_id__in=found).values_list(
        "product_id", "category_id"
    ):
        categories.setdefault(product_id, set()).update(ancestors.get(category_id, ()))

    entries, fts, terms = [], [], set()
    for pk, title, slug, upc, brand, mpn, description, track_stock in products:
        stock = sorted(records.get(pk, []))
        skus = [sku for sku, _stocked in stock]
        sku = skus[0] if skus else (upc or "")
        sku_codes = [normalize_code(s) for s in skus]
        mpn_code, upc_code = normalize_code(mpn), normalize_code(upc or "")
        codes = codes_text(*sku_codes, mpn_code, upc_code)
        entries.append(
            ProductSearchEntry(
                product_id=pk, title=title[:255], slug=slug[:255], sku=sku[:128],
                manufacturer_part_number=mpn, sku_code=normalize_code(sku)[:128],
                mpn_code=mpn_code[:64], upc_code=upc_code[:64], codes=codes, brand=brand,
                categories=codes_text(*(str(c) for c in sorted(categories.get(pk, ())))),
                in_stock=(track_stock is False) or any(s for _sku, s in stock),
            )
        )  # fmt: skip
        fts.append(
            (
                pk,
                title,
                " ".join([*skus, mpn, upc or "", codes]),
                " ".join([brand, *attrs.get(pk, [])]),
                _TAGS.sub(" ", description or ""),
                codes,
            )
        )
        terms |= title_terms(title)
    links = [
        ProductSearchCategory(product_id=pk, category_id=c)
        for pk in found
        for c in sorted(categories.get(pk, ()))
    ]
    return entries, links, fts, terms


def _python_write(product_ids: list[int] | None, progress: Callable | None) -> int:
    is_sqlite = connection.vendor == "sqlite"
    if product_ids is None:
        ProductSearchCategory.objects.all().delete()
        ProductSearchEntry.objects.all().delete()
        SearchTerm.objects.all().delete()
        if is_sqlite:
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM search_fts")
                cursor.execute("DELETE FROM search_fts_codes")
        ids = list(Product.objects.order_by("pk").values_list("pk", flat=True))
    else:
        ids = sorted(set(product_ids))
    ancestors = _category_ancestors()
    written = 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        if product_ids is not None:
            ProductSearchCategory.objects.filter(product_id__in=chunk).delete()
            ProductSearchEntry.objects.filter(product_id__in=chunk).delete()
        entries, links, fts, terms = _python_chunk(chunk, ancestors)
        ProductSearchEntry.objects.bulk_create(entries)
        ProductSearchCategory.objects.bulk_create(links)
        SearchTerm.objects.bulk_create(
            [SearchTerm(term=t) for t in sorted(terms)], ignore_conflicts=True
        )
        if is_sqlite:
            with connection.cursor() as cursor:
                if product_ids is not None:
                    # %s, not ?: Django's cursor converts them, and with DEBUG its query log
                    # formats the statement with % (a ? left it raising after the write).
                    marks = ",".join(["%s"] * len(chunk))
                    cursor.execute(f"DELETE FROM search_fts WHERE rowid IN ({marks})", chunk)
                    cursor.execute(f"DELETE FROM search_fts_codes WHERE rowid IN ({marks})", chunk)
                cursor.executemany(
                    "INSERT INTO search_fts (rowid, title, codes, brand, body) "
                    "VALUES (%s, %s, %s, %s, %s)",
                    [row[:5] for row in fts],
                )
                cursor.executemany(
                    "INSERT INTO search_fts_codes (rowid, codes) VALUES (%s, %s)",
                    [(row[0], row[5]) for row in fts],
                )
        written += len(entries)
        if progress:
            progress(f"{min(start + CHUNK, len(ids))}/{len(ids)}")
    return written


def index_write(*, product_ids: Iterable[int] | None, progress: Callable | None = None) -> int:
    """(Re)write the index rows of these products (None: all); return how many rows exist now."""
    ids = None if product_ids is None else sorted({int(i) for i in product_ids if i})
    if ids == []:
        return 0
    if ids is not None:
        # A variant (its SKU, its stock) is searched through its parent's row.
        parents = Product.objects.filter(pk__in=ids, parent__isnull=False).values_list(
            "parent_id", flat=True
        )
        ids = sorted(set(ids) | set(parents))
    if connection.vendor == "postgresql":
        return _pg_write(ids, progress)
    return _python_write(ids, progress)
