"""Purchase approvals under real concurrency (PostgreSQL, real threads, committed
transactions): two approvers clicking "approve" at the same moment place one order."""

import threading
import time
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from oscar.core.loading import get_class, get_model

from shop.approvals import services
from shop.approvals.models import ApprovalRequest
from shop.approvals.states import State
from shop.companies.models import CompanyMember
from tests.factories import CompanyFactory, CompanyMemberFactory, ProductFactory, UserFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

Basket = get_model("basket", "Basket")
Country = get_model("address", "Country")
Order = get_model("order", "Order")
ShippingAddress = get_model("order", "ShippingAddress")
Free = get_class("shipping.methods", "Free")
OrderTotalCalculator = get_class("checkout.calculators", "OrderTotalCalculator")
Selector = get_class("partner.strategy", "Selector")


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL: row locks and concurrent transactions (SQLite serialises "
            "writers); run with DATABASE_URL=postgres://..."
        )


@pytest.fixture
def pending():
    Country.objects.get_or_create(
        iso_3166_1_a2="DE",
        defaults={"name": "Germany", "printable_name": "Germany", "is_shipping_country": True},
    )
    company = CompanyFactory(credit_limit=Decimal("1000000.00"))
    buyer = CompanyMemberFactory(
        company=company, role=CompanyMember.Role.BUYER, order_limit=Decimal("100.00")
    )
    deciders = [
        CompanyMemberFactory(company=company, role=role, user=UserFactory())
        for role in (CompanyMember.Role.APPROVER, CompanyMember.Role.ADMIN)
    ]
    basket = Basket.objects.create(owner=buyer.user)
    basket.strategy = Selector().strategy(user=buyer.user)
    basket.add_product(ProductFactory(stock__price=Decimal("50.00")), 5)
    approval = services.approval_request_create(
        basket=basket, member=buyer,
        order_total=OrderTotalCalculator().calculate(basket, Free().calculate(basket)),
        shipping_address=ShippingAddress(first_name="A", last_name="B", line1="Weg 1",
                                         line4="Bonn", postcode="53121", country_id="DE"),
        shipping_method=Free(),
    )  # fmt: skip
    return approval, deciders


def test_two_approvers_at_once_place_one_order(pending, monkeypatch):
    approval, deciders = pending
    original = services._place_order

    def slow_place_order(**kwargs):
        order = original(**kwargs)
        time.sleep(0.3)  # the row lock is held: the other approver has to wait for it
        return order

    monkeypatch.setattr(services, "_place_order", slow_place_order)
    barrier = threading.Barrier(len(deciders), timeout=30)
    results: list = [None] * len(deciders)

    def run(index, member_pk):
        try:
            client = Client()
            client.force_login(CompanyMember.objects.get(pk=member_pk).user)
            barrier.wait()
            response = client.post(
                reverse("approvals:approve", kwargs={"pk": approval.pk}), follow=True
            )
            results[index] = response.content.decode()
        except Exception as exc:
            results[index] = exc
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(i, member.pk)) for i, member in enumerate(deciders)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"

    assert all(isinstance(r, str) for r in results), results
    assert sum("Approved: order" in r for r in results) == 1
    assert sum("This request is already approved" in r for r in results) == 1
    approval.refresh_from_db()
    assert approval.status == State.APPROVED and Order.objects.count() == 1
    assert approval.order == Order.objects.get()
    assert ApprovalRequest.objects.get().basket.status == Basket.SUBMITTED
