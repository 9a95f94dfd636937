"""Approving a card-paying company's request: the buyer pays by an emailed link (localstripe)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_class, get_model

from shop.approvals import services
from shop.approvals.models import ApprovalRequest
from shop.approvals.states import State
from shop.approvals.tasks import housekeeping
from shop.companies.models import CompanyMember
from shop.payment import services as card
from shop.payment.gateway import stripe_client
from shop.payment.models import CardIntent
from tests.factories import CompanyFactory, CompanyMemberFactory, ProductFactory, UserFactory
from tests.shop import test_card_payment

Basket = get_model("basket", "Basket")
Country = get_model("address", "Country")
Order = get_model("order", "Order")
OrderNote = get_model("order", "OrderNote")
PaymentEvent = get_model("order", "PaymentEvent")
ShippingAddress = get_model("order", "ShippingAddress")
Free = get_class("shipping.methods", "Free")
OrderTotalCalculator = get_class("checkout.calculators", "OrderTotalCalculator")
Selector = get_class("partner.strategy", "Selector")

pytestmark = pytest.mark.django_db
# localstripe on loopback and the settings pointing at it, as the card payment tests run them.
localstripe_url = test_card_payment.localstripe_url
stripe_on = test_card_payment.stripe_on
BUYER = "buyer@cardco.example"


@pytest.fixture
def company():
    Country.objects.get_or_create(
        iso_3166_1_a2="DE",
        defaults={"name": "Germany", "printable_name": "Germany", "is_shipping_country": True},
    )
    return CompanyFactory(payment_terms="card", credit_limit=Decimal("0.00"))


@pytest.fixture
def buyer(company):
    return CompanyMemberFactory(
        company=company, role=CompanyMember.Role.BUYER, order_limit=Decimal("500.00"),
        user=UserFactory(email=BUYER),
    )  # fmt: skip


@pytest.fixture
def approver(company):
    return CompanyMemberFactory(
        company=company, role=CompanyMember.Role.APPROVER,
        user=UserFactory(email="approver@cardco.example"),
    )  # fmt: skip


@pytest.fixture
def product():
    return ProductFactory(stock__price=Decimal("100.00"))


@pytest.fixture
def approval(buyer, product, django_capture_on_commit_callbacks):
    basket = Basket.objects.create(owner=buyer.user)
    basket.strategy = Selector().strategy(user=buyer.user)
    basket.add_product(product, 6)
    total = OrderTotalCalculator().calculate(basket, Free().calculate(basket))
    address = ShippingAddress(
        first_name="Jo", last_name="Buyer", line1="Card Co", line4="Bonn",
        postcode="53121", country_id="DE",
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        return services.approval_request_create(
            basket=basket, member=buyer, order_total=total, shipping_address=address,
            shipping_method=Free(), note="Fleet service", purchase_order_number="PO-CARD",
            reasons=["over"],
        )  # fmt: skip


def _approve(client, approver, approval, capture):
    client.force_login(approver.user)
    with capture(execute=True):
        return client.post(reverse("approvals:approve", kwargs={"pk": approval.pk}), follow=True)


def _confirm(intent_id: str, method: str = "pm_card_visa") -> str:
    """What Stripe.js does in the buyer's browser: attach the card and confirm."""
    client = stripe_client()
    client.v1.payment_intents.update(intent_id, params={"payment_method": method})
    return client.v1.payment_intents.confirm(intent_id).status


def test_approving_a_card_request_emails_the_buyer_a_link_and_places_no_order(
    client, approver, approval, stripe_on, django_capture_on_commit_callbacks
):
    response = _approve(client, approver, approval, django_capture_on_commit_callbacks)
    assert b"is emailed a link to pay by card" in response.content
    approval.refresh_from_db()
    assert approval.status == State.AWAITING_PAYMENT and approval.order is None
    assert approval.decided_by == approver.user and approval.decided_at is not None
    assert not Order.objects.exists() and not CardIntent.objects.exists()
    email = mail.outbox[-1]
    assert email.to == [BUYER] and "pay by card" in email.subject
    assert reverse("approvals:pay", kwargs={"pk": approval.pk}) in email.body
    assert "600.00" in email.body
    # Decided: a second click is told so, and nothing else happens.
    response = client.post(reverse("approvals:approve", kwargs={"pk": approval.pk}), follow=True)
    assert b"already approved, awaiting payment" in response.content
    assert len([m for m in mail.outbox if m.to == [BUYER]]) == 1


