"""What a buyer meets on the product page, the listing cards, the basket and the quote form:
quantity inputs the browser accepts, no ordering controls for viewers, no duplicated price
rows or review UI, full names with SKUs, tiers from the minimum order, proper wording."""

import re
from decimal import Decimal

import pytest
from django.urls import NoReverseMatch, reverse
from oscar.core.loading import get_model

from shop.companies.models import CompanyMember
from shop.pricing.models import PriceList, PriceListEntry
from tests.factories import CompanyMemberFactory, ProductFactory, UserFactory, category_create

Basket = get_model("basket", "Basket")
StockRecord = get_model("partner", "StockRecord")

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(company):
    """PCK-10: packs of 10 from 50; PCK-20: packs of 20 from 20; the company overrides PCK-O."""
    category = category_create("Bearings")
    products = {
        "PCK-10": ProductFactory(
            upc="PCK-10",
            title="Deep groove ball bearing 6204-2RS",
            category=category,
            pack_size=10,
            min_order_quantity=50,
            stock__price=Decimal("9.00"),
        ),
        "PCK-20": ProductFactory(
            upc="PCK-20",
            title="Deep groove ball bearing 6205-2RS",
            category=category,
            pack_size=20,
            min_order_quantity=20,
        ),
        "PCK-O": ProductFactory(
            upc="PCK-O", category=category, pack_size=10, min_order_quantity=50
        ),
    }
    contract = PriceList.objects.create(code="pp", name="Contract", company=company)
    PriceListEntry.objects.create(
        price_list=contract, product=products["PCK-10"], value=Decimal("8.64")
    )
    PriceListEntry.objects.create(
        price_list=contract, product=products["PCK-10"], value=Decimal("8.00"), min_quantity=25
    )
    PriceListEntry.objects.create(
        price_list=contract, product=products["PCK-10"], value=Decimal("7.50"), min_quantity=100
    )
    # The company buys PCK-O in packs of 12, from 30 (rounded up to the pack: 36).
    PriceListEntry.objects.create(
        price_list=contract,
        product=products["PCK-O"],
        value=Decimal("5.00"),
        min_order_quantity=30,
        order_multiple=12,
    )
    buyer = CompanyMemberFactory(company=company, user=UserFactory(email="pp@alpha.example")).user
    viewer = CompanyMemberFactory(
        company=company,
        role=CompanyMember.Role.VIEWER,
        user=UserFactory(email="view@alpha.example"),
    ).user
    return buyer, viewer, products, category


def _quantity_input(html: str, form_id: str) -> dict[str, str]:
    form = re.search(rf'<form[^>]*id="{form_id}".*?</form>', html, re.S).group(0)
    tag = re.search(r'<input[^>]*name="quantity"[^>]*>', form).group(0)
    return dict(re.findall(r'(\w+)="([^"]*)"', tag))


# 1. Quantity inputs the browser accepts ------------------------------------------------


def test_product_page_quantity_input_starts_at_the_minimum_in_steps_of_the_pack(client, catalogue):
    buyer, _, products, _ = catalogue
    for sku, minimum, step in (("PCK-10", "50", "10"), ("PCK-20", "20", "20")):
        html = client.get(products[sku].get_absolute_url()).content.decode()
        attrs = _quantity_input(html, "add_to_basket_form")
        assert (attrs["min"], attrs["step"], attrs["value"]) == (minimum, step, minimum), sku


def test_the_company_rule_is_what_the_inputs_use_for_its_buyer(client, catalogue):
    buyer, _, products, _ = catalogue
    url = products["PCK-O"].get_absolute_url()
    anonymous = _quantity_input(client.get(url).content.decode(), "add_to_basket_form")
    assert (anonymous["min"], anonymous["step"]) == ("50", "10")
    client.force_login(buyer)
    html = client.get(url).content.decode()
    attrs = _quantity_input(html, "add_to_basket_form")
    assert (attrs["min"], attrs["step"], attrs["value"]) == ("36", "12", "36")
    to_list = _quantity_input(html, "add-to-list")
    assert (to_list["min"], to_list["step"], to_list["value"]) == ("36", "12", "36")
    # What the browser proposes, the server takes.
    client.post(reverse("basket:add", kwargs={"pk": products["PCK-O"].pk}), {"quantity": 36})
    basket = Basket.objects.get(owner=buyer, status="Open")
    assert basket.lines.get().quantity == 36


