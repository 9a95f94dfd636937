"""How a buyer may pay for an order: the one place checkout asks, and where card payment plugs in."""

from django.conf import settings
from django.utils.translation import gettext as _

from shop.companies.models import Company, CompanyMember

ON_ACCOUNT_TERMS = frozenset(
    {Company.PaymentTerms.NET_15, Company.PaymentTerms.NET_30, Company.PaymentTerms.NET_60}
)
ON_ACCOUNT = "on_account"
CARD = "card"


def card_payment_available() -> bool:
    """Return whether the card route (Stripe) can take payments: both Stripe keys are set."""
    return bool(settings.STRIPE_SECRET_KEY and settings.STRIPE_PUBLISHABLE_KEY)


def payment_route(*, member: CompanyMember | None) -> str:
    """Return the member's payment route (ON_ACCOUNT or CARD), or "" when they have none."""
    if member is None or not member.company.is_active:
        return ""
    if member.company.payment_terms in ON_ACCOUNT_TERMS:
        return ON_ACCOUNT
    if member.company.payment_terms == Company.PaymentTerms.CARD and card_payment_available():
        return CARD
    return ""


def card_instead_available(*, member: CompanyMember | None) -> bool:
    """Return whether an on-account buyer may pay an order by card instead (credit refused)."""
    return payment_route(member=member) == ON_ACCOUNT and card_payment_available()


def payment_refusal(*, member: CompanyMember | None) -> str:
    """Return why this buyer cannot pay for an order here, and what to do (empty when they can)."""
    if payment_route(member=member):
        return ""
    if member is None:
        return _(
            "Orders are placed by business accounts, paid on account or by card. Apply for a "
            "business account for your company; once it is approved you can check out."
        )
    company = member.company
    if not company.is_active:
        return _(
            "The account of %(company)s is %(status)s, so it cannot place orders: contact your "
            "account manager."
        ) % {"company": company, "status": company.get_status_display().lower()}
    return _(
        "%(company)s pays by card, and card payment is not available yet. Request a quote for "
        "these products, or ask your account manager about paying on account."
    ) % {"company": company}
