"""Operator pages: superusers create tokens (key shown once) and revoke them; the command."""

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from shop.integrations.models import IntegrationToken
from shop.integrations.services import key_hash
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
LIST = "integrations:token-list"


@pytest.mark.parametrize("who", ["anonymous", "staff", "sales_manager"])
def test_only_superusers_reach_the_token_pages(client, who, request):
    token_user = UserFactory()
    from shop.integrations.services import token_create

    token = token_create(name="ERP", scopes=["orders:read"]).token
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who if who != "staff" else "staff_user"))
    listing = client.get(reverse(LIST))
    created = client.post(reverse(LIST), {"name": "x", "scopes": ["orders:read"]})
    revoked = client.post(reverse("integrations:token-revoke", args=[token.pk]))
    if who == "anonymous":
        assert listing.status_code == 302 and "login" in listing["Location"]
        assert created.status_code == 302 and revoked.status_code == 302
    else:
        assert (listing.status_code, created.status_code, revoked.status_code) == (403, 403, 403)
    assert IntegrationToken.objects.count() == 1
    token.refresh_from_db()
    assert token.revoked_at is None and token_user.pk


def test_a_superuser_creates_a_token_and_sees_its_key_once(client, superuser):
    client.force_login(superuser)
    page = client.get(reverse(LIST))
    assert page.status_code == 200 and b"No API tokens yet." in page.content
    response = client.post(
        reverse(LIST), {"name": "ERP production", "scopes": ["orders:read", "orders:write"]}
    )
    assert response.status_code == 302
    token = IntegrationToken.objects.get()
    assert token.scopes == ["orders:read", "orders:write"]
    assert token.created_by == superuser
    shown = client.get(reverse(LIST))
    key = shown.context["new_token_key"]
    assert key_hash(key) == token.key_hash
    assert key.encode() in shown.content
    assert "no-store" in shown["Cache-Control"] or "no-cache" in shown["Cache-Control"]
    again = client.get(reverse(LIST))
    assert key.encode() not in again.content
    assert token.key_prefix.encode() in again.content


def test_the_form_needs_a_name_and_a_scope(client, superuser):
    client.force_login(superuser)
    response = client.post(reverse(LIST), {"name": "", "scopes": ["teleport"]})
    assert response.status_code == 400
    form = response.context["form"]
    assert set(form.errors) == {"name", "scopes"}
    assert not IntegrationToken.objects.exists()


def test_revoking_is_a_post_and_sticks(client, superuser):
    from shop.integrations.services import token_create

    token = token_create(name="ERP", scopes=["orders:read"]).token
    client.force_login(superuser)
    url = reverse("integrations:token-revoke", args=[token.pk])
    assert client.get(url).status_code == 405
    response = client.post(url, follow=True)
    assert response.status_code == 200
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert b"Revoke</button>" not in response.content


def test_the_command_prints_the_key_once(capsys):
    call_command(
        "integration_token_create", "--name", "ERP", "--scopes", "orders:read,companies:read"
    )
    out, err = capsys.readouterr()
    key = out.strip()
    token = IntegrationToken.objects.get()
    assert token.key_hash == key_hash(key) and token.scopes == ["orders:read", "companies:read"]
    assert key not in err
    with pytest.raises(CommandError):
        call_command("integration_token_create", "--name", "x", "--scopes", "root")
