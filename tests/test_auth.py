"""allauth owns signup, email login, POST logout, verification and password reset."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_oscar_login_and_register_urls_lead_to_allauth_keeping_next(client):
    response = client.get(reverse("customer:login") + "?next=/shop/basket/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/shop/basket/"
    assert client.get(reverse("customer:register"))["Location"] == "/accounts/signup/"


def test_signup_sends_a_verification_email_and_verifying_logs_in(client):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "new.buyer@client.example",
            "password1": "Sturdy-pass-4821",
            "password2": "Sturdy-pass-4821",
        },
    )
    assert response.status_code == 302
    user = get_user_model().objects.get(email="new.buyer@client.example")
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+/)", mail.outbox[0].body).group(
        1
    )
    response = client.post(link)
    assert response.status_code == 302
    assert EmailAddress.objects.get(user=user).verified
    assert client.get(reverse("customer:profile-view")).status_code == 200


def test_signup_with_a_taken_email_does_not_reveal_it_and_warns_the_owner(client, buyer):
    response = client.post(
        reverse("account_signup"),
        {"email": buyer.email, "password1": "Sturdy-pass-4821", "password2": "Sturdy-pass-4821"},
    )
    # allauth prevents account enumeration: the visitor sees the usual "check your email".
    assert response.status_code == 302
    assert get_user_model().objects.filter(email__iexact=buyer.email).count() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [buyer.email]
    assert "already" in mail.outbox[0].body.lower()


def test_signup_with_a_weak_password_says_what_is_wrong(client, db):
    response = client.post(
        reverse("account_signup"),
        {"email": "other@client.example", "password1": "123", "password2": "123"},
    )
    assert response.status_code == 200
    assert "too short" in response.content.decode()


def test_login_by_email_and_wrong_password_message(client, buyer, password):
    response = client.post(reverse("account_login"), {"login": buyer.email, "password": "wrong"})
    assert response.status_code == 200
    assert "not correct" in response.content.decode()
    response = client.post(
        reverse("account_login"), {"login": buyer.email.upper(), "password": password}
    )
    assert response.status_code == 302
    assert client.get(reverse("customer:profile-view")).status_code == 200


def test_logout_needs_a_post(client, buyer):
    client.force_login(buyer)
    response = client.get(reverse("customer:logout"))
    assert response.status_code == 200  # a confirmation page, still logged in
    assert client.get(reverse("customer:profile-view")).status_code == 200
    response = client.post(reverse("customer:logout"))
    assert response.status_code == 302
    assert client.get(reverse("customer:profile-view")).status_code == 302


def test_nav_logout_is_a_post_form(client, buyer):
    client.force_login(buyer)
    html = client.get(reverse("catalogue:index")).content.decode()
    assert re.search(r'<form id="logout_form" method="post" action="/accounts/logout/"', html)


def test_password_reset_by_email(client, buyer):
    assert client.get(reverse("password-reset"))["Location"] == reverse("account_reset_password")
    response = client.post(reverse("account_reset_password"), {"email": buyer.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(
        r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", mail.outbox[0].body
    ).group(1)
    response = client.get(link, follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else link
    response = client.post(
        form_url, {"password1": "Brand-new-pass-77", "password2": "Brand-new-pass-77"}
    )
    assert response.status_code == 302
    buyer.refresh_from_db()
    assert buyer.check_password("Brand-new-pass-77")


def test_profile_edit_changes_names_but_never_the_login_email(client, buyer):
    client.force_login(buyer)
    response = client.post(
        reverse("customer:profile-update"),
        {"first_name": "Greta", "last_name": "Keller", "email": "hijack@evil.example"},
    )
    assert response.status_code == 302
    buyer.refresh_from_db()
    assert (buyer.first_name, buyer.last_name, buyer.email) == (
        "Greta",
        "Keller",
        "buyer@client.example",
    )


def test_oscar_change_password_is_allauths(client, buyer):
    client.force_login(buyer)
    response = client.get(reverse("customer:change-password"))
    assert response["Location"] == reverse("account_change_password")
    assert client.get(reverse("account_change_password")).status_code == 200
