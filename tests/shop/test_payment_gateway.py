import pytest

from shop.payment.gateway import PaymentNotConfigured, stripe_client


def test_no_stripe_key_is_needed_until_a_card_payment(settings):
    settings.STRIPE_SECRET_KEY = ""
    with pytest.raises(PaymentNotConfigured, match="set STRIPE_SECRET_KEY"):
        stripe_client()


def test_a_publishable_key_in_the_secret_slot_is_refused(settings):
    settings.STRIPE_SECRET_KEY = "pk_test_123"
    with pytest.raises(PaymentNotConfigured, match="starts with sk_"):
        stripe_client()


def test_client_points_at_the_configured_api_base(settings):
    settings.STRIPE_SECRET_KEY = "sk_test_123"
    settings.STRIPE_API_BASE = "http://127.0.0.1:8420"
    client = stripe_client()
    assert client._requestor.base_addresses["api"] == "http://127.0.0.1:8420"
