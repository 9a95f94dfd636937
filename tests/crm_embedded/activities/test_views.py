"""The activities pages: scoped to one's accounts, clear messages for bad input, mentions reported."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from crm_embedded.activities import selectors
from crm_embedded.activities.forms import ActivityForm
from crm_embedded.activities.models import Activity, ActivityComment
from shop.notifications.models import NotificationLog
from tests.crm_embedded.activities.factories import (
    ActivityFactory,
    CommentFactory,
    ContactFactory,
    OpportunityFactory,
)
from tests.factories import CompanyFactory, CompanyMemberFactory

pytestmark = pytest.mark.django_db

CREATE = reverse("crm:activity-create")
LIST = reverse("crm:activity-list")


def _when(**delta) -> str:
    return timezone.localtime(timezone.now() + timedelta(**delta)).strftime("%Y-%m-%dT%H:%M")


def _post(company, **data):
    return {"company": company.pk, "kind": "call", "subject": "Called Jonas",
            "body": "", "occurred_at": _when(minutes=-5), **data}  # fmt: skip


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_list_shows_only_ones_accounts_sales_managers_all(
    client, anna, sofia, rheinland, nordic
):
    mine = ActivityFactory(company=rheinland, subject="Brake pads call")
    ActivityFactory(company=nordic, subject="Textile meeting")
    CommentFactory.create_batch(2, activity=mine)
    client.force_login(anna)
    body = client.get(LIST).content.decode()
    assert "Brake pads call" in body and "Textile meeting" not in body
    assert '<td class="activity-comment-count">2</td>' in body
    client.force_login(sofia)
    body = client.get(LIST).content.decode()
    assert "Brake pads call" in body and "Textile meeting" in body


def test_the_list_is_newest_first_and_paginated(client, sofia, rheinland):
    now = timezone.now()
    for i in range(52):
        ActivityFactory(
            company=rheinland, subject=f"Call #{i:02d}", occurred_at=now - timedelta(hours=i)
        )
    client.force_login(sofia)
    body = client.get(LIST).content.decode()
    assert body.index("Call #00") < body.index("Call #01") < body.index("Call #49")
    assert "Call #50" not in body and "Page 1 of 2" in body
    body = client.get(LIST, {"page": 2}).content.decode()
    assert "Call #50" in body and "Call #51" in body and "Call #49" not in body
    assert [a.subject for a in selectors.activities_for_company(company_id=rheinland.pk, limit=2)] == [
        "Call #00", "Call #01"
    ]  # fmt: skip


def test_the_list_filters(client, sofia, anna, rheinland, nordic):
    old = ActivityFactory(company=rheinland, subject="Old call",
                          occurred_at=timezone.now() - timedelta(days=30))  # fmt: skip
    ActivityFactory(company=rheinland, subject="Quick note", kind="note", body="pads")
    ActivityFactory(company=nordic, subject="Nordic meeting", kind="meeting", author=sofia)
    client.force_login(sofia)

    def shown(**params):
        body = client.get(LIST, params).content.decode()
        return {s for s in ("Old call", "Quick note", "Nordic meeting") if s in body}

    assert shown(kind="note") == {"Quick note"}
    assert shown(company=nordic.pk) == {"Nordic meeting"}
    assert shown(q="PADS") == {"Quick note"}
    assert shown(mine="on") == {"Nordic meeting"}
    day = timezone.localtime(old.occurred_at).date().isoformat()
    assert shown(start=day, end=day) == {"Old call"}
    response = client.get(LIST, {"start": "2026-05-02", "end": "2026-05-01"})
    assert response.status_code == 400
    assert "swap the two dates" in response.content.decode()


def test_an_account_manager_cannot_open_another_managers_activity(client, anna, nordic):
    other = ActivityFactory(company=nordic)
    client.force_login(anna)
    url = reverse("crm:activity-detail", kwargs={"pk": other.pk})
    assert client.get(url).status_code == 404
    comment_url = reverse("crm:activity-comment", kwargs={"pk": other.pk})
    assert client.post(comment_url, {"body": "hi"}).status_code == 404
    assert client.get(CREATE, {"company": nordic.pk}).status_code == 404
    assert client.post(CREATE, _post(nordic)).status_code == 404
    assert not ActivityComment.objects.exists() and Activity.objects.count() == 1


def test_a_buyer_never_reaches_the_activities(client, rheinland):
    """The CRM's door (crm_embedded.access.staff_required) turns buyers away."""
    buyer = CompanyMemberFactory(company=rheinland).user
    activity = ActivityFactory(company=rheinland, subject="Internal pricing note")
    client.force_login(buyer)
    for url in (LIST, CREATE, reverse("crm:activity-detail", kwargs={"pk": activity.pk})):
        response = client.get(url)
        assert response.status_code in (403, 404)
        assert b"Internal pricing note" not in response.content


