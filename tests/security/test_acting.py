"""Acting as a buyer never reaches the buyer's sign-in details, ends by itself, and is audited."""

from datetime import timedelta

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from shop.companies.models import AuditEntry

pytestmark = pytest.mark.django_db

REFUSAL = "you cannot change their sign-in details. Stop acting first."


@pytest.fixture
def acting_client(client, account_manager, buyer_member):
    client.force_login(account_manager)
    response = client.post(
        reverse(
            "crm:company-act-as",
            kwargs={"pk": buyer_member.company.pk, "member_pk": buyer_member.pk},
        )
    )
    assert response.status_code == 302
    list(get_messages(response.wsgi_request))  # the "now acting" message is read
    return client


def _refused(client, response, buyer_member) -> None:
    assert response.status_code == 302
    assert response["Location"] == reverse("customer:profile-view")
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert f"While acting as {buyer_member.user.email} {REFUSAL}" in shown


# (URL name, kwargs): every account-security page a staff member acting as a buyer is refused.
CREDENTIAL_PAGES = [
    ("account_email", {}),
    ("account_change_password", {}),
    ("account_set_password", {}),
    ("account_reset_password", {}),
    ("account_reset_password_done", {}),
    ("account_reset_password_from_key", {"uidb36": "1", "key": "abc-def"}),
    ("account_reset_password_from_key_done", {}),
    ("account_confirm_email", {"key": "some-key"}),
    ("account_email_verification_sent", {}),
    ("account_reauthenticate", {}),
    ("customer:profile-update", {}),
    ("customer:profile-delete", {}),
    ("customer:change-password", {}),
    ("password-reset", {}),
    ("password-reset-confirm", {"uidb64": "MQ", "token": "set-password"}),
]


@pytest.mark.parametrize(("name", "kwargs"), CREDENTIAL_PAGES, ids=[p[0] for p in CREDENTIAL_PAGES])
def test_acting_staff_cannot_open_any_account_security_page(
    acting_client, buyer_member, name, kwargs
):
    _refused(acting_client, acting_client.get(reverse(name, kwargs=kwargs)), buyer_member)


def test_acting_staff_cannot_add_an_email_address_to_the_buyer(
    acting_client, buyer_member, account_manager
):
    response = acting_client.post(
        reverse("account_email"), {"action_add": "", "email": "am-private@evil.example"}
    )
    _refused(acting_client, response, buyer_member)
    assert not EmailAddress.objects.filter(email="am-private@evil.example").exists()
    assert mail.outbox == []
    entry = AuditEntry.objects.get(action="acting.refused")
    assert (entry.actor, entry.on_behalf_of) == (account_manager, buyer_member.user)
    assert entry.detail["method"] == "POST"
    assert entry.detail["view_name"] == "account_email"
    assert entry.detail["fields"] == ["action_add", "email"]
    # The names of the posted fields, never their values.
    assert "am-private@evil.example" not in str(entry.detail)


def test_acting_staff_cannot_reset_the_buyers_password(acting_client, buyer_member):
    response = acting_client.post(
        reverse("account_reset_password"), {"email": buyer_member.user.email}
    )
    _refused(acting_client, response, buyer_member)
    assert mail.outbox == []


def test_the_refusal_goes_back_to_the_page_it_came_from(acting_client, buyer_member):
    response = acting_client.get(
        reverse("account_email"), HTTP_REFERER="http://testserver/shop/basket/"
    )
    assert response["Location"] == "/shop/basket/"
    response = acting_client.get(
        reverse("account_email"), HTTP_REFERER="https://evil.example/shop/basket/"
    )
    assert response["Location"] == reverse("customer:profile-view")


def test_the_buyer_themself_still_manages_their_sign_in_details(client, buyer_member):
    client.force_login(buyer_member.user)
    assert client.get(reverse("account_email")).status_code == 200
    assert client.get(reverse("account_change_password")).status_code == 200


def test_an_acting_post_is_audited_with_method_view_name_and_field_names_only(
    acting_client, buyer_member
):
    response = acting_client.post(
        reverse("bulk:list-index"), {"name": "SECRET-LIST-NAME", "back": "basket"}
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.filter(action="acting.request").latest("id")
    assert entry.detail["method"] == "POST"
    assert entry.detail["view_name"] == "bulk:list-index"
    assert entry.detail["fields"] == ["back", "name"]
    assert "SECRET-LIST-NAME" not in str(entry.detail)


def test_acting_ends_after_acting_max_minutes(settings, acting_client, buyer_member):
    settings.ACTING_MAX_MINUTES = 30
    with time_machine.travel(timezone.now() + timedelta(minutes=29), tick=False):
        html = acting_client.get(reverse("catalogue:index")).content.decode()
        assert 'id="acting-banner"' in html
    with time_machine.travel(timezone.now() + timedelta(minutes=31), tick=False):
        response = acting_client.get(reverse("catalogue:index"))
    html = response.content.decode()
    assert 'id="acting-banner"' not in html
    assert "for more than 30 minutes, so acting has ended" in html
    assert "acting_as" not in acting_client.session
    entry = AuditEntry.objects.get(action="acting.expired")
    assert entry.on_behalf_of == buyer_member.user
