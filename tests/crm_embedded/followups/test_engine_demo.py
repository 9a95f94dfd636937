"""The demo: after seed_demo, Jonas has an idle cart that the next follow-up run acts on."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from crm_embedded.followups import demo, services
from crm_embedded.followups.models import FollowUp, FollowUpRule
from shop.basket import selectors as basket_selectors
from shop.notifications.models import NotificationLog
from tests.crm_embedded.followups.engine_helpers import rules_ensure

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(settings):
    call_command("seed_demo", products=12, verbosity=0)
    rules_ensure()
    settings.FOLLOWUP_DEMO_IDLE_CART = True  # as with DEBUG in make run


def _jonas_idle(now):
    return [
        basket
        for basket in basket_selectors.baskets_idle_iter(
            idle_before=now - timedelta(hours=4), active_since=now - timedelta(days=30)
        )
        if basket.owner_email == demo.DEMO_BUYER
    ]


def test_the_demo_leaves_jonas_an_idle_cart_the_next_run_follows_up(seeded):
    now = timezone.now()
    assert demo.followups_demo_ensure(now=now) == 1
    [basket] = _jonas_idle(now)
    assert len(basket.lines) == 2 and basket.total_excl_tax > 0
    assert basket.last_activity == now - demo.IDLE_FOR
    key = f"basket:{basket.basket_id}:{int(basket.last_activity.timestamp())}"
    assert not FollowUp.objects.filter(item_key=key).exists()  # not yet followed up

    services.followups_run(now=now)
    followup = FollowUp.objects.get(item_key=key, stage=1)
    assert followup.kind == FollowUpRule.Kind.IDLE_BASKET and followup.status == "sent"
    email = NotificationLog.objects.get(key=f"followup:{followup.pk}")
    assert email.recipients == [demo.DEMO_BUYER] and "/shop/follow-ups/restore/" in email.body_text

    # Seeding again gives a fresh idle cart (same lines, idle since a new moment).
    later = now + timedelta(hours=1)
    assert demo.followups_demo_ensure(now=later) == 1
    [again] = _jonas_idle(later)
    assert again.basket_id == basket.basket_id and again.last_activity == later - demo.IDLE_FOR


def test_the_test_suites_demo_leaves_the_buyers_cart_empty(settings):
    settings.FOLLOWUP_DEMO_IDLE_CART = False  # DEBUG off: journeys order as Jonas from empty
    call_command("seed_demo", products=12, verbosity=0)
    assert demo.followups_demo_ensure() == 0
    assert _jonas_idle(timezone.now()) == []
