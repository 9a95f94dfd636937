"""Reads for the dashboard's payment pages."""

from django.db.models import QuerySet
from oscar.core.loading import get_model

from shop.payment.models import UnmatchedPayment

Basket = get_model("basket", "Basket")


def unmatched_payments_for_staff(*, include_resolved: bool = False) -> QuerySet:
    """Card payments no order accounts for, newest first; the open ones unless asked for all."""
    payments = UnmatchedPayment.objects.select_related("resolution", "resolution__actor").order_by(
        "-created_at", "-id"
    )
    if not include_resolved:
        payments = payments.filter(resolved_at__isnull=True)
    return payments


def baskets_by_id(*, basket_ids) -> dict:
    """Return the baskets (with their owners) for these ids, in one query."""
    ids = {basket_id for basket_id in basket_ids if basket_id}
    return Basket.objects.select_related("owner").in_bulk(ids) if ids else {}
