"""Pipeline pages: board, list with CSV, create/edit/detail/move, forecast, stage settings."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from crm_embedded.pipeline.models import Opportunity, Stage
from tests.crm_embedded.pipeline.factories import (
    OpportunityFactory,
    account_manager,
    sales_manager,
    stage,
)
from tests.factories import CompanyFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rep():
    return account_manager(first_name="Anna", last_name="Berg")


@pytest.fixture
def company(rep):
    return CompanyFactory(account_manager=rep, legal_name="Rheinland Auto")


@pytest.fixture
def rep_client(client, rep):
    client.force_login(rep)
    return client


def test_the_board_shows_open_stages_with_totals_and_move_buttons(rep_client, company):
    OpportunityFactory(company=company, name="Brakes", stage=stage("Proposal"),
                       amount=Decimal("1000"), probability=50)  # fmt: skip
    OpportunityFactory(company=company, name="Closed one", stage=stage("Won"), probability=100)
    OpportunityFactory(company=CompanyFactory(account_manager=account_manager()), name="Theirs")
    response = rep_client.get(reverse("crm:pipeline-board"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Brakes" in body and "Closed one" not in body and "Theirs" not in body
    assert "Qualification" in body and "Negotiation" in body
    columns = {c["stage"].name: c for c in response.context["columns"]}
    assert (columns["Proposal"]["amount"], columns["Proposal"]["weighted"]) == (
        Decimal("1000.00"), Decimal("500.00"),
    )  # fmt: skip
    assert columns["Proposal"]["previous"].name == "Needs analysis"
    assert columns["Proposal"]["next"].name == "Negotiation"
    assert 'name="outcome" value="won"' in body and 'name="lost_reason"' in body
    # Dragging is an extra from a static file; the buttons work without it.
    assert "crm/pipeline/board.js" in body and 'draggable="true"' in body


def test_a_move_from_the_board_goes_back_to_the_board(rep_client, company):
    opportunity = OpportunityFactory(company=company, stage=stage("Proposal"))
    board = reverse("crm:pipeline-board")
    response = rep_client.post(
        reverse("crm:opportunity-move", args=[opportunity.pk]),
        {"stage": stage("Negotiation").pk, "next": board},
    )
    assert response.status_code == 302 and response["Location"] == board
    opportunity.refresh_from_db()
    assert (opportunity.stage.name, opportunity.probability) == ("Negotiation", 75)
    response = rep_client.post(
        reverse("crm:opportunity-move", args=[opportunity.pk]),
        {"outcome": "won", "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("crm:opportunity-detail", args=[opportunity.pk])
    opportunity.refresh_from_db()
    assert opportunity.stage.kind == "won" and opportunity.closed_at is not None


def test_lost_without_a_reason_is_refused_beside_the_field(rep_client, company):
    opportunity = OpportunityFactory(company=company, stage=stage("Proposal"))
    response = rep_client.post(
        reverse("crm:opportunity-move", args=[opportunity.pk]), {"outcome": "lost"}
    )
    assert response.status_code == 400
    assert "Say why the deal was lost" in response.content.decode()
    assert response.context["move_form"].errors["lost_reason"]
    opportunity.refresh_from_db()
    assert opportunity.stage.name == "Proposal"
    # The page that comes back has "Lost" chosen: correcting it there loses the deal (the
    # walk found Qualification chosen, so the correction moved the deal backwards).
    lost = Stage.objects.get(kind=Stage.Kind.LOST)
    assert response.context["move_form"]["stage"].value() == str(lost.pk)
    response = rep_client.post(
        reverse("crm:opportunity-move", args=[opportunity.pk]),
        {"stage": str(lost.pk), "lost_reason": "Went with a competitor"},
    )
    assert response.status_code == 302
    opportunity.refresh_from_db()
    assert (opportunity.stage.name, opportunity.lost_reason) == ("Lost", "Went with a competitor")


def _create_data(company, rep, **changes):
    data = {"company": company.pk, "name": "Filters 2027", "amount": "12 500,50",
            "stage": stage("Qualification").pk, "probability": "", "expected_close": "2027-02-15",
            "owner": rep.pk, "quote": ""}  # fmt: skip
    data.update(changes)
    return data


def test_create_preselects_the_company_and_saves(rep_client, company, rep):
    response = rep_client.get(reverse("crm:opportunity-create") + f"?company={company.pk}")
    assert response.status_code == 200
    assert response.context["form"].initial["company"] == company
    response = rep_client.post(reverse("crm:opportunity-create"), _create_data(company, rep))
    opportunity = Opportunity.objects.get()
    assert response["Location"] == reverse("crm:opportunity-detail", args=[opportunity.pk])
    assert (opportunity.amount, opportunity.probability, opportunity.expected_close) == (
        Decimal("12500.50"), 10, date(2027, 2, 15),
    )  # fmt: skip


@pytest.mark.parametrize(
    ("amount", "message"),
    [("12k", "no letters"), ("EUR 500", "no letters"), ("-100", "cannot be negative")],
)
def test_an_amount_with_letters_or_negative_gets_a_clear_message(
    rep_client, company, rep, amount, message
):
    response = rep_client.post(
        reverse("crm:opportunity-create"), _create_data(company, rep, amount=amount)
    )
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors["amount"])
    assert "Filters 2027" in response.content.decode()  # nothing typed is lost
    assert not Opportunity.objects.exists()


def test_create_refuses_another_reps_company(rep_client, rep):
    other = CompanyFactory(account_manager=account_manager())
    response = rep_client.post(reverse("crm:opportunity-create"), _create_data(other, rep))
    assert response.status_code == 400 and "company" in response.context["form"].errors


def test_edit_saves_and_an_empty_probability_follows_the_stage(rep_client, company, rep):
    opportunity = OpportunityFactory(company=company, stage=stage("Proposal"), probability=80,
                                     probability_manual=True)  # fmt: skip
    url = reverse("crm:opportunity-edit", args=[opportunity.pk])
    assert rep_client.get(url).context["form"].initial["probability"] == 80
    response = rep_client.post(url, {"name": "Renamed", "amount": "99.5", "probability": "",
                                     "expected_close": "", "owner": rep.pk, "quote": ""})  # fmt: skip
    assert response.status_code == 302
    opportunity.refresh_from_db()
    assert (opportunity.name, opportunity.amount, opportunity.probability) == (
        "Renamed", Decimal("99.50"), 50,
    )  # fmt: skip


def test_another_reps_opportunity_is_404_and_a_sales_manager_sees_it(client, company):
    opportunity = OpportunityFactory(company=company)
    client.force_login(account_manager())
    for name in ("crm:opportunity-detail", "crm:opportunity-edit"):
        assert client.get(reverse(name, args=[opportunity.pk])).status_code == 404
    assert client.post(reverse("crm:opportunity-move", args=[opportunity.pk]),
                       {"outcome": "won"}).status_code == 404  # fmt: skip
    client.force_login(sales_manager())
    assert client.get(reverse("crm:opportunity-detail", args=[opportunity.pk])).status_code == 200


def test_buyers_never_reach_the_pipeline(client):
    client.force_login(UserFactory())
    assert client.get(reverse("crm:pipeline-board")).status_code == 403


def test_the_list_filters_and_exports_csv(rep_client, company):
    OpportunityFactory(company=company, name="=HYPERLINK(1)", stage=stage("Proposal"),
                       amount=Decimal("200"), probability=50, expected_close=date(2027, 1, 10))  # fmt: skip
    OpportunityFactory(company=company, name="Later", expected_close=date(2027, 6, 1))
    OpportunityFactory(company=company, name="Done", stage=stage("Won"), probability=100)
    url = reverse("crm:opportunity-list")
    body = rep_client.get(url).content.decode()
    assert "Later" in body and "Done" not in body  # open by default
    response = rep_client.get(url, {"close_from": "2027-01-01", "close_to": "2027-01-31"})
    assert [o.name for o in response.context["opportunities"]] == ["=HYPERLINK(1)"]
    csv = rep_client.get(url, {"close_to": "2027-01-31", "format": "csv"})
    assert csv["Content-Type"].startswith("text/csv")
    lines = csv.content.decode().splitlines()
    assert lines[0].startswith("Name,Company,Stage,Amount")
    assert lines[1].startswith(
        "'=HYPERLINK(1),Rheinland Auto,Proposal,200.00,EUR,50,100.00,2027-01-10"
    )
    assert len(lines) == 2


def test_a_backwards_date_range_is_explained(rep_client):
    response = rep_client.get(
        reverse("crm:opportunity-list"), {"close_from": "2027-02-01", "close_to": "2027-01-01"}
    )
    assert response.status_code == 400
    assert "swap them" in response.content.decode()


def _many(company, count):
    companies = [company] + [CompanyFactory(account_manager=company.account_manager)
                             for _ in range(2)]  # fmt: skip
    open_stages = list(Stage.objects.filter(kind="open"))
    for n in range(count):
        OpportunityFactory(company=companies[n % 3], stage=open_stages[n % len(open_stages)],
                           expected_close=timezone.localdate() + timedelta(days=n))  # fmt: skip


@pytest.mark.parametrize("url_name", ["crm:pipeline-board", "crm:opportunity-list"])
def test_board_and_list_queries_do_not_grow_with_the_data(
    rep_client, company, url_name, django_assert_num_queries
):
    url = reverse(url_name)
    _many(company, 3)
    rep_client.get(url)  # warm caches (content types, session)
    with CaptureQueriesContext(connection) as small:
        assert rep_client.get(url).status_code == 200
    _many(company, 30)
    with django_assert_num_queries(len(small.captured_queries)):
        assert rep_client.get(url).status_code == 200


def test_the_forecast_weighs_open_deals_by_month_beside_revenue(rep_client, company):
    this_month = timezone.localdate().replace(day=1)
    OpportunityFactory(company=company, amount=Decimal("1000"), probability=50,
                       expected_close=this_month + timedelta(days=3))  # fmt: skip
    OpportunityFactory(company=company, amount=Decimal("400"), probability=25,
                       expected_close=this_month - timedelta(days=1))  # fmt: skip
    response = rep_client.get(reverse("crm:pipeline-forecast"))
    assert response.status_code == 200
    forecast = response.context["forecast"]
    assert len(forecast["months"]) == 6
    assert forecast["months"][0]["weighted"] == Decimal("500.00")
    assert forecast["overdue"]["weighted"] == Decimal("100.00")
    assert len(response.context["history"]) == 12


def test_stage_settings_are_for_sales_managers(client, rep):
    client.force_login(rep)
    assert client.get(reverse("crm:stage-list")).status_code == 404
    client.force_login(sales_manager())
    response = client.get(reverse("crm:stage-list"))
    assert response.status_code == 200
    forms = response.context["formset"].forms
    assert len(forms) == 7  # six stages and one empty row for a new one


def _stage_post(**overrides):
    data = {"form-TOTAL_FORMS": "7", "form-INITIAL_FORMS": "6"}
    for index, s in enumerate(Stage.objects.all()):
        data.update({f"form-{index}-stage_id": s.pk, f"form-{index}-name": s.name,
                     f"form-{index}-position": s.position,
                     f"form-{index}-probability": s.probability,
                     f"form-{index}-is_active": "on" if s.is_active else ""})  # fmt: skip
    data.update({"form-6-stage_id": "", "form-6-name": "", "form-6-position": "50",
                 "form-6-probability": "", "form-6-is_active": "on"})  # fmt: skip
    data.update(overrides)
    return {k: v for k, v in data.items() if v != "" or not k.endswith("is_active")}


def test_a_sales_manager_renames_and_adds_a_stage(client):
    client.force_login(sales_manager())
    response = client.post(
        reverse("crm:stage-list"),
        _stage_post(
            **{
                "form-2-name": "Offer sent",
                "form-2-probability": "45",
                "form-6-name": "Trial",
                "form-6-position": "35",
                "form-6-probability": "60",
            }
        ),  # fmt: skip
    )
    assert response.status_code == 302
    assert Stage.objects.filter(name="Offer sent", probability=45).exists()
    assert Stage.objects.get(name="Trial").kind == "open"


def test_a_stage_mistake_is_shown_beside_its_row(client):
    client.force_login(sales_manager())
    response = client.post(reverse("crm:stage-list"), _stage_post(**{"form-4-probability": "90"}))
    assert response.status_code == 400
    assert response.context["formset"].forms[4].errors["probability"] == [
        "The won stage's probability is always 100."
    ]
    assert Stage.objects.get(kind="won").probability == 100
