"""Smoke of the bench's CRM part: its history builder runs twice and both pages answer."""

import pytest
from django.urls import reverse

from shop.companies.models import Company
from tests.bench.crm_history import crm_history_ensure
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_bench_history_is_idempotent_and_the_crm_pages_answer(client, account_manager):
    manager = UserFactory(email="bench.am@partshub.example", is_staff=True)
    manager.groups.set(account_manager.groups.all())
    first = crm_history_ensure(accounts=3, manager_email=manager.email)
    again = crm_history_ensure(accounts=3, manager_email=manager.email)
    assert (first["created"], again["created"]) == (3, 0)
    assert Company.objects.filter(account_manager=manager).count() == 3
    client.force_login(manager)
    cockpit = client.get(reverse("crm:home"))
    assert cockpit.status_code == 200 and "Bench Account 003 GmbH" in cockpit.content.decode()
    page = client.get(reverse("crm:company-detail", kwargs={"pk": first["company_id"]}))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Call 0 with Buyer 001" in html and "BCRM-001-00" in html
