"""Card refunds from the Oscar dashboard's order page, through a real localstripe."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from oscar.core.loading import get_model
from oscar.test.factories import create_order

from shop.payment.gateway import stripe_client
from shop.payment.services import card_source_type
from tests.factories import UserFactory
from tests.shop.test_card_payment import localstripe_url, stripe_on  # noqa: F401

OrderNote = get_model("order", "OrderNote")
PaymentEvent = get_model("order", "PaymentEvent")

# Every test talks to a localstripe on loopback (started once per session).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("stripe_on")]


def paid_intent(amount: Decimal) -> str:
    """A PaymentIntent the buyer paid at localstripe, as checkout leaves it."""
    client = stripe_client()
    intent = client.v1.payment_intents.create(
        params={
            "amount": int(amount * 100),
            "currency": "eur",
            "payment_method_types": ["card"],
            "payment_method": "pm_card_visa",
            "confirm": True,
        }
    )
    assert intent.status == "succeeded"
    return intent.id


def card_order(number: str = "100501"):
    order = create_order(number=number)
    intent_id = paid_intent(order.total_incl_tax)
    order.sources.create(
        source_type=card_source_type(),
        currency=order.currency,
        amount_allocated=order.total_incl_tax,
        amount_debited=order.total_incl_tax,
        reference=intent_id,
    )
    return order


def detail_url(order) -> str:
    return f"/shop/dashboard/orders/{order.number}/"


def refund(client, order, amount, reason="two brake discs returned"):
    return client.post(
        detail_url(order), {"order_action": "refund_card", "amount": amount, "reason": reason}
    )


def stripe_refunded(order) -> int:
    """Cents Stripe itself refunded on the order's payment."""
    intent_id = order.sources.get().reference
    refunds = stripe_client().v1.refunds.list(params={"payment_intent": intent_id})
    return sum(r.amount for r in refunds.data)


@pytest.fixture
def manager_client(client, sales_manager):
    client.force_login(sales_manager)
    return client


def test_the_order_page_shows_the_card_payment_and_a_refund_form_for_the_rest(
    manager_client,
):
    order = card_order()
    html = manager_client.get(detail_url(order)).content.decode()
    assert 'id="card-refund-form"' in html
    assert 'name="amount"' in html and f'value="{order.total_incl_tax}"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert "Can still be refunded" in html


def test_a_full_refund_goes_through_stripe_and_is_noted_with_who_and_why(
    manager_client, sales_manager
):
    order = card_order()
    total = order.total_incl_tax
    response = refund(manager_client, order, str(total))
    assert response.status_code == 302
    assert response["Location"].endswith("#payment")
    page = manager_client.get(response["Location"]).content.decode()
    assert "Refunded" in page and "to the card (Stripe re_" in page

    source = order.sources.get()
    assert source.amount_refunded == total
    event = PaymentEvent.objects.get(order=order, event_type__name="Refunded")
    assert event.amount == total
    assert stripe_refunded(order) == int(total * 100)
    note = OrderNote.objects.get(order=order)
    assert note.user == sales_manager
    assert "two brake discs returned" in note.message and event.reference in note.message
    # Nothing is left: no form any more, and a replayed POST refunds nothing.
    assert 'id="card-refund-form"' not in page
    assert "nothing is left to refund" in page
    response = refund(manager_client, order, "1.00")
    assert response.status_code == 302
    page = manager_client.get(response["Location"]).content.decode()
    assert "The card payment is refunded in full: nothing is left to refund." in page
    assert stripe_refunded(order) == int(total * 100)
    assert PaymentEvent.objects.filter(order=order).count() == 1


