"""Oscar's order confirmation email (ORDER_PLACED) on the demo: PO number, company, real links.

The Site behind its link and signature follows WAGTAILADMIN_BASE_URL and SITE_NAME (after
migrate and in seed_demo), not Django's default "example.com".
"""

import pytest
from django.conf import settings
from django.contrib.sites.models import Site
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from oscar.core.loading import get_model

from config.sites import site_sync
from shop.companies.models import CompanyAddress
from shop.demo import DEMO_PASSWORD

Order = get_model("order", "Order")
StockRecord = get_model("partner", "StockRecord")

pytestmark = pytest.mark.django_db

JONAS = "jonas.weber@rheinland-auto.example"  # buyer, Rheinland Auto (on account)
PO_NUMBER = "PO-2026/4711"


@pytest.fixture
def demo():
    # A database that still has Django's default Site, as before this fix.
    Site.objects.filter(pk=settings.SITE_ID).update(domain="example.com", name="example.com")
    Site.objects.clear_cache()
    call_command("seed_demo", products=12, verbosity=0)


def _place_order(client, *, purchase_order_number: str) -> Order:
    assert client.login(username=JONAS, password=DEMO_PASSWORD)
    record = next(
        r
        for r in StockRecord.objects.select_related("product").order_by("id")
        if r.num_in_stock >= r.product.min_order_quantity and r.price
    )
    client.post(
        reverse("basket:add", kwargs={"pk": record.product_id}),
        {"quantity": record.product.min_order_quantity},
    )
    client.post(
        reverse("checkout:shipping-address"),
        {
            "action": "ship_to_company_address",
            "company_address": CompanyAddress.objects.get(label="Workshop Bonn").pk,
        },
    )
    client.get(reverse("checkout:shipping-method"), follow=True)
    response = client.post(
        reverse("checkout:preview"),
        {"action": "place_order", "purchase_order_number": purchase_order_number},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    return Order.objects.get(purchase_order_number=purchase_order_number)


def _confirmation(order) -> mail.EmailMessage:
    sent = [m for m in mail.outbox if order.number in m.subject]
    assert len(sent) == 1, [m.subject for m in mail.outbox]
    assert sent[0].to == [JONAS]
    return sent[0]


def test_the_confirmation_prints_the_po_number_and_company_and_links_to_the_portal(client, demo):
    mail.outbox.clear()
    order = _place_order(client, purchase_order_number=PO_NUMBER)
    message = _confirmation(order)
    link = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse(
        "customer:order", kwargs={"order_number": order.number}
    )
    html = next(content for content, kind in message.alternatives if kind == "text/html")

    for body in (message.body, html):
        assert PO_NUMBER in body
        assert "Rheinland Auto Service GmbH" in body
        assert link in body
        assert "example.com" not in body
    assert f"The {settings.SITE_NAME} team" in message.body
    assert f"The {settings.SITE_NAME} team" in html
    assert f'href="{link}"' in html


def test_without_a_po_number_the_confirmation_says_none_was_given(client, demo):
    order = _place_order(client, purchase_order_number="")
    body = _confirmation(order).body
    assert "Your purchase order number: none given" in body


def test_migrate_leaves_the_site_at_the_portal_address():
    """post_migrate set the test database's Site: a fresh `make run` needs no extra step."""
    site = Site.objects.get(pk=settings.SITE_ID)
    assert (site.domain, site.name) == ("127.0.0.1:8000", settings.SITE_NAME)


def test_site_sync_follows_the_base_url_and_is_idempotent():
    with override_settings(WAGTAILADMIN_BASE_URL="https://portal.partshub.example/"):
        assert site_sync() is True
        assert site_sync() is False
        assert Site.objects.get_current().domain == "portal.partshub.example"
    with override_settings(WAGTAILADMIN_BASE_URL="http://localhost:8080"):
        assert site_sync() is True
        assert Site.objects.get_current().domain == "localhost:8080"
