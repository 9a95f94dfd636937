"""Buffer Oscar's product-view, search and basket-addition events instead of writing them.

Oscar connects its own receivers when its analytics app is ready; importing its module
here connects them (once) and ``connect()`` then swaps them for buffered ones. Order
placement keeps Oscar's receiver: it runs inside checkout's own write transaction.
"""

import logging

from oscar.apps.analytics import receivers as oscar_receivers
from oscar.apps.basket.signals import basket_addition
from oscar.apps.catalogue.signals import product_viewed
from oscar.apps.search.signals import user_search

from . import buffer

log = logging.getLogger(__name__)


def _user_id(user) -> int | None:
    return user.pk if user is not None and user.is_authenticated else None


def _record(**event) -> None:
    # Analytics must never fail a page: a cache that is down loses the event, not the view.
    try:
        buffer.event_record(**event)
    except Exception:
        log.warning("analytics event not recorded: %r", event, exc_info=True)


def receive_product_view(sender, product, user, **kwargs) -> None:
    if kwargs.get("raw", False):
        return
    _record(kind=buffer.PRODUCT_VIEW, product_id=product.pk, user_id=_user_id(user))


def receive_product_search(sender, query, user, **kwargs) -> None:
    if kwargs.get("raw", False) or _user_id(user) is None:
        return
    _record(kind=buffer.SEARCH, user_id=_user_id(user), query=str(query))


def receive_basket_addition(sender, product, user, **kwargs) -> None:
    if kwargs.get("raw", False):
        return
    _record(kind=buffer.BASKET_ADDITION, product_id=product.pk, user_id=_user_id(user))


def connect() -> None:
    """Replace Oscar's writing receivers by buffering ones (idempotent)."""
    product_viewed.disconnect(oscar_receivers.receive_product_view)
    user_search.disconnect(oscar_receivers.receive_product_search)
    basket_addition.disconnect(oscar_receivers.receive_basket_addition)
    product_viewed.connect(receive_product_view, dispatch_uid="shop.analytics.product_viewed")
    user_search.connect(receive_product_search, dispatch_uid="shop.analytics.user_search")
    basket_addition.connect(receive_basket_addition, dispatch_uid="shop.analytics.basket_addition")
