"""Store the tax treatment of every order as it is placed (checkout and approved requests).

Oscar sends ``order_placed`` inside the placement's transaction with ``.send()``: the record
is written in a savepoint, and a failure is logged, never raised into the request (a paid
order must not become an error page). The order page then works the treatment out again.
"""

import logging

from django.db import transaction
from django.dispatch import receiver
from oscar.apps.order.signals import order_placed

log = logging.getLogger(__name__)


@receiver(order_placed, dispatch_uid="tax.order_placed")
def order_tax_recorded(sender, order, **kwargs) -> None:
    from shop.tax.services import tax_record_for_order

    try:
        with transaction.atomic():
            tax_record_for_order(order=order)
    except Exception:  # never into checkout
        log.exception("could not record the tax treatment of order %s", order.number)
