"""The idle-basket scan (shop.basket.selectors.baskets_idle_iter) behind the cart follow-ups."""

import datetime
import itertools
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from oscar.core.loading import get_model

from orders import states
from shop.basket.selectors import basket_is_open, basket_last_activity, baskets_idle_iter
from tests.factories import CompanyFactory, CompanyMemberFactory, ProductFactory, UserFactory

Basket = get_model("basket", "Basket")
Line = get_model("basket", "Line")
Order = get_model("order", "Order")
OrderLine = get_model("order", "Line")
Product = get_model("catalogue", "Product")

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 10, 12, 0, tzinfo=datetime.UTC)
IDLE_BEFORE = NOW - datetime.timedelta(hours=4)
ACTIVE_SINCE = NOW - datetime.timedelta(days=30)
_numbers = itertools.count(1)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def ago(**delta) -> datetime.datetime:
    return NOW - datetime.timedelta(**delta)


def buyer_make(company=None, **member):
    return CompanyMemberFactory(company=company or CompanyFactory(), **member)


def basket_make(*, owner, lines, at, status=Basket.OPEN):
    """A basket whose lines [(product, quantity, net unit price), ...] last changed at ``at``."""
    with time_machine.travel(at, tick=False):
        basket = Basket.objects.create(owner=owner)
    for product, quantity, price in lines:
        line_add(basket=basket, product=product, at=at, quantity=quantity, price=price)
    Basket.objects.filter(pk=basket.pk).update(status=status)  # lines of a frozen one can't change
    return basket


def line_add(*, basket, product, at, quantity=1, price="1.00"):
    with time_machine.travel(at, tick=False):
        return Line.objects.create(
            basket=basket, product=product, stockrecord=product.stockrecords.first(),
            quantity=quantity, line_reference=f"{product.pk}_{next(_numbers)}",
            price_currency="EUR", price_excl_tax=Decimal(price),
        )  # fmt: skip


def order_make(*, company, product, placed):
    order = Order.objects.create(
        number=f"IDLE-{next(_numbers):05d}", company=company, currency="EUR",
        total_excl_tax=Decimal("10.00"), total_incl_tax=Decimal("11.90"),
        status=states.PLACED, date_placed=placed,
    )  # fmt: skip
    OrderLine.objects.create(
        order=order, product=product, partner_sku=product.upc, title=product.title, quantity=1,
        line_price_excl_tax=Decimal("10.00"), line_price_incl_tax=Decimal("11.90"),
        line_price_before_discounts_excl_tax=Decimal("10.00"),
        line_price_before_discounts_incl_tax=Decimal("11.90"), num_allocated=0,
    )  # fmt: skip
    return order


def scan(**kwargs) -> list:
    return list(baskets_idle_iter(idle_before=IDLE_BEFORE, active_since=ACTIVE_SINCE, **kwargs))


def test_only_baskets_last_changed_inside_the_window_are_idle():
    product = ProductFactory()
    idle = basket_make(owner=buyer_make().user, lines=[(product, 1, "5.00")], at=ago(hours=5))
    edge = basket_make(owner=buyer_make().user, lines=[(product, 1, "5.00")], at=ago(days=30))
    basket_make(owner=buyer_make().user, lines=[(product, 1, "5.00")], at=ago(hours=4))
    basket_make(owner=buyer_make().user, lines=[(product, 1, "5.00")], at=ago(hours=1))
    basket_make(owner=buyer_make().user, lines=[(product, 1, "5.00")], at=ago(days=30, seconds=1))
    basket_make(owner=buyer_make().user, lines=[], at=ago(days=2))  # empty: nothing to remind
    # One old line, one touched an hour ago: the basket is in use, not idle.
    busy = basket_make(owner=buyer_make().user, lines=[(product, 1, "5.00")], at=ago(days=3))
    line_add(basket=busy, product=ProductFactory(), at=ago(hours=1))

    found = scan()

    assert [b.basket_id for b in found] == [idle.pk, edge.pk]
    assert found[0].last_activity == ago(hours=5)
    assert found[1].last_activity == ago(days=30)


def test_frozen_submitted_merged_saved_and_anonymous_baskets_are_left_out():
    product = ProductFactory()
    kept = basket_make(owner=buyer_make().user, lines=[(product, 1, "5.00")], at=ago(hours=6))
    for status in (Basket.FROZEN, Basket.SUBMITTED, Basket.MERGED, Basket.SAVED):
        basket_make(owner=buyer_make().user, lines=[(product, 1, "5.00")], at=ago(hours=6), status=status)  # fmt: skip
    basket_make(owner=None, lines=[(product, 1, "5.00")], at=ago(hours=6))

    assert [b.basket_id for b in scan()] == [kept.pk]


def test_only_active_users_with_an_active_membership_count():
    product = ProductFactory()
    kept = basket_make(owner=buyer_make().user, lines=[(product, 1, "5.00")], at=ago(hours=6))
    left = buyer_make(is_active=False)
    basket_make(owner=left.user, lines=[(product, 1, "5.00")], at=ago(hours=6))
    basket_make(owner=UserFactory(), lines=[(product, 1, "5.00")], at=ago(hours=6))  # no company
    blocked = buyer_make()
    blocked.user.is_active = False
    blocked.user.save()
    basket_make(owner=blocked.user, lines=[(product, 1, "5.00")], at=ago(hours=6))

    assert [b.basket_id for b in scan()] == [kept.pk]


