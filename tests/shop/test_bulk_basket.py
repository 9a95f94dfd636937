"""Bulk ordering beyond the quick order: stock visibility, the basket table, the SKU entry row,
the CSV export, "order again" with its price report, and adding to lists from everywhere."""

import csv
import io
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape
from oscar.core.loading import get_model
from oscar.test.factories import create_order

from shop.bulk import parser
from shop.bulk.models import RequisitionLine, RequisitionList
from shop.companies.models import CompanyMember
from shop.pricing.models import PriceList, PriceListEntry
from tests.factories import CompanyMemberFactory, ProductFactory, UserFactory, category_create
from tests.helpers import basket_formset_data

Basket = get_model("basket", "Basket")
Line = get_model("basket", "Line")
StockRecord = get_model("partner", "StockRecord")

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(company):
    """A buyer with a contract: STK-1 costs 10.00 from 1 and 8.00 from 50; STK-2 is scarce."""
    category = category_create("Stock")
    products = {
        sku: ProductFactory(upc=sku, category=category, stock__num_in_stock=stock)
        for sku, stock in (("STK-1", 500), ("STK-2", 3), ("STK-3", 0))
    }
    StockRecord.objects.filter(partner_sku="STK-1").update(lead_time_days=4)
    StockRecord.objects.filter(partner_sku="STK-2").update(lead_time_days=12)
    contract = PriceList.objects.create(code="stk", name="Contract", company=company)
    PriceListEntry.objects.create(
        price_list=contract, product=products["STK-1"], value=Decimal("10.00")
    )
    PriceListEntry.objects.create(
        price_list=contract, product=products["STK-1"], value=Decimal("8.00"), min_quantity=50
    )
    buyer = CompanyMemberFactory(company=company, user=UserFactory(email="bulk@alpha.example")).user
    return buyer, products, category


def _basket(user):
    return Basket.objects.get(owner=user, status="Open")


# Stock visibility --------------------------------------------------------------------


def test_buyers_see_stock_and_lead_time_others_only_in_stock(client, setup, settings):
    buyer, products, category = setup
    product_url = products["STK-2"].get_absolute_url()
    anonymous = client.get(product_url).content.decode()
    assert "In stock" in anonymous and "3 in stock" not in anonymous
    assert "Lead time" not in anonymous and "(3 available)" not in anonymous

    outsider = UserFactory(email="nobody@else.example")  # no company: no stock figures either
    client.force_login(outsider)
    assert "3 in stock" not in client.get(product_url).content.decode()

    client.force_login(buyer)
    html = client.get(product_url).content.decode()
    assert "3 in stock" in html and "Lead time 12 working days" in html
    listing = client.get(category.get_absolute_url()).content.decode()
    assert "500 in stock" in listing and "Lead time 4 working days" in listing
    assert "Out of stock" in listing and "Lead time on request" in listing  # STK-3

    settings.SHOP_STOCK_DISPLAY = "band"
    listing = client.get(category.get_absolute_url()).content.decode()
    assert "500 in stock" not in listing
    assert "Low stock" in listing and "In stock" in listing and "Out of stock" in listing


def test_a_pending_company_sees_no_stock_figures(client, setup):
    buyer, products, _ = setup
    company = buyer.company_memberships.get().company
    company.status = company.Status.PENDING
    company.save()
    client.force_login(buyer)
    assert "3 in stock" not in client.get(products["STK-2"].get_absolute_url()).content.decode()


def test_quick_order_shows_stock_and_the_lead_time_for_short_lines(client, setup):
    buyer, _, _ = setup
    client.force_login(buyer)
    html = client.post(
        reverse("bulk:quick-order"), {"lines": "STK-1 5\nSTK-2 10", "action": "check"}
    ).content.decode()
    assert "500 in stock" in html
    assert "Only 3 in stock now. More takes 12 working days." in html


# The basket table --------------------------------------------------------------------


def _fill(client, user, quantities: dict[str, int]):
    client.force_login(user)
    text = "\n".join(f"{sku} {qty}" for sku, qty in quantities.items())
    client.post(reverse("bulk:quick-order"), {"lines": text, "action": "add"})
    return _basket(user)


