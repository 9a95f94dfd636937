"""Signup does the same work for a registered email as for a new one (no timing oracle)."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core import mail
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "Sturdy-pass-4821"


class CountingPBKDF2Hasher(PBKDF2PasswordHasher):
    """The production hasher's algorithm with few iterations, counting the hashes made."""

    iterations = 1_000
    hashes = 0

    def encode(self, password, salt, iterations=None):
        type(self).hashes += 1
        return super().encode(password, salt, iterations)


@pytest.fixture
def counting_hasher(settings):
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingPBKDF2Hasher"]
    CountingPBKDF2Hasher.hashes = 0
    return CountingPBKDF2Hasher


def _signup(client, email: str):
    return client.post(
        reverse("account_signup"), {"email": email, "password1": PASSWORD, "password2": PASSWORD}
    )


def test_a_registered_and_a_new_email_cost_one_password_hash_each(client, buyer, counting_hasher):
    new = _signup(client, "brand.new@client.example")
    hashes_for_new = counting_hasher.hashes
    counting_hasher.hashes = 0
    taken = _signup(client, buyer.email)
    hashes_for_taken = counting_hasher.hashes

    assert hashes_for_new == 1
    assert hashes_for_taken == hashes_for_new
    # Same answer and one email each: nothing else tells the two apart.
    assert (new.status_code, new["Location"]) == (taken.status_code, taken["Location"])
    assert [m.to for m in mail.outbox] == [["brand.new@client.example"], [buyer.email]]
    assert get_user_model().objects.filter(email__iexact=buyer.email).count() == 1
