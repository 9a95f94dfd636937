"""The buyer's email settings page and the operator's email log."""

import itertools

import pytest
from django.core import mail
from django.urls import reverse

from shop.notifications.models import NotificationLanguage, NotificationLog, NotificationPreference
from shop.notifications.selectors import order_update_recipients, user_language
from tests.factories import CompanyMemberFactory, UserFactory
from tests.helpers import session_queries

PREFERENCES_URL = "/shop/notifications/preferences/"
LOG_URL = "/shop/notifications/log/"

pytestmark = pytest.mark.django_db


_keys = itertools.count()


def _log(n: int = 1, **fields) -> list[NotificationLog]:
    defaults = {
        "kind": "company_invitation",
        "recipients": ["someone@x.example"],
        "subject": "Hello",
        "body_text": "Hello",
        "status": NotificationLog.Status.SENT,
    }
    return [
        NotificationLog.objects.create(**{**defaults, "key": f"k-{next(_keys)}", **fields})
        for _ in range(n)
    ]


def test_urls_are_the_contracts():
    assert reverse("notifications:preferences") == PREFERENCES_URL
    assert reverse("notifications:log-list") == LOG_URL


def test_preferences_need_a_login(client):
    response = client.get(PREFERENCES_URL)
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_buyer_subscribes_to_the_company_orders_and_chooses_german(client, buyer_member):
    client.force_login(buyer_member.user)
    html = client.get(PREFERENCES_URL).content.decode()
    assert "Email me about every order of my company" in html
    assert 'id="nav_email_settings"' in html  # the account navigation links here
    response = client.post(PREFERENCES_URL, {"company_orders": "on", "language": "de"})
    assert response.status_code == 302 and response["Location"] == PREFERENCES_URL
    preference = NotificationPreference.objects.get(user=buyer_member.user)
    assert (preference.topic, preference.enabled) == ("company_orders", True)
    assert user_language(user=buyer_member.user) == "de"
    html = client.get(PREFERENCES_URL).content.decode()
    assert 'name="company_orders" checked' in html or "checked" in html
    # Unticking turns it off again (one row per user and topic).
    client.post(PREFERENCES_URL, {"language": "en-gb"})
    assert NotificationPreference.objects.get(user=buyer_member.user).enabled is False
    assert NotificationLanguage.objects.get(user=buyer_member.user).language == "en-gb"


def test_an_invalid_language_is_refused_on_the_form(client, buyer_member):
    client.force_login(buyer_member.user)
    response = client.post(PREFERENCES_URL, {"company_orders": "on", "language": "xx"})
    assert response.status_code == 200
    assert not NotificationPreference.objects.exists()


def test_a_user_without_a_company_only_chooses_the_language(client, buyer):
    client.force_login(buyer)
    html = client.get(PREFERENCES_URL).content.decode()
    assert "company_orders" not in html and 'name="language"' in html
    client.post(PREFERENCES_URL, {"company_orders": "on", "language": "de"})
    assert not NotificationPreference.objects.exists()
    assert user_language(user=buyer) == "de"


def test_the_account_pages_link_to_the_email_settings(client, buyer):
    client.force_login(buyer)
    html = client.get(reverse("customer:profile-view")).content.decode()
    assert f'href="{PREFERENCES_URL}"' in html


def test_order_update_recipients_are_the_buyer_and_subscribed_active_members(buyer_member):
    from types import SimpleNamespace

    company = buyer_member.company
    subscribed = CompanyMemberFactory(company=company, user=UserFactory(email="sub@alpha.example"))
    inactive = CompanyMemberFactory(
        company=company, user=UserFactory(email="gone@alpha.example"), is_active=False
    )
    CompanyMemberFactory(company=company, user=UserFactory(email="quiet@alpha.example"))
    blank = CompanyMemberFactory(company=company, user=UserFactory(email="blank@alpha.example"))
    other = CompanyMemberFactory(user=UserFactory(email="other@beta.example"))
    for member in (subscribed, inactive, blank, other, buyer_member):
        NotificationPreference.objects.create(
            user=member.user, topic="company_orders", enabled=True
        )
    type(blank.user).objects.filter(pk=blank.user.pk).update(email="")
    order = SimpleNamespace(
        user_id=buyer_member.user.pk, user=buyer_member.user, company_id=company.pk
    )
    assert order_update_recipients(order=order) == [buyer_member.user.email, "sub@alpha.example"]


