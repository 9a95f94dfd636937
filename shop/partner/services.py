"""Stock allocation at order placement: never more than is on hand, and never a deadlock.

Two buyers may both see the last units as available and place their orders at the same
moment. The allocation is one conditional ``UPDATE`` (the row is locked by it, and
PostgreSQL re-checks the condition once the other buyer's transaction ends), so exactly one
gets the units and the other a clear message. Oscar's ``OrderCreator`` allocates the lines
sorted by stock record, so concurrent placements take the row locks in one order.

A quoted line was agreed with its lead time and may go beyond the stock on hand; products
whose class does not track stock are never allocated.
"""

from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from oscar.apps.order.exceptions import UnableToPlaceOrder

from shop.errors import PortalError


class StockShortage(PortalError, UnableToPlaceOrder):
    """Fewer units are on hand than the order asks for (checkout shows the message)."""


def _shortage(*, stockrecord, quantity: int, available: int) -> StockShortage:
    product = stockrecord.product.get_title()
    if available <= 0:
        message = _(
            "%(product)s has just sold out (your order asks for %(quantity)s): remove it "
            "from your basket, or ask your account manager for a quote with a lead time."
        ) % {"product": product, "quantity": quantity}
    else:
        message = _(
            "Only %(available)s of %(product)s left in stock, and your order asks for "
            "%(quantity)s: lower the quantity in your basket to %(available)s and place the "
            "order again."
        ) % {"product": product, "available": available, "quantity": quantity}
    return StockShortage(message)


def stock_allocate(*, stockrecord, quantity: int) -> None:
    """Allocate ``quantity`` units of a stock record, or raise StockShortage if fewer are left."""
    if not stockrecord.can_track_allocations:
        return
    model = type(stockrecord)
    allocated = Coalesce(F("num_allocated"), Value(0))
    rows = model.objects.filter(pk=stockrecord.pk)
    if not getattr(stockrecord, "allocation_beyond_stock", False):
        rows = rows.filter(num_in_stock__gte=allocated + quantity)
    stockrecord.pre_save_signal()
    if not rows.update(num_allocated=allocated + quantity):
        stockrecord.refresh_from_db(fields=["num_in_stock", "num_allocated"])
        raise _shortage(
            stockrecord=stockrecord, quantity=quantity, available=stockrecord.net_stock_level
        )
    stockrecord.refresh_from_db(fields=["num_allocated"])
    stockrecord.post_save_signal()


def stock_reserve_for_basket(*, basket) -> None:
    """Lock the basket's stock records (in id order) and check the lines fit what is left.

    Call it inside the placement transaction before taking a card payment: the row locks
    are held until the transaction ends, so the allocation that follows cannot fail and no
    card is charged for units another buyer took a moment earlier.
    """
    lines = [
        line
        for line in basket.all_lines()
        if line.stockrecord_id
        and line.product.get_product_class().track_stock
        and getattr(line, "quoted_unit_price", None) is None
    ]
    if not lines:
        return
    model = type(lines[0].stockrecord)
    locked = {
        record.pk: record
        for record in model.objects.select_for_update()
        .filter(pk__in={line.stockrecord_id for line in lines})
        .order_by("pk")
    }
    wanted: dict[int, int] = {}
    for line in lines:
        wanted[line.stockrecord_id] = wanted.get(line.stockrecord_id, 0) + line.quantity
    for line in sorted(lines, key=lambda line: line.stockrecord_id):
        record = locked[line.stockrecord_id]
        if wanted[record.pk] > record.net_stock_level:
            record.product = line.product
            raise _shortage(
                stockrecord=record,
                quantity=wanted[record.pk],
                available=max(record.net_stock_level, 0),
            )
