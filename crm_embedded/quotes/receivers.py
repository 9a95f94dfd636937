"""The storefront's events the quotes listen to. Receivers pass ids, queue their work on
commit and never raise into the request (a paid order must not become an error page)."""

import logging

from django.db import transaction
from django.dispatch import receiver
from oscar.apps.order.signals import order_placed

from crm_embedded.quotes import tasks

log = logging.getLogger(__name__)


@receiver(order_placed, dispatch_uid="quotes.order_placed")
def quote_ordered(sender, order, **kwargs) -> None:
    try:
        reference = getattr(order, "quote_reference", "")
        if reference:
            number = order.number
            transaction.on_commit(
                lambda: tasks.quote_mark_ordered.delay(reference, number), robust=True
            )
    except Exception:  # never into checkout
        log.exception("could not queue the quote update for order %s", order.pk)
