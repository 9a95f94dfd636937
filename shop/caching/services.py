"""Cache invalidation for writes that send no model signals (bulk_create, bulk_update, update)."""

from shop.caching.versions import version_bump_safely


def price_list_scopes(*, price_list) -> list[str]:
    """The version scopes a price list's prices are cached under."""
    if price_list.company_id:
        return [f"prices:company:{price_list.company_id}"]
    if price_list.customer_group_id:
        return [f"prices:group:{price_list.customer_group_id}"]
    return ["prices"]


def cache_price_list_bump(*, price_list) -> None:
    """Make the cached prices of a price list's company or group stale after a bulk write."""
    version_bump_safely(scopes=price_list_scopes(price_list=price_list))


def cache_catalogue_bump() -> None:
    """Make every cached grid stale after a bulk write of products, categories or stock."""
    version_bump_safely(scopes=["catalogue", "prices"])
