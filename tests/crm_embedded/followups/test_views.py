"""The account team's follow-up pages: rules (sales managers edit with clear messages,
account managers read), the list scoped to the rep's accounts with filters, ?rep=, CSV and a
constant number of queries."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from crm_embedded.followups.models import FollowUp, FollowUpRule
from crm_embedded.tasks.models import Task
from tests.crm_embedded.followups.crm_fixtures import at, followup_make
from tests.crm_embedded.reports.factories import quote_make, staff_make
from tests.factories import CompanyFactory, CompanyMemberFactory
from tests.security.test_csp import _check_page

pytestmark = pytest.mark.django_db

D = datetime.date
NOW = datetime.datetime(2026, 6, 1, 12, 0, tzinfo=datetime.UTC)
RULES = "/crm/follow-ups/rules/"
LIST = "/crm/follow-ups/"


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def team(db):
    anna = staff_make(email="anna@partshub.example", first="Anna", last="Berg")
    marco = staff_make(email="marco@partshub.example", first="Marco", last="Rossi")
    sofia = staff_make(email="sofia@partshub.example", group="Sales managers", first="Sofia")
    return {"anna": anna, "marco": marco, "sofia": sofia}


def test_the_url_names():
    assert reverse("crm:followup-rules") == RULES
    assert reverse("crm:followup-list") == LIST


def test_buyers_editors_and_visitors_never_reach_the_pages(client, buyer_member, editor):
    for url in (RULES, LIST):
        assert client.get(url).status_code == 302
        for user in (buyer_member.user, editor):
            client.force_login(user)
            assert client.get(url).status_code == 403
            assert client.post(url, {}).status_code == 403
            client.logout()


def test_the_crm_navigation_links_the_followups(client, team):
    client.force_login(team["anna"])
    html = client.get("/crm/").content.decode()
    assert f'href="{LIST}">Follow-ups<' in html


# -- rules ---------------------------------------------------------------------------------


def rules_data(**changes) -> dict:
    """The formset's POST data for every rule as stored, with changes {kind: {field: value}}."""
    rules = list(FollowUpRule.objects.order_by("kind"))
    data = {
        "form-TOTAL_FORMS": str(len(rules)), "form-INITIAL_FORMS": str(len(rules)),
        "form-MIN_NUM_FORMS": "0", "form-MAX_NUM_FORMS": "1000",
    }  # fmt: skip
    for index, rule in enumerate(rules):
        values = {
            "id": rule.pk, "active": rule.active, "threshold_hours": rule.threshold_hours,
            "threshold_days": rule.threshold_days, "email_buyer": rule.email_buyer,
            "stage2_after_days": rule.stage2_after_days, "task_min_value": rule.task_min_value,
            "task_after_stage2": rule.task_after_stage2, "lookback_days": rule.lookback_days,
        }  # fmt: skip
        values.update(changes.get(rule.kind, {}))
        for name, value in values.items():
            if value is True:
                data[f"form-{index}-{name}"] = "on"
            elif value is not False:
                data[f"form-{index}-{name}"] = str(value)
    return data


def test_an_account_manager_reads_the_rules_but_cannot_change_them(client, team):
    client.force_login(team["anna"])
    response = client.get(RULES)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="rules-read-only"' in html and 'id="rules-form"' not in html
    assert html.count('<tr id="rule-') == FollowUpRule.objects.count() == 5
    before = FollowUpRule.objects.get(kind="idle_basket").threshold_hours
    data = rules_data(idle_basket={"threshold_hours": before + 5})
    assert client.post(RULES, data).status_code == 403
    assert FollowUpRule.objects.get(kind="idle_basket").threshold_hours == before


def test_a_sales_manager_edits_every_rule_in_one_form(client, team):
    client.force_login(team["sofia"])
    response = client.get(RULES)
    assert response.status_code == 200
    assert len(response.context["formset"].forms) == 5
    data = rules_data(
        idle_basket={"threshold_hours": 6, "task_min_value": "2500.50"},
        reorder_lapsed={"active": False, "threshold_days": 28},
    )
    response = client.post(RULES, data, follow=True)
    assert response.redirect_chain == [(RULES, 302)]
    cart = FollowUpRule.objects.get(kind="idle_basket")
    assert (cart.threshold_hours, cart.task_min_value) == (6, Decimal("2500.50"))
    assert cart.updated_by == team["sofia"]
    reorder = FollowUpRule.objects.get(kind="reorder_lapsed")
    assert (reorder.active, reorder.threshold_days) == (False, 28)
    assert FollowUpRule.objects.get(kind="approval_pending").updated_by is None  # untouched
    html = response.content.decode()
    assert "Follow-up rules saved: Idle cart, Regular reorder lapsed." in html


