"""The cockpit: attention items with links, tasks, pipeline, revenue, the rep switcher, queries."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from crm_embedded.quotes.states import State
from crm_embedded.tasks.models import Task
from crm_embedded.workspace import selectors
from orders import states
from tests.crm_embedded.workspace.factories import (
    approval_make,
    at,
    basket_make,
    history_make,
    ledger_make,
    order_make,
    quote_make,
    rep,
)
from tests.factories import CompanyFactory, CompanyMemberFactory

pytestmark = pytest.mark.django_db

# A Wednesday: the response target (1 business day) is passed for Monday's request.
NOW = at(datetime.date(2026, 3, 11), 10)


def _kinds(items) -> dict[str, list]:
    found: dict[str, list] = {}
    for item in items:
        found.setdefault(item.kind, []).append(item)
    return found


@time_machine.travel(NOW, tick=False)
def test_every_kind_of_attention_item_names_the_account_and_links_to_where_it_is_handled(
    account_manager,
):
    company = CompanyFactory(legal_name="Kessler Bau", account_manager=account_manager,
                             credit_limit=Decimal("1000.00"))  # fmt: skip
    company.created_at = NOW - datetime.timedelta(days=400)
    company.save()
    Company = type(company)
    Company.objects.filter(pk=company.pk).update(created_at=NOW - datetime.timedelta(days=400))
    member = CompanyMemberFactory(company=company)
    late = quote_make(company=company, created_at=NOW - datetime.timedelta(days=2))
    quote_make(company=company, created_at=NOW - datetime.timedelta(hours=1))  # within target
    expiring = quote_make(company=company, state=State.OFFERED,
                          valid_until=NOW.date() + datetime.timedelta(days=7))  # fmt: skip
    quote_make(company=company, state=State.OFFERED,
               valid_until=NOW.date() + datetime.timedelta(days=8))  # fmt: skip
    accepted = quote_make(company=company, state=State.ACCEPTED)
    basket_make(member=member, total="1200.00", touched_at=NOW - datetime.timedelta(hours=25))
    basket_make(
        member=CompanyMemberFactory(company=company),
        total="1200.00",
        touched_at=NOW - datetime.timedelta(hours=2),
    )  # fmt: skip (not idle yet)
    basket_make(
        member=CompanyMemberFactory(company=company),
        total="999.99",
        touched_at=NOW - datetime.timedelta(days=3),
    )  # fmt: skip (too small)
    approval_make(company=company, requester=member.user, total="250.00")
    ledger_make(company=company, amount="950.00", due_date=NOW.date() - datetime.timedelta(days=3))
    order_make(company=company, placed=NOW - datetime.timedelta(days=61))
    order_make(company=company, placed=NOW - datetime.timedelta(days=70),
               status=states.AWAITING_APPROVAL)  # fmt: skip

    items = selectors.cockpit_attention(companies=[company], now=NOW)
    kinds = _kinds(items)
    detail = reverse("crm:company-detail", kwargs={"pk": company.pk})

    assert [i.url for i in kinds["rfq_overdue"]] == [
        reverse("crm:quote-detail", kwargs={"pk": late.pk})
    ]
    assert [i.url for i in kinds["offer_expiring"]] == [
        reverse("crm:quote-detail", kwargs={"pk": expiring.pk})
    ]
    assert "2026-03-18" in kinds["offer_expiring"][0].text
    assert [i.url for i in kinds["quote_accepted"]] == [
        reverse("crm:quote-detail", kwargs={"pk": accepted.pk})
    ]
    assert len(kinds["idle_basket"]) == 1 and "1200.00 EUR" in kinds["idle_basket"][0].text
    assert kinds["idle_basket"][0].url == detail + "#open-baskets"
    assert ["250.00" in i.text for i in kinds["approval_pending"]] == [True, False]
    assert "1 order(s) in the status “Awaiting approval”" in kinds["approval_pending"][1].text
    # 950 on the ledger + 250 waiting for approval = 120 % of 1,000; 950 overdue.
    credit = kinds["credit"][0]
    assert credit.url == reverse("crm:company-credit", kwargs={"pk": company.pk})
    assert "120% of the credit limit used" in credit.text and "950.00 EUR overdue" in credit.text
    assert kinds["no_order"][0].url == detail + "#orders"
    assert "No order since 09.01.2026" in kinds["no_order"][0].text
    assert {i.company_name for i in items} == {"Kessler Bau"}
    assert [i.kind for i in items] == sorted((i.kind for i in items), key=selectors.KINDS.index), (
        "the most urgent kinds come first"
    )


@time_machine.travel(NOW, tick=False)
def test_a_healthy_account_needs_no_attention(account_manager):
    company = CompanyFactory(account_manager=account_manager)
    order_make(company=company, placed=NOW - datetime.timedelta(days=5))
    ledger_make(company=company, amount="100.00", due_date=NOW.date() + datetime.timedelta(days=20))
    assert selectors.cockpit_attention(companies=[company], now=NOW) == []


def test_a_new_company_that_never_ordered_is_not_flagged_yet_an_old_one_is(account_manager):
    young = CompanyFactory(account_manager=account_manager)
    old = CompanyFactory(account_manager=account_manager)
    type(old).objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=90)
    )
    old.refresh_from_db()
    items = selectors.cockpit_attention(companies=[young, old])
    assert [(i.kind, i.company_id) for i in items] == [("no_order", old.pk)]
    assert "never ordered" in items[0].text


@time_machine.travel(NOW, tick=False)
def test_the_cockpit_page_shows_attention_tasks_pipeline_and_revenue(client, account_manager):
    company = CompanyFactory(legal_name="Kessler Bau", account_manager=account_manager)
    accepted = quote_make(company=company, state=State.ACCEPTED)
    Task.objects.create(owner=account_manager, title="Call Kessler about the axles",
                        due_at=NOW - datetime.timedelta(days=1))  # fmt: skip
    Task.objects.create(owner=account_manager, title="Send the catalogue",
                        due_at=NOW + datetime.timedelta(hours=3))  # fmt: skip
    Task.objects.create(owner=rep(), title="Someone else's task", due_at=NOW)
    order_make(company=company, placed=at(datetime.date(2026, 3, 2)), total="300.00")
    order_make(company=company, placed=at(datetime.date(2026, 2, 10)), total="200.00")
    order_make(company=CompanyFactory(), placed=at(datetime.date(2026, 3, 3)), total="999.00")

    client.force_login(account_manager)
    response = client.get(reverse("crm:home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("crm:quote-detail", kwargs={"pk": accepted.pk}) in html
    assert "was accepted but is not ordered yet" in html
    overdue = html.split('id="tasks-overdue"')[1].split("</ul>")[0]
    today = html.split('id="tasks-today"')[1].split("</ul>")[0]
    assert "Call Kessler about the axles" in overdue and "Send the catalogue" in today
    assert "Someone else" not in html
    assert 'id="pipeline-summary"' in html
    this_month = html.split('id="revenue-this-month"')[1].split("</tr>")[0]
    last_month = html.split('id="revenue-last-month"')[1].split("</tr>")[0]
    assert "300.00 EUR" in this_month and "200.00 EUR" in last_month
    assert 'id="revenue-change">50 %' in html
    assert 'id="rep-form"' not in html, "only sales managers switch reps"


def test_a_sales_manager_switches_to_a_rep_or_to_all(client, sales_manager, account_manager):
    mine = CompanyFactory(legal_name="Anna's Account", account_manager=account_manager)
    other = CompanyFactory(legal_name="Marco's Account", account_manager=rep())
    quote_make(company=mine, state=State.ACCEPTED)
    quote_make(company=other, state=State.ACCEPTED)
    client.force_login(sales_manager)

    html = client.get(reverse("crm:home"), {"rep": account_manager.pk}).content.decode()
    attention = html.split('id="attention"')[1].split("</table>")[0]
    assert "Anna&#x27;s Account" in attention and "Marco" not in attention
    assert f'<option value="{account_manager.pk}" selected>' in html

    html = client.get(reverse("crm:home"), {"rep": "all"}).content.decode()
    attention = html.split('id="attention"')[1].split("</table>")[0]
    assert "Anna&#x27;s Account" in attention and "Marco&#x27;s Account" in attention
    assert '<option value="all" selected>' in html


@pytest.mark.parametrize("value", ["999999", "abc", "1; DROP TABLE", ""])
def test_an_unknown_rep_is_a_clear_message_not_a_500(client, sales_manager, value):
    client.force_login(sales_manager)
    response = client.get(reverse("crm:home"), {"rep": value})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="rep-error"' in html
    assert "pick a rep from the list" in html or "This field is required" in html


def test_after_an_unknown_rep_a_sales_manager_still_sees_all_reps(
    client, sales_manager, account_manager
):
    """Not an empty "no accounts assigned to you" page under the message (the walk's find)."""
    anna = CompanyFactory(legal_name="Anna's Account", account_manager=account_manager)
    quote_make(company=anna, state=State.ACCEPTED)  # accepted, not ordered: needs attention
    client.force_login(sales_manager)
    response = client.get(reverse("crm:home"), {"rep": "999999"})
    assert response.status_code == 400
    attention = response.content.decode().split('id="attention"')[1].split("</table>")[0]
    assert "Anna&#x27;s Account" in attention


def test_an_account_manager_cannot_look_at_another_reps_accounts(client, account_manager):
    other = CompanyFactory(legal_name="Marco's Account", account_manager=rep())
    quote_make(company=other, state=State.ACCEPTED)
    client.force_login(account_manager)
    response = client.get(reverse("crm:home"), {"rep": other.account_manager.pk})
    assert response.status_code == 200
    assert "Marco" not in response.content.decode()


def _count(client, url, params=None) -> int:
    client.get(url, params)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params).status_code == 200
    return len(ctx.captured_queries)