def test_basket_quantities_step_by_the_pack_and_are_labelled_with_the_product(client, catalogue):
    buyer, _, products, _ = catalogue
    client.force_login(buyer)
    client.post(reverse("basket:add", kwargs={"pk": products["PCK-10"].pk}), {"quantity": 50})
    html = client.get(reverse("basket:summary")).content.decode()
    tag = re.search(r'<input[^>]*name="form-0-quantity"[^>]*>', html).group(0)
    attrs = dict(re.findall(r'([\w-]+)="([^"]*)"', tag))
    assert attrs["step"] == "10" and attrs["min"] == "0"  # 0 removes the line
    assert attrs["aria-label"] == "Quantity of Deep groove ball bearing 6204-2RS"


def test_list_and_quote_quantities_agree_with_the_server(client, catalogue):
    from shop.bulk.models import RequisitionLine, RequisitionList

    buyer, _, products, _ = catalogue
    client.force_login(buyer)
    member = CompanyMember.objects.get(user=buyer)
    requisition = RequisitionList.objects.create(
        name="Monthly", owner=buyer, company=member.company
    )
    RequisitionLine.objects.create(requisition=requisition, product=products["PCK-20"], quantity=40)
    html = client.get(reverse("bulk:list-detail", kwargs={"pk": requisition.pk})).content.decode()
    tag = re.search(r'<input[^>]*name="qty_\d+"[^>]*>', html).group(0)
    assert 'type="number"' in tag and 'min="0"' in tag and 'step="20"' in tag
    try:
        url = reverse("quotes:request")
    except NoReverseMatch:
        return
    html = client.get(url, {"product": products["PCK-10"].pk, "quantity": 50}).content.decode()
    tag = re.search(r'<input[^>]*name="quantity_product"[^>]*>', html).group(0)
    assert 'type="number"' in tag and 'min="1"' in tag


# 2. Viewers see, but meet no ordering controls ----------------------------------------


def test_a_viewer_meets_no_ordering_controls_and_one_explanation(client, catalogue):
    _, viewer, products, category = catalogue
    client.force_login(viewer)
    html = client.get(products["PCK-10"].get_absolute_url()).content.decode()
    add_url = reverse("basket:add", kwargs={"pk": products["PCK-10"].pk})
    assert 'id="add_to_basket_form"' not in html and add_url not in html
    assert 'id="product-request-quote"' not in html
    assert html.count("but not order") == 1

    listing = client.get(category.get_absolute_url()).content.decode()
    assert 'action="/shop/basket/add/' not in listing

    html = client.get(reverse("basket:summary")).content.decode()
    assert 'id="sku-entry"' not in html and html.count("but not order") == 1

    html = client.post(
        reverse("bulk:quick-order"), {"lines": "PCK-10 50", "action": "add"}, follow=True
    ).content.decode()
    assert 'id="quick-order-add"' not in html and html.count("but not order") == 1
    assert not Basket.objects.filter(owner=viewer, lines__isnull=False).exists()

    try:
        url = reverse("quotes:request")
    except NoReverseMatch:
        return
    html = client.get(url, {"product": products["PCK-10"].pk, "quantity": 50}).content.decode()
    assert "Send the request" not in html and html.count("but not order") == 1


