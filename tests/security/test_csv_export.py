"""No export writes a live spreadsheet formula: ours and Oscar's dashboard (issue 17, item 7)."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from oscar.apps.analytics.models import UserRecord
from oscar.core.loading import get_model
from oscar.test.factories import ShippingAddressFactory, create_order

from shop.csv_export import csv_writer, spreadsheet_safe
from shop.pricing.models import PriceList, PriceListEntry
from tests.factories import CompanyMemberFactory, ProductFactory, UserFactory, category_create

pytestmark = pytest.mark.django_db

Basket = get_model("basket", "Basket")

HYPERLINK = '=HYPERLINK("http://x","y")'
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _rows(response) -> list[list[str]]:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def _no_live_formula(rows: list[list[str]]) -> None:
    for row in rows:
        for cell in row:
            assert (
                not cell.startswith(FORMULA_STARTS) or cell.lstrip("+-").replace(".", "").isdigit()
            ), f"live formula in {row}"


def test_the_writer_neutralises_text_in_every_column_and_keeps_numbers():
    buffer = io.StringIO()
    csv_writer(buffer).writerow(
        [HYPERLINK, "+1+2", "-2+3", "@SUM(A1)", "\tx", "\rx", -5, Decimal("-2.50"), "-5", "ok"]
    )
    assert next(csv.reader(io.StringIO(buffer.getvalue()))) == [
        "'" + HYPERLINK, "'+1+2", "'-2+3", "'@SUM(A1)", "'\tx", "'\rx", "-5", "-2.50", "-5", "ok",
    ]  # fmt: skip
    assert spreadsheet_safe(None) is None and spreadsheet_safe(3) == 3


def test_price_list_export_neutralises_a_category_name(client, account_manager, company):
    category = category_create(HYPERLINK)
    price_list = PriceList.objects.create(code="alpha", name="Alpha", company=company)
    PriceListEntry.objects.create(
        price_list=price_list, category=category, kind="percent", value=Decimal("5")
    )
    client.force_login(account_manager)
    rows = _rows(client.get(reverse("crm:price-list-export", kwargs={"pk": price_list.pk})))
    assert rows[1][1] == "'" + HYPERLINK
    _no_live_formula(rows)


def test_basket_export_neutralises_every_column(client, company):
    category = category_create("Parts")
    ProductFactory(upc="TAB-1", title="\t" + HYPERLINK, category=category)
    buyer = CompanyMemberFactory(company=company, user=UserFactory(email="x@alpha.example")).user
    client.force_login(buyer)
    client.post(reverse("bulk:quick-order"), {"lines": "TAB-1 2", "action": "add"})
    rows = _rows(client.get(reverse("bulk:basket-export")))
    assert rows[1][:3] == ["TAB-1", "2", "'\t" + HYPERLINK]
    _no_live_formula(rows)


@pytest.fixture
def formula_buyer(db):
    return UserFactory(email="mallory@client.example", first_name=HYPERLINK, last_name="@SUM(1+1)")


def _report(client, report_type: str):
    return client.get(
        reverse("dashboard:reports-index"), {"report_type": report_type, "download": "true"}
    )


def test_dashboard_open_basket_report_neutralises_a_buyers_name(client, superuser, formula_buyer):
    Basket.objects.create(owner=formula_buyer)
    client.force_login(superuser)
    rows = _rows(_report(client, "open_baskets"))
    assert rows[1][1] == f"'{HYPERLINK} @SUM(1+1)"
    _no_live_formula(rows)


def test_dashboard_user_analytics_report_neutralises_a_buyers_name(
    client, superuser, formula_buyer
):
    UserRecord.objects.create(user=formula_buyer, num_order_lines=3)
    client.force_login(superuser)
    rows = _rows(_report(client, "user_analytics"))
    assert rows[1][1] == f"'{HYPERLINK} @SUM(1+1)"
    _no_live_formula(rows)


def test_dashboard_order_download_neutralises_the_address_names(client, superuser, formula_buyer):
    address = ShippingAddressFactory(first_name=HYPERLINK, last_name="x")
    create_order(user=formula_buyer, shipping_address=address)
    client.force_login(superuser)
    rows = _rows(client.get(reverse("dashboard:order-list"), {"response_format": "csv"}))
    assert "'" + HYPERLINK + " x" in rows[1]
    _no_live_formula(rows)
