"""Card payments through Stripe PaymentIntents, against a real localstripe on loopback."""

import json
import socket
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest
import stripe
from django.core.management import call_command
from django.urls import reverse
from oscar.core.loading import get_model

from shop.companies.models import CompanyAddress
from shop.demo import DEMO_PASSWORD
from shop.payment import services as card
from shop.payment.gateway import stripe_client
from shop.payment.models import CardIntent, StripeEvent, UnmatchedPayment

Basket = get_model("basket", "Basket")
Order = get_model("order", "Order")


def _checkout_orders():
    """Orders placed by the test's checkout, not the ones seed_demo leaves (DEMO-...)."""
    return Order.objects.exclude(number__startswith="DEMO-")


PaymentEvent = get_model("order", "PaymentEvent")
StockRecord = get_model("partner", "StockRecord")

pytestmark = pytest.mark.django_db

PABLO = "pablo.ruiz@iberiafleet.example"  # buyer, Iberia Fleet (card payment only)
WEBHOOK_SECRET = "whsec_test_partshub"
WEBHOOK_URL = "/shop/payment/stripe/webhook/"
RUNNER = Path(__file__).resolve().parents[2] / "config" / "localstripe_server.py"


@pytest.fixture(scope="session")
def localstripe_url():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, str(RUNNER), str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 20
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise RuntimeError("localstripe did not start") from None
            time.sleep(0.2)
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def stripe_on(settings, localstripe_url):
    settings.STRIPE_SECRET_KEY = "sk_test_partshub"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_partshub"
    settings.STRIPE_API_BASE = localstripe_url
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    return localstripe_url


@pytest.fixture
def demo():
    call_command("seed_demo", products=12, verbosity=0)


def _browser_confirms(intent_id: str, method: str = "pm_card_visa") -> None:
    """What Stripe.js does in the buyer's browser: attach the card and confirm."""
    client = stripe_client()
    client.v1.payment_intents.update(intent_id, params={"payment_method": method})
    assert client.v1.payment_intents.confirm(intent_id).status == "succeeded"