def test_hidden_controls_are_for_viewers_only_and_the_server_still_refuses(client, catalogue):
    buyer, viewer, products, category = catalogue
    client.force_login(viewer)
    client.post(reverse("basket:add", kwargs={"pk": products["PCK-10"].pk}), {"quantity": 50})
    assert not Basket.objects.filter(owner=viewer, lines__isnull=False).exists()
    client.force_login(buyer)
    html = client.get(products["PCK-10"].get_absolute_url()).content.decode()
    assert 'id="add_to_basket_form"' in html and "but not order" not in html
    listing = client.get(category.get_absolute_url()).content.decode()
    assert 'action="/shop/basket/add/' in listing
    # A buyer adds from the page: the quantity the input proposes is the one the server takes.
    attrs = _quantity_input(html, "add_to_basket_form")
    client.post(
        reverse("basket:add", kwargs={"pk": products["PCK-10"].pk}), {"quantity": attrs["value"]}
    )
    assert Basket.objects.get(owner=buyer, status="Open").lines.get().quantity == 50


# 3. Product page: layout, no price rows under the price, no reviews --------------------


def test_product_information_has_no_price_rows_and_says_sku(client, catalogue):
    buyer, _, products, _ = catalogue
    client.force_login(buyer)
    html = client.get(products["PCK-10"].get_absolute_url()).content.decode()
    table = re.search(r'<table class="table table-striped".*?</table>', html, re.S).group(0)
    assert "Price (excl. tax)" not in table and "Price (incl. tax)" not in table
    assert "<th>Tax</th>" not in table and "UPC" not in table
    assert "<th>SKU</th><td>PCK-10</td>" in table and "Product Type" in table
    assert "Availability" in table


def test_no_review_ui_on_industrial_parts(client, catalogue):
    buyer, _, products, _ = catalogue
    client.force_login(buyer)
    html = client.get(products["PCK-10"].get_absolute_url()).content.decode()
    assert "review" not in html.lower()
    product = products["PCK-10"]
    response = client.get(f"/shop/catalogue/{product.slug}_{product.pk}/reviews/add/")
    assert response.status_code == 404


def test_the_list_form_wraps_inside_the_page(client, catalogue):
    buyer, _, products, _ = catalogue
    client.force_login(buyer)
    html = client.get(products["PCK-10"].get_absolute_url()).content.decode()
    form = re.search(r'<form[^>]*id="add-to-list".*?</form>', html, re.S).group(0)
    assert "form-inline" not in form  # its controls sit in wrapping columns
    assert 'class="form-row"' in form
    select = re.search(r"<select[^>]*>", form).group(0)
    assert "mw-100" in select


# 4. Listing cards: full names and SKUs ---------------------------------------------------


def test_listing_cards_show_the_full_name_and_the_sku(client, catalogue):
    buyer, _, products, category = catalogue
    for user in (None, buyer):
        if user:
            client.force_login(user)
        html = client.get(category.get_absolute_url()).content.decode()
        assert "Deep groove ball bearing 6204-2RS" in html
        assert "Deep groove ball bearing 6205-2RS" in html
        assert "…" not in re.sub(r"<option[^>]*>.*?</option>", "", html)
        for sku in ("PCK-10", "PCK-20", "PCK-O"):
            assert re.search(rf'class="[^"]*product-sku[^"]*">[^<]*<span[^>]*>{sku}</span>', html)


# 5. Tiers start at the minimum order ---------------------------------------------------


def test_tier_table_starts_at_the_minimum_order(client, catalogue):
    buyer, _, products, _ = catalogue
    client.force_login(buyer)
    html = client.get(products["PCK-10"].get_absolute_url()).content.decode()
    table = re.search(r'<table[^>]*id="price-tiers".*?</table>', html, re.S).group(0)
    rows = re.findall(r"<tr><td>(\d+)\+</td><td>([^<]*)</td></tr>", table)
    assert rows == [("50", "€8.00"), ("100", "€7.50")]


# 6. Wording ---------------------------------------------------------------------------


def test_tier_wording_is_pluralised(client, catalogue):
    buyer, _, products, _ = catalogue
    client.force_login(buyer)
    html = client.get(products["PCK-10"].get_absolute_url()).content.decode()
    assert "from 25 units" in html
    from shop.pricing.engine import _from_quantity

    assert _from_quantity(1) == "from 1 unit"
