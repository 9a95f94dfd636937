"""A buffer for analytics events in the cache, written to Oscar's tables in batches.

Every event takes the next number from an atomic cache counter and is stored under that
number. ``events_flush`` applies the events after the last applied number, in order, in
one transaction, then moves the mark and deletes them. A number whose event is missing
is waited for (its writer may be a moment behind) and skipped once it has been missing
for ``GAP_GRACE_SECONDS`` (its writer died, or the cache evicted it). A lock in the cache
keeps two flushes from applying the same events.

Who flushes: Celery beat (``shop.analytics.tasks.flush``, every minute) when a worker
runs; without a broker (the embedded default) a daemon thread in each web process, every
``ANALYTICS_FLUSH_SECONDS`` (``ANALYTICS_FLUSH_IN_PROCESS``).
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import time
from collections import Counter

from django.conf import settings
from django.core.cache import caches
from django.db import close_old_connections, transaction
from django.db.models import F
from oscar.core.loading import get_model

log = logging.getLogger(__name__)

PRODUCT_VIEW = "view"
BASKET_ADDITION = "basket"
SEARCH = "search"

SEQ_KEY = "shop:analytics:seq"
DONE_KEY = "shop:analytics:done"
GAP_KEY = "shop:analytics:gap"
LOCK_KEY = "shop:analytics:flush-lock"
EVENT_KEY = "shop:analytics:event:{}"
EVENT_SECONDS = 7 * 24 * 3600
LOCK_SECONDS = 300
GAP_GRACE_SECONDS = 120
BATCH = 1000
QUERY_MAX_LENGTH = 200  # UserSearch.query is a CharField(200)


def _cache():
    alias = "analytics" if "analytics" in settings.CACHES else "default"
    return caches[alias]


def event_record(
    *, kind: str, product_id: int | None = None, user_id: int | None = None, query: str = ""
) -> int:
    """Store one analytics event in the cache; return its sequence number."""
    cache = _cache()
    number = _next_number(cache)
    cache.set(
        EVENT_KEY.format(number),
        (kind, product_id, user_id, query[:QUERY_MAX_LENGTH]),
        timeout=EVENT_SECONDS,
    )
    _flusher_ensure()
    return number


def _next_number(cache) -> int:
    """Take the next event number from the counter (starting it at 0 if missing)."""
    from django.core.cache.backends.redis import RedisCache

    if isinstance(cache, RedisCache):
        # Redis's INCR starts a missing counter at 0: one round trip instead of Django's
        # add, then incr (which asks whether the key exists first): three.
        key = cache.make_and_validate_key(SEQ_KEY)
        return int(cache._cache.get_client(key, write=True).incr(key))
    cache.add(SEQ_KEY, 0, timeout=None)
    try:
        return cache.incr(SEQ_KEY)
    except ValueError:  # evicted between add and incr
        cache.add(SEQ_KEY, 0, timeout=None)
        return cache.incr(SEQ_KEY)


def _gap_given_up(cache, number: int) -> bool:
    """True once event ``number`` has been missing for longer than the grace period."""
    seen = cache.get(GAP_KEY)
    now = time.time()
    if seen and seen[0] == number:
        return now - seen[1] > GAP_GRACE_SECONDS
    cache.set(GAP_KEY, (number, now), timeout=None)
    return False


def events_flush() -> int:
    """Apply the buffered events to Oscar's analytics tables; return how many were applied."""
    cache = _cache()
    if not cache.add(LOCK_KEY, 1, timeout=LOCK_SECONDS):
        return 0  # another flush is running
    try:
        high = cache.get(SEQ_KEY) or 0
        done = cache.get(DONE_KEY) or 0
        if done > high:  # the sequence restarted (cache cleared): start over with it
            done = 0
        applied = 0
        while done < high:
            upto = min(high, done + BATCH)
            keys = [EVENT_KEY.format(n) for n in range(done + 1, upto + 1)]
            found = cache.get_many(keys)
            events, last = [], done
            for number, key in zip(range(done + 1, upto + 1), keys, strict=True):
                event = found.get(key)
                if event is None and not _gap_given_up(cache, number):
                    break
                if event is not None:
                    events.append(event)
                last = number
            if events:
                _apply(events)
            if last > done:
                cache.set(DONE_KEY, last, timeout=None)
                cache.delete_many(keys[: last - done])
            applied += len(events)
            if last < upto:
                break
            done = last
        return applied
    finally:
        cache.delete(LOCK_KEY)