def test_baskets_whose_company_ordered_one_of_their_products_since_are_left_out():
    bolt, nut, other = ProductFactory(), ProductFactory(), ProductFactory()
    member = buyer_make()
    colleague = buyer_make(company=member.company)
    ordered_since = basket_make(owner=member.user, lines=[(bolt, 1, "5.00"), (nut, 2, "1.00")], at=ago(days=2))  # fmt: skip
    # The colleague's order of the nut a day later counts for the company.
    order_make(company=member.company, product=nut, placed=ago(days=1))
    # Ordered before the basket last changed: still idle.
    before = basket_make(owner=colleague.user, lines=[(bolt, 1, "5.00")], at=ago(days=2))
    order_make(company=member.company, product=bolt, placed=ago(days=3))
    # Another company's order, and this company's order of another product: still idle.
    stranger = buyer_make()
    foreign = basket_make(owner=stranger.user, lines=[(nut, 1, "1.00")], at=ago(days=2))
    order_make(company=CompanyFactory(), product=nut, placed=ago(days=1))
    order_make(company=stranger.company, product=other, placed=ago(days=1))

    found = [b.basket_id for b in scan()]

    assert ordered_since.pk not in found
    assert found == [before.pk, foreign.pk]


def test_lines_carry_the_stored_price_sku_and_title():
    member = buyer_make(user=UserFactory(first_name="Lena", last_name="Vogt"))
    bearing = ProductFactory(title="Bearing 6204", upc="UPC-6204", stock__price=Decimal("40.00"))
    bearing.stockrecords.update(partner_sku="WH-6204")
    loose = ProductFactory(title="Loose part", upc="UPC-LOOSE")
    loose.stockrecords.update(partner_sku="")  # no warehouse SKU: the product's UPC
    parent = ProductFactory(title="Hex bolt", upc="", structure="parent", stock=False)
    child = ProductFactory(title="", upc="HB-M8", structure="child", parent=parent)
    basket = basket_make(
        owner=member.user,
        lines=[(bearing, 3, "31.50"), (loose, 1, "2.25"), (child, 10, "0.13")],
        at=ago(hours=8),
    )

    (found,) = scan()

    assert found.basket_id == basket.pk
    assert (found.owner_id, found.owner_email) == (member.user.pk, member.user.email)
    assert found.owner_name == "Lena Vogt"
    assert found.company_id == member.company_id
    assert found.currency == "EUR"
    # The price stored when added (the buyer's negotiated one), not today's list price 40.00.
    assert [(x.product_id, x.sku, x.title, x.quantity, x.unit_price_excl_tax) for x in found.lines] == [
        (bearing.pk, "WH-6204", "Bearing 6204", 3, Decimal("31.50")),
        (loose.pk, "UPC-LOOSE", "Loose part", 1, Decimal("2.25")),
        (child.pk, "HB-M8", "Hex bolt", 10, Decimal("0.13")),
    ]  # fmt: skip
    assert found.total_excl_tax == Decimal("98.05")


def test_chunks_follow_basket_ids_with_two_queries_each():
    product = ProductFactory()
    baskets = [
        basket_make(owner=buyer_make().user, lines=[(product, 1, "5.00")], at=ago(hours=5))
        for _ in range(5)
    ]
    basket_make(owner=None, lines=[(product, 1, "5.00")], at=ago(hours=5))

    with CaptureQueriesContext(connection) as ctx:
        found = scan(chunk_size=2)

    assert [b.basket_id for b in found] == [b.pk for b in baskets]
    # The window's orders once, then chunks of 2, 2, 1: candidates and their lines each; the
    # short chunk ends the scan.
    assert len(ctx.captured_queries) == 7


def test_the_scan_is_streamed_chunk_by_chunk():
    product = ProductFactory()
    for _ in range(3):
        basket_make(owner=buyer_make().user, lines=[(product, 1, "5.00")], at=ago(hours=5))
    iterator = baskets_idle_iter(idle_before=IDLE_BEFORE, active_since=ACTIVE_SINCE, chunk_size=2)

    with CaptureQueriesContext(connection) as ctx:
        next(iterator)
    assert len(ctx.captured_queries) == 3  # the window's orders and the first chunk only


@pytest.mark.parametrize("size", [3, 15])
def test_queries_do_not_grow_with_the_number_of_baskets(size, django_assert_num_queries):
    products = [ProductFactory() for _ in range(3)]
    for n in range(size):
        member = buyer_make()
        lines = [(p, n + 1, "4.00") for p in products[: 1 + n % 3]]
        basket_make(owner=member.user, lines=lines, at=ago(hours=5 + n))
        order_make(company=member.company, product=products[2], placed=ago(days=40))

    with django_assert_num_queries(3):
        found = scan()
    assert len(found) == size


def test_basket_is_open_and_its_last_activity():
    product = ProductFactory()
    basket = basket_make(owner=buyer_make().user, lines=[(product, 1, "5.00")], at=ago(days=2))
    line_add(basket=basket, product=ProductFactory(), at=ago(hours=7))
    empty = basket_make(owner=buyer_make().user, lines=[], at=ago(days=1))

    assert basket_is_open(basket_id=basket.pk) is True
    assert basket_last_activity(basket_id=basket.pk) == ago(hours=7)
    assert basket_last_activity(basket_id=empty.pk) is None
    assert basket_last_activity(basket_id=10**9) is None

    Basket.objects.filter(pk=basket.pk).update(status=Basket.FROZEN)
    assert basket_is_open(basket_id=basket.pk) is False
    assert basket_is_open(basket_id=10**9) is False