def test_logging_asks_for_the_account_first_then_preselects(client, anna, rheinland, nordic):
    contact = ContactFactory(company=rheinland, first_name="Jonas", last_name="Weber")
    ContactFactory(company=nordic, first_name="Lena", last_name="Berg")
    client.force_login(anna)
    chooser = client.get(CREATE).content.decode()
    assert "Which account is it about?" in chooser and "Rheinland Auto" in chooser
    assert "Nordic Textile" not in chooser
    page = client.get(CREATE, {"company": rheinland.pk, "contact": contact.pk}).content.decode()
    assert f'<option value="{contact.pk}" selected>Jonas Weber (Workshop lead)</option>' in page
    assert "Lena" not in page


def test_logging_an_activity_goes_to_it_or_back_to_next(client, anna, rheinland):
    contact = ContactFactory(company=rheinland)
    opportunity = OpportunityFactory(company=rheinland)
    client.force_login(anna)
    response = client.post(CREATE, _post(rheinland, contact=contact.pk, opportunity=opportunity.pk,
                                         body="Wants 400 sets"))  # fmt: skip
    activity = Activity.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("crm:activity-detail", kwargs={"pk": activity.pk})
    assert (activity.author, activity.contact, activity.opportunity) == (anna, contact, opportunity)
    back = reverse("crm:company-detail", kwargs={"pk": rheinland.pk})
    response = client.post(CREATE, _post(rheinland, next=back))
    assert response["Location"] == back
    response = client.post(CREATE, _post(rheinland, next="https://evil.example/"))
    assert response["Location"].startswith("/crm/activities/")


def test_a_contact_of_another_company_is_refused_with_a_message_and_nothing_typed_is_lost(
    client, sofia, rheinland, nordic
):
    lena = ContactFactory(company=nordic, first_name="Lena", last_name="Berg")
    client.force_login(sofia)
    response = client.post(CREATE, _post(rheinland, contact=lena.pk, subject="Price talk",
                                         body="Long notes I typed"))  # fmt: skip
    body = response.content.decode()
    assert response.status_code == 400
    assert "Lena Berg works for Nordic Textile Mills AB, not Rheinland Auto Service GmbH" in body
    assert 'value="Price talk"' in body and "Long notes I typed" in body
    assert not Activity.objects.exists()


@pytest.mark.parametrize(
    "data, message",
    [
        ({"occurred_at": _when(days=1)}, "This time is in the future"),
        ({"subject": ""}, "This field is required"),
        ({"subject": "Call\r\nBcc: x"}, "must be on one line"),
        ({"occurred_at": "yesterday"}, "Enter a valid date/time"),
        ({"kind": "fax"}, "Select a valid choice"),
    ],
)
def test_bad_input_gets_a_message_beside_the_field(client, anna, rheinland, data, message):
    client.force_login(anna)
    response = client.post(CREATE, _post(rheinland, **data))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Activity.objects.exists()


def test_a_mention_is_notified_and_unknown_names_are_reported(client, anna, sofia, rheinland):
    client.force_login(anna)
    response = client.post(CREATE, _post(rheinland, body="@sofia.sales please approve; @ghost too"))
    texts = _messages(response)
    assert any("Notified by email: Sofia Lindqvist." in t for t in texts)
    assert any("No colleague is called @ghost" in t for t in texts)
    assert NotificationLog.objects.get(kind="crm_mention").recipients == [sofia.email]
    page = client.get(response["Location"]).content.decode()
    assert '<span class="crm-mention text-primary font-weight-bold">@sofia.sales</span>' in page
    assert "; @ghost too" in page  # plain text


