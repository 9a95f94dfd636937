"""Checkout pages as a buyer sees them: the address form and the order summaries."""

import re

import pytest
from django.urls import reverse

from tests.shop.test_checkout import JONAS, _add_a_stocked_product, _login, demo  # noqa: F401

pytestmark = pytest.mark.django_db


def test_a_new_address_starts_in_the_companys_country(client, demo):  # noqa: F811
    _login(client, JONAS)  # Rheinland Auto Service is a German company
    _add_a_stocked_product(client)
    html = client.get(reverse("checkout:shipping-address")).content.decode()
    selected = re.findall(r'<option value="(\w\w)"[^>]*selected', html)
    assert selected == ["DE"]
