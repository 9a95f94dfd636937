"""The last units in stock: two buyers placing them at once get one order, never an oversell
or a deadlock (PostgreSQL, real threads through the real checkout pages); a buyer whose units
went meanwhile is told how many are left."""

import time
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from oscar.core.loading import get_class, get_model

from shop.credit.models import LedgerEntry
from shop.partner.services import StockShortage, stock_reserve_for_basket
from shop.partner.strategy import CompanyPricing
from tests.factories import (
    CompanyFactory,
    CompanyMemberFactory,
    ProductClassFactory,
    ProductFactory,
    UserFactory,
)
from tests.helpers import race as _race

Basket = get_model("basket", "Basket")
Country = get_model("address", "Country")
Order = get_model("order", "Order")
StockRecord = get_model("partner", "StockRecord")
PaymentDetailsView = get_class("checkout.views", "PaymentDetailsView")


@pytest.fixture
def germany(db):
    Country.objects.get_or_create(
        iso_3166_1_a2="DE", defaults={"name": "Germany", "is_shipping_country": True}
    )


def _buyer(name: str):
    company = CompanyFactory(legal_name=f"{name} GmbH", credit_limit=Decimal("1000000.00"))
    return CompanyMemberFactory(company=company, user=UserFactory(email=f"buyer@{name}.example"))


def _stocked(title: str, *, in_stock: int, allocated: int = 0, track_stock: bool = True):
    product_class = ProductClassFactory(
        name="Tracked part" if track_stock else "Made to order", track_stock=track_stock
    )
    product = ProductFactory(title=title, product_class=product_class, stock__num_in_stock=in_stock)
    StockRecord.objects.filter(product=product).update(num_allocated=allocated)
    return product


def _to_preview(client, items) -> None:
    for product, quantity in items:
        response = client.post(
            reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": quantity}
        )
        assert response.status_code == 302
    client.post(reverse("checkout:shipping-address"), {
        "first_name": "Jonas", "last_name": "Weber", "line1": "Ring 1", "line4": "Koeln",
        "postcode": "50667", "country": "DE", "phone_number": "",
    })  # fmt: skip
    for step in ("checkout:shipping-method", "checkout:payment-method", "checkout:preview"):
        assert client.get(reverse(step), follow=True).status_code == 200


def _place(client):
    return client.post(reverse("checkout:preview"), {"action": "place_order"})


def _stock(product) -> tuple[int, int]:
    record = StockRecord.objects.get(product=product)
    return record.num_in_stock, record.num_allocated or 0


# Concurrency (PostgreSQL) ---------------------------------------------------------------------


@pytest.fixture
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL: row locks and concurrent transactions (SQLite serialises "
            "writers); run with DATABASE_URL=postgres://..."
        )


def _slow_winner(monkeypatch) -> None:
    """Keep the winner's request (one transaction) open a while after its order is written."""
    original = PaymentDetailsView.handle_successful_order

    def slow(self, order):
        response = original(self, order)
        time.sleep(0.4)
        return response

    monkeypatch.setattr(PaymentDetailsView, "handle_successful_order", slow)


@pytest.mark.usefixtures("_postgresql_only", "germany")
@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_buyers_of_the_last_units_at_once_one_order_no_oversell(monkeypatch):
    # 3 of the filter are left (5 on hand, 2 allocated to an earlier order), 4 of the belt.
    flt = _stocked("Oil filter OF-3", in_stock=5, allocated=2)
    belt = _stocked("V-belt VB-4", in_stock=4)
    clients = []
    # Each buyer adds the two in the opposite order: allocating in basket order would take
    # the row locks crosswise and deadlock.
    for name, items in (("alpha", [(flt, 3), (belt, 4)]), ("beta", [(belt, 4), (flt, 3)])):
        client = Client()
        client.force_login(_buyer(name).user)
        _to_preview(client, items)
        clients.append(client)
    _slow_winner(monkeypatch)

    responses = _race(*(lambda client=client: _place(client) for client in clients))

    assert not [r for r in responses if isinstance(r, Exception)], responses
    placed = [r for r in responses if r.status_code == 302]
    refused = [r for r in responses if r.status_code == 200]
    assert len(placed) == 1 and placed[0]["Location"] == reverse("checkout:thank-you")
    assert len(refused) == 1
    html = refused[0].content.decode()
    assert "has just sold out (your order asks for" in html, html[:3000]
    assert Order.objects.count() == 1
    assert _stock(flt) == (5, 5) and _stock(belt) == (4, 4)
    # The refused buyer keeps the basket, and their company's ledger has no debit.
    order = Order.objects.get()
    assert LedgerEntry.objects.get().company == order.company
    assert Basket.open.exclude(owner=order.user).get().num_items == 7


