"""Orders with stock-tracked lines for the fulfilment tests (not fixtures: plain builders)."""

from decimal import Decimal

from oscar.apps.partner.strategy import Default
from oscar.core.loading import get_model
from oscar.test.factories import create_order, create_product

from orders import states
from orders.models import Carrier
from orders.services import order_status_change

Basket = get_model("basket", "Basket")


def order_with_lines(*quantities: int, user=None, confirmed: bool = True, number=None):
    """An order with one line per quantity, each product 100 in stock (allocated at placing)."""
    basket = Basket.objects.create(owner=user)
    basket.strategy = Default()
    for index, quantity in enumerate(quantities):
        product = create_product(
            title=f"Part {index}",
            partner_sku=f"SKU-{index}-{Basket.objects.count()}",
            num_in_stock=100,
            price=Decimal("10.00"),
        )
        basket.add_product(product, quantity=quantity)
    order = create_order(basket=basket, user=user, number=number)
    if confirmed:
        order_status_change(order=order, status=states.CONFIRMED)
    return order


def carrier(code: str = "dhl") -> Carrier:
    return Carrier.objects.get_or_create(
        code=code,
        defaults={
            "name": code.upper(),
            "tracking_url_template": "https://track.example/?n={tracking_number}",
        },
    )[0]


def lines(order) -> list:
    return list(order.lines.order_by("pk"))