def test_inline_quantities_and_removing_several_lines_at_once(client, setup):
    buyer, products, category = setup
    extra = {f"EXT-{i}": ProductFactory(upc=f"EXT-{i}", category=category) for i in range(3)}
    basket = _fill(client, buyer, {"STK-1": 10, **dict.fromkeys(extra, 1)})
    html = client.get(reverse("basket:summary")).content.decode()
    assert "4 lines, 13 units" in html
    assert "50+: €8.00" in html  # the next tier, shown on the line
    assert "Lead time 4 working days" in html

    data = basket_formset_data(basket, {"STK-1": 60}, remove={"EXT-0", "EXT-2"})
    response = client.post(reverse("basket:summary"), data, follow=True)
    assert dict(basket.lines.values_list("product__upc", "quantity")) == {"STK-1": 60, "EXT-1": 1}
    html = response.content.decode()
    assert "60 units now cost €8.00 each (€10.00 at 10)" in html
    assert "since you added it" not in html  # the buyer's own tier change, said above
    assert "€480.00" in html  # 60 x 8.00
    assert "2 lines removed from your basket." in html
    # Quantity 0 removes a line too, and one line is named.
    data = basket_formset_data(basket, {"EXT-1": 0})
    html = client.post(reverse("basket:summary"), data, follow=True).content.decode()
    assert dict(basket.lines.values_list("product__upc", "quantity")) == {"STK-1": 60}
    title = escape(extra["EXT-1"].get_title())
    assert f"Removed from your basket: {title} (EXT-1)." in html
    # A change that removes nothing says nothing about removing.
    data = basket_formset_data(basket, {"STK-1": 70})
    html = client.post(reverse("basket:summary"), data, follow=True).content.decode()
    assert "removed from your basket" not in html.lower()


def test_a_bad_quantity_in_the_table_is_refused_with_the_reason(client, setup):
    buyer, products, _ = setup
    products["STK-1"].pack_size = 5
    products["STK-1"].save()
    basket = _fill(client, buyer, {"STK-1": 10})
    response = client.post(reverse("basket:summary"), basket_formset_data(basket, {"STK-1": 7}))
    assert "Order 5 or 10" in response.content.decode()
    assert basket.lines.get().quantity == 10  # nothing changed


def test_a_refused_update_removes_nothing_and_keeps_remove_ticked(client, setup):
    """Oscar deleted the lines ticked Remove even when it refused the update, silently."""
    buyer, products, _ = setup
    basket = _fill(client, buyer, {"STK-1": 10, "STK-2": 2})
    data = basket_formset_data(basket, {"STK-2": 3 + 5}, remove={"STK-1"})  # 3 in stock
    response = client.post(reverse("basket:summary"), data)
    assert response.status_code == 200
    assert dict(basket.lines.values_list("product__upc", "quantity")) == {"STK-1": 10, "STK-2": 2}
    html = response.content.decode()
    title = escape(products["STK-2"].get_title())
    assert (
        f"Nothing in your basket was changed: correct the line {title} (STK-2) and update "
        "again." in html
    )
    assert "Only 3 in stock: order up to 3." in html  # the row says what is wrong
    assert "removed from your basket" not in html.lower()
    ticked = [tag for tag in re.findall(r"<input[^>]*>", html) if 'name="form-0-DELETE"' in tag]
    assert ticked and " checked" in ticked[0]  # still ticked, to update again once fixed
    assert html.count('class="table-warning"') == 1
    # Corrected, the same update goes through with its removal.
    data = basket_formset_data(basket, {"STK-2": 3}, remove={"STK-1"})
    html = client.post(reverse("basket:summary"), data, follow=True).content.decode()
    assert dict(basket.lines.values_list("product__upc", "quantity")) == {"STK-2": 3}
    assert "Removed from your basket:" in html


def test_a_line_above_the_stock_says_so_and_can_still_be_removed(client, setup):
    buyer, products, _ = setup
    basket = _fill(client, buyer, {"STK-1": 10, "STK-2": 3})
    StockRecord.objects.filter(partner_sku="STK-2").update(num_in_stock=2)
    html = client.get(reverse("basket:summary")).content.decode()
    row = re.search(r'<tr data-sku="STK-2".*?</tr>', html, re.S).group(0)
    assert 'class="table-warning"' in row
    assert "Only 2 in stock: order up to 2." in row
    quantity = re.search(r'<input type="number"[^>]*>', row).group(0)
    assert 'value="3"' in quantity and 'max="3"' in quantity  # not 2: the form can be sent
    assert "Only" not in re.search(r'<tr data-sku="STK-1".*?</tr>', html, re.S).group(0)
    # Updating the other line alone is refused: the scarce line must change too.
    data = basket_formset_data(basket, {"STK-1": 20})
    client.post(reverse("basket:summary"), data)
    assert basket.lines.get(product__upc="STK-1").quantity == 10
    data = basket_formset_data(basket, {"STK-1": 20}, remove={"STK-2"})
    client.post(reverse("basket:summary"), data)
    assert dict(basket.lines.values_list("product__upc", "quantity")) == {"STK-1": 20}


