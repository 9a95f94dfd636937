"""The one money module: cents, rounding and formatting for every amount on the site."""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def money_round(amount: Decimal | int | str) -> Decimal:
    """Round an amount to whole cents, halves away from zero (commercial rounding)."""
    return Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


def money_format(amount: Decimal | int | str, currency: str) -> str:
    """Format an amount with two decimals, thousands separators and its currency code."""
    return f"{money_round(amount):,.2f} {currency}"
