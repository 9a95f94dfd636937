"""Card payments no order accounts for, in the Oscar dashboard: list, refund, mark handled."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone
from oscar.core.loading import get_model

from shop.dashboard.models import UnmatchedPaymentResolution
from shop.payment.gateway import stripe_client
from shop.payment.models import UnmatchedPayment
from tests.factories import UserFactory
from tests.helpers import session_queries
from tests.shop.test_card_payment import localstripe_url, stripe_on  # noqa: F401
from tests.shop.test_dashboard_refunds import paid_intent

Basket = get_model("basket", "Basket")

# Every test talks to a localstripe on loopback (started once per session).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("stripe_on")]

LIST_URL = "/shop/dashboard/payments/unmatched/"
REASON = "Stripe took this payment but no order was placed for it."


def unmatched(*, intent_id: str, amount="10.00", basket=None) -> UnmatchedPayment:
    return UnmatchedPayment.objects.create(
        intent_id=intent_id,
        basket_id=basket.pk if basket else None,
        amount=Decimal(amount),
        currency="eur",
        reason=REASON,
    )


def detail_url(payment) -> str:
    return f"{LIST_URL}{payment.pk}/"


def stripe_refunded(intent_id: str) -> int:
    refunds = stripe_client().v1.refunds.list(params={"payment_intent": intent_id})
    return sum(r.amount for r in refunds.data)


@pytest.fixture
def manager_client(client, sales_manager):
    client.force_login(sales_manager)
    return client


def test_the_list_shows_open_payments_with_amount_intent_basket_and_reason(manager_client, buyer):
    basket = Basket.objects.create(owner=buyer)
    payment = unmatched(intent_id="pi_open_1", amount="123.45", basket=basket)
    done = unmatched(intent_id="pi_done_1")
    UnmatchedPayment.objects.filter(pk=done.pk).update(resolved_at=timezone.now())
    response = manager_client.get(LIST_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "pi_open_1" in html and "€123.45" in html
    assert f"#{basket.pk} (buyer@client.example)" in html
    assert REASON in html and detail_url(payment) in html
    assert "pi_done_1" not in html
    assert "pi_done_1" in manager_client.get(f"{LIST_URL}?show=all").content.decode()


def test_the_dashboard_menu_links_the_list(manager_client):
    html = manager_client.get("/shop/dashboard/").content.decode()
    assert f'href="{LIST_URL}"' in html and "Unmatched card payments" in html


def test_an_empty_list_says_so(manager_client):
    assert 'id="no-unmatched-payments"' in manager_client.get(LIST_URL).content.decode()


@pytest.mark.parametrize("rows", [2, 12])
def test_the_list_costs_the_same_queries_for_more_rows(
    manager_client, buyer, django_assert_num_queries, rows
):
    for n in range(rows):
        unmatched(intent_id=f"pi_many_{n}", basket=Basket.objects.create(owner=buyer))
    # Session, user, membership, the request's savepoint pair, group and permission checks,
    # count, page, the baskets with their owners in one query, and the page's menus.
    with django_assert_num_queries(13 + session_queries()):
        assert manager_client.get(LIST_URL).status_code == 200


def test_a_refund_goes_back_to_the_card_and_resolves_the_payment(manager_client, sales_manager):
    intent_id = paid_intent(Decimal("42.00"))
    payment = unmatched(intent_id=intent_id, amount="42.00")
    html = manager_client.get(detail_url(payment)).content.decode()
    assert 'id="unmatched-payment-form"' in html and "€42.00" in html
    response = manager_client.post(
        detail_url(payment), {"action": "refund", "note": "buyer asked for the money back"}
    )
    assert response.status_code == 302 and response["Location"] == LIST_URL
    assert stripe_refunded(intent_id) == 4200
    payment.refresh_from_db()
    assert payment.resolved_at is not None
    resolution = payment.resolution
    assert (resolution.kind, resolution.actor, resolution.note) == (
        "refunded",
        sales_manager,
        "buyer asked for the money back",
    )
    assert resolution.refund_reference.startswith("re_")
    page = manager_client.get(f"{LIST_URL}?show=all").content.decode()
    assert "Refunded through Stripe" in page and "buyer asked for the money back" in page

    # A second click (or a second member of staff): refused clearly, no second refund.
    again = manager_client.post(detail_url(payment), {"action": "refund", "note": "again"})
    assert again.status_code == 400
    assert "was resolved already" in again.content.decode()
    assert stripe_refunded(intent_id) == 4200
    assert UnmatchedPaymentResolution.objects.count() == 1


def test_mark_handled_needs_a_note_and_refunds_nothing(manager_client):
    intent_id = paid_intent(Decimal("15.00"))
    payment = unmatched(intent_id=intent_id, amount="15.00")
    response = manager_client.post(detail_url(payment), {"action": "handled", "note": ""})
    assert response.status_code == 400
    assert "Write a note: what you did and why" in response.content.decode()
    payment.refresh_from_db()
    assert payment.resolved_at is None

    response = manager_client.post(
        detail_url(payment), {"action": "handled", "note": "order 100123 placed by phone"}
    )
    assert response.status_code == 302
    payment.refresh_from_db()
    assert payment.resolved_at is not None and payment.resolution.kind == "handled"
    assert stripe_refunded(intent_id) == 0
    assert "pi_" not in manager_client.get(LIST_URL).content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"action": "delete", "note": "x" * 10}, "Choose whether to refund or to mark handled."),
        ({"action": "refund", "note": "ok\x00"}, "cannot be stored"),
    ],
)
def test_bad_input_is_refused_clearly(manager_client, data, message):
    payment = unmatched(intent_id=paid_intent(Decimal("5.00")), amount="5.00")
    response = manager_client.post(detail_url(payment), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    payment.refresh_from_db()
    assert payment.resolved_at is None


def test_when_stripe_refuses_nothing_is_resolved(manager_client):
    payment = unmatched(intent_id="pi_unknown_to_stripe")
    response = manager_client.post(detail_url(payment), {"action": "refund", "note": "refund it"})
    assert response.status_code == 400
    assert "Stripe did not accept the refund, nothing was changed" in response.content.decode()
    payment.refresh_from_db()
    assert payment.resolved_at is None
    assert not UnmatchedPaymentResolution.objects.exists()


def test_an_unknown_payment_is_404(manager_client):
    assert manager_client.get(f"{LIST_URL}999999/").status_code == 404


@pytest.mark.parametrize("who", ["account_manager", "buyer"])
def test_account_managers_and_buyers_cannot_open_or_act(client, request, who):
    payment = unmatched(intent_id="pi_private")
    client.force_login(request.getfixturevalue(who))
    assert client.get(LIST_URL).status_code == 403
    response = client.post(detail_url(payment), {"action": "handled", "note": "not mine"})
    assert response.status_code == 403
    payment.refresh_from_db()
    assert payment.resolved_at is None


def test_staff_who_may_only_look_cannot_resolve(client):
    viewer = UserFactory(email="viewer@partshub.example", is_staff=True)
    group = Group.objects.get(name="Sales managers")
    group.permissions.remove(*group.permissions.filter(codename="change_unmatchedpayment"))
    viewer.groups.add(group)
    payment = unmatched(intent_id="pi_look_only")
    client.force_login(viewer)
    html = client.get(detail_url(payment)).content.decode()
    assert "pi_look_only" in html and 'id="unmatched-payment-form"' not in html
    response = client.post(detail_url(payment), {"action": "handled", "note": "sneaky"})
    assert response.status_code == 403


def test_resolving_needs_the_csrf_token(sales_manager):
    payment = unmatched(intent_id="pi_csrf")
    client = Client(enforce_csrf_checks=True)
    client.force_login(sales_manager)
    response = client.post(detail_url(payment), {"action": "handled", "note": "forged"})
    assert response.status_code == 403
    payment.refresh_from_db()
    assert payment.resolved_at is None


def test_a_payment_resolved_by_its_order_says_which_order(manager_client):
    # Stripe's webhook beat the buyer's "Place order": the order resolved the flag itself.
    payment = unmatched(intent_id="pi_late_order")
    UnmatchedPayment.objects.filter(pk=payment.pk).update(
        resolved_at=timezone.now(), order_number="100777"
    )
    assert "pi_late_order" not in manager_client.get(LIST_URL).content.decode()
    html = manager_client.get(f"{LIST_URL}?show=all").content.decode()
    assert "Order 100777 was placed for it" in html
    assert (
        'id="unmatched-payment-form"'
        not in manager_client.get(detail_url(payment)).content.decode()
    )
