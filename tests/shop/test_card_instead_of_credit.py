# ruff: noqa: F811 (the fixtures imported below are requested by name)
"""An on-account order the credit line refuses can be paid by card instead: this order only."""

from decimal import Decimal

import pytest
from django.urls import reverse
from oscar.core.loading import get_model

from shop.companies.models import Company, CompanyAddress
from shop.credit.models import LedgerEntry
from shop.demo import DEMO_PASSWORD
from shop.payment.models import CardIntent
from tests.shop.test_card_payment import (  # noqa: F401 (fixtures)
    _browser_confirms,
    demo,
    localstripe_url,
    stripe_on,
)

Order = get_model("order", "Order")
StockRecord = get_model("partner", "StockRecord")

pytestmark = pytest.mark.django_db

JONAS = "jonas.weber@rheinland-auto.example"  # buyer, Rheinland Auto (on account, net 30)


def _to_refusal(client) -> str:
    """Jonas fills a basket, reaches the preview and places the order: credit refuses it."""
    Company.objects.filter(slug="rheinland-auto").update(credit_limit=Decimal("1.00"))
    assert client.login(username=JONAS, password=DEMO_PASSWORD)
    record = next(
        r
        for r in StockRecord.objects.select_related("product").order_by("id")
        if r.num_in_stock >= r.product.min_order_quantity and r.price and r.price < 200
    )
    client.post(
        reverse("basket:add", kwargs={"pk": record.product_id}),
        {"quantity": record.product.min_order_quantity},
    )
    address = CompanyAddress.objects.filter(company__slug="rheinland-auto", kind="shipping").first()
    client.post(
        reverse("checkout:shipping-address"),
        {"action": "ship_to_company_address", "company_address": address.pk},
    )
    client.get(reverse("checkout:shipping-method"), follow=True)
    client.post(reverse("checkout:preview"), {"purchase_order_number": "PO-88"})
    response = client.post(
        reverse("checkout:preview"), {"action": "place_order", "purchase_order_number": "PO-88"}
    )
    assert response.status_code == 200
    return response.content.decode()


def test_a_credit_refusal_offers_card_and_the_order_is_paid_by_card(client, demo, stripe_on):
    html = _to_refusal(client)
    assert "more than the credit available" in html
    assert 'id="pay-by-card-instead"' in html and "Request a higher limit" in html
    assert not Order.objects.exists()

    response = client.post(reverse("checkout:preview"), {"action": "pay_by_card_instead"})
    assert response.status_code == 302 and response["Location"] == reverse("checkout:preview")
    html = client.get(reverse("checkout:preview")).content.decode()
    assert 'id="card-payment"' in html and 'id="card-instead"' in html
    assert 'id="pay-on-account"' in html
    intent = CardIntent.objects.get()
    assert f'data-client-secret="{intent.intent_id}_secret_' in html

    _browser_confirms(intent.intent_id)
    response = client.post(
        reverse("checkout:preview"),
        {
            "action": "place_order",
            "purchase_order_number": "PO-88",
            "payment_intent": intent.intent_id,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    order = Order.objects.get()
    source = order.sources.get()
    assert (source.source_type.name, source.reference) == ("Card (Stripe)", intent.intent_id)
    assert source.amount_debited == order.total_incl_tax
    assert order.company.slug == "rheinland-auto" and order.purchase_order_number == "PO-88"
    assert not LedgerEntry.objects.filter(order=order).exists()  # nothing on the credit line

    # This order only: the next checkout is on account again (and refused again).
    html = _to_refusal(client)
    assert 'id="card-payment"' not in html and 'id="pay-by-card-instead"' in html


def test_card_instead_is_refused_without_stripe_and_changes_nothing(client, demo, settings):
    settings.STRIPE_SECRET_KEY = settings.STRIPE_PUBLISHABLE_KEY = ""
    html = _to_refusal(client)
    assert 'id="pay-by-card-instead"' not in html
    assert "card payment is not available right now" in html
    response = client.post(
        reverse("checkout:preview"), {"action": "pay_by_card_instead"}, follow=True
    )
    assert "Card payment is unavailable right now" in response.content.decode()
    preview = client.get(reverse("checkout:preview")).content.decode()
    assert 'id="card-payment"' not in preview


def test_back_to_on_account_from_card_instead(client, demo, stripe_on):
    _to_refusal(client)
    client.post(reverse("checkout:preview"), {"action": "pay_by_card_instead"})
    client.post(reverse("checkout:preview"), {"action": "pay_on_account"})
    preview = client.get(reverse("checkout:preview")).content.decode()
    assert 'id="card-payment"' not in preview and "nothing is charged now" in preview