@pytest.mark.usefixtures("_postgresql_only", "germany")
@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_buyers_of_a_product_without_stock_tracking_both_get_their_order(monkeypatch):
    made_to_order = _stocked("Custom hose", in_stock=0, track_stock=False)
    clients = []
    for name in ("gamma", "delta"):
        client = Client()
        client.force_login(_buyer(name).user)
        _to_preview(client, [(made_to_order, 6)])
        clients.append(client)
    _slow_winner(monkeypatch)

    responses = _race(*(lambda client=client: _place(client) for client in clients))

    assert [getattr(r, "status_code", r) for r in responses] == [302, 302]
    assert Order.objects.count() == 2
    assert _stock(made_to_order) == (0, 0)  # nothing is allocated when stock is not tracked


# One buyer, the units gone meanwhile (any database) -------------------------------------------


@pytest.mark.django_db
def test_units_taken_during_placement_are_refused_with_how_many_are_left(
    client, germany, monkeypatch
):
    product = _stocked("Brake disc BD-2", in_stock=4)
    client.force_login(_buyer("epsilon").user)
    _to_preview(client, [(product, 3)])
    original = PaymentDetailsView.handle_payment

    def another_order_first(self, *args, **kwargs):
        # After checkout's own availability check: another buyer's order takes 2 units.
        StockRecord.objects.filter(product=product).update(num_allocated=2)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(PaymentDetailsView, "handle_payment", another_order_first)

    response = _place(client)

    html = response.content.decode()
    assert response.status_code == 200
    assert (
        "Only 2 of Brake disc BD-2 left in stock, and your order asks for 3: lower the "
        "quantity in your basket to 2 and place the order again." in html
    )
    assert not Order.objects.exists() and not LedgerEntry.objects.exists()
    assert _stock(product) == (4, 2)


@pytest.mark.django_db
def test_the_last_units_exactly_are_placed(client, germany):
    product = _stocked("Brake disc BD-3", in_stock=4, allocated=1)
    client.force_login(_buyer("zeta").user)
    _to_preview(client, [(product, 3)])
    assert _place(client).status_code == 302
    assert _stock(product) == (4, 4)


@pytest.mark.django_db
def test_reserving_a_basket_checks_every_tracked_line_against_what_is_left():
    member = _buyer("eta")
    short = _stocked("Wheel bearing WB-1", in_stock=10, allocated=8)
    untracked = _stocked("Custom hose 2", in_stock=0, track_stock=False)
    basket = Basket.objects.create(owner=member.user)
    basket.strategy = CompanyPricing(company=member.company)
    basket.add_product(untracked, 50)
    basket.add_product(short, 2)
    stock_reserve_for_basket(basket=basket)  # 2 left, 2 wanted; the untracked line is free

    StockRecord.objects.filter(product=short).update(num_allocated=9)
    basket = Basket.objects.get(pk=basket.pk)
    basket.strategy = CompanyPricing(company=member.company)
    with pytest.raises(StockShortage) as error:
        stock_reserve_for_basket(basket=basket)
    assert "Only 1 of Wheel bearing WB-1 left in stock" in error.value.message


def test_checkout_names_a_line_whose_stock_went_and_says_how_many_are_left(client, germany):
    buyer = _buyer("gone")
    product = _stocked("Wheel bearing kit", in_stock=10)
    client.force_login(buyer.user)
    response = client.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": 8})
    assert response.status_code == 302
    StockRecord.objects.filter(product=product).update(num_in_stock=3)  # sold meanwhile

    response = client.get(reverse("checkout:index"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("basket:summary")
    texts = [str(m) for m in response.context["messages"]]
    sku = product.stockrecords.get().partner_sku
    assert (
        f"Wheel bearing kit ({sku}): Only 3 in stock: order up to 3. "
        "Change it in your basket to check out." in texts
    ), texts