@transaction.atomic
def _apply(events: list[tuple]) -> None:
    ProductRecord = get_model("analytics", "ProductRecord")
    UserRecord = get_model("analytics", "UserRecord")
    UserProductView = get_model("analytics", "UserProductView")
    UserSearch = get_model("analytics", "UserSearch")
    Product = get_model("catalogue", "Product")
    User = UserRecord._meta.get_field("user").related_model

    product_views, product_additions = Counter(), Counter()
    user_views, user_additions = Counter(), Counter()
    viewed, searches = [], []
    for kind, product_id, user_id, query in events:
        if kind == PRODUCT_VIEW:
            product_views[product_id] += 1
            if user_id:
                user_views[user_id] += 1
                viewed.append((user_id, product_id))
        elif kind == BASKET_ADDITION:
            product_additions[product_id] += 1
            if user_id:
                user_additions[user_id] += 1
        elif kind == SEARCH and user_id:
            searches.append((user_id, query))

    # Products or users deleted since the event are dropped with it.
    products = set(
        Product.objects.filter(pk__in=set(product_views) | set(product_additions)).values_list(
            "pk", flat=True
        )
    )
    users = set(
        User.objects.filter(
            pk__in=set(user_views) | set(user_additions) | {u for u, _ in searches}
        ).values_list("pk", flat=True)
    )
    _counters_add(
        ProductRecord,
        "product_id",
        products,
        {"num_views": product_views, "num_basket_additions": product_additions},
    )
    _counters_add(
        UserRecord,
        "user_id",
        users,
        {"num_product_views": user_views, "num_basket_additions": user_additions},
    )
    UserProductView.objects.bulk_create(
        UserProductView(user_id=u, product_id=p) for u, p in viewed if u in users and p in products
    )
    UserSearch.objects.bulk_create(
        UserSearch(user_id=u, query=q) for u, q in searches if u in users
    )


def _counters_add(model, key: str, existing: set[int], increments: dict[str, Counter]) -> None:
    """Add the counts to each row of ``model`` keyed by ``key``, creating missing rows."""
    ids = {i for counts in increments.values() for i in counts if i in existing}
    have = set(model.objects.filter(**{f"{key}__in": ids}).values_list(key, flat=True))
    missing = []
    for object_id in ids:
        values = {field: counts[object_id] for field, counts in increments.items()}
        if object_id in have:
            model.objects.filter(**{key: object_id}).update(
                **{field: F(field) + n for field, n in values.items() if n}
            )
        else:
            missing.append(model(**{key: object_id}, **values))
    model.objects.bulk_create(missing)


# In-process flushing for the embedded default (no broker, so no beat).
_flusher_lock = threading.Lock()
_flusher_pid: int | None = None


def _flusher_ensure() -> None:
    """Start this process's flushing thread once, if settings ask for one."""
    global _flusher_pid
    if not getattr(settings, "ANALYTICS_FLUSH_IN_PROCESS", False) or _flusher_pid == os.getpid():
        return
    with _flusher_lock:
        if _flusher_pid == os.getpid():
            return
        _flusher_pid = os.getpid()
        threading.Thread(target=_flush_forever, name="analytics-flush", daemon=True).start()
        # A process-local cache dies with the process: flush on a normal exit too. (A kill
        # loses at most ANALYTICS_FLUSH_SECONDS of counts; they are statistics, not orders.)
        atexit.register(_flush_quietly)


def _flush_quietly() -> None:
    try:
        events_flush()
    except Exception:
        log.warning("analytics flush failed; the events stay buffered", exc_info=True)
    finally:
        close_old_connections()


def _flush_forever() -> None:
    interval = getattr(settings, "ANALYTICS_FLUSH_SECONDS", 60)
    while True:
        time.sleep(interval)
        _flush_quietly()
