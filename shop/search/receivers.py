"""Keep the search index in step with products, stock records and part numbers."""


def connect() -> None:
    """Connect the index's receivers (called once from SearchConfig.ready)."""
