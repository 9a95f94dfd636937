"""The follow-up machinery failing never touches the storefront: with every part of it
raising (detectors, its email path, tasks, the run itself), the demo buyer's checkout on
account completes; the follow-up's failure stays on its own row, and once the cart is
ordered it is not retried."""

from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_model

from crm_embedded.followups import detect, selectors, services, tasks
from crm_embedded.followups.models import FollowUp, FollowUpRule
from shop.companies.models import CompanyAddress
from shop.demo import DEMO_PASSWORD
from shop.notifications.models import NotificationLog
from tests.crm_embedded.followups.engine_helpers import rules_ensure
from tests.shop.test_checkout import _add_a_stocked_product

pytestmark = pytest.mark.django_db

Basket = get_model("basket", "Basket")
Line = get_model("basket", "Line")
Order = get_model("order", "Order")
JONAS = "jonas.weber@rheinland-auto.example"


def _broken(*args, **kwargs):
    raise RuntimeError("follow-up machinery broken")


@pytest.fixture
def demo():
    call_command("seed_demo", products=12, verbosity=0)
    rules_ensure()


def _jonas_cart_idle(client) -> int:
    assert client.login(username=JONAS, password=DEMO_PASSWORD)
    _add_a_stocked_product(client)
    basket = Basket.open.get(owner__email=JONAS)
    Line.objects.filter(basket=basket).update(date_updated=timezone.now() - timedelta(hours=5))
    return basket.pk


def _checkout(client, po: str):
    client.post(
        reverse("checkout:shipping-address"),
        {
            "action": "ship_to_company_address",
            "company_address": CompanyAddress.objects.get(label="Workshop Bonn").pk,
        },
    )
    client.get(reverse("checkout:shipping-method"), follow=True)
    return client.post(
        reverse("checkout:preview"), {"action": "place_order", "purchase_order_number": po}
    )


def test_checkout_completes_while_the_followup_machinery_raises(client, demo, caplog):
    basket_id = _jonas_cart_idle(client)
    broken_detectors = {kind: _broken for kind in FollowUpRule.Kind if kind != "idle_basket"}
    with (
        mock.patch.object(services, "notification_send", side_effect=_broken),
        mock.patch.object(services, "task_create", side_effect=_broken),
        mock.patch.dict(detect.DETECTORS, broken_detectors),
    ):
        # The beat job runs in the middle of the buyer's visit: it fails, and says so.
        result = tasks.followups_run.apply()
        assert result.successful(), result.traceback
        assert sorted(result.get()["detector_errors"]) == sorted(broken_detectors)
        followup = FollowUp.objects.get(basket_id=basket_id)
        assert (followup.stage, followup.status, followup.attempts) == (1, "failed", 1)
        assert "follow-up machinery broken" in followup.last_error

        # Every entry point of the machinery raises (its email path included): checkout
        # goes through all the same.
        with (
            mock.patch.object(services, "followups_run", side_effect=_broken),
            mock.patch.object(selectors, "email_allowed", side_effect=_broken),
        ):
            response = _checkout(client, po="PO-ISOLATION-1")
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == reverse("checkout:thank-you")
    order = Order.objects.get(purchase_order_number="PO-ISOLATION-1")
    assert order.company.slug == "rheinland-auto" and order.user.email == JONAS
    assert Basket.objects.get(pk=basket_id).status == Basket.SUBMITTED
    assert "follow-ups: " in caplog.text  # the failures were logged, not raised

    # The machinery works again: the ordered cart is no leak any more, its failed row is
    # not retried and Jonas gets no email about a cart he ordered.
    with time_machine.travel(timezone.now() + timedelta(minutes=11), tick=False):
        services.followups_run()
    followup.refresh_from_db()
    assert (followup.status, followup.attempts) == ("failed", 1)
    cart_emails = NotificationLog.objects.filter(kind="followup_cart", recipients__icontains=JONAS)
    assert not cart_emails.exists()
