"""The buyer's order page reads like a B2B order: SKUs, unit prices, their PO number, the quote."""

import pytest
from django.urls import reverse
from oscar.test.factories import create_order

from shop.companies.models import CompanyMember
from tests.factories import CompanyMemberFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(db):
    member = CompanyMemberFactory(user=UserFactory(email="buyer@werk.example"))
    order = create_order(user=member.user)
    order.company = member.company
    order.purchase_order_number = "BE-2026-0042"
    order.quote_reference = "Q-000123"
    order.save()
    return order


def test_the_order_page_shows_skus_unit_prices_po_number_and_quote(client, order):
    client.force_login(order.user)
    html = client.get(
        reverse("customer:order", kwargs={"order_number": order.number})
    ).content.decode()
    line = order.lines.get()
    assert line.partner_sku and f">{line.partner_sku}</td>" in html
    assert "Unit price (excl. tax)" in html and "Line total (excl. tax)" in html
    assert f"{line.unit_price_excl_tax:,.2f}" in html
    assert 'id="order-po-number">BE-2026-0042<' in html
    assert 'id="order-quote-reference">Q-000123<' in html


def test_an_order_without_po_number_says_none_was_given(client, order):
    order.purchase_order_number = ""
    order.quote_reference = ""
    order.save()
    client.force_login(order.user)
    html = client.get(
        reverse("customer:order", kwargs={"order_number": order.number})
    ).content.decode()
    assert 'id="order-po-number">none given<' in html
    assert 'id="order-quote-reference"' not in html


def test_another_companys_buyer_cannot_open_the_order(client, order):
    other = CompanyMemberFactory(role=CompanyMember.Role.BUYER)
    client.force_login(other.user)
    response = client.get(reverse("customer:order", kwargs={"order_number": order.number}))
    assert response.status_code == 404
