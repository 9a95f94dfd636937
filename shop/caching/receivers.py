"""Bump the cache versions when what a cached page shows changes (products, stock, prices)."""


def connect() -> None:
    """Connect the invalidation receivers (called once from CachingConfig.ready)."""