def test_bad_values_are_refused_with_what_to_type_and_nothing_is_saved(client, team):
    client.force_login(team["sofia"])
    data = rules_data(
        idle_basket={"threshold_hours": "0", "task_min_value": "-5"},
        offer_expiring={"threshold_days": "abc"},
        approval_pending={"threshold_hours": "800", "lookback_days": "30"},
        quote_not_ordered={"task_min_value": "12.345"},
    )
    response = client.post(RULES, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Nothing was saved. Correct the marked values below and save again." in html
    assert "Enter a whole number from 1 to 2160." in html
    assert "The amount cannot be negative: enter 0 or more." in html
    assert "Enter a whole number from 1 to 365." in html
    assert "Enter at most two decimal places (cents)." in html
    assert (
        "Items are ignored after 30 days but only become a follow-up after 800 hours, so this "
        "rule would never act: raise the days or lower the hours."
    ) in html
    assert 'value="abc"' in html and 'value="-5"' in html  # the input is kept
    assert "is-invalid" in html
    cart = FollowUpRule.objects.get(kind="idle_basket")
    assert cart.threshold_hours == 4 and cart.updated_by is None


def test_a_forged_extra_form_creates_no_rule(client, team):
    client.force_login(team["sofia"])
    data = rules_data()
    data["form-TOTAL_FORMS"] = "6"
    data.update({"form-5-threshold_hours": "5", "form-5-threshold_days": "3",
                 "form-5-stage2_after_days": "2", "form-5-task_min_value": "1",
                 "form-5-lookback_days": "30"})  # fmt: skip
    response = client.post(RULES, data)
    assert response.status_code in (302, 400)
    assert FollowUpRule.objects.count() == 5


# -- list ----------------------------------------------------------------------------------


@pytest.fixture
def world(frozen, team):
    anna, marco = team["anna"], team["marco"]
    a1 = CompanyFactory(legal_name="Alpha Anna GmbH", account_manager=anna)
    m1 = CompanyFactory(legal_name="Mu Marco GmbH", account_manager=marco)
    buyer = CompanyMemberFactory(company=a1).user
    quote = quote_make(company=a1, manager=anna, requested=at(D(2026, 5, 1)), sent=[],
                       state="offered", buyer=buyer)  # fmt: skip
    task = Task.objects.create(owner=anna, company=a1, title="Call Alpha about the cart",
                               source=Task.Source.AUTOMATIC)  # fmt: skip
    made = {
        "cart1": followup_make(
            company=a1,
            created=at(D(2026, 5, 20)),
            email="buyer@alpha.example",
            value="1200.00",
            item="basket:1:1",
        ),  # fmt: skip
        "cart3": followup_make(
            company=a1,
            created=at(D(2026, 5, 22)),
            stage=3,
            status=FollowUp.Status.TASK,
            task=task,
            item="basket:1:1",
        ),  # fmt: skip
        "offer": followup_make(
            company=a1,
            kind=FollowUpRule.Kind.OFFER_EXPIRING,
            quote=quote,
            created=at(D(2026, 5, 25)),
            email="=cmd@alpha.example",
            item="quote:1:offer:2026-06-05",
        ),  # fmt: skip
        "m_fail": followup_make(
            company=m1,
            created=at(D(2026, 5, 26)),
            item="basket:2:1",
            status=FollowUp.Status.FAILED,
            last_error="SMTP down",
        ),  # fmt: skip
    }
    FollowUp.objects.filter(pk=made["cart1"].pk).update(
        recovered_order_number="R-000042", recovered_amount=Decimal("800.00"),
        recovered_at=at(D(2026, 5, 21)),
    )  # fmt: skip
    return {**team, **made, "a1": a1, "m1": m1, "quote": quote, "task": task}


def listed(response) -> set[int]:
    return {f.pk for f in response.context["followups"]}


def test_an_account_manager_sees_the_followups_of_their_accounts_with_links(client, world):
    client.force_login(world["anna"])
    response = client.get(LIST)
    assert response.status_code == 200
    assert listed(response) == {world[k].pk for k in ("cart1", "cart3", "offer")}
    html = response.content.decode()
    assert reverse("crm:company-detail", args=[world["a1"].pk]) in html
    assert reverse("crm:task-edit", args=[world["task"].pk]) in html
    assert reverse("crm:quote-detail", args=[world["quote"].pk]) in html
    assert "R-000042" in html and "Mu Marco" not in html
    # ?rep= is the sales managers' filter: an account manager still sees only their own.
    response = client.get(LIST, {"rep": world["marco"].pk})
    assert listed(response) == {world[k].pk for k in ("cart1", "cart3", "offer")}
    # Another rep's account by ?company=: 404, not its follow-ups.
    assert client.get(LIST, {"company": world["m1"].pk}).status_code == 404


def test_a_sales_manager_sees_all_or_one_reps_like_the_cockpit(client, world):
    client.force_login(world["sofia"])
    assert len(listed(client.get(LIST))) == 4
    assert len(listed(client.get(LIST, {"rep": "all"}))) == 4
    assert listed(client.get(LIST, {"rep": world["marco"].pk})) == {world["m_fail"].pk}
    assert len(listed(client.get(LIST, {"rep": world["anna"].pk}))) == 3
    response = client.get(LIST, {"rep": "99999"})
    assert response.status_code == 400
    assert "“99999” is not a member of the account team" in response.content.decode()


def test_the_filters_narrow_the_list(client, world):
    client.force_login(world["sofia"])
    assert listed(client.get(LIST, {"kind": "offer_expiring"})) == {world["offer"].pk}
    assert listed(client.get(LIST, {"stage": "3"})) == {world["cart3"].pk}
    assert listed(client.get(LIST, {"status": "failed"})) == {world["m_fail"].pk}
    # Both days included.
    response = client.get(LIST, {"start": "2026-05-22", "end": "2026-05-25"})
    assert listed(response) == {world["cart3"].pk, world["offer"].pk}
    assert listed(client.get(LIST, {"company": world["a1"].pk, "stage": "1"})) == {
        world["cart1"].pk, world["offer"].pk
    }  # fmt: skip


def test_bad_filters_say_what_is_wrong(client, world):
    client.force_login(world["sofia"])
    response = client.get(LIST, {"start": "2026-05-25", "end": "2026-05-01"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "The end date is before the start date." in html
    assert 'value="2026-05-25"' in html
    response = client.get(LIST, {"kind": "nonsense", "start": "31.02.2026"})
    assert response.status_code == 400
    assert "Correct the filters above to see the follow-ups." in response.content.decode()


def test_the_csv_export_has_the_filtered_rows_spreadsheet_safe(client, world):
    client.force_login(world["anna"])
    response = client.get(LIST, {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == 'attachment; filename="follow-ups-2026-06-01.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:4] == ["Created", "Kind", "Stage", "Status"]
    assert len(rows) == 4  # header + Anna's three, not Marco's
    by_item = {row[7]: row for row in rows[1:]}
    offer = by_item["quote:1:offer:2026-06-05"]
    assert offer[6] == "'=cmd@alpha.example"  # a formula is shown as typed
    assert offer[11] == world["quote"].number
    cart = [row for row in rows[1:] if row[2] == "Stage 1" and row[1] == "Idle cart"][0]
    assert cart[8] == "1200.00" and cart[12:] == ["R-000042", "800.00", "2026-05-21"]
    rows = list(
        csv.reader(io.StringIO(client.get(LIST, {"format": "csv", "stage": "3"}).content.decode()))
    )
    assert [row[10] for row in rows[1:]] == ["Call Alpha about the cart"]


def _more(world, count: int) -> None:
    for index in range(count):
        company = CompanyFactory(account_manager=world["anna"])
        task = Task.objects.create(owner=world["anna"], company=company, title=f"Call {index}",
                                   source=Task.Source.AUTOMATIC)  # fmt: skip
        followup_make(company=company, created=at(D(2026, 5, 27)), task=task, quote=world["quote"],
                      status=FollowUp.Status.TASK, stage=3)  # fmt: skip


@pytest.mark.parametrize("who", ["anna", "sofia"])
def test_the_list_and_its_csv_take_the_same_queries_at_two_sizes(
    client, world, who, django_assert_num_queries
):
    client.force_login(world[who])
    client.get(LIST)  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as small_page:
        assert client.get(LIST).status_code == 200
    with CaptureQueriesContext(connection) as small_csv:
        client.get(LIST, {"format": "csv"})
    _more(world, 20)
    with django_assert_num_queries(len(small_page.captured_queries)):
        response = client.get(LIST)
    assert len(response.context["followups"]) >= 20
    with django_assert_num_queries(len(small_csv.captured_queries)):
        client.get(LIST, {"format": "csv"})


def test_the_pages_keep_the_content_security_policy(client, world):
    for who in ("anna", "sofia"):
        client.force_login(world[who])
        _check_page(client.get(LIST))
        _check_page(client.get(RULES))
    html = client.get(LIST, {"status": "failed"}).content.decode()
    assert "SMTP down" in html  # why it failed, for whoever looks


# -- walker findings (issue 14) --------------------------------------------------------------


def test_a_negative_number_gets_one_message_with_the_allowed_range(client, team):
    client.force_login(team["sofia"])
    data = rules_data(idle_basket={"stage2_after_days": "-1", "task_min_value": "-5"})
    response = client.post(RULES, data)
    assert response.status_code == 400
    form = next(f for f in response.context["formset"].forms if f.instance.kind == "idle_basket")
    assert form.errors["stage2_after_days"] == ["Enter a whole number from 1 to 60."]
    assert form.errors["task_min_value"] == ["The amount cannot be negative: enter 0 or more."]
    assert "greater than or equal" not in response.content.decode()


def test_the_rules_are_listed_in_the_order_of_the_kinds(client, team):
    order = [kind.value for kind in FollowUpRule.Kind]
    client.force_login(team["sofia"])
    forms = client.get(RULES).context["formset"].forms
    assert [form.instance.kind for form in forms] == order
    client.force_login(team["anna"])
    html = client.get(RULES).content.decode()
    assert sorted(order, key=lambda kind: html.index(f'id="rule-{kind}"')) == order


def _rule_form(response, kind):
    return next(f for f in response.context["formset"].forms if f.instance.kind == kind)


def test_each_rule_shows_only_the_fields_its_kind_uses_with_their_meaning(client, team):
    client.force_login(team["sofia"])
    response = client.get(RULES)
    fields = {kind: set(_rule_form(response, kind).fields) - {"id"} for kind in FollowUpRule.Kind}
    common = {"active", "email_buyer", "stage2_after_days", "task_min_value", "task_after_stage2"}
    assert fields["idle_basket"] == common | {"threshold_hours", "lookback_days"}
    assert fields["offer_expiring"] == common | {"threshold_days"}
    assert fields["quote_not_ordered"] == common | {"threshold_days", "lookback_days"}
    assert fields["approval_pending"] == common | {"threshold_hours", "lookback_days"}
    assert fields["reorder_lapsed"] == {"active", "threshold_days", "task_min_value"}
    offer = _rule_form(response, "offer_expiring")
    assert offer.fields["threshold_days"].label == "Email when the offer expires within (days)"
    assert offer.fields["threshold_days"].help_text
    reorder = _rule_form(response, "reorder_lapsed")
    assert reorder.fields["threshold_days"].label == "Cycle length (days)"
    html = response.content.decode()
    assert "Cycle length (days)" in html and "Email when the offer expires within (days)" in html
    assert 'name="form-4-email_buyer"' not in html  # the reorder rule (last) never emails


def test_a_post_cannot_change_the_fields_a_rule_does_not_use(client, team):
    client.force_login(team["sofia"])
    reorder = FollowUpRule.objects.get(kind="reorder_lapsed")
    offer = FollowUpRule.objects.get(kind="offer_expiring")
    data = rules_data(
        reorder_lapsed={"email_buyer": not reorder.email_buyer, "threshold_hours": 99,
                        "lookback_days": 99, "threshold_days": 28},
        offer_expiring={"threshold_hours": 77, "lookback_days": 77},
    )  # fmt: skip
    assert client.post(RULES, data).status_code == 302
    after = FollowUpRule.objects.get(kind="reorder_lapsed")
    assert after.threshold_days == 28
    assert (after.email_buyer, after.threshold_hours, after.lookback_days) == (
        reorder.email_buyer, reorder.threshold_hours, reorder.lookback_days
    )  # fmt: skip
    after = FollowUpRule.objects.get(kind="offer_expiring")
    assert (after.threshold_hours, after.lookback_days) == (
        offer.threshold_hours, offer.lookback_days
    )  # fmt: skip
    # A value out of range in an unused field is not an error either.
    data = rules_data(offer_expiring={"threshold_hours": "-3"})
    assert client.post(RULES, data).status_code == 302


def test_the_read_only_table_labels_each_rule_and_dashes_what_does_not_apply(client, team):
    client.force_login(team["anna"])
    html = client.get(RULES).content.decode()
    row = html[html.index('id="rule-reorder_lapsed"') :]
    row = row[: row.index("</tr>")]
    assert "Cycle length (days)" in row and row.count("—") == 5
    row = html[html.index('id="rule-offer_expiring"') :]
    row = row[: row.index("</tr>")]
    assert "Email when the offer expires within (days)" in row and row.count("—") == 2


def test_an_unknown_account_in_the_list_filter_says_so_with_a_way_out(client, world):
    client.force_login(world["anna"])
    response = client.get(LIST, {"company": "abc"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "That account does not exist or is not one of yours" in html
    assert f'<a href="{LIST}">show all accounts</a>' in html
    assert "Correct the filters above" not in html
    response = client.get(LIST, {"company": world["m1"].pk})
    assert response.status_code == 404
    html = response.content.decode()
    assert "That account does not exist or is not one of yours" in html
    assert "Mu Marco" not in html
    assert client.get(LIST, {"company": "99999999"}).status_code == 404


def test_the_list_shows_when_the_buyer_restored_the_cart_from_the_email(client, world):
    FollowUp.objects.filter(pk=world["cart1"].pk).update(restored_at=at(D(2026, 5, 30), 9))
    client.force_login(world["anna"])
    html = " ".join(client.get(LIST).content.decode().split())
    assert html.count("Cart restored from the email on 30/05/2026") == 1
