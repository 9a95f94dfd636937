"""Follow-ups, orders with lines and staff for the CRM-side follow-up tests (views, attribution,
recovery report). FollowUp rows are made directly: the engine is tested on its own."""

import datetime
import itertools
from decimal import Decimal

from django.utils import timezone
from oscar.core.loading import get_model

from crm_embedded.followups.models import FollowUp, FollowUpRule
from orders import states

Order = get_model("order", "Order")
Line = get_model("order", "Line")

_numbers = itertools.count(1)


def at(day: datetime.date, hour: int = 12, minute: int = 0) -> datetime.datetime:
    """An aware moment on a day (the site's time zone)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def followup_make(
    *, company, kind=FollowUpRule.Kind.IDLE_BASKET, item: str | None = None, stage: int = 1,
    status=FollowUp.Status.SENT, created: datetime.datetime | None = None, products=(),
    value: str = "0.00", **fields,
) -> FollowUp:  # fmt: skip
    """A follow-up of a company at a stage, created at a moment, with lines of ``products``."""
    lines = [
        {"product_id": p.pk, "sku": p.upc, "title": p.title, "quantity": 1, "unit_price": "10.00"}
        for p in products
    ]
    followup = FollowUp.objects.create(
        rule=FollowUpRule.objects.get(kind=kind), kind=kind,
        item_key=item or f"basket:9{next(_numbers):05d}:1", stage=stage, status=status,
        company=company, lines=lines, value=Decimal(value), **fields,
    )  # fmt: skip
    if created is not None:
        FollowUp.objects.filter(pk=followup.pk).update(created_at=created)
        followup.refresh_from_db()
    return followup


def order_with_lines(
    *, company, placed: datetime.datetime, lines: list[tuple], status=states.PLACED,
    number: str | None = None,
):  # fmt: skip
    """An order placed at a moment with lines [(product, net line price), ...]."""
    total = sum((Decimal(price) for _, price in lines), Decimal("0.00"))
    order = Order.objects.create(
        number=number or f"F-{next(_numbers):06d}", company=company, currency="EUR",
        total_excl_tax=total, total_incl_tax=(total * Decimal("1.19")).quantize(Decimal("0.01")),
        status=status, date_placed=placed,
    )  # fmt: skip
    for product, price in lines:
        price = Decimal(price)
        Line.objects.create(
            order=order, product=product, partner_sku=product.upc or "x", title=product.title,
            quantity=1, line_price_excl_tax=price, line_price_incl_tax=price,
            line_price_before_discounts_excl_tax=price, line_price_before_discounts_incl_tax=price,
            num_allocated=0,
        )  # fmt: skip
    return order
