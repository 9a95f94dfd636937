"""allauth's login is the one door: every other login URL leads there, keeping `next`.

One table lists every login URL of the portal. Through each of them: a right password
after the lockout is refused, an account whose email is not verified does not get in,
and every door but allauth's sends the visitor to allauth's, keeping a safe `next`.
"""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

ALLAUTH_LOGIN = "/accounts/login/"

# (name, login URL, where `next` should lead once logged in)
LOGIN_DOORS = [
    ("allauth", ALLAUTH_LOGIN, "/shop/basket/"),
    ("oscar customer login", "/shop/accounts/login/", "/shop/basket/"),
    ("oscar dashboard login", "/shop/dashboard/login/", "/shop/dashboard/"),
    ("wagtail admin login", "/cms/login/", "/cms/"),
    ("wagtail private-page login", "/_util/login/", "/private-page/"),
    ("django admin login", "/django-admin/login/", "/django-admin/"),
]
OTHER_DOORS = [door for door in LOGIN_DOORS if door[1] != ALLAUTH_LOGIN]
ids = [door[0] for door in LOGIN_DOORS]
other_ids = [door[0] for door in OTHER_DOORS]


def _credentials(user, password: str) -> dict:
    # Each app names its field differently (allauth: login, Django/Wagtail/Oscar: username).
    return {"login": user.email, "username": user.email, "email": user.email, "password": password}


def _logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def _assert_sent_to_allauth(response, next_url: str | None) -> None:
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == ALLAUTH_LOGIN
    assert parse_qs(location.query).get("next") == ([next_url] if next_url else None)


@pytest.mark.parametrize(("name", "url", "next_url"), OTHER_DOORS, ids=other_ids)
def test_every_other_login_url_leads_to_allauth_keeping_next(client, name, url, next_url):
    _assert_sent_to_allauth(client.get(url, {"next": next_url}), next_url)


@pytest.mark.parametrize(("name", "url", "next_url"), OTHER_DOORS, ids=other_ids)
def test_posting_a_right_password_to_another_door_does_not_log_in(
    client, superuser, name, url, next_url
):
    response = client.post(f"{url}?next={next_url}", _credentials(superuser, PASSWORD))
    _assert_sent_to_allauth(response, next_url)
    assert not _logged_in(client)


@pytest.mark.parametrize(("name", "url", "next_url"), LOGIN_DOORS, ids=ids)
def test_after_five_failures_the_right_password_is_refused_through_every_door(
    client, superuser, name, url, next_url
):
    for _ in range(5):
        client.post(ALLAUTH_LOGIN, _credentials(superuser, "wrong-password"))
    assert not _logged_in(client)
    response = client.post(url, _credentials(superuser, PASSWORD))
    assert not _logged_in(client)
    if url == ALLAUTH_LOGIN:
        assert "Too many failed login attempts" in response.content.decode()


@pytest.mark.parametrize(("name", "url", "next_url"), LOGIN_DOORS, ids=ids)
def test_an_unverified_email_cannot_log_in_through_any_door(client, name, url, next_url):
    user = UserFactory(
        email="unverified@client.example", verified_email=False, is_staff=True, is_superuser=True
    )
    response = client.post(url, _credentials(user, PASSWORD))
    assert not _logged_in(client)
    if url == ALLAUTH_LOGIN:
        # ACCOUNT_EMAIL_VERIFICATION is "mandatory": allauth sends a new link instead.
        assert response.status_code == 302
        assert response["Location"] == "/accounts/confirm-email/"


@pytest.mark.parametrize(
    "unsafe", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"]
)
@pytest.mark.parametrize(("name", "url", "next_url"), OTHER_DOORS, ids=other_ids)
def test_a_foreign_next_is_dropped(client, name, url, next_url, unsafe):
    _assert_sent_to_allauth(client.get(url, {"next": unsafe}), None)


def _first_redirect_to_allauth(client, url: str):
    """Follow redirects from url until one leads to allauth's login; return that response."""
    for _ in range(4):
        response = client.get(url)
        assert response.status_code == 302, f"{url} answered {response.status_code}"
        if urlsplit(response["Location"]).path == ALLAUTH_LOGIN:
            return response
        url = response["Location"]
    raise AssertionError(f"no redirect to {ALLAUTH_LOGIN} within 4 hops")


@pytest.mark.parametrize(
    ("protected", "make_user"),
    [
        ("/cms/", lambda: _editor()),
        ("/shop/dashboard/", lambda: _sales_manager()),
        ("/django-admin/", lambda: UserFactory(is_staff=True, is_superuser=True)),
    ],
    ids=["wagtail admin", "oscar dashboard", "django admin"],
)
def test_a_protected_area_sends_to_allauth_and_comes_back_after_login(client, protected, make_user):
    user = make_user()
    _assert_sent_to_allauth(_first_redirect_to_allauth(client, protected), protected)
    response = client.post(f"{ALLAUTH_LOGIN}?next={protected}", _credentials(user, PASSWORD))
    assert response.status_code == 302
    assert response["Location"] == protected
    assert client.get(protected).status_code == 200


def _sales_manager():
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get_or_create(name="Sales managers")[0])
    return user


def _editor():
    user = UserFactory()
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.mark.parametrize("protected", ["/cms/", "/django-admin/"])
def test_a_signed_in_buyer_without_access_is_told_why_not_bounced(client, buyer, protected):
    client.force_login(buyer)
    response = client.get(protected, follow=True)
    assert response.status_code == 403
    assert len(response.redirect_chain) <= 3
    assert "cannot open that page" in response.content.decode()


@override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}})
def test_deploy_check_warns_when_failure_counts_are_per_process():
    with pytest.raises(SystemCheckError, match="partshub.W001"):
        call_command("check", "--deploy", "--fail-level", "WARNING", "--tag", "caches")


@override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}})
def test_deploy_check_refuses_a_cache_that_counts_nothing():
    with pytest.raises(SystemCheckError, match="partshub.E001"):
        call_command("check", "--deploy", "--tag", "caches")


@override_settings(
    CACHES={
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/1",
        }
    }
)
def test_deploy_check_accepts_a_shared_cache():
    call_command("check", "--deploy", "--fail-level", "WARNING", "--tag", "caches")
