import pytest

from shop.companies.vat import vat_number_check


@pytest.mark.parametrize(
    ("country", "number", "normalised"),
    [
        ("DE", "DE 136 695 976", "DE136695976"),
        ("DE", "136695976", "DE136695976"),
        ("FR", "FR40303265045", "FR40303265045"),
        ("IT", "IT00743110157", "IT00743110157"),
        ("NL", "nl004495445b01", "NL004495445B01"),
        ("AT", "ATU13585627", "ATU13585627"),
        ("SE", "SE556677889901", "SE556677889901"),
        ("GR", "EL094259216", "EL094259216"),
        ("GB", "GB980780684", "GB980780684"),
        ("NO", "NO 974 760 673 MVA", "NO974760673MVA"),
    ],
)
def test_valid_numbers_are_accepted_and_normalised(country, number, normalised):
    result = vat_number_check(country=country, number=number)
    assert result.is_valid, result.error
    assert result.number == normalised


def test_wrong_check_digit_is_named_as_such():
    result = vat_number_check(country="DE", number="DE136695977")
    assert not result.is_valid
    assert "check digits do not match" in result.error


@pytest.mark.parametrize("number", ["DE12345", "DEABCDEFGHI", "X"])
def test_wrong_format_shows_the_expected_shape(number):
    result = vat_number_check(country="DE", number=number)
    assert not result.is_valid
    assert "DE123456789" in result.error


def test_number_of_another_country_is_refused():
    result = vat_number_check(country="DE", number="FR40303265045")
    assert not result.is_valid


def test_empty_and_unsupported_country():
    assert "Enter your company's VAT number" in vat_number_check(country="DE", number=" ").error
    assert "cannot check" in vat_number_check(country="US", number="123").error
