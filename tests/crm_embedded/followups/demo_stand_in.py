"""TEMPORARY stand-in for shop.basket.services.basket_demo_idle_fill (requested from the
coordinator in /tmp/helpers/requests-engine.md); used only while the real one is missing."""

from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from oscar.core.loading import get_model

Basket = get_model("basket", "Basket")
Line = get_model("basket", "Line")
StockRecord = get_model("partner", "StockRecord")


@transaction.atomic
def basket_demo_idle_fill(*, email: str, lines: int, changed_at: datetime) -> int | None:
    from shop.companies.selectors import membership_for_user
    from shop.partner.strategy import CompanyPricing

    user = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
    membership = membership_for_user(user=user) if user is not None else None
    if membership is None:
        return None
    basket, _ = Basket.open.get_or_create(owner=user)
    if not basket.lines.exists():
        basket.strategy = CompanyPricing(company=membership.company)
        records = StockRecord.objects.select_related("product").filter(
            price__isnull=False, product__is_public=True
        )
        added = 0
        for record in records.order_by("pk"):
            pack = record.product.pack_size or 1
            quantity = -(-max(record.product.min_order_quantity or 1, 2) // pack) * pack
            if added >= lines or record.num_in_stock is None or record.num_in_stock < quantity:
                continue
            if not basket.strategy.fetch_for_product(
                record.product
            ).availability.is_available_to_buy:
                continue
            basket.add_product(record.product, quantity)
            added += 1
    Line.objects.filter(basket=basket).update(date_updated=changed_at)
    return basket.pk
