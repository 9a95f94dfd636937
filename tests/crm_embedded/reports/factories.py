"""Orders, shipments and quotes as the reports read them, cheap to build by the dozen."""

import datetime
import itertools
from decimal import Decimal

from django.utils import timezone
from oscar.core.loading import get_model

from orders import states

Order = get_model("order", "Order")

_numbers = itertools.count(1)


def at(day: datetime.date, hour: int = 12, minute: int = 0) -> datetime.datetime:
    """An aware moment on a day (the site's time zone)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def order_make(
    *, company, placed: datetime.datetime, total: str | Decimal = "100.00", status=states.PLACED,
    user=None, number: str | None = None,
):  # fmt: skip
    """An order (no lines) placed at a moment with a net total."""
    total = Decimal(total)
    return Order.objects.create(
        number=number or f"R-{next(_numbers):06d}",
        company=company,
        user=user,
        currency="EUR",
        total_excl_tax=total,
        total_incl_tax=(total * Decimal("1.19")).quantize(Decimal("0.01")),
        status=status,
        date_placed=placed,
    )
