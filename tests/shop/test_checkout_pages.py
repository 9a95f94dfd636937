"""Checkout pages as a buyer sees them: the address form and the order summaries."""

import re

import pytest
from django.urls import reverse
from oscar.templatetags.currency_filters import currency

from tests.shop.test_checkout import JONAS, _add_a_stocked_product, _login, demo  # noqa: F401

pytestmark = pytest.mark.django_db


def test_a_new_address_starts_in_the_companys_country(client, demo):  # noqa: F811
    _login(client, JONAS)  # Rheinland Auto Service is a German company
    _add_a_stocked_product(client)
    html = client.get(reverse("checkout:shipping-address")).content.decode()
    selected = re.findall(r'<option value="(\w\w)"[^>]*selected', html)
    assert selected == ["DE"]


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