def test_a_partial_refund_then_the_rest(manager_client):
    order = card_order()
    total = order.total_incl_tax
    assert refund(manager_client, order, "2.50").status_code == 302
    html = manager_client.get(detail_url(order)).content.decode()
    rest = total - Decimal("2.50")
    assert f'value="{rest}"' in html  # the form now offers the rest
    assert refund(manager_client, order, str(rest), reason="rest returned").status_code == 302
    assert order.sources.get().amount_refunded == total
    assert stripe_refunded(order) == int(total * 100)
    assert OrderNote.objects.filter(order=order).count() == 2


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("-5", "Enter an amount greater than zero"),
        ("0", "Enter an amount greater than zero"),
        ("abc", "Enter the amount as a number"),
        ("", "Enter the amount, e.g. 1250.00."),
        ("1.234", "at most two decimal places"),
        ("10.01", "can still be refunded on this order: enter that amount or less"),
    ],
)
def test_a_bad_amount_is_refused_clearly_and_refunds_nothing(manager_client, amount, message):
    order = card_order()
    assert order.total_incl_tax == Decimal("10.00")
    response = refund(manager_client, order, amount)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "Nothing was refunded" in html
    # Only the refund form complains, not Oscar's note and status forms on the same page.
    assert html.count("Oops! We found some errors") == 1
    assert order.sources.get().amount_refunded == 0
    assert not PaymentEvent.objects.filter(order=order).exists()
    assert stripe_refunded(order) == 0


def test_a_refund_needs_a_reason(manager_client):
    order = card_order()
    response = refund(manager_client, order, "1.00", reason="")
    assert response.status_code == 400
    assert "Say why you refund" in response.content.decode()
    assert stripe_refunded(order) == 0


def test_when_stripe_refuses_the_page_says_so_and_records_nothing(manager_client):
    order = card_order()
    # A payment Stripe does not know (e.g. taken with other keys): Stripe refuses the refund.
    order.sources.update(reference="pi_unknown_to_stripe")
    response = refund(manager_client, order, "10.00")
    assert response.status_code == 400
    assert "Stripe did not accept the refund" in response.content.decode()
    assert order.sources.get().amount_refunded == 0
    assert not OrderNote.objects.filter(order=order).exists()


def test_an_order_not_paid_by_card_has_no_refund_form(manager_client):
    order = create_order(number="100502")
    html = manager_client.get(detail_url(order)).content.decode()
    assert 'id="card-refund-form"' not in html and "Card payment (Stripe)" not in html
    response = refund(manager_client, order, "1.00")
    assert response.status_code == 302
    page = manager_client.get(response["Location"]).content.decode()
    assert "was not paid by card: there is nothing to refund" in page


def test_staff_without_the_refund_permission_see_no_form_and_get_403(client):
    order = card_order()
    clerk = UserFactory(email="clerk@partshub.example", is_staff=True)
    # A sales manager whose group was given order access only, not refunds.
    group = Group.objects.create(name="Order clerks")
    group.permissions.add(
        Permission.objects.get(content_type__app_label="order", codename="view_order")
    )
    clerk.groups.add(group, Group.objects.get_or_create(name="Sales managers")[0])
    Group.objects.get(name="Sales managers").permissions.clear()
    client.force_login(clerk)
    html = client.get(detail_url(order)).content.decode()
    assert "Can still be refunded" in html and 'id="card-refund-form"' not in html
    assert refund(client, order, "1.00").status_code == 403
    assert stripe_refunded(order) == 0


@pytest.mark.parametrize("who", ["account_manager", "buyer"])
def test_account_managers_and_buyers_cannot_refund(client, request, who):
    order = card_order()
    client.force_login(request.getfixturevalue(who))
    assert client.get(detail_url(order)).status_code == 403
    assert refund(client, order, "1.00").status_code == 403
    assert stripe_refunded(order) == 0


def test_a_refund_without_the_csrf_token_is_refused(sales_manager):
    order = card_order()
    client = Client(enforce_csrf_checks=True)
    client.force_login(sales_manager)
    assert refund(client, order, "1.00").status_code == 403
    assert stripe_refunded(order) == 0


def test_the_refund_note_cannot_be_deleted(manager_client):
    order = card_order()
    assert refund(manager_client, order, "1.00").status_code == 302
    note = OrderNote.objects.get(order=order)
    response = manager_client.post(
        detail_url(order), {"order_action": "delete_note", "note_id": note.pk}, follow=True
    )
    assert "record and cannot be deleted" in response.content.decode()
    assert OrderNote.objects.filter(pk=note.pk).exists()
    # A note staff typed themselves can still be deleted while it is editable.
    own = OrderNote.objects.create(order=order, message="call back", note_type="Info")
    manager_client.post(detail_url(order), {"order_action": "delete_note", "note_id": own.pk})
    assert not OrderNote.objects.filter(pk=own.pk).exists()
