"""TEMPORARY (until H1's scan lands): a naive baskets_idle_iter for the engine's tests."""

from decimal import Decimal

from django.db.models import Max
from oscar.core.loading import get_model

from shop.basket.selectors import IdleBasket, IdleBasketLine

Basket = get_model("basket", "Basket")
OrderLine = get_model("order", "Line")


def baskets_idle_iter(*, idle_before, active_since, chunk_size=2000):
    baskets = (
        Basket.objects.filter(status=Basket.OPEN, owner__is_active=True,
                              owner__company_memberships__is_active=True)
        .annotate(last=Max("lines__date_updated"))
        .filter(last__gte=active_since, last__lt=idle_before)
        .order_by("pk")
    )  # fmt: skip
    for basket in baskets:
        company_id = basket.owner.company_memberships.get(is_active=True).company_id
        lines = list(basket.lines.select_related("product", "stockrecord"))
        products = [line.product_id for line in lines]
        if OrderLine.objects.filter(
            order__company_id=company_id,
            product_id__in=products,
            order__date_placed__gt=basket.last,
        ).exists():
            continue  # fmt: skip
        idle_lines = tuple(
            IdleBasketLine(line.product_id, line.stockrecord.partner_sku, line.product.title,
                           line.quantity, line.price_excl_tax)
            for line in lines
        )  # fmt: skip
        yield IdleBasket(
            basket.pk, basket.owner_id, basket.owner.email,
            basket.owner.get_full_name() or basket.owner.email, company_id, "EUR",
            sum((x.unit_price_excl_tax * x.quantity for x in idle_lines), Decimal("0")),
            basket.last, idle_lines,
        )  # fmt: skip