def _to_preview(client) -> str:
    """Log Pablo in, fill a basket, choose the address and reach the order preview."""
    assert client.login(username=PABLO, password=DEMO_PASSWORD)
    record = next(
        r
        for r in StockRecord.objects.select_related("product").order_by("id")
        if r.num_in_stock >= r.product.min_order_quantity and r.price
    )
    client.post(
        reverse("basket:add", kwargs={"pk": record.product_id}),
        {"quantity": record.product.min_order_quantity},
    )
    address = CompanyAddress.objects.filter(company__slug="iberia-fleet", kind="shipping").first()
    response = client.post(
        reverse("checkout:shipping-address"),
        {"action": "ship_to_company_address", "company_address": address.pk},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    client.get(reverse("checkout:shipping-method"), follow=True)
    response = client.post(reverse("checkout:preview"), {"purchase_order_number": "PO-77"})
    assert response.status_code == 200
    return response.content.decode()


def _place(client, intent_id: str):
    return client.post(
        reverse("checkout:preview"),
        {"action": "place_order", "purchase_order_number": "PO-77", "payment_intent": intent_id},
    )


def _signed(payload: str, *, secret: str = WEBHOOK_SECRET, at: int | None = None) -> str:
    timestamp = int(time.time()) if at is None else at
    signature = stripe.WebhookSignature._compute_signature(f"{timestamp}.{payload}", secret)
    return f"t={timestamp},v1={signature}"


def _event(event_id: str, kind: str, intent_id: str) -> str:
    intent = stripe_client().v1.payment_intents.retrieve(intent_id).to_dict()
    return json.dumps({"id": event_id, "object": "event", "type": kind, "data": {"object": intent}})


def _deliver(client, payload: str, signature: str | None):
    headers = {"HTTP_STRIPE_SIGNATURE": signature} if signature is not None else {}
    return client.post(WEBHOOK_URL, payload, content_type="application/json", **headers)


def test_the_same_basket_and_amount_get_one_intent(stripe_on):
    first = card.card_intent_for_basket(
        basket_id=7, order_number="100007", amount=Decimal("120.50"), currency="EUR"
    )
    again = card.card_intent_for_basket(
        basket_id=7, order_number="100007", amount=Decimal("120.50"), currency="EUR"
    )
    changed = card.card_intent_for_basket(
        basket_id=7, order_number="100007", amount=Decimal("99.00"), currency="EUR"
    )
    assert first.intent_id == again.intent_id != changed.intent_id
    assert CardIntent.objects.count() == 2
    intent = stripe_client().v1.payment_intents.retrieve(first.intent_id)
    assert (intent.amount, intent.currency, intent.capture_method) == (12050, "eur", "automatic")
    assert intent.metadata["basket_id"] == "7"


def test_verify_refuses_wrong_amount_currency_basket_and_unpaid_intents(stripe_on):
    handle = card.card_intent_for_basket(
        basket_id=8, order_number="100008", amount=Decimal("10.00"), currency="EUR"
    )
    checks = {
        "does not match the order total": {"basket_id": 8, "expected_amount": Decimal("11.00")},
        "does not belong to this basket": {"basket_id": 9, "expected_amount": Decimal("10.00")},
        "did not go through": {"basket_id": 8, "expected_amount": Decimal("10.00")},
    }
    for message, kwargs in checks.items():
        with pytest.raises(card.CardPaymentRefused, match=message):
            card.card_intent_verify(intent_id=handle.intent_id, currency="EUR", **kwargs)
    with pytest.raises(card.CardPaymentRefused, match="does not match the order total"):
        card.card_intent_verify(
            intent_id=handle.intent_id,
            basket_id=8,
            expected_amount=Decimal("10.00"),
            currency="USD",
        )
    _browser_confirms(handle.intent_id)
    status = card.card_intent_verify(
        intent_id=handle.intent_id, basket_id=8, expected_amount=Decimal("10.00"), currency="EUR"
    )
    assert status == "succeeded"


def test_a_card_buyer_pays_and_gets_one_order_even_when_placing_twice(client, demo, stripe_on):
    html = _to_preview(client)
    intent = CardIntent.objects.get()
    assert 'id="card-payment"' in html and f'data-client-secret="{intent.intent_id}_secret_' in html
    assert f"{stripe_on}/js.stripe.com/v3/" in html and "shop/js/card_payment.js" in html
    assert 'name="payment_intent"' in html

    _browser_confirms(intent.intent_id)
    response = _place(client, intent.intent_id)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"] == reverse("checkout:thank-you")
    # A double click or a replayed POST: still one order, and no second intent or charge.
    _place(client, intent.intent_id)
    order = _checkout_orders().get()
    assert order.company.slug == "iberia-fleet" and order.purchase_order_number == "PO-77"
    source = order.sources.get()
    assert (source.source_type.name, source.reference) == ("Card (Stripe)", intent.intent_id)
    assert source.amount_debited == source.amount_allocated == order.total_incl_tax
    event = PaymentEvent.objects.get(order=order)
    assert (event.event_type.name, event.amount) == ("Settled", order.total_incl_tax)
    assert CardIntent.objects.get().order_number == order.number
    paid = stripe_client().v1.payment_intents.retrieve(intent.intent_id)
    assert paid.amount == int(order.total_incl_tax * 100)


def test_an_unconfirmed_card_payment_keeps_the_basket_and_says_why(client, demo, stripe_on):
    _to_preview(client)
    intent = CardIntent.objects.get()
    response = _place(client, intent.intent_id)
    assert response.status_code == 200
    assert "The card payment did not go through" in response.content.decode()
    assert not _checkout_orders().exists()
    assert Basket.objects.get(owner__email=PABLO, status="Open").num_lines == 1

    response = _place(client, "")
    assert "The card payment was not confirmed" in response.content.decode()
    assert not _checkout_orders().exists()


def test_a_refund_goes_through_stripe_and_is_recorded_on_the_order(client, demo, stripe_on):
    _to_preview(client)
    intent = CardIntent.objects.get()
    _browser_confirms(intent.intent_id)
    _place(client, intent.intent_id)
    order = _checkout_orders().get()
    with pytest.raises(card.CardPaymentRefused, match="Refund an amount between"):
        card.card_refund(order=order, amount=order.total_incl_tax + 1)
    refund_id = card.card_refund(order=order, amount=Decimal("5.00"))
    source = order.sources.get()
    assert source.amount_refunded == Decimal("5.00")
    assert PaymentEvent.objects.get(order=order, event_type__name="Refunded").reference == refund_id
    card.card_refund(order=order, amount=order.total_incl_tax - Decimal("5.00"))
    source.refresh_from_db()
    assert source.amount_refunded == order.total_incl_tax


@pytest.mark.parametrize(
    "signature",
    [None, "t=1,v1=deadbeef", "bad-secret", "stale"],
    ids=["missing", "garbage", "wrong-secret", "stale"],
)
def test_webhooks_without_a_valid_signature_are_refused_and_write_nothing(
    client, stripe_on, signature
):
    handle = card.card_intent_for_basket(
        basket_id=11, order_number="100011", amount=Decimal("10.00"), currency="EUR"
    )
    payload = _event("evt_unsigned", "payment_intent.succeeded", handle.intent_id)
    if signature == "bad-secret":
        signature = _signed(payload, secret="whsec_someone_else")
    elif signature == "stale":
        signature = _signed(payload, at=int(time.time()) - 3600)
    assert _deliver(client, payload, signature).status_code == 400
    assert not StripeEvent.objects.exists() and not UnmatchedPayment.objects.exists()


def test_a_payment_whose_buyer_never_came_back_is_flagged_once(client, stripe_on):
    handle = card.card_intent_for_basket(
        basket_id=12, order_number="100012", amount=Decimal("10.00"), currency="EUR"
    )
    _browser_confirms(handle.intent_id)
    payload = _event("evt_paid_1", "payment_intent.succeeded", handle.intent_id)
    for _attempt in range(2):  # Stripe redelivers: the second delivery does nothing
        assert _deliver(client, payload, _signed(payload)).status_code == 200
    stored = StripeEvent.objects.get()
    assert stored.processed_at is not None and stored.type == "payment_intent.succeeded"
    flagged = UnmatchedPayment.objects.get()
    assert (flagged.intent_id, flagged.basket_id, flagged.amount) == (
        handle.intent_id,
        12,
        Decimal("10.00"),
    )
    # Another event about the same intent (out of order, a resend): still one flag.
    other = _event("evt_paid_2", "payment_intent.succeeded", handle.intent_id)
    assert _deliver(client, other, _signed(other)).status_code == 200
    assert UnmatchedPayment.objects.count() == 1 and StripeEvent.objects.count() == 2


def test_a_webhook_for_a_placed_order_adds_nothing(client, demo, stripe_on):
    _to_preview(client)
    intent = CardIntent.objects.get()
    _browser_confirms(intent.intent_id)
    _place(client, intent.intent_id)
    payload = _event("evt_paid_3", "payment_intent.succeeded", intent.intent_id)
    assert _deliver(client, payload, _signed(payload)).status_code == 200
    assert not UnmatchedPayment.objects.exists()
    assert _checkout_orders().count() == 1
    assert PaymentEvent.objects.count() == 1
    failed = _event("evt_failed_1", "payment_intent.payment_failed", intent.intent_id)
    assert _deliver(client, failed, _signed(failed)).status_code == 200
    assert StripeEvent.objects.filter(processed_at__isnull=False).count() == 2
    # A late "failed" after the success (out of order) does not undo it.
    assert CardIntent.objects.get().status == "succeeded"


def test_webhook_takes_post_only(client):
    assert client.get(WEBHOOK_URL).status_code == 405


def test_last_units_sold_after_the_card_was_charged_refund_it_and_place_nothing(
    client, demo, stripe_on
):
    """The card is charged in the browser; if the units went to another buyer meanwhile, the
    payment goes back at once, the buyer is told, and its webhook flags nothing for staff."""
    _to_preview(client)
    intent = CardIntent.objects.get()
    _browser_confirms(intent.intent_id)
    line = Basket.objects.get(owner__email=PABLO, status="Open").all_lines()[0]
    # Another buyer's order took the units a moment ago: one fewer is left than ordered.
    left = line.quantity - 1
    StockRecord.objects.filter(pk=line.stockrecord_id).update(
        num_allocated=line.stockrecord.num_in_stock - left
    )

    response = _place(client, intent.intent_id)

    # Oscar's stock check sends the buyer back to the basket, saying why and that the
    # card payment went back.
    assert response.status_code == 302 and response["Location"] == reverse("basket:summary")
    page = client.get(response["Location"]).content.decode()
    assert "Your card payment was refunded in full." in page
    assert not _checkout_orders().exists()
    assert CardIntent.objects.get().status == card.REFUNDED_UNPLACED
    refunds = stripe_client().v1.refunds.list(params={"payment_intent": intent.intent_id})
    assert [r.amount for r in refunds.data] == [int(intent.amount * 100)]
    # Stripe's "succeeded" arrives afterwards: no staff flag for a refunded payment.
    payload = _event("evt_after_release", "payment_intent.succeeded", intent.intent_id)
    assert _deliver(client, payload, _signed(payload)).status_code == 200
    assert not UnmatchedPayment.objects.exists()


def test_a_partial_refund_records_an_amount_not_every_line(client, demo, stripe_on):
    _to_preview(client)
    intent = CardIntent.objects.get()
    _browser_confirms(intent.intent_id)
    _place(client, intent.intent_id)
    order = _checkout_orders().get()
    card.card_refund(order=order, amount=Decimal("1.00"))
    partial = PaymentEvent.objects.get(order=order, event_type__name="Refunded")
    assert partial.line_quantities.count() == 0
    card.card_refund(order=order, amount=order.total_incl_tax - Decimal("1.00"))
    assert PaymentEvent.objects.filter(order=order, event_type__name="Refunded").count() == 2


def test_units_taken_during_placement_refund_the_card_too(client, demo, stripe_on, monkeypatch):
    """Oscar's check passed, then another buyer's placement took the units before ours locked
    them: the stock check under lock refuses, and the charged card is refunded."""
    from shop.checkout import views as checkout_views
    from shop.partner.services import StockShortage

    def sold_meanwhile(*, basket):
        raise StockShortage("The last units were sold a moment ago.")

    _to_preview(client)
    intent = CardIntent.objects.get()
    _browser_confirms(intent.intent_id)
    monkeypatch.setattr(checkout_views, "stock_reserve_for_basket", sold_meanwhile)

    response = _place(client, intent.intent_id)

    page = response.content.decode()
    assert "The last units were sold a moment ago. Your card payment was refunded in full." in page
    assert not _checkout_orders().exists()
    assert CardIntent.objects.get().status == card.REFUNDED_UNPLACED


def test_the_buyer_reads_how_a_card_order_was_paid_on_preview_and_order_page(
    client, demo, stripe_on
):
    html = _to_preview(client)
    intent = CardIntent.objects.get()
    assert "Your card is charged €" in html  # formatted like every other amount
    _browser_confirms(intent.intent_id)
    _place(client, intent.intent_id)
    order = _checkout_orders().get()
    page = client.get(reverse("customer:order", kwargs={"order_number": order.number}))
    text = page.content.decode()
    assert f"(Stripe payment {intent.intent_id})" in text and "Paid by card: €" in text
    assert "invoiced with the delivery" not in text


def test_a_buyer_whose_place_order_never_arrived_places_it_with_the_payment_taken(
    client, demo, stripe_on
):
    """Paid in the browser, then the connection dropped: Stripe's webhook flags the payment;
    the buyer comes back to the same basket, is not asked for the card again, and the order
    is placed with that payment (the flag resolves)."""
    _to_preview(client)
    intent = CardIntent.objects.get()
    _browser_confirms(intent.intent_id)
    payload = _event("evt_dropped", "payment_intent.succeeded", intent.intent_id)
    assert _deliver(client, payload, _signed(payload)).status_code == 200
    assert UnmatchedPayment.objects.get().resolved_at is None

    page = client.get(reverse("checkout:preview")).content.decode()
    assert 'data-paid="1"' in page and "has already been received" in page
    assert CardIntent.objects.count() == 1  # the same payment, no new intent
    response = _place(client, intent.intent_id)

    assert response.status_code == 302 and response["Location"] == reverse("checkout:thank-you")
    order = _checkout_orders().get()
    assert order.sources.get().amount_debited == order.total_incl_tax
    flag = UnmatchedPayment.objects.get()
    assert flag.resolved_at is not None and flag.order_number == order.number


def test_a_refunded_payment_is_replaced_by_a_new_one_for_the_same_basket(client, demo, stripe_on):
    _to_preview(client)
    first = CardIntent.objects.get()
    _browser_confirms(first.intent_id)
    # Staff refunded the flagged payment in full (dashboard › unmatched card payments).
    stripe_client().v1.refunds.create(params={"payment_intent": first.intent_id})

    page = client.get(reverse("checkout:preview")).content.decode()

    second = CardIntent.objects.exclude(pk=first.pk).get()
    assert second.basket_id == first.basket_id and second.amount == first.amount
    assert f'data-client-secret="{second.intent_id}_secret_' in page
    assert 'data-paid="1"' not in page
    # And this one pays: the order is placed with the new payment.
    _browser_confirms(second.intent_id)
    assert _place(client, second.intent_id).status_code == 302
    assert _checkout_orders().get().sources.get().reference == second.intent_id