def test_crossing_a_tier_by_adding_more_is_not_a_price_change(client, setup):
    """Oscar kept the first addition's price and called the next tier a price change."""
    buyer, products, _ = setup
    client.force_login(buyer)
    for _ in range(2):
        client.post(reverse("basket:add", kwargs={"pk": products["STK-1"].pk}), {"quantity": 30})
    assert _basket(buyer).lines.get().quantity == 60
    html = client.get(reverse("basket:summary")).content.decode()
    assert "€480.00" in html  # 60 x 8.00
    assert "since you added it" not in html
    # The same through the quick order, whose lines merge into the basket's in bulk.
    Basket.objects.filter(owner=buyer).delete()
    _fill(client, buyer, {"STK-1": 10})
    assert _fill(client, buyer, {"STK-1": 50}).lines.get().quantity == 60
    html = client.get(reverse("basket:summary")).content.decode()
    assert "€480.00" in html and "since you added it" not in html
    # A real change of the contract since then is still said, in the page's net amounts.
    entry = PriceListEntry.objects.get(product=products["STK-1"], min_quantity=50)
    entry.value = Decimal("7.50")
    entry.save()
    html = client.get(reverse("basket:summary")).content.decode()
    assert "has fallen from €8.00 to €7.50 (excl. tax) since you added it to your basket." in html


def _lines_bulk(basket, products):
    Line.objects.bulk_create(
        [
            Line(
                basket=basket,
                line_reference=f"{p.pk}_{p.stockrecords.get().pk}",
                product=p,
                stockrecord=p.stockrecords.get(),
                quantity=2,
                price_currency="EUR",
                price_excl_tax=Decimal("12.50"),
            )
            for p in products
        ]
    )


def _page_queries(client) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("basket:summary"))
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_the_basket_page_costs_the_same_queries_at_5_and_300_lines(client, setup):
    buyer, _, category = setup
    products = [ProductFactory(upc=f"BIG-{i:04d}", category=category) for i in range(300)]
    client.force_login(buyer)
    basket = Basket.objects.create(owner=buyer)
    _lines_bulk(basket, products[:5])
    _page_queries(client)  # the first visit after login writes the session once
    small, html = _page_queries(client)
    assert "5 lines, 10 units" in html
    _lines_bulk(basket, products[5:])
    large, html = _page_queries(client)
    assert "300 lines, 600 units" in html and "€7,500.00" in html
    assert large == small, f"{small} queries at 5 lines, {large} at 300"


def test_the_basket_exports_as_csv_that_uploads_again_as_a_quick_order(client, setup):
    buyer, products, category = setup
    odd = ProductFactory(upc="ODD-1", title="=SUM(A1) washer", category=category)
    assert odd
    basket = _fill(client, buyer, {"STK-1": 60, "ODD-1": 2})
    response = client.get(reverse("bulk:basket-export"))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:2] == ["sku", "quantity"]
    assert rows[1] == ["STK-1", "60", products["STK-1"].get_title(), "8.00", "480.00", "EUR"]
    assert rows[2][2] == "'=SUM(A1) washer"  # never a live formula in a spreadsheet
    basket.lines.all().delete()
    client.post(
        reverse("bulk:quick-order"),
        {"file": io.BytesIO(response.content), "action": "add"},
        format="multipart",
    )
    # The upload: the export's extra columns are ignored, the header is skipped.
    assert dict(basket.lines.values_list("product__upc", "quantity")) == {"STK-1": 60, "ODD-1": 2}


