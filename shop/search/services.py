"""Keep the product search index current (writes; reads are in ``selectors``)."""

import logging
from collections.abc import Callable, Iterable

from django.db import connection, transaction

from shop.caching.services import cache_catalogue_bump
from shop.search.index import index_write

logger = logging.getLogger(__name__)


def search_index_update(*, product_ids: Iterable[int]) -> int:
    """Rewrite the index rows of these products (gone or hidden ones leave it); return rows written."""
    ids = list(product_ids)
    if not ids:
        return 0
    with transaction.atomic():
        return index_write(product_ids=ids)


def search_index_rebuild(*, progress: Callable[[str], None] | None = None) -> int:
    """Rebuild the whole index in bulk SQL (PostgreSQL) or in chunks (SQLite); return its rows."""
    with transaction.atomic():
        written = index_write(product_ids=None, progress=progress)
    cache_catalogue_bump()  # every cached grid, search results included, was built on the old index
    return written


def search_index_ensure(*, changed: bool) -> int:
    """Rebuild the index when products changed or it misses some; return rows written (0: kept)."""
    from oscar.core.loading import get_model

    from shop.search.models import ProductSearchEntry

    Product = get_model("catalogue", "Product")
    browsable = Product.objects.filter(is_public=True, parent__isnull=True).count()
    if not changed and ProductSearchEntry.objects.count() == browsable:
        return 0  # a rebuild of 500,000 products takes minutes: only when needed
    return search_index_rebuild()


def search_index_update_on_commit(*, product_ids: Iterable[int]) -> None:
    """Update these products' rows after the current transaction commits; never raise."""
    ids = {int(i) for i in product_ids if i is not None}
    if not ids:
        return

    def run() -> None:
        try:
            search_index_update(product_ids=ids)
        except Exception:  # a stale search row must never fail the save that caused it
            logger.exception("search index update failed for %s products", len(ids))

    if any(getattr(block, "_from_testcase", False) for block in connection.atomic_blocks):
        # A test case's transaction never commits: apply now (in a savepoint) so that the
        # test sees what production sees after the commit.
        run()
        return
    transaction.on_commit(run)