def test_the_detail_shows_the_thread_and_a_reply_lands_under_its_parent(
    client, anna, sofia, rheinland
):
    activity = ActivityFactory(company=rheinland, body="Line one\n\n<b>not bold</b>")
    first = CommentFactory(activity=activity, author=sofia, body="Go ahead")
    client.force_login(anna)
    url = reverse("crm:activity-comment", kwargs={"pk": activity.pk})
    response = client.post(url, {"body": "Thanks @sofia.sales", "parent": first.pk})
    reply = ActivityComment.objects.get(parent=first)
    assert response["Location"].endswith(f"/crm/activities/{activity.pk}/#comment-{reply.pk}")
    page = client.get(reverse("crm:activity-detail", kwargs={"pk": activity.pk})).content.decode()
    assert "&lt;b&gt;not bold&lt;/b&gt;" in page
    assert f'ml-0" id="comment-{first.pk}"' in page and f'ml-1" id="comment-{reply.pk}"' in page
    assert "2 comments" in page
    assert NotificationLog.objects.filter(kind="crm_mention", recipients=[sofia.email]).exists()


def test_a_bad_comment_is_refused_beside_the_field(client, anna, rheinland):
    activity = ActivityFactory(company=rheinland)
    elsewhere = CommentFactory(activity=ActivityFactory(company=rheinland))
    client.force_login(anna)
    url = reverse("crm:activity-comment", kwargs={"pk": activity.pk})
    response = client.post(url, {"body": ""})
    assert response.status_code == 400 and "This field is required" in response.content.decode()
    response = client.post(url, {"body": "my reply", "parent": elsewhere.pk})
    assert response.status_code == 400
    assert "not in this thread" in response.content.decode()
    assert "my reply" in response.content.decode()
    assert client.get(url).status_code == 405
    assert not activity.comments.exists()


def test_the_log_form_include_posts_back_to_the_company_page(client, anna, rheinland):
    ContactFactory(company=rheinland, first_name="Jonas", last_name="Weber")
    request = RequestFactory().get(f"/crm/accounts/{rheinland.pk}/")
    request.user = anna
    html = render_to_string(
        "crm/activities/_log_form.html",
        {"activity_form": ActivityForm(company=rheinland)},
        request=request,
    )
    assert f'action="{CREATE}"' in html
    assert f'name="next" value="/crm/accounts/{rheinland.pk}/"' in html
    assert f'name="company" value="{rheinland.pk}"' in html and "Jonas Weber" in html
    client.force_login(anna)
    response = client.post(CREATE, _post(rheinland, next=f"/crm/accounts/{rheinland.pk}/"))
    assert response["Location"] == f"/crm/accounts/{rheinland.pk}/"


def _count(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _grow(company, n: int) -> None:
    for _ in range(n):
        contact = ContactFactory(company=company)
        activity = ActivityFactory(company=company, contact=contact,
                                   opportunity=OpportunityFactory(company=company))  # fmt: skip
        CommentFactory.create_batch(2, activity=activity)
        CompanyFactory(account_manager=company.account_manager)


def test_the_list_costs_the_same_queries_at_two_sizes(client, anna, sofia, rheinland):
    filtered = f"{LIST}?company={rheinland.pk}&kind=call&q=Call"
    client.force_login(sofia)
    _grow(rheinland, 2)
    small, small_filtered = _count(client, LIST), _count(client, filtered)
    _grow(rheinland, 12)
    assert _count(client, LIST) == small
    assert _count(client, filtered) == small_filtered


def test_the_detail_costs_the_same_queries_at_two_thread_sizes(client, anna, sofia, rheinland):
    activity = ActivityFactory(company=rheinland, contact=ContactFactory(company=rheinland))
    url = reverse("crm:activity-detail", kwargs={"pk": activity.pk})
    client.force_login(anna)
    CommentFactory(activity=activity, author=sofia)
    small = _count(client, url)
    parent = None
    for i in range(15):
        parent = CommentFactory(activity=activity, author=sofia if i % 2 else anna, parent=parent)
    assert _count(client, url) == small
