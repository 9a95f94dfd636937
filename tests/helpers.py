"""Small helpers shared by test modules (not factories: they build request data)."""


def basket_formset_data(basket, changes: dict[str, int], remove=(), extra=None) -> dict:
    """POST data for the basket page's formset: quantities by UPC, lines to remove, extra fields."""
    lines = list(basket.lines.select_related("product").order_by("pk"))
    data = {
        "form-TOTAL_FORMS": len(lines),
        "form-INITIAL_FORMS": len(lines),
        "form-MIN_NUM_FORMS": 0,
        "form-MAX_NUM_FORMS": 1000,
    }
    for index, line in enumerate(lines):
        sku = line.product.upc
        data[f"form-{index}-id"] = line.pk
        data[f"form-{index}-quantity"] = changes.get(sku, line.quantity)
        if sku in remove:
            data[f"form-{index}-DELETE"] = "on"
        for name, value in (extra or {}).get(sku, {}).items():
            data[f"form-{index}-{name}"] = value
    return data


def race(*jobs) -> list:
    """Run each job in its own thread after a shared barrier; return results or errors.

    For the PostgreSQL concurrency tests: the loser's exception is its result, and each
    thread closes its own database connection.
    """
    import threading

    from django.db import connection

    barrier = threading.Barrier(len(jobs), timeout=30)
    results: list = [None] * len(jobs)

    def run(index, job):
        try:
            barrier.wait()
            results[index] = job()
        except Exception as exc:  # the loser's error is the result
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    return results


def session_queries() -> int:
    """Database queries a request spends reading its session.

    None when sessions are read from the shared cache (``cached_db`` with Redis, the
    services run); one with the database sessions of the embedded default.
    """
    from django.conf import settings

    return 0 if settings.SESSION_ENGINE.endswith("cached_db") else 1