# The operator's log ----------------------------------------------------------------------


def test_the_log_is_for_superusers_only(client, buyer, staff_user, sales_manager, superuser):
    assert client.get(LOG_URL).status_code == 302  # visitors log in first
    for user in (buyer, staff_user, sales_manager):
        client.force_login(user)
        assert client.get(LOG_URL).status_code == 404
        entry = _log(status=NotificationLog.Status.FAILED)[0]
        assert client.post(reverse("notifications:log-resend", args=[entry.pk])).status_code == 404
        assert client.get(reverse("notifications:log-detail", args=[entry.pk])).status_code == 404
    client.force_login(superuser)
    assert client.get(LOG_URL).status_code == 200


def test_the_log_filters_by_kind_status_and_recipient(client, superuser):
    _log(kind="quote_offered", recipients=["ada@x.example"], subject="Offer for Ada")
    _log(kind="quote_offered", recipients=["bob@x.example"], subject="Offer for Bob",
         status=NotificationLog.Status.FAILED)  # fmt: skip
    _log(kind="company_invitation", recipients=["ada@x.example"], subject="Join us, Ada")
    client.force_login(superuser)

    def subjects(query: str) -> set[str]:
        entries = client.get(LOG_URL + query).context["entries"]
        return {entry.subject for entry in entries}

    assert subjects("") == {"Offer for Ada", "Offer for Bob", "Join us, Ada"}
    assert subjects("?kind=quote_offered") == {"Offer for Ada", "Offer for Bob"}
    assert subjects("?status=failed") == {"Offer for Bob"}
    assert subjects("?recipient=ADA@x") == {"Offer for Ada", "Join us, Ada"}
    assert subjects("?kind=quote_offered&recipient=ada") == {"Offer for Ada"}
    assert subjects("?status=bogus") == {"Offer for Ada", "Offer for Bob", "Join us, Ada"}


@pytest.mark.parametrize("rows", [3, 120])
def test_the_log_costs_the_same_queries_for_more_rows(
    client, superuser, django_assert_num_queries, rows
):
    _log(rows, status=NotificationLog.Status.FAILED)
    client.force_login(superuser)
    # Session, user, the savepoint pair, count, page, and the dashboard menu's checks.
    with django_assert_num_queries(QUERIES):
        response = client.get(LOG_URL + "?status=failed")
    assert response.status_code == 200
    assert len(response.context["entries"]) == min(rows, 50)


QUERIES = 7 + session_queries()


def test_send_again_requeues_the_same_failed_row(
    client, superuser, django_capture_on_commit_callbacks
):
    entry = _log(status=NotificationLog.Status.FAILED, last_error="SMTPException: down")[0]
    entry.attempts = 6
    entry.save()
    client.force_login(superuser)
    html = client.get(LOG_URL).content.decode()
    assert "Send again" in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("notifications:log-resend", args=[entry.pk]),
            {"next": LOG_URL + "?status=failed"},
        )
    assert response.status_code == 302 and response["Location"] == LOG_URL + "?status=failed"
    entry.refresh_from_db()
    assert entry.status == NotificationLog.Status.SENT and entry.attempts == 1
    assert NotificationLog.objects.count() == 1
    (email,) = mail.outbox
    assert email.to == ["someone@x.example"]


def test_send_again_refuses_a_sent_row_and_a_foreign_next(client, superuser):
    entry = _log()[0]
    client.force_login(superuser)
    response = client.post(
        reverse("notifications:log-resend", args=[entry.pk]), {"next": "https://evil.example/"}
    )
    assert response.status_code == 302 and response["Location"] == LOG_URL
    assert mail.outbox == []


def test_the_detail_page_shows_the_text(client, superuser):
    entry = _log(body_text="The whole text", body_html="<p>x</p>")[0]
    client.force_login(superuser)
    html = client.get(reverse("notifications:log-detail", args=[entry.pk])).content.decode()
    assert "The whole text" in html and "&lt;p&gt;x&lt;/p&gt;" in html
