"""The tax treatment an order was placed under is stored at placement and shown from the
record: a later change to the company's VAT number or certificate does not rewrite old orders.
The order totals say "Tax" (added to net prices), not Oscar's "Order tax" ("Enthaltene Steuer")."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from oscar.core.loading import get_model

from shop.tax import receivers, services
from shop.tax.models import OrderTaxRecord, TaxClass, TaxExemption, TaxRate
from tests.factories import CompanyFactory, CompanyMemberFactory, ProductFactory, UserFactory

Country = get_model("address", "Country")
Order = get_model("order", "Order")

pytestmark = pytest.mark.django_db

ART_196 = "Art. 196 Directive 2006/112/EC"


@pytest.fixture(autouse=True)
def _rates_and_countries(settings):
    settings.SELLER_COUNTRY = "DE"
    for code, name, rate in (("DE", "Germany", "19"), ("AT", "Austria", "20")):
        Country.objects.get_or_create(
            iso_3166_1_a2=code, defaults={"name": name, "is_shipping_country": True}
        )
        TaxRate.objects.create(
            country=code, tax_class=TaxClass.STANDARD, rate=Decimal(rate),
            valid_from=datetime.date(2024, 1, 1),
        )  # fmt: skip


def _buyer(**company):
    company = CompanyFactory(country="DE", **company)
    return CompanyMemberFactory(company=company, user=UserFactory())


def _order(client, member, country: str) -> Order:
    client.force_login(member.user)
    client.post(reverse("basket:add", kwargs={"pk": ProductFactory().pk}), {"quantity": 2})
    client.post(reverse("checkout:shipping-address"), {
        "first_name": "Jonas", "last_name": "Weber", "line1": "Ring 1", "line4": "Wien",
        "postcode": {"AT": "1020", "DE": "50667"}[country], "country": country, "phone_number": "",
    })  # fmt: skip
    for step in ("checkout:shipping-method", "checkout:payment-method", "checkout:preview"):
        assert client.get(reverse(step), follow=True).status_code == 200
    response = client.post(reverse("checkout:preview"), {"action": "place_order"})
    assert response["Location"] == reverse("checkout:thank-you"), response.content.decode()[:3000]
    return Order.objects.get()


def _order_page(client, order) -> str:
    url = reverse("customer:order", kwargs={"order_number": order.number})
    return client.get(url).content.decode()


def test_a_reverse_charge_is_stored_at_placement_and_shown_from_the_record(client):
    member = _buyer(vat_number="DE136695976")
    order = _order(client, member, "AT")

    record = OrderTaxRecord.objects.get(order=order)
    assert record.treatment == OrderTaxRecord.Treatment.REVERSE_CHARGE
    assert (record.seller_country, record.ship_to_country) == ("DE", "AT")
    assert record.buyer_vat_number == "DE136695976" and ART_196 in record.legal_text
    assert order.total_tax == 0
    # The company loses its VAT number later: the order still carries the text it was placed with.
    member.company.vat_number = ""
    member.company.save()
    page = _order_page(client, order)
    assert 'id="order-tax-note"' in page and ART_196 in page
    thank_you = client.get(reverse("checkout:thank-you")).content.decode()
    assert 'id="order-tax-note"' in thank_you and ART_196 in thank_you


def test_an_exemption_stores_its_certificate_number(client):
    member = _buyer()
    TaxExemption.objects.create(
        company=member.company, certificate_number="EX-2026-0042",
        valid_until=datetime.date.today() + datetime.timedelta(days=30),
    )  # fmt: skip
    order = _order(client, member, "DE")

    record = OrderTaxRecord.objects.get(order=order)
    assert record.treatment == OrderTaxRecord.Treatment.EXEMPT
    assert record.exemption_certificate_number == "EX-2026-0042"
    assert order.total_tax == 0
    # A renewed certificate does not rewrite the order placed under the old one.
    TaxExemption.objects.filter(company=member.company).update(certificate_number="EX-2027-0001")
    page = _order_page(client, order)
    assert "Tax exempt: exemption certificate EX-2026-0042, valid until" in page
    assert "EX-2027-0001" not in page


def test_a_standard_order_is_recorded_without_legal_text(client):
    order = _order(client, _buyer(vat_number="DE136695976"), "DE")  # same country: taxed
    record = OrderTaxRecord.objects.get(order=order)
    assert (record.treatment, record.legal_text) == ("standard", "")
    assert order.total_tax > 0
    assert 'id="order-tax-note"' not in _order_page(client, order)
    # Recording again keeps the first record.
    assert services.tax_record_for_order(order=order).pk == record.pk


def test_the_order_totals_say_tax_not_included_tax_in_german(client):
    order = _order(client, _buyer(), "DE")
    client.cookies["django_language"] = "de"
    html = client.get(reverse("checkout:thank-you"), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert 'id="order-total-tax"' in html
    assert "Enthaltene Steuer" not in html and "Steuer" in html
    assert f"{order.total_tax:.2f}".replace(".", ",") in html


def test_a_failing_record_never_breaks_checkout(client, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("tax record store down")

    monkeypatch.setattr(services, "tax_record_for_order", broken)
    member = _buyer(vat_number="DE136695976")
    order = _order(client, member, "AT")  # placed all the same
    assert not OrderTaxRecord.objects.exists()
    # Without a record the page works the treatment out from today's data.
    assert ART_196 in _order_page(client, order)
    assert receivers.order_tax_recorded.__module__ == "shop.tax.receivers"
