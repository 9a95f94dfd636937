"""shop.basket.services.basket_lines_restore on its own: merge rule, rules, quoted lines."""

from decimal import Decimal
from types import SimpleNamespace

import pytest
from oscar.core.loading import get_model

from shop.basket.services import RestoreLine, basket_lines_restore
from shop.partner.strategy import Selector
from shop.pricing.models import PriceList, PriceListEntry
from tests.factories import ProductFactory

Basket = get_model("basket", "Basket")
Line = get_model("basket", "Line")

pytestmark = pytest.mark.django_db


def _strategy(member):
    return Selector().strategy(request=SimpleNamespace(company_member=member, user=member.user))


def test_duplicates_sum_quoted_lines_stay_apart_and_pack_sizes_hold_on_the_whole_line(
    buyer_member, company
):
    bolt = ProductFactory(title="Hex bolt", upc="BLT-0001")
    ties = ProductFactory(title="Cable ties", upc="TIE-0010", min_order_quantity=10, pack_size=10)
    contract = PriceList.objects.create(code="c", name="Contract", company=company)
    PriceListEntry.objects.create(price_list=contract, product=bolt, value=Decimal("7.00"))
    basket = Basket.objects.create(owner=buyer_member.user)
    record = ties.stockrecords.get()
    Line.objects.create(basket=basket, product=ties, stockrecord=record, quantity=10,
                        line_reference="t", price_currency="EUR", price_excl_tax=record.price)  # fmt: skip
    quoted = Line.objects.create(
        basket=basket, product=bolt, stockrecord=bolt.stockrecords.get(), quantity=100,
        line_reference="q", price_currency="EUR", price_excl_tax=Decimal("5.00"),
        quoted_unit_price=Decimal("5.00"), quote_reference="Q-1",
    )  # fmt: skip
    lines = [
        RestoreLine(bolt.pk, 2, "Hex bolt"),
        RestoreLine(bolt.pk, 3, "Hex bolt"),  # the same product twice: one line of 5
        RestoreLine(ties.pk, 20, "Cable ties"),  # 10 there: raised to two whole packs
        RestoreLine(None, 1, "Lost line"),
    ]
    result = basket_lines_restore(basket=basket, lines=lines, strategy=_strategy(buyer_member))
    assert [(r.title, r.quantity) for r in result.added] == [("Hex bolt", 5)]
    assert [(r.title, r.quantity) for r in result.merged] == [("Cable ties", 20)]
    assert [r.title for r in result.unavailable] == ["Lost line"]
    rows = set(basket.lines.values_list("product__upc", "quantity", "price_excl_tax"))
    assert rows == {
        ("BLT-0001", 100, Decimal("5.00")),  # the quote's locked line is left alone
        ("BLT-0001", 5, Decimal("7.00")),  # the contract price, not the list price
        ("TIE-0010", 20, record.price),
    }
    quoted.refresh_from_db()
    assert quoted.quantity == 100
    again = basket_lines_restore(basket=basket, lines=lines, strategy=_strategy(buyer_member))
    assert not again.changed and len(again.unchanged) == 2
    assert basket.lines.count() == 3


def test_stock_short_of_the_quantity_is_named_and_nothing_is_added(buyer_member):
    scarce = ProductFactory(title="Rare seal", upc="SEAL-001", stock__num_in_stock=2)
    basket = Basket.objects.create(owner=buyer_member.user)
    result = basket_lines_restore(
        basket=basket, lines=[RestoreLine(scarce.pk, 5, "Rare seal")],
        strategy=_strategy(buyer_member),
    )  # fmt: skip
    assert not result.changed
    assert result.unavailable[0].title == "Rare seal"
    assert "Only 2 in stock now." in result.unavailable[0].reason
    assert basket.lines.count() == 0
