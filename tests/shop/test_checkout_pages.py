"""Checkout pages as a buyer sees them: the address form and the order summaries."""

import re

import pytest
from django.urls import reverse
from oscar.core.loading import get_model
from oscar.templatetags.currency_filters import currency

from tests.shop.test_checkout import JONAS, _add_a_stocked_product, _login, demo  # noqa: F401

UserAddress = get_model("address", "UserAddress")

pytestmark = pytest.mark.django_db


def test_a_new_address_starts_in_the_companys_country(client, demo):  # noqa: F811
    _login(client, JONAS)  # Rheinland Auto Service is a German company
    _add_a_stocked_product(client)
    html = client.get(reverse("checkout:shipping-address")).content.decode()
    selected = re.findall(r'<option value="(\w\w)"[^>]*selected', html)
    assert selected == ["DE"]


def test_a_saved_user_address_does_not_repeat_the_new_address_heading(client, demo):  # noqa: F811
    """D11: company addresses, then the user's own saved ones, then "Or a new address?" once."""
    _login(client, JONAS)
    _add_a_stocked_product(client)
    UserAddress.objects.create(
        user=UserAddress._meta.get_field("user").related_model.objects.get(email=JONAS),
        first_name="Jonas", last_name="Weber", line1="Hafenweg 3", line4="Wien",
        postcode="1020", country_id="AT",
    )  # fmt: skip
    html = client.get(reverse("checkout:shipping-address")).content.decode()
    assert html.count("Or a new address?") == 1
    company = html.index('id="company_shipping_address"')
    own = html.index("An address from your address book?")
    assert company < own < html.index("Or a new address?") < html.index('id="new_shipping_address"')
    assert "Hafenweg 3" in html


def _line_cells(html: str, table_id: str) -> list[str]:
    table = re.search(rf'<table[^>]*id="{table_id}".*?</table>', html, re.S).group(0)
    return [
        re.sub(r"<[^>]+>|\s+", " ", cell).strip()
        for cell in re.findall(r"<td.*?</td>", table, re.S)
    ]


def test_preview_and_confirmation_show_each_lines_sku_and_unit_price(client, demo):  # noqa: F811
    _login(client, JONAS)
    record = _add_a_stocked_product(client)
    client.post(reverse("checkout:shipping-address"), {
        "first_name": "Jonas", "last_name": "Weber", "line1": "Hafenweg 3", "line4": "Bonn",
        "postcode": "53111", "country": "DE", "phone_number": "",
    })  # fmt: skip
    client.get(reverse("checkout:shipping-method"), follow=True)
    preview = client.get(reverse("checkout:preview"))
    assert preview.status_code == 200
    cells = _line_cells(preview.content.decode(), "checkout-lines")
    line = preview.context["basket"].all_lines()[0]
    unit = currency(line.unit_price_excl_tax, line.price_currency)
    assert cells[0] == record.partner_sku
    assert unit in cells[3], cells

    response = client.post(reverse("checkout:preview"), {"action": "place_order"}, follow=True)
    assert response.status_code == 200
    cells = _line_cells(response.content.decode(), "order-lines")
    assert cells[0] == record.partner_sku
    assert unit in cells[3], cells
