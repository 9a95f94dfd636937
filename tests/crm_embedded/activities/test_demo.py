"""The demo gives Rheinland Auto a history with a comment thread and mentions, once."""

import pytest

from crm_embedded.activities import demo
from crm_embedded.activities.models import Activity, ActivityComment
from shop.notifications.models import NotificationLog
from tests.factories import CompanyFactory

pytestmark = pytest.mark.django_db


def test_demo_history_is_made_once_and_sends_nothing(anna, marco, sofia, rheinland):
    iberia = CompanyFactory(legal_name="Iberia Fleet Maintenance S.L.", account_manager=anna)
    nordic = CompanyFactory(legal_name="Nordic Textile Mills AB", account_manager=marco)
    created = demo.demo_ensure()
    assert created == Activity.objects.count() + ActivityComment.objects.count() == 9
    assert demo.demo_ensure() == 0
    assert Activity.objects.filter(company=rheinland).count() == 4
    assert Activity.objects.filter(company=iberia).count() == 1
    assert Activity.objects.filter(company=nordic, author=marco).count() == 1
    call = Activity.objects.get(company=rheinland, kind="call")
    assert "@sofia.sales" in call.body
    reply = ActivityComment.objects.get(parent__isnull=False)
    assert (reply.author, reply.parent.author, reply.activity) == (anna, sofia, call)
    assert not NotificationLog.objects.exists()
