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


def basket_scopes(*, basket_ids) -> list[str]:
    """A basket's own scope and its owner's (the header summary is keyed by the user)."""
    from oscar.core.loading import get_model

    Basket = get_model("basket", "Basket")  # noqa: N806
    ids = [pk for pk in basket_ids if pk]
    owners = Basket.objects.filter(pk__in=ids).values_list("owner_id", flat=True) if ids else []
    return [*(f"basket:{pk}" for pk in ids), *(f"basket:user:{o}" for o in owners if o)]


def cache_basket_bump(*, basket) -> None:
    """Make a basket's cached header summary stale after its lines were written in bulk.

    ``bulk_create``/``bulk_update`` send no signals: the quick order, a requisition list and
    an accepted quote put lines into the basket that way.
    """
    if basket is None or basket.pk is None:
        return
    scopes = [f"basket:{basket.pk}"]
    if basket.owner_id:
        scopes.append(f"basket:user:{basket.owner_id}")
    version_bump_safely(scopes=scopes)
