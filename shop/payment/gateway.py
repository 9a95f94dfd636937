"""The Stripe client, built from settings; card payments need a key, nothing else does."""

import stripe
from django.conf import settings


class PaymentNotConfigured(Exception):
    """Card payment was attempted on an installation without Stripe keys."""


def stripe_client() -> stripe.StripeClient:
    """Return a Stripe client for the configured key (and API base, e.g. localstripe in tests)."""
    key = settings.STRIPE_SECRET_KEY
    if not key:
        raise PaymentNotConfigured(
            "Card payments are not configured: set STRIPE_SECRET_KEY "
            "(an sk_test_... key for test mode) and STRIPE_WEBHOOK_SECRET."
        )
    if not key.startswith(("sk_", "rk_")):
        raise PaymentNotConfigured(
            "STRIPE_SECRET_KEY does not look like a Stripe secret key (it starts with sk_ or rk_)."
        )
    base = settings.STRIPE_API_BASE
    return stripe.StripeClient(key, base_addresses={"api": base} if base else {})


def stripe_js_url() -> str:
    """Return where the browser loads Stripe.js: Stripe's own, or localstripe's mock of it."""
    base = settings.STRIPE_API_BASE
    return f"{base.rstrip('/')}/js.stripe.com/v3/" if base else "https://js.stripe.com/v3/"