def _grow(manager, n: int) -> None:
    for _ in range(n):
        company = CompanyFactory(account_manager=manager, credit_limit=Decimal("100.00"))
        type(company).objects.filter(pk=company.pk).update(
            created_at=timezone.now() - datetime.timedelta(days=100)
        )
        history_make(company=company, author=manager, size=2)
        member = CompanyMemberFactory(company=company)
        quote_make(company=company, state=State.ACCEPTED)
        quote_make(company=company, created_at=timezone.now() - datetime.timedelta(days=5))
        basket_make(member=member, total="1500.00", lines=2,
                    touched_at=timezone.now() - datetime.timedelta(days=2))  # fmt: skip
        ledger_make(company=company, amount="95.00",
                    due_date=timezone.localdate() - datetime.timedelta(days=1))  # fmt: skip


@pytest.mark.parametrize("who", ["account_manager", "sales_manager"])
def test_the_cockpit_costs_the_same_queries_at_two_sizes(client, request, who):
    user = request.getfixturevalue(who)
    params = {"rep": "all"} if who == "sales_manager" else None
    client.force_login(user)
    _grow(user, 2)
    small = _count(client, reverse("crm:home"), params)
    _grow(user, 8)
    html = client.get(reverse("crm:home"), params).content.decode()
    assert html.count('data-kind="idle_basket"') == 10
    assert _count(client, reverse("crm:home"), params) == small


def test_a_sales_manager_without_accounts_starts_with_all_reps(client, sales_manager):
    CompanyFactory(legal_name="Marco's Account", account_manager=rep())
    client.force_login(sales_manager)
    html = client.get(reverse("crm:home")).content.decode()
    assert '<option value="all" selected>' in html and "Marco&#x27;s Account" in html


def test_a_long_attention_list_shows_the_100_most_urgent_and_says_so(
    client, account_manager, monkeypatch
):
    company = CompanyFactory(account_manager=account_manager)
    items = [
        selectors.AttentionItem("quote_accepted", company.pk, company.legal_name, f"Item {i}", "/x")
        for i in range(120)
    ]
    monkeypatch.setattr(selectors, "cockpit_attention", lambda **kwargs: items)
    client.force_login(account_manager)
    html = client.get(reverse("crm:home")).content.decode()
    assert html.count('data-kind="quote_accepted"') == 100
    assert "The 100 most urgent of 120 are shown" in html