def test_the_buyer_pays_by_the_link_and_the_order_is_placed_once(
    client, buyer, approver, approval, stripe_on, django_capture_on_commit_callbacks
):
    _approve(client, approver, approval, django_capture_on_commit_callbacks)
    client.force_login(buyer.user)
    detail = client.get(reverse("approvals:detail", kwargs={"pk": approval.pk})).content.decode()
    url = reverse("approvals:pay", kwargs={"pk": approval.pk})
    assert f'href="{url}"' in detail
    assert f'href="{url}"' in client.get(reverse("approvals:list")).content.decode()
    html = client.get(url).content.decode()
    intent = CardIntent.objects.get()
    assert (intent.basket_id, intent.amount, intent.currency) == (
        approval.basket_id, Decimal("600.00"), "eur",
    )  # fmt: skip
    # The markup shop/static/shop/js/card_payment.js expects, and Stripe.js (localstripe's).
    for marker in ('id="card-payment"', 'id="place_order_form"', 'name="payment_intent"',
                   'id="place-order"', 'id="card-errors"', 'id="card-unavailable"',
                   'data-publishable-key="pk_test_partshub"', "shop/js/card_payment.js",
                   f'src="{stripe_on}/js.stripe.com/v3/"'):  # fmt: skip
        assert marker in html, marker
    secret = html.split('data-client-secret="')[1].split('"')[0]
    assert secret and secret.startswith(intent.intent_id)
    assert "€600.00" in html and "Fleet service" not in html  # lines and total, not the note

    assert _confirm(intent.intent_id) == "succeeded"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"payment_intent": intent.intent_id})
    order = Order.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("customer:order", kwargs={"order_number": order.number})
    approval.refresh_from_db()
    assert approval.status == State.APPROVED and approval.order == order
    assert (order.user, order.company, order.purchase_order_number) == (
        buyer.user, buyer.company, "PO-CARD",
    )  # fmt: skip
    assert order.total_incl_tax == Decimal("600.00") and order.status != card.AWAITING_PAYMENT
    source = order.sources.get()
    assert source.source_type.name == card.CARD_SOURCE_TYPE
    assert (source.reference, source.amount_debited) == (intent.intent_id, Decimal("600.00"))
    event = PaymentEvent.objects.get(order=order)
    assert (event.event_type.name, event.amount) == ("Settled", Decimal("600.00"))
    assert "approver@cardco.example" in OrderNote.objects.get(order=order).message
    assert CardIntent.objects.get().order_number == order.number
    assert approval.basket.status == Basket.SUBMITTED
    assert mail.outbox[-1].to == [BUYER] and order.number in mail.outbox[-1].body
    # A replayed POST places nothing more and says why.
    again = client.post(url, {"payment_intent": intent.intent_id}, follow=True)
    assert b"already paid" in again.content and Order.objects.count() == 1


def test_an_unconfirmed_or_forged_payment_places_nothing_and_says_why(
    client, buyer, approver, approval, stripe_on, django_capture_on_commit_callbacks
):
    _approve(client, approver, approval, django_capture_on_commit_callbacks)
    client.force_login(buyer.user)
    url = reverse("approvals:pay", kwargs={"pk": approval.pk})
    client.get(url)
    intent = CardIntent.objects.get()
    response = client.post(url, {"payment_intent": intent.intent_id})
    assert response.status_code == 400 and b"did not go through" in response.content
    response = client.post(url, {"payment_intent": "abc"})
    assert response.status_code == 400 and b"not a card payment reference" in response.content
    response = client.post(url, {})
    assert response.status_code == 400 and b"was not confirmed" in response.content
    # An intent of another basket (paid elsewhere) is not this request's.
    other = card.card_intent_for_basket(
        basket_id=999999, order_number="x", amount=Decimal("600.00"), currency="EUR"
    )
    _confirm(other.intent_id)
    response = client.post(url, {"payment_intent": other.intent_id})
    assert response.status_code == 400 and b"does not belong to this basket" in response.content
    assert not Order.objects.exists()
    assert ApprovalRequest.objects.get().status == State.AWAITING_PAYMENT


