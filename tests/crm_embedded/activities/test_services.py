"""Logging activities and comments: links must match the company, mentions notify colleagues."""

from datetime import timedelta

import pytest
from django.utils import timezone

from crm_embedded.activities import selectors, services
from crm_embedded.activities.mentions import mentions_parse
from crm_embedded.activities.models import Activity
from crm_embedded.quotes.models import Quote
from shop.notifications.models import NotificationLog
from tests.crm_embedded.activities.factories import (
    ActivityFactory,
    CommentFactory,
    ContactFactory,
    OpportunityFactory,
    staff_user,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _log(company, author, **kwargs):
    return services.activity_log(
        company=company, author=author, kind=kwargs.pop("kind", "call"),
        subject=kwargs.pop("subject", "Called the workshop"), **kwargs,
    )  # fmt: skip


def test_mentions_are_handles_or_quoted_names_never_email_addresses():
    text = (
        'Ask @anna.berg and @"Sofia  Lindqvist" (cc @Marco.Rossi.) but not '
        "jonas.weber@rheinland-auto.example, nor @@x; @anna.berg again"
    )
    assert [(m.raw, m.key) for m in mentions_parse(text=text)] == [
        ("@anna.berg", "anna.berg"),
        ('@"Sofia  Lindqvist"', "sofia lindqvist"),
        ("@Marco.Rossi", "marco.rossi"),
    ]


def test_an_activity_is_logged_with_its_links(anna, rheinland):
    contact = ContactFactory(company=rheinland)
    quote = Quote.objects.create(number="Q-1", company=rheinland, requested_by=UserFactory())
    opportunity = OpportunityFactory(company=rheinland)
    activity, report = _log(rheinland, anna, contact=contact, quote=quote,
                            opportunity=opportunity, body="All fine.")  # fmt: skip
    activity.refresh_from_db()
    assert (activity.company, activity.author, activity.kind) == (rheinland, anna, "call")
    assert (activity.contact, activity.quote, activity.opportunity) == (contact, quote, opportunity)
    assert report.notified == [] and report.unknown == []


@pytest.mark.parametrize("link", ["contact", "quote", "opportunity"])
def test_a_link_to_another_companys_object_is_refused(anna, rheinland, nordic, link):
    others = {
        "contact": lambda: ContactFactory(company=nordic),
        "quote": lambda: Quote.objects.create(number="Q-9", company=nordic,
                                              requested_by=UserFactory()),
        "opportunity": lambda: OpportunityFactory(company=nordic),
    }  # fmt: skip
    with pytest.raises(services.ActivityError) as exc:
        _log(rheinland, anna, **{link: others[link]()})
    assert exc.value.field == link
    assert "Nordic Textile Mills AB" in exc.value.message
    assert "not Rheinland Auto Service GmbH" in exc.value.message
    assert not Activity.objects.exists()


def test_an_activity_in_the_future_is_refused_but_a_minute_of_clock_skew_is_not(anna, rheinland):
    now = timezone.now()
    with pytest.raises(services.ActivityError) as exc:
        _log(rheinland, anna, occurred_at=now + timedelta(hours=1), now=now)
    assert exc.value.field == "occurred_at"
    activity, _ = _log(rheinland, anna, occurred_at=now + timedelta(seconds=30), now=now)
    assert activity.pk


def test_a_mention_emails_the_colleague_once(anna, sofia, rheinland):
    activity, report = _log(rheinland, anna, body="@sofia.sales can we go below list price?")
    assert report.notified == [sofia]
    log = NotificationLog.objects.get(kind="crm_mention")
    assert log.recipients == ["sofia.sales@partshub.example"]
    assert "Anna Berg" in log.subject and "Rheinland Auto Service GmbH" in log.subject
    assert "can we go below list price?" in log.body_text
    assert f"/crm/activities/{activity.pk}/" in log.body_text
    # The same activity mentioned again sends nothing new (the key is per activity and person).
    services._mentions_notify(activity=activity, comment=None, author=anna, report=report)
    assert NotificationLog.objects.filter(kind="crm_mention").count() == 1


def test_unknown_ambiguous_self_and_out_of_scope_mentions_are_reported_not_sent(
    anna, marco, sofia, rheinland
):
    staff_user("Account managers", email="sofia.sales@elsewhere.example")  # same handle
    _, report = _log(
        rheinland, anna,
        body='@nobody, @sofia.sales, @"Anna Berg" and @marco.rossi, @"Sofia Lindqvist"',
    )  # fmt: skip
    assert report.unknown == ["@nobody"]
    assert report.ambiguous == ["@sofia.sales"]
    assert report.cannot_see == [marco]  # Marco does not manage Rheinland Auto
    assert report.notified == [sofia]  # by her full name; Anna does not notify herself
    assert list(NotificationLog.objects.values_list("recipients", flat=True)) == [
        ["sofia.sales@partshub.example"]
    ]


def test_buyers_cannot_be_mentioned(anna, rheinland):
    UserFactory(email="jonas.weber@rheinland-auto.example", first_name="Jonas", last_name="Weber")
    _, report = _log(rheinland, anna, body="@jonas.weber will call back")
    assert report.unknown == ["@jonas.weber"] and not NotificationLog.objects.exists()


def test_a_comment_mention_notifies_and_a_reply_stays_in_its_thread(anna, sofia, rheinland):
    activity = ActivityFactory(company=rheinland)
    first, report = services.activity_comment_add(
        activity=activity, author=sofia, body="OK @anna.berg"
    )
    assert report.notified == [anna]
    log = NotificationLog.objects.get(kind="crm_mention")
    assert log.key == f"crm_mention:comment:{first.pk}:{anna.pk}"
    assert f"#comment-{first.pk}" in log.body_text
    reply, _ = services.activity_comment_add(
        activity=activity, author=anna, body="Thanks", parent=first
    )
    assert reply.parent == first
    other = CommentFactory(activity=ActivityFactory(company=rheinland))
    with pytest.raises(services.ActivityError) as exc:
        services.activity_comment_add(activity=activity, author=anna, body="x", parent=other)
    assert exc.value.field == "parent"
    with pytest.raises(services.ActivityError):
        services.activity_comment_add(activity=activity, author=anna, body="   ")


def test_the_thread_puts_replies_under_their_parent(anna, rheinland):
    activity = ActivityFactory(company=rheinland)
    a = CommentFactory(activity=activity, body="a")
    b = CommentFactory(activity=activity, body="b")
    a1 = CommentFactory(activity=activity, body="a1", parent=a)
    a1x = CommentFactory(activity=activity, body="a1x", parent=a1)
    a2 = CommentFactory(activity=activity, body="a2", parent=a)
    thread = selectors.activity_comment_thread(activity=activity)
    assert [(e.comment, e.depth) for e in thread] == [(a, 0), (a1, 1), (a1x, 2), (a2, 1), (b, 0)]


def test_staff_see_activities_of_their_accounts_sales_managers_all(
    anna, marco, sofia, rheinland, nordic
):
    mine = ActivityFactory(company=rheinland)
    theirs = ActivityFactory(company=nordic)
    assert set(selectors.activities_for_staff(user=anna)) == {mine}
    assert set(selectors.activities_for_staff(user=marco)) == {theirs}
    assert set(selectors.activities_for_staff(user=sofia)) == {mine, theirs}
    assert not selectors.activities_for_staff(user=UserFactory()).exists()


@pytest.mark.parametrize("size", [2, 12])
def test_activities_for_company_is_one_query_whatever_the_history(
    anna, rheinland, size, django_assert_num_queries
):
    contact = ContactFactory(company=rheinland)
    for i in range(size):
        activity = ActivityFactory(company=rheinland, contact=contact)
        CommentFactory.create_batch(i % 3, activity=activity)
    with django_assert_num_queries(1):
        activities = selectors.activities_for_company(company_id=rheinland.pk, limit=50)
        rows = [(a.author.email, a.contact.full_name, a.comment_count) for a in activities]
    assert len(rows) == size
    assert sorted(r[2] for r in rows) == sorted(i % 3 for i in range(size))
    assert len(selectors.activities_for_company(company_id=rheinland.pk, limit=1)) == 1
