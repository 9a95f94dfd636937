"""A restore link after the cart became an order: nothing is refilled unasked (a duplicate
order waiting to happen); the buyer is told which order and may put the lines back anyway."""

import datetime

import pytest
from django.utils import timezone

from crm_embedded.followups.models import FollowUp
from tests.crm_embedded.followups.test_buyer_links import _basket, _followup, _url
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


def test_a_link_to_an_ordered_cart_says_so_and_puts_back_only_when_asked(client, buyer_member):
    bolt = ProductFactory(title="Hex bolt M8", upc="BLT-0008")
    followup = _followup(buyer_member, [(bolt, 4)], item="basket:7:1700000000")
    # The task row of the same item carries the credit: the whole item counts as ordered.
    FollowUp.objects.create(
        rule=followup.rule, kind=followup.kind, item_key=followup.item_key,
        stage=FollowUp.Stage.TASK, status=FollowUp.Status.TASK, company=followup.company,
        recovered_order_number="100003",
        recovered_at=timezone.make_aware(datetime.datetime(2026, 11, 30, 10, 0)),
    )  # fmt: skip
    client.force_login(buyer_member.user)
    url = _url(followup)

    response = client.get(url)

    assert response.status_code == 200
    text = " ".join(response.content.decode().split())
    assert "You have ordered this cart" in text and "order 100003 on 30/11/2026" in text
    assert _basket(buyer_member.user) == {}

    response = client.get(f"{url}?again=1", follow=True)
    assert _basket(buyer_member.user) == {"BLT-0008": 4}


def test_a_link_to_a_cart_not_ordered_restores_at_once(client, buyer_member):
    bolt = ProductFactory(title="Hex bolt M8", upc="BLT-0009")
    followup = _followup(buyer_member, [(bolt, 2)], item="basket:8:1700000000")
    client.force_login(buyer_member.user)
    client.get(_url(followup))
    assert _basket(buyer_member.user) == {"BLT-0009": 2}
