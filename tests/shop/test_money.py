"""The one money module and the one domain-error base."""

from decimal import Decimal

import pytest

from crm_embedded.quotes.services import QuoteError
from crm_embedded.quotes.states import IllegalTransition
from shop.basket.services import BasketQuoteError
from shop.bulk.services import ListError
from shop.companies.services import CompanyError
from shop.errors import PortalError
from shop.money import CENT, money_format, money_round
from shop.pricing.services import PricingError
from shop.uploads import UploadError


@pytest.mark.parametrize(
    ("amount", "rounded"),
    [
        ("0.005", "0.01"),  # halves go up, not to the even cent
        ("0.015", "0.02"),
        ("0.025", "0.03"),
        ("2.675", "2.68"),
        ("-0.005", "-0.01"),  # and away from zero below it
        ("10", "10.00"),
        ("0.0049", "0.00"),
    ],
)
def test_money_round_is_commercial_rounding_to_cents(amount, rounded):
    result = money_round(Decimal(amount))
    assert result == Decimal(rounded)
    assert result.as_tuple().exponent == -2


def test_money_round_takes_ints_and_strings():
    assert money_round(3) == Decimal("3.00")
    assert money_round("1.005") == Decimal("1.01")
    assert Decimal("0.01") == CENT


def test_money_format_two_decimals_thousands_and_currency():
    assert money_format(Decimal("1234567.891"), "EUR") == "1,234,567.89 EUR"
    assert money_format(Decimal("0.125"), "GBP") == "0.13 GBP"


@pytest.mark.parametrize(
    "error_class",
    [CompanyError, ListError, UploadError, PricingError, QuoteError, BasketQuoteError],
)
def test_domain_errors_share_the_portal_error_base(error_class):
    error = error_class("Something is wrong.")
    assert isinstance(error, PortalError)
    assert error.message == "Something is wrong." == str(error)
    assert error.field is None
    with_field = error_class("Bad date.", field="valid_until")
    assert with_field.field == "valid_until"


def test_illegal_transition_is_a_portal_error_with_its_message():
    error = IllegalTransition("accepted", "requested")
    assert isinstance(error, PortalError)
    assert error.message == str(error)
    assert "cannot become" in error.message
    assert error.field is None