def test_only_the_requester_reaches_the_pay_page(
    client, company, approver, approval, stripe_on, django_capture_on_commit_callbacks
):
    _approve(client, approver, approval, django_capture_on_commit_callbacks)
    url = reverse("approvals:pay", kwargs={"pk": approval.pk})
    colleague = CompanyMemberFactory(company=company, role=CompanyMember.Role.BUYER)
    stranger = CompanyMemberFactory(role=CompanyMember.Role.ADMIN)
    for user in (approver.user, colleague.user, stranger.user):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.post(url, {"payment_intent": "pi_x"}).status_code == 404
    with pytest.raises(services.ApprovalError, match="Only the buyer"):
        services.approval_request_pay(
            approval_request=approval, member=approver, intent_id="pi_x", request=None
        )
    assert not CardIntent.objects.exists()


def test_the_link_expires_with_the_request_and_the_lines_go_back(
    client, buyer, approver, approval, stripe_on, django_capture_on_commit_callbacks
):
    _approve(client, approver, approval, django_capture_on_commit_callbacks)
    ApprovalRequest.objects.filter(pk=approval.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    client.force_login(buyer.user)
    url = reverse("approvals:pay", kwargs={"pk": approval.pk})
    response = client.get(url, follow=True)
    assert b"This payment link expired on" in response.content
    assert not CardIntent.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert housekeeping()["expired"] == 1
    approval.refresh_from_db()
    assert approval.status == State.EXPIRED and approval.basket.status == Basket.MERGED
    assert Basket.open.get(owner=buyer.user).lines.get().quantity == 6
    assert "not paid in time" in mail.outbox[-1].body
    response = client.post(url, {"payment_intent": "pi_x"}, follow=True)
    assert b"is expired: there is nothing to pay" in response.content
    assert not Order.objects.exists()


def test_the_buyer_may_withdraw_an_approved_unpaid_request(
    client, buyer, approver, approval, stripe_on, django_capture_on_commit_callbacks
):
    _approve(client, approver, approval, django_capture_on_commit_callbacks)
    client.force_login(buyer.user)
    client.post(reverse("approvals:cancel", kwargs={"pk": approval.pk}))
    approval.refresh_from_db()
    assert approval.status == State.CANCELLED
    assert Basket.open.get(owner=buyer.user).lines.get().quantity == 6


def test_without_stripe_the_pay_page_says_card_payment_is_unavailable(
    client, buyer, approver, approval, settings, django_capture_on_commit_callbacks
):
    settings.STRIPE_SECRET_KEY = ""
    _approve(client, approver, approval, django_capture_on_commit_callbacks)
    client.force_login(buyer.user)
    html = client.get(reverse("approvals:pay", kwargs={"pk": approval.pk})).content.decode()
    unavailable = html.split('id="card-unavailable"')[1].split("</p>")[0]
    assert "hidden" not in unavailable.split(">")[0] and "unavailable right now" in unavailable
    assert 'id="place_order_form"' not in html


def test_a_price_change_after_approval_asks_for_no_card(
    client, buyer, approver, approval, product, stripe_on, django_capture_on_commit_callbacks
):
    _approve(client, approver, approval, django_capture_on_commit_callbacks)
    product.stockrecords.update(price=Decimal("120.00"))
    client.force_login(buyer.user)
    html = client.get(reverse("approvals:pay", kwargs={"pk": approval.pk})).content.decode()
    assert "Prices have changed since your request was approved" in html
    assert 'id="card-payment"' not in html and not CardIntent.objects.exists()


def test_approving_refuses_when_prices_changed_before_the_link_is_sent(
    client, approver, approval, product, stripe_on, django_capture_on_commit_callbacks
):
    product.stockrecords.update(price=Decimal("120.00"))
    response = _approve(client, approver, approval, django_capture_on_commit_callbacks)
    assert b"Prices have changed since the request" in response.content
    assert ApprovalRequest.objects.get().status == State.PENDING
    assert not [m for m in mail.outbox if m.to == [BUYER]]
