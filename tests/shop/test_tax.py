"""The tax engine: rates by country, class and dates; exemptions; reverse charge; in Oscar."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from oscar.core.loading import get_model

from shop.partner.strategy import CompanyPricing
from shop.tax import services
from shop.tax.models import ProductClassTax, TaxClass, TaxExemption, TaxRate
from shop.tax.services import REVERSE_CHARGE, REVERSE_CHARGE_TEXT, tax_for_line
from tests.factories import CompanyFactory, ProductFactory

Basket = get_model("basket", "Basket")
Line = get_model("basket", "Line")

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 6, 15)


@pytest.fixture
def rates():
    since = datetime.date(2024, 1, 1)
    for country, tax_class, rate in [
        ("DE", TaxClass.STANDARD, "19"), ("DE", TaxClass.REDUCED, "7"),
        ("DE", TaxClass.ZERO, "0"), ("FR", TaxClass.STANDARD, "20"),
        ("AT", TaxClass.STANDARD, "20"),
    ]:  # fmt: skip
        TaxRate.objects.create(
            country=country, tax_class=tax_class, rate=Decimal(rate), valid_from=since
        )


def _tax(company=None, country="DE", product=None, net="100.00", day=DAY):
    product = product or ProductFactory()
    return tax_for_line(
        company=company, ship_to_country=country, product=product, net=Decimal(net), day=day
    )


def test_the_rate_follows_country_and_product_tax_class(rates):
    assert (_tax(country="DE").rate, _tax(country="DE").amount) == (Decimal("19"), Decimal("19.00"))
    assert _tax(country="FR", net="10.01").amount == Decimal("2.00")  # 2.002 rounded to cents
    book = ProductFactory()
    ProductClassTax.objects.create(product_class=book.product_class, tax_class=TaxClass.REDUCED)
    result = _tax(product=book, net="12.50")
    assert (result.rate, result.amount, result.reason) == (
        Decimal("7"),
        Decimal("0.88"),
        "standard",
    )


def test_validity_dates_are_inclusive_days():
    TaxRate.objects.create(
        country="DE", rate=Decimal("16"),
        valid_from=datetime.date(2020, 7, 1), valid_until=datetime.date(2020, 12, 31),
    )  # fmt: skip
    TaxRate.objects.create(country="DE", rate=Decimal("19"), valid_from=datetime.date(2021, 1, 1))
    product = ProductFactory()
    assert _tax(product=product, day=datetime.date(2020, 7, 1)).rate == Decimal("16")
    assert _tax(product=product, day=datetime.date(2020, 12, 31)).rate == Decimal("16")
    assert _tax(product=product, day=datetime.date(2021, 1, 1)).rate == Decimal("19")
    # Before any rate started, none applies (and the missing rate is logged).
    assert _tax(product=product, day=datetime.date(2020, 6, 30)).rate == Decimal("0")


def test_an_exempt_company_pays_none_while_its_certificate_is_valid(rates):
    company = CompanyFactory(country="DE")
    TaxExemption.objects.create(
        company=company, certificate_number="EX-42", valid_until=DAY
    )  # the last valid day itself
    result = _tax(company=company)
    assert (result.rate, result.amount, result.reason) == (Decimal("0"), Decimal("0.00"), "exempt")
    expired = _tax(company=company, day=DAY + datetime.timedelta(days=1))
    assert (expired.rate, expired.amount, expired.reason) == (
        Decimal("19"), Decimal("19.00"), "standard",
    )  # fmt: skip


def test_eu_cross_border_to_a_valid_vat_number_is_reverse_charged(rates, settings):
    settings.SELLER_COUNTRY = "DE"
    austrian = CompanyFactory(country="AT", vat_number="ATU13585627")
    result = _tax(company=austrian, country="AT")
    assert (result.rate, result.amount, result.reason) == (
        Decimal("0"),
        Decimal("0.00"),
        REVERSE_CHARGE,
    )
    assert result.note == str(REVERSE_CHARGE_TEXT)
    assert "Art. 196 Directive 2006/112/EC" in result.note
    # Same company, delivered in the seller's own country: charged normally.
    home = _tax(company=austrian, country="DE")
    assert (home.rate, home.reason, home.note) == (Decimal("19"), "standard", "")
    # A German company at home: charged normally.
    german = CompanyFactory(country="DE", vat_number="DE136695976")
    assert _tax(company=german, country="DE").amount == Decimal("19.00")


def test_a_vat_number_invalid_in_format_is_not_reverse_charged(rates):
    austrian = CompanyFactory(country="AT", vat_number="ATU00000000")
    result = _tax(company=austrian, country="AT")
    assert (result.rate, result.reason) == (Decimal("20"), "standard")
    no_number = CompanyFactory(country="AT", vat_number="")
    assert _tax(company=no_number, country="AT").reason == "standard"


def test_company_prices_carry_tax_by_the_default_delivery_country(rates):
    company = CompanyFactory(country="DE")
    company.addresses.create(
        kind="shipping", label="Vienna", line1="Ring 1", postcode="1010", city="Wien",
        country="FR", is_default=True,
    )  # fmt: skip
    product = ProductFactory()
    record = product.stockrecords.get()
    price = CompanyPricing(None, company=company).fetch_for_product(product, record).price
    assert (price.excl_tax, price.tax, price.incl_tax) == (
        Decimal("12.50"), Decimal("2.50"), Decimal("15.00"),
    )  # fmt: skip
    visitor = CompanyPricing(None).fetch_for_product(product, record).price
    assert (visitor.excl_tax, visitor.tax) == (Decimal("12.50"), Decimal("2.38"))


def _basket_with(company, *, quoted=None, quantity=1250, price="0.17"):
    product = ProductFactory(stock__price=Decimal(price))
    record = product.stockrecords.get()
    strategy = CompanyPricing(None, company=company)
    basket = Basket.objects.create()
    basket.strategy = strategy
    line = Line.objects.create(
        basket=basket, product=product, stockrecord=record, quantity=quantity,
        line_reference=f"{product.pk}_{record.pk}", price_currency="EUR",
        quoted_unit_price=quoted,
    )  # fmt: skip
    basket._lines = None
    return basket, line


def test_basket_lines_are_taxed_per_line_and_totals_add_up(rates):
    company = CompanyFactory(country="DE")
    basket, _ = _basket_with(company)
    line = basket.all_lines()[0]
    # 1,250 x 0.17 = 212.50 net; 19 % of the line is 40.375 -> 40.38 (not 1,250 x 0.03).
    assert line.line_price_excl_tax == Decimal("212.50")
    assert round(line.line_tax, 2) == Decimal("40.38")
    assert round(basket.total_tax, 2) == Decimal("40.38")
    assert round(basket.total_incl_tax, 2) == Decimal("252.88")
    assert basket.is_tax_known


def test_quoted_lines_are_taxed_like_any_other_line(rates):
    company = CompanyFactory(country="DE")
    basket, _ = _basket_with(company, quoted=Decimal("10.00"), quantity=3, price="12.50")
    line = basket.all_lines()[0]
    assert line.unit_price_excl_tax == Decimal("10.00")
    assert round(line.line_tax, 2) == Decimal("5.70")
    assert line.price_currency == "EUR"


def test_checkout_destination_recomputes_the_tax(rates, settings):
    settings.SELLER_COUNTRY = "DE"
    company = CompanyFactory(country="AT", vat_number="ATU13585627")
    company.addresses.create(
        kind="shipping", label="Home", line1="Hafen 1", postcode="28217", city="Bremen",
        country="DE", is_default=True,
    )  # fmt: skip
    basket, _ = _basket_with(company, quantity=2, price="50.00")
    assert round(basket.total_tax, 2) == Decimal("19.00")  # default delivery in Germany
    services.basket_ship_to(basket=basket, country="AT")  # chosen at checkout: Austria
    assert basket.total_tax == Decimal("0")
    assert basket.strategy.tax.reason == REVERSE_CHARGE


def test_staff_cannot_save_a_negative_or_overlapping_rate_in_admin(client, superuser, rates):
    client.force_login(superuser)
    url = "/django-admin/tax/taxrate/add/"
    form = {"country": "DE", "region": "", "tax_class": "standard", "rate": "-5",
            "valid_from": "2030-01-01", "valid_until": ""}  # fmt: skip
    response = client.post(url, form)
    assert response.status_code == 200
    assert "greater than or equal to 0" in response.content.decode()
    response = client.post(url, {**form, "rate": "abc"})
    assert "Enter a number" in response.content.decode()
    # 2030 is already covered by DE's open-ended standard rate from 2024.
    response = client.post(url, {**form, "rate": "21"})
    assert "overlap another rate" in response.content.decode()
    response = client.post(url, {**form, "rate": "21", "valid_from": "2030-01-02",
                                 "valid_until": "2030-01-01", "country": "FR"})  # fmt: skip
    assert "cannot be before the first day" in response.content.decode()
    assert TaxRate.objects.count() == 5


def _demo_checkout(client, country: str):
    """Seed the demo, and let Jonas (Rheinland Auto, Germany) order one product to ``country``."""
    from django.core.management import call_command
    from django.urls import reverse

    from shop.demo import DEMO_PASSWORD

    call_command("seed_demo", products=12, verbosity=0)
    assert client.login(username="jonas.weber@rheinland-auto.example", password=DEMO_PASSWORD)
    record = next(
        r for r in get_model("partner", "StockRecord").objects.select_related("product")
        if r.num_in_stock >= r.product.min_order_quantity and r.price
    )  # fmt: skip
    client.post(
        reverse("basket:add", kwargs={"pk": record.product_id}),
        {"quantity": record.product.min_order_quantity},
    )
    html = client.get(reverse("basket:summary")).content.decode()
    assert 'id="basket-tax"' in html and 'id="basket-total-incl-tax"' in html
    client.post(reverse("checkout:shipping-address"), {
        "first_name": "Jonas", "last_name": "Weber", "line1": "Hafenweg 3", "line4": "Bonn",
        "postcode": {"DE": "53121", "AT": "1020"}[country], "country": country, "phone_number": "",
    })  # fmt: skip
    client.get(reverse("checkout:shipping-method"), follow=True)
    preview = client.post(reverse("checkout:preview"), {}).content.decode()
    response = client.post(reverse("checkout:preview"), {"action": "place_order"})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"] == reverse("checkout:thank-you"), [
        str(m) for m in get_messages(response.wsgi_request)
    ]
    order = get_model("order", "Order").objects.exclude(number__startswith="DEMO-").get()
    page = client.get(
        reverse("customer:order", kwargs={"order_number": order.number})
    ).content.decode()
    return order, preview, page


def test_a_placed_order_carries_the_tax_of_its_lines(client):
    order, preview, page = _demo_checkout(client, "DE")
    line = order.lines.get()
    expected = (line.line_price_excl_tax * Decimal("0.19")).quantize(Decimal("0.01"))
    assert expected > 0
    assert line.line_price_incl_tax - line.line_price_excl_tax == expected
    assert order.total_tax == expected
    assert order.total_incl_tax == order.total_excl_tax + expected
    assert f"{expected:,.2f}" in preview  # the checkout shows the tax apart
    assert f"{expected:,.2f}" in page and 'id="order-tax-note"' not in page


def test_a_german_company_delivering_to_austria_is_reverse_charged_at_checkout(client, settings):
    settings.SELLER_COUNTRY = "DE"
    order, _, page = _demo_checkout(client, "AT")  # the default delivery address is German
    assert order.total_tax == 0
    assert order.total_incl_tax == order.total_excl_tax > 0
    assert 'id="order-tax-note"' in page and "Art. 196 Directive 2006/112/EC" in page


def test_a_quoted_line_keeps_the_quotes_currency_and_is_taxed(rates):
    from shop.basket.services import QuotedLine, basket_add_quoted_lines

    company = CompanyFactory(country="DE")
    product = ProductFactory()  # its stock record is priced in EUR
    basket = Basket.objects.create()
    basket.strategy = CompanyPricing(None, company=company)
    basket_add_quoted_lines(
        basket=basket, reference="Q-000077", currency="CHF",
        lines=[QuotedLine(product.pk, 4, Decimal("25.00"))],
    )  # fmt: skip
    line = basket.all_lines()[0]
    assert line.price_currency == "CHF"
    price = line.purchase_info.price
    assert (price.currency, price.excl_tax) == ("CHF", Decimal("25.00"))
    assert round(line.line_tax, 2) == Decimal("19.00")
    assert basket.currency == "CHF"


def test_adding_a_taxed_product_reports_no_price_change(client):
    """Tax is rounded per line, so a unit price incl. tax carries fractions of a cent.

    Oscar compared that with the price stored at add time (two places) and told every buyer
    "The price has increased from €36.52 to €36.52 since you added it".
    """
    from django.core.management import call_command
    from django.urls import reverse

    from shop.demo import DEMO_PASSWORD

    call_command("seed_demo", products=12, verbosity=0)
    assert client.login(username="jonas.weber@rheinland-auto.example", password=DEMO_PASSWORD)
    records = [
        r for r in get_model("partner", "StockRecord").objects.select_related("product")
        if r.num_in_stock >= r.product.min_order_quantity > 1 and r.price
    ][:6]  # fmt: skip
    assert records
    for record in records:
        client.post(
            reverse("basket:add", kwargs={"pk": record.product_id}),
            {"quantity": record.product.min_order_quantity},
        )
    basket = get_model("basket", "Basket").objects.get(owner__email__startswith="jonas.weber")
    assert basket.num_lines == len(records)
    html = client.get(reverse("basket:summary")).content.decode()
    assert "since you added it" not in html
