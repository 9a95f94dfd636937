"""The demo gives Rheinland Auto Service its own part numbers, once."""

import pytest

from shop.partnumbers import demo
from tests.factories import CompanyFactory, ProductFactory

pytestmark = pytest.mark.django_db


def test_demo_part_numbers_are_made_once_and_skip_missing_products():
    company = CompanyFactory(slug=demo.COMPANY_SLUG)
    for _number, sku in demo.PART_NUMBERS[:-1]:  # the last product is not in this catalogue
        ProductFactory(upc=sku)
    assert demo.part_numbers_demo_ensure() == len(demo.PART_NUMBERS) - 1
    assert demo.part_numbers_demo_ensure() == 0
    assert dict(company.part_numbers.values_list("part_number", "product__upc"))[
        "RAS-FIL-0815"
    ] == ("AUT-FL-000015")


def test_no_demo_company_no_part_numbers():
    assert demo.part_numbers_demo_ensure() == 0