def test_files_with_more_columns_and_headers_parse_the_first_two(client):
    result = parser.parse_file("x.csv", b"SKU;Qty;Name\nABC-1;4;Filter; big\nABC-2;2;x\n")
    assert [(line.sku, line.quantity) for line in result.lines] == [("ABC-1", 4), ("ABC-2", 2)]
    # A first row that is data (not a header) is kept, even with a bad quantity.
    result = parser.parse_file("x.csv", b"ABC-1,ten\nABC-2,2\n")
    assert [line.sku for line in result.lines] == ["ABC-1", "ABC-2"]
    assert "not a whole number" in result.lines[0].errors[0]


def test_sku_entry_row_adds_and_a_bad_sku_lands_on_the_quick_order_to_fix(client, setup):
    buyer, _, _ = setup
    client.force_login(buyer)
    response = client.post(
        reverse("bulk:quick-order"), {"sku": "stk-1", "quantity": "3", "action": "add"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("basket:summary")
    assert _basket(buyer).lines.get().quantity == 3
    response = client.post(
        reverse("bulk:quick-order"), {"sku": "STK-9", "quantity": "3", "action": "add"}
    )
    html = response.content.decode()
    assert response.status_code == 200 and "Unknown SKU STK-9. Did you mean STK-" in html
    response = client.post(
        reverse("bulk:quick-order"), {"sku": "", "quantity": "3", "action": "add"}
    )
    assert response.status_code == 400 and "Nothing to order" in response.content.decode()


def test_sku_suggestions(client, setup, category):
    buyer, _, _ = setup
    hidden = ProductFactory(upc="STK-HIDDEN", is_public=False)
    assert hidden
    assert client.get(reverse("bulk:sku-suggest"), {"q": "STK"}).status_code == 302  # login
    client.force_login(buyer)
    results = client.get(reverse("bulk:sku-suggest"), {"q": "stk"}).json()["results"]
    assert [r["sku"] for r in results] == ["STK-1", "STK-2", "STK-3"]
    by_name = client.get(reverse("bulk:sku-suggest"), {"q": "groove ball"}).json()["results"]
    assert by_name and all("groove ball" in r["title"] for r in by_name)
    assert client.get(reverse("bulk:sku-suggest"), {"q": "s"}).json() == {"results": []}


# Order again ---------------------------------------------------------------------------


def _past_order(user, lines: list[tuple[object, int, str]]):
    """An order of the user's company with the given (product, quantity, unit price) lines."""
    order = create_order(user=user)
    order.company = user.company_memberships.get().company
    order.save()
    order.lines.all().delete()
    for product, quantity, price in lines:
        record = product.stockrecords.get()
        order.lines.create(
            partner=record.partner, partner_sku=record.partner_sku, stockrecord=record,
            product=product, title=product.get_title(), quantity=quantity,
            line_price_incl_tax=Decimal(price) * quantity, line_price_excl_tax=Decimal(price) * quantity,
            line_price_before_discounts_incl_tax=Decimal(price) * quantity,
            line_price_before_discounts_excl_tax=Decimal(price) * quantity,
            unit_price_incl_tax=Decimal(price), unit_price_excl_tax=Decimal(price), num_allocated=0,
        )  # fmt: skip
    return order


def test_order_again_adds_at_todays_prices_and_says_what_changed(client, setup, category):
    buyer, products, _ = setup
    gone = ProductFactory(upc="GONE-1", category=category)
    order = _past_order(
        buyer,
        [(products["STK-1"], 10, "11.00"), (products["STK-2"], 2, "12.50"), (gone, 1, "12.50")],
    )
    gone.is_public = False
    gone.save()
    client.force_login(buyer)
    response = client.post(
        reverse("customer:order", kwargs={"order_number": order.number}),
        {"order_id": order.pk, "action": "reorder"},
        follow=True,
    )
    html = response.content.decode()
    assert dict(_basket(buyer).lines.values_list("product__upc", "quantity")) == {
        "STK-1": 10,
        "STK-2": 2,
    }
    assert f"2 lines of order {order.number} added to your basket at today" in html
    assert "Price changed since that order (1)" in html and "11.00 → 10.00 EUR" in html
    assert "Not added (1)" in html and "cannot be ordered online" in html
    # Today's price is on the basket line, not the old order's.
    assert _basket(buyer).lines.get(product=products["STK-1"]).price_excl_tax == Decimal("10.00")


def test_order_again_one_line_and_short_stock(client, setup):
    buyer, products, _ = setup
    order = _past_order(buyer, [(products["STK-1"], 5, "10.00"), (products["STK-2"], 9, "12.50")])
    client.force_login(buyer)
    scarce = order.lines.get(product=products["STK-2"])
    html = client.post(
        reverse("customer:order-line", kwargs={"order_number": order.number, "line_id": scarce.pk}),
        {"action": "reorder"},
        follow=True,
    ).content.decode()
    assert "Only 3 in stock now" in html
    assert not Basket.objects.filter(owner=buyer, lines__isnull=False).exists()
    first = order.lines.get(product=products["STK-1"])
    client.post(
        reverse("customer:order-line", kwargs={"order_number": order.number, "line_id": first.pk}),
        {"action": "reorder"},
    )
    assert dict(_basket(buyer).lines.values_list("product__upc", "quantity")) == {"STK-1": 5}


def test_order_again_is_refused_to_viewers_and_scoped_to_the_company(client, setup, company):
    buyer, products, _ = setup
    order = _past_order(buyer, [(products["STK-1"], 5, "10.00")])
    viewer = CompanyMemberFactory(company=company, role=CompanyMember.Role.VIEWER).user
    client.force_login(viewer)
    url = reverse("customer:order", kwargs={"order_number": order.number})
    html = client.post(url, {"order_id": order.pk, "action": "reorder"}, follow=True).content
    assert b"not order" in html or b"cannot" in html
    assert not Basket.objects.filter(owner=viewer, lines__isnull=False).exists()
    stranger = CompanyMemberFactory(user=UserFactory(email="other@beta.example")).user
    client.force_login(stranger)
    assert client.post(url, {"order_id": order.pk, "action": "reorder"}).status_code == 404


# Adding to lists from the product page, the quick order and past orders -----------------


def test_add_to_a_list_from_the_product_page_new_then_existing(client, setup):
    buyer, products, _ = setup
    client.force_login(buyer)
    page = client.get(products["STK-1"].get_absolute_url()).content.decode()
    assert 'id="add-to-list"' in page
    url = reverse("bulk:list-add")
    response = client.post(url, {"product": products["STK-1"].pk, "quantity": "4",
                                 "list": "new", "name": "Workshop"})  # fmt: skip
    requisition = RequisitionList.objects.get(owner=buyer, name="Workshop")
    assert response["Location"] == reverse("bulk:list-detail", kwargs={"pk": requisition.pk})
    # From the product page (its form sends ``next``): back to the page, told where it went.
    page_url = products["STK-1"].get_absolute_url()
    response = client.post(url, {"product": products["STK-1"].pk, "quantity": "6",
                                 "list": requisition.pk, "next": page_url})  # fmt: skip
    assert response["Location"] == page_url
    html = client.get(page_url).content.decode()
    assert "STK-1) added to your list &#x27;Workshop&#x27;." in html
    assert f'<a href="{reverse("bulk:list-detail", kwargs={"pk": requisition.pk})}">' in html
    assert client.post(url, {"product": products["STK-1"].pk, "quantity": "1", "list": "new",
                             "name": "Away", "next": "https://evil.example/"})["Location"] != (
        "https://evil.example/"
    )  # fmt: skip
    RequisitionList.objects.filter(name="Away").delete()
    client.post(url, {"product": products["STK-2"].pk, "quantity": "1", "list": requisition.pk})
    assert dict(requisition.lines.values_list("product__upc", "quantity")) == {
        "STK-1": 10,
        "STK-2": 1,
    }
    html = client.post(url, {"product": products["STK-1"].pk, "quantity": "-2",
                             "list": requisition.pk}, follow=True).content.decode()  # fmt: skip
    assert "is not a quantity" in html
    html = client.post(url, {"product": products["STK-1"].pk, "quantity": "2", "list": "new",
                             "name": "workshop"}, follow=True).content.decode()  # fmt: skip
    assert "already have a list called" in html
    assert RequisitionLine.objects.filter(requisition=requisition).count() == 2


def test_a_colleagues_list_cannot_be_added_to(client, setup, company):
    buyer, products, _ = setup
    colleague = CompanyMemberFactory(company=company).user
    theirs = RequisitionList.objects.create(
        company=company, owner=colleague, name="Theirs", is_shared=True
    )
    client.force_login(buyer)
    html = client.post(reverse("bulk:list-add"), {"product": products["STK-1"].pk, "quantity": "1",
                       "list": theirs.pk}, follow=True).content.decode()  # fmt: skip
    assert "not one of yours" in html and not theirs.lines.exists()


def test_save_a_past_order_and_quick_order_lines_to_lists(client, setup, category):
    buyer, products, _ = setup
    order = _past_order(buyer, [(products["STK-1"], 5, "10.00"), (products["STK-2"], 2, "12.5")])
    client.force_login(buyer)
    page = client.get(reverse("customer:order", kwargs={"order_number": order.number}))
    assert 'id="order-to-list"' in page.content.decode()
    client.post(
        reverse("bulk:list-add"), {"order": order.number, "list": "new", "name": "From order"}
    )
    saved = RequisitionList.objects.get(owner=buyer, name="From order")
    assert dict(saved.lines.values_list("product__upc", "quantity")) == {"STK-1": 5, "STK-2": 2}

    response = client.post(
        reverse("bulk:quick-order"),
        {"lines": "STK-1 3\nNOPE-1 2", "action": "save_list", "list": saved.pk},
        follow=True,
    )
    html = response.content.decode()
    assert (
        "1 ready line saved to &#x27;From order&#x27;" in html
        and "1 line to fix was not saved" in html
    )
    assert saved.lines.get(product=products["STK-1"]).quantity == 8

    stranger = CompanyMemberFactory(user=UserFactory(email="x@gamma.example")).user
    client.force_login(stranger)
    response = client.post(reverse("bulk:list-add"), {"order": order.number, "name": "Stolen"})
    assert response.status_code == 404
    assert not RequisitionList.objects.filter(owner=stranger).exists()


def test_a_10_mb_upload_and_a_renamed_binary_get_a_message_and_add_nothing(client, setup):
    buyer, _, _ = setup
    client.force_login(buyer)
    big = io.BytesIO(b"STK-1,1\n" * (10 * 1024 * 1024 // 8))
    big.name = "order.csv"
    response = client.post(reverse("bulk:quick-order"), {"file": big, "action": "add"})
    assert response.status_code == 400
    assert "larger than 5 MB: split it" in response.content.decode()
    binary = io.BytesIO(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 40)
    binary.name = "photo.csv"
    response = client.post(reverse("bulk:quick-order"), {"file": binary, "action": "add"})
    assert response.status_code == 400 and "not a text CSV file" in response.content.decode()
    assert not Basket.objects.filter(owner=buyer, lines__isnull=False).exists()


def test_save_to_list_takes_only_lines_that_were_ready(client, setup):
    buyer, products, _ = setup
    products["STK-1"].pack_size = 5
    products["STK-1"].save()
    client.force_login(buyer)
    table = {
        "rows": 2,
        "action": "save_list",
        "list": "new",
        "name": "Checked only",
        "sku_0": "STK-2",
        "qty_0": "1",
        "ready_0": "1",
        "sku_1": "STK-1",
        "qty_1": "10",
    }  # a proposal (was 7) the buyer has not checked
    html = client.post(reverse("bulk:quick-order"), table, follow=True).content.decode()  # fmt: skip
    saved = RequisitionList.objects.get(owner=buyer, name="Checked only")
    assert dict(saved.lines.values_list("product__upc", "quantity")) == {"STK-2": 1}
    assert "1 line to fix was not saved" in html


def test_whole_numbers_only_never_a_500(client, setup):
    buyer, products, _ = setup
    client.force_login(buyer)
    assert client.post(reverse("bulk:quick-order"), {"rows": "²"}).status_code == 400
    response = client.post(reverse("bulk:list-add"), {"product": "²", "quantity": "1"})
    assert response.status_code == 404
    html = client.post(reverse("bulk:list-add"), {"product": products["STK-1"].pk, "quantity": "²",
                       "list": "new", "name": "X"}, follow=True).content.decode()  # fmt: skip
    assert "is not a quantity" in html
    html = client.post(reverse("bulk:list-add"), {"product": products["STK-1"].pk, "quantity": "2",
                       "list": "²"}, follow=True).content.decode()  # fmt: skip
    assert "Choose one of your lists" in html


def test_untracked_stock_is_not_shown_as_out_of_stock(client, setup):
    buyer, products, _ = setup
    product_class = products["STK-3"].get_product_class()
    product_class.track_stock = False
    product_class.save()
    client.force_login(buyer)
    html = client.get(products["STK-3"].get_absolute_url()).content.decode()
    assert "Out of stock" not in html and "Available" in html
