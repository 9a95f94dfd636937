"""ERP API tests: tokens, orders built row by row, and a requests session on the live server."""

import itertools
from decimal import Decimal

import pytest
import requests
from oscar.core.loading import get_model

from shop.integrations.models import Scope
from shop.integrations.services import token_create
from tests.factories import ProductFactory

Order = get_model("order", "Order")
Line = get_model("order", "Line")
Product = get_model("catalogue", "Product")

ALL_SCOPES = list(Scope.values)
_numbers = itertools.count(100001)


def order_create(*, company=None, user=None, lines=(("SKU-A", 3),), status="Confirmed", **fields):
    """An order as checkout leaves it: products with stock, each line's units allocated."""
    unit = Decimal("10.00")
    total = sum(unit * quantity for _sku, quantity in lines)
    order = Order.objects.create(
        number=fields.pop("number", None) or str(next(_numbers)),
        currency="EUR",
        total_excl_tax=total,
        total_incl_tax=total * Decimal("1.19"),
        status=status,
        company=company,
        user=user,
        **fields,
    )
    for sku, quantity in lines:
        product = Product.objects.filter(upc=sku).first() or ProductFactory(
            upc=sku, title=f"Part {sku}", stock__num_in_stock=100_000
        )
        stockrecord = product.stockrecords.get()
        stockrecord.allocate(quantity)
        Line.objects.create(
            order=order,
            product=product,
            stockrecord=stockrecord,
            partner=stockrecord.partner,
            partner_sku=sku,
            title=f"Part {sku}",
            quantity=quantity,
            unit_price_excl_tax=unit,
            unit_price_incl_tax=unit * Decimal("1.19"),
            line_price_excl_tax=unit * quantity,
            line_price_incl_tax=unit * quantity * Decimal("1.19"),
            line_price_before_discounts_excl_tax=unit * quantity,
            line_price_before_discounts_incl_tax=unit * quantity * Decimal("1.19"),
            num_allocated=quantity,
            status=status,
        )
    return order


def key_for(*scopes: str, name: str = "ERP test") -> str:
    return token_create(name=name, scopes=list(scopes)).key


class Api:
    """requests against /api/v1/ on the live server, with a token."""

    def __init__(self, base_url: str, key: str | None):
        self.base = f"{base_url}/api/v1/"
        self.session = requests.Session()
        if key:
            self.session.headers["Authorization"] = f"Token {key}"

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        kwargs.setdefault("timeout", 30)
        return self.session.request(method, self.base + path.lstrip("/"), **kwargs)

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs) -> requests.Response:
        return self.request("POST", path, **kwargs)

    def put(self, path: str, **kwargs) -> requests.Response:
        return self.request("PUT", path, **kwargs)


@pytest.fixture
def api_for(live_server):
    """Api(...) for a key, or for a new token with the given scopes."""

    def make(*scopes: str, key: str | None = None) -> Api:
        return Api(live_server.url, key if key is not None else key_for(*scopes))

    return make


@pytest.fixture
def carrier(db):
    Carrier = get_model("order", "Carrier")
    return Carrier.objects.get_or_create(
        code="dhl",
        defaults={
            "name": "DHL",
            "tracking_url_template": "https://track.example/?n={tracking_number}",
        },
    )[0]
