"""What a sales manager may do in Oscar's dashboard: orders, reports, refunds; not the shop's setup."""

import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.core.management.sql import emit_post_migrate_signal
from oscar.core.loading import get_model

from shop.demo import DEMO_PASSWORD
from tests.shop.test_card_payment import localstripe_url, stripe_on  # noqa: F401
from tests.shop.test_dashboard_refunds import card_order, stripe_refunded

OrderNote = get_model("order", "OrderNote")

# Every test talks to a localstripe on loopback (started once per session).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("stripe_on")]

SALES_MANAGER_PERMISSIONS = {
    "order.view_order",
    "order.change_order",
    "order.view_line",
    "order.view_ordernote",
    "order.add_ordernote",
    "order.change_ordernote",
    "order.view_paymentevent",
    "order.view_shippingevent",
    "payment.view_source",
    "payment.refund_card",
    "payment.view_unmatchedpayment",
    "payment.change_unmatchedpayment",
    "analytics.view_userrecord",
}


def granted_to_sales_managers() -> set[str]:
    group = Group.objects.get(name="Sales managers")
    return {
        f"{p.content_type.app_label}.{p.codename}"
        for p in group.permissions.select_related("content_type")
    }


SALES_MANAGER_PAGES = [
    "/shop/dashboard/",
    "/shop/dashboard/orders/",
    "/shop/dashboard/orders/statistics/",
    "/shop/dashboard/reports/",
    "/shop/dashboard/payments/unmatched/",
]
SETUP_PAGES = [
    "/shop/dashboard/catalogue/",
    "/shop/dashboard/catalogue/product-types/",
    "/shop/dashboard/catalogue/categories/",
    "/shop/dashboard/partners/",
    "/shop/dashboard/users/",
    "/shop/dashboard/offers/",
    "/shop/dashboard/vouchers/",
    "/shop/dashboard/pages/",
]


def test_the_sales_managers_group_holds_exactly_the_dashboard_permissions_it_needs():
    assert granted_to_sales_managers() == SALES_MANAGER_PERMISSIONS


def test_migrate_gives_the_group_its_permissions_back():
    # A permission removed by hand, or the custom refund permission gone: post_migrate
    # (sent by migrate, and by flush) grants them again.
    Group.objects.get(name="Sales managers").permissions.clear()
    Permission.objects.filter(codename="refund_card").delete()
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    assert granted_to_sales_managers() == SALES_MANAGER_PERMISSIONS


def test_post_migrate_never_creates_the_group():
    """A flush sends post_migrate too; a group made there clashes with the serialized
    database contents that transactional tests restore (the migration creates it)."""
    Group.objects.filter(name="Sales managers").delete()
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    assert not Group.objects.filter(name="Sales managers").exists()


@pytest.mark.parametrize("url", SALES_MANAGER_PAGES)
def test_a_sales_manager_opens_orders_reports_and_payments(client, sales_manager, url):
    client.force_login(sales_manager)
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", SETUP_PAGES)
def test_a_sales_manager_cannot_change_the_catalogue_partners_users_or_offers(
    client, sales_manager, url
):
    client.force_login(sales_manager)
    assert client.get(url).status_code == 403


def test_the_sales_managers_menu_shows_only_what_they_may_open(client, sales_manager):
    client.force_login(sales_manager)
    html = client.get("/shop/dashboard/").content.decode()
    assert set(re.findall(r'class="dropdown-item" href="([^"]+)"', html)) == {
        "/shop/dashboard/orders/",
        "/shop/dashboard/orders/statistics/",
        "/shop/dashboard/payments/unmatched/",
    }
    assert 'href="/shop/dashboard/reports/"' in html


@pytest.fixture
def demo():
    call_command("seed_demo", products=6, verbosity=0)


def test_the_demo_sales_manager_opens_an_order_and_refunds_it(client, demo):
    order = card_order(number="100900")
    assert client.login(username="sofia.sales@partshub.example", password=DEMO_PASSWORD)
    assert client.get("/shop/dashboard/orders/").status_code == 200
    html = client.get(f"/shop/dashboard/orders/{order.number}/").content.decode()
    assert 'id="card-refund-form"' in html
    response = client.post(
        f"/shop/dashboard/orders/{order.number}/",
        {"order_action": "refund_card", "amount": "4.00", "reason": "damaged in transit"},
    )
    assert response.status_code == 302
    assert stripe_refunded(order) == 400
    assert OrderNote.objects.get(order=order).user.email == "sofia.sales@partshub.example"


@pytest.mark.parametrize(
    "email", ["anna.berg@partshub.example", "jonas.weber@rheinland-auto.example"]
)
def test_demo_account_managers_and_buyers_cannot_open_the_dashboard(client, demo, email):
    assert client.login(username=email, password=DEMO_PASSWORD)
    for url in ("/shop/dashboard/", "/shop/dashboard/orders/"):
        response = client.get(url)
        assert response.status_code == 403
    # Each is told where to go instead: the CRM for staff, their order history for a buyer.
    where = (
        "the CRM at /crm/"
        if email.endswith("@partshub.example")
        else "Order History (/shop/accounts/orders/)"
    )
    assert where in response.content.decode()
