"""Demo data of this room for ``seed_demo``: an idle cart the follow-up job has yet to act on."""

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from shop.basket import services as basket_services

DEMO_BUYER = "jonas.weber@rheinland-auto.example"
IDLE_FOR = timedelta(hours=5)  # past the default 4-hour threshold: the next run acts on it
DEMO_LINES = 2


def followups_demo_ensure(*, now: datetime | None = None) -> int:
    """Leave the demo buyer an open cart whose lines last changed five hours ago; return 1
    when the cart is there (its lines re-dated, so no follow-up has acted on it yet), else 0.
    """
    # Like the tracked demo orders: with DEBUG (make run), not in the test suite's demo, whose
    # journeys place orders as this buyer and expect an empty cart.
    if not getattr(settings, "FOLLOWUP_DEMO_IDLE_CART", settings.DEBUG):
        return 0
    now = now or timezone.now()
    basket_id = basket_services.basket_demo_idle_fill(
        email=DEMO_BUYER, lines=DEMO_LINES, changed_at=now - IDLE_FOR
    )
    return 1 if basket_id else 0
