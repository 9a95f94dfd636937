"""The single customer view: everything about one company, one merged timeline, constant queries."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.signals import user_logged_in
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from crm_embedded.accounts import receivers
from crm_embedded.accounts.customer_view import customer_timeline
from crm_embedded.accounts.models import LoginEvent
from crm_embedded.activities.models import Activity
from crm_embedded.contacts.models import Contact
from crm_embedded.quotes.states import State
from crm_embedded.tasks.models import Task
from orders.models import Shipment
from shop.bulk.models import RequisitionList
from tests.crm_embedded.workspace.factories import (
    basket_make,
    history_make,
    ledger_make,
    order_make,
    quote_make,
    rep,
)
from tests.factories import CompanyFactory, CompanyMemberFactory

pytestmark = pytest.mark.django_db


def _url(company) -> str:
    return reverse("crm:company-detail", kwargs={"pk": company.pk})


def test_the_page_shows_data_contacts_credit_orders_quotes_baskets_lists_shipments_and_tasks(
    client, account_manager, company, buyer_member
):
    Contact.objects.create(company=company, first_name="Petra", last_name="Lang",
                           role="Purchasing", email="petra@alpha.example")  # fmt: skip
    order = order_make(company=company, placed=timezone.now() - datetime.timedelta(days=3),
                       total="400.00", user=buyer_member.user)  # fmt: skip
    order_make(company=company, placed=timezone.now() - datetime.timedelta(days=40), total="100.00")
    Shipment.objects.create(order=order, number="SH-77", source="staff")
    quote = quote_make(company=company, state=State.OFFERED)
    basket_make(member=buyer_member, total="80.00", touched_at=timezone.now())
    RequisitionList.objects.create(company=company, owner=buyer_member.user, name="Monthly brakes")
    Task.objects.create(owner=account_manager, company=company, title="Ring Petra back")
    ledger_make(company=company, amount="25000.00")

    client.force_login(account_manager)
    response = client.get(_url(company))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Petra Lang" in html and "Purchasing" in html
    assert "2 orders, 500.00 EUR net" in html
    assert order.number in html and "SH-77" in html
    assert reverse("crm:quote-detail", kwargs={"pk": quote.pk}) in html
    baskets = html.split('id="company-baskets"')[1].split("</table>")[0]
    assert buyer_member.user.email in baskets or "80.00" in baskets
    assert "Monthly brakes" in html and "Ring Petra back" in html
    credit = html.split('id="credit-position"')[1].split("</table>")[0]
    assert "25" in credit and "%" in credit  # 25,000 of 100,000 used
    assert f"?company={company.pk}" in html  # new task / opportunity / contact links
    assert 'id="log-activity"' in html


def test_the_timeline_merges_automatic_events_and_activities_newest_first(account_manager, company):
    member = history_make(company=company, author=account_manager, size=2)
    entries = customer_timeline(company=company, member_emails=[member.user.email])
    kinds = {entry.kind for entry in entries}
    assert kinds == {"order", "quote", "approval", "payment", "email", "login", "activity"}
    moments = [entry.at for entry in entries]
    assert moments == sorted(moments, reverse=True)


def test_the_timeline_keeps_the_newest_fifty(account_manager, company):
    member = history_make(company=company, author=account_manager, size=9)
    newest = Activity.objects.create(company=company, author=account_manager,
                                     subject="Visited the workshop")  # fmt: skip
    entries = customer_timeline(company=company, member_emails=[member.user.email])
    assert len(entries) == 50
    assert entries[0].title.endswith("Visited the workshop") and entries[0].at == newest.occurred_at


def test_another_account_managers_customer_is_404(client, company):
    client.force_login(rep())
    assert client.get(_url(company)).status_code == 404


def _count(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_page_costs_the_same_queries_at_two_history_sizes(client, account_manager, company):
    history_make(company=company, author=account_manager, size=2)
    client.force_login(account_manager)
    small = _count(client, _url(company))
    history_make(company=company, author=account_manager, size=12)
    for i in range(4):
        Contact.objects.create(company=company, first_name=f"C{i}", last_name="X",
                               email=f"c{i}@alpha.example")  # fmt: skip
        member = CompanyMemberFactory(company=company)
        basket_make(member=member, total="10.00", touched_at=timezone.now())
    assert _count(client, _url(company)) == small


def test_a_buyers_login_lands_on_the_timeline_and_a_staff_login_does_not(
    client, django_capture_on_commit_callbacks, account_manager, company, buyer_member
):
    with django_capture_on_commit_callbacks(execute=True):
        client.force_login(buyer_member.user)
        client.force_login(account_manager)
    assert list(LoginEvent.objects.values_list("company_id", "user_id")) == [
        (company.pk, buyer_member.user.pk)
    ]
    html = client.get(_url(company)).content.decode()
    assert "Signed in to the shop" in html


def test_a_failing_login_record_never_breaks_the_login(
    client, django_capture_on_commit_callbacks, monkeypatch, buyer_member
):
    def boom(**kwargs):
        raise RuntimeError("CRM down")

    monkeypatch.setattr(receivers, "login_event_record", boom)
    with django_capture_on_commit_callbacks(execute=True):
        client.force_login(buyer_member.user)
    assert client.get(reverse("company:home")).status_code == 200
    assert not LoginEvent.objects.exists()
    assert user_logged_in.has_listeners()


def test_a_login_of_someone_without_a_company_records_nothing(
    django_capture_on_commit_callbacks, client
):
    from tests.factories import UserFactory

    with django_capture_on_commit_callbacks(execute=True):
        client.force_login(UserFactory())
    assert not LoginEvent.objects.exists()


def test_an_empty_company_says_so(client, account_manager):
    company = CompanyFactory(account_manager=account_manager, credit_limit=Decimal("0"))
    client.force_login(account_manager)
    html = client.get(_url(company)).content.decode()
    assert "Nothing has happened with this customer yet." in html


def test_the_demo_seeds_buyer_logins_once(company):
    from crm_embedded.accounts import demo
    from tests.factories import UserFactory

    CompanyMemberFactory(
        company=company, user=UserFactory(email="jonas.weber@rheinland-auto.example")
    )
    assert demo.demo_ensure() == 5
    assert demo.demo_ensure() == 0
    assert LoginEvent.objects.filter(company=company).count() == 5
