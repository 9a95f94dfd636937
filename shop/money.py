"""The one money module: cents, rounding and formatting for every amount on the site."""

from decimal import ROUND_HALF_UP, Decimal

from oscar.templatetags.currency_filters import currency as currency_filter

CENT = Decimal("0.01")


def money_round(amount: Decimal | int | str) -> Decimal:
    """Round an amount to whole cents, halves away from zero (commercial rounding)."""
    return Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


def money_format(amount: Decimal | int | str, currency: str) -> str:
    """Format an amount with two decimals, thousands separators and its currency code."""
    return f"{money_round(amount):,.2f} {currency}"


def money_display(amount: Decimal | int | str, currency: str) -> str:
    """Format an amount for people reading it in the active language (€4.125,49 in German).

    The same babel formatting as Oscar's ``currency`` template filter, so messages and
    stored reasons match the prices on the pages around them; ``money_format`` stays the
    fixed, language-independent form for logs, exports and references.
    """
    return currency_filter(money_round(amount), currency)
