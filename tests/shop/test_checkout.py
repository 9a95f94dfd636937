"""Checkout as the demo's people meet it: on data built by seed_demo, not on fixtures alone."""

import re
from unittest import mock

import pytest
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.urls import reverse
from oscar.core.loading import get_model

from shop.companies.models import Company, CompanyAddress, CompanyMember
from shop.demo import DEMO_PASSWORD
from tests.factories import ProductFactory, UserFactory

Basket = get_model("basket", "Basket")
Country = get_model("address", "Country")
Order = get_model("order", "Order")
StockRecord = get_model("partner", "StockRecord")

pytestmark = pytest.mark.django_db

JONAS = "jonas.weber@rheinland-auto.example"  # buyer, Rheinland Auto (on account, 30 days)
PABLO = "pablo.ruiz@iberiafleet.example"  # buyer, Iberia Fleet (card payment only)
PLACEHOLDERS = ("Payment details to go here", "No payment was required")


@pytest.fixture
def demo():
    call_command("seed_demo", products=12, verbosity=0)


def _login(client, email: str) -> None:
    assert client.login(username=email, password=DEMO_PASSWORD)


def _add_a_stocked_product(client) -> StockRecord:
    """Put the first demo product that is in stock into the basket at its minimum quantity."""
    record = next(
        r
        for r in StockRecord.objects.select_related("product").order_by("id")
        if r.num_in_stock >= r.product.min_order_quantity and r.price
    )
    response = client.post(
        reverse("basket:add", kwargs={"pk": record.product_id}),
        {"quantity": record.product.min_order_quantity},
    )
    assert response.status_code == 302
    return record


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_demo_buyer_checks_out_to_an_address_book_address_with_a_po_number(client, demo):
    _login(client, JONAS)
    record = _add_a_stocked_product(client)
    bonn = CompanyAddress.objects.get(company__slug="rheinland-auto", label="Workshop Bonn")

    html = client.get(reverse("checkout:shipping-address")).content.decode()
    # The address book: every delivery address of the company, the default one pre-selected.
    assert 'id="company_shipping_address"' in html
    for address in CompanyAddress.objects.filter(company__slug="rheinland-auto", kind="shipping"):
        assert address.line1 in html
    assert "Industriestrasse 12" not in html  # the billing address is not a delivery address
    checked = re.search(r'<input[^>]*name="company_address"[^>]*checked[^>]*>', html).group(0)
    nippes = CompanyAddress.objects.get(label="Workshop Koeln-Nippes")
    assert f'value="{nippes.pk}"' in checked
    # Typing a new address stays possible, with the seeded countries to choose from.
    assert 'id="new_shipping_address"' in html
    assert '<option value="DE"' in html and '<option value="SE"' in html

    response = client.post(
        reverse("checkout:shipping-address"),
        {"action": "ship_to_company_address", "company_address": bonn.pk},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert client.get(reverse("checkout:shipping-method"), follow=True).status_code == 200

    html = client.get(reverse("checkout:payment-details")).content.decode()
    assert "On account, 30 days" in html
    response = client.post(reverse("checkout:preview"), {"purchase_order_number": "PO-2026/0815"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="place_order_form"' in html and "PO-2026/0815" in html
    assert "Siemensstrasse 8" in html
    for placeholder in PLACEHOLDERS:
        assert placeholder not in html

    response = client.post(
        reverse("checkout:preview"),
        {"action": "place_order", "purchase_order_number": "PO-2026/0815"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"] == reverse("checkout:thank-you")
    order = Order.objects.get()
    assert (order.company.slug, order.user.email) == ("rheinland-auto", JONAS)
    assert order.purchase_order_number == "PO-2026/0815"
    address = order.shipping_address
    assert (address.line1, address.line2, address.line4, address.postcode) == (
        "Rheinland Auto Service GmbH",
        "Siemensstrasse 8",
        "Bonn",
        "53121",
    )
    assert address.country_id == "DE"
    source = order.sources.get()
    assert (source.source_type.name, source.reference) == ("On account", "On account, 30 days")
    assert source.amount_allocated == order.total_incl_tax

    html = client.get(reverse("checkout:thank-you")).content.decode()
    assert order.number in html and "PO-2026/0815" in html and "On account" in html
    for placeholder in PLACEHOLDERS:
        assert placeholder not in html

    # The order page: SKU, unit price, quantity, line total and the PO number.
    html = client.get(
        reverse("customer:order", kwargs={"order_number": order.number})
    ).content.decode()
    line = order.lines.get()
    assert record.partner_sku in html
    row = re.search(r"<tr>\s*<td class=\"order-line-sku[^>]*>.*?</tr>", html, re.S).group(0)
    assert record.partner_sku in row and f">{line.quantity}<" in row
    assert f"{line.unit_price_excl_tax:,.2f}" in row
    assert f"{line.line_price_before_discounts_excl_tax:,.2f}" in row
    assert 'id="order-po-number">PO-2026/0815<' in html


def test_the_po_number_survives_reaching_the_preview_by_get(client, demo):
    """D2: the payment step's PO number is kept in the checkout session, not only posted on."""
    _login(client, JONAS)
    _add_a_stocked_product(client)
    client.post(reverse("checkout:shipping-address"), {
        "action": "ship_to_company_address",
        "company_address": CompanyAddress.objects.get(label="Workshop Bonn").pk,
    })  # fmt: skip
    client.get(reverse("checkout:shipping-method"), follow=True)
    response = client.post(reverse("checkout:preview"), {"purchase_order_number": "PO-77/A"})
    assert response.status_code == 200 and "PO-77/A" in response.content.decode()

    # A reload, or "Change" and back: the preview by GET still shows the number...
    html = client.get(reverse("checkout:preview")).content.decode()
    assert "PO-77/A" in html and "none given" not in html
    # ...and so does the payment step, pre-filled.
    assert 'value="PO-77/A"' in client.get(reverse("checkout:payment-details")).content.decode()

    response = client.post(reverse("checkout:preview"), {"action": "place_order"})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Order.objects.get().purchase_order_number == "PO-77/A"


def test_a_typed_address_in_a_seeded_country_still_works(client, demo):
    _login(client, JONAS)
    _add_a_stocked_product(client)
    response = client.post(reverse("checkout:shipping-address"), {
        "first_name": "Jonas", "last_name": "Weber", "line1": "Hafenweg 3", "line4": "Wien",
        "postcode": "1020", "country": "AT", "phone_number": "",
    })  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    client.get(reverse("checkout:shipping-method"), follow=True)
    response = client.post(reverse("checkout:preview"), {"action": "place_order"})
    assert response.status_code == 302, response.content.decode()[:3000]
    order = Order.objects.get()
    assert (order.shipping_address.line1, order.shipping_address.country_id) == ("Hafenweg 3", "AT")
    assert order.purchase_order_number == ""


def test_an_accepted_quotes_delivery_address_is_preselected(client, demo):
    from crm_embedded.quotes.models import Quote
    from crm_embedded.quotes.states import State

    bonn = CompanyAddress.objects.get(company__slug="rheinland-auto", label="Workshop Bonn")
    quote = Quote.objects.get(company__slug="rheinland-auto", state=State.OFFERED)
    Quote.objects.filter(pk=quote.pk).update(delivery_address=bonn)
    _login(client, JONAS)
    response = client.post(
        reverse("quotes:action", kwargs={"number": quote.number, "action": "accept"})
    )
    assert response.status_code == 302
    basket = Basket.objects.get(owner__email=JONAS, status=Basket.OPEN)
    assert {line.quote_delivery_address_id for line in basket.all_lines()} == {bonn.pk}

    html = client.get(reverse("checkout:shipping-address")).content.decode()
    checked = re.search(r'<input[^>]*name="company_address"[^>]*checked[^>]*>', html).group(0)
    assert f'value="{bonn.pk}"' in checked


def test_another_companys_address_is_refused_with_a_message(client, demo):
    _login(client, JONAS)
    _add_a_stocked_product(client)
    getafe = CompanyAddress.objects.get(company__slug="iberia-fleet", kind="shipping")
    response = client.post(
        reverse("checkout:shipping-address"),
        {"action": "ship_to_company_address", "company_address": getafe.pk},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "not in your company&#x27;s address book" in html
    assert "Avenida de la Industria" not in html
    response = client.post(
        reverse("checkout:shipping-address"),
        {"action": "ship_to_company_address", "company_address": "x"},
    )
    assert "not in your company&#x27;s address book" in response.content.decode()


def test_a_made_up_personal_address_id_is_a_message_not_an_error(client, demo):
    _login(client, JONAS)
    _add_a_stocked_product(client)
    for bad in ("999999", "x"):
        response = client.post(
            reverse("checkout:shipping-address"), {"action": "ship_to", "address_id": bad}
        )
        assert response.status_code == 302
        assert response["Location"] == reverse("checkout:shipping-address")
    assert any("not in your address book" in m for m in _messages(response))


def test_an_address_in_a_country_we_do_not_ship_to_is_refused(client, demo):
    Country.objects.filter(pk="DE").update(is_shipping_country=False)
    _login(client, JONAS)
    _add_a_stocked_product(client)
    bonn = CompanyAddress.objects.get(company__slug="rheinland-auto", label="Workshop Bonn")
    response = client.post(
        reverse("checkout:shipping-address"),
        {"action": "ship_to_company_address", "company_address": bonn.pk},
    )
    assert response.status_code == 200
    assert "We do not deliver to Germany" in response.content.decode()


def test_a_card_only_company_cannot_check_out_until_card_payment_exists(client, demo):
    _login(client, PABLO)
    _add_a_stocked_product(client)
    for step in ("checkout:index", "checkout:shipping-address", "checkout:preview"):
        response = client.get(reverse(step), follow=True)
        assert response.redirect_chain == [(reverse("basket:summary"), 302)]
        html = response.content.decode()
        assert html.count("Iberia Fleet pays by card, and card payment is not available yet") == 1
        assert "Request a quote" in html
    response = client.post(reverse("checkout:preview"), {"action": "place_order"})
    assert response.status_code == 302
    assert not Order.objects.exists()


def test_a_user_without_a_company_is_told_to_apply_for_a_business_account(client, demo):
    user = UserFactory(email="walk-in@example.com")
    client.force_login(user)
    _add_a_stocked_product(client)
    response = client.get(reverse("checkout:index"))
    assert response["Location"] == reverse("basket:summary")
    assert any("Apply for a business account" in m for m in _messages(response))
    assert not Order.objects.exists()


def test_the_order_is_refused_at_submission_too(client, demo):
    """Terms changed to card between entering checkout and placing the order."""
    _login(client, JONAS)
    _add_a_stocked_product(client)
    client.post(reverse("checkout:shipping-address"), {
        "action": "ship_to_company_address",
        "company_address": CompanyAddress.objects.get(label="Workshop Bonn").pk,
    })  # fmt: skip
    client.get(reverse("checkout:shipping-method"), follow=True)
    Company.objects.filter(slug="rheinland-auto").update(payment_terms=Company.PaymentTerms.CARD)
    # The entry check passes (as if it had run before the change); the submission checks again.
    with mock.patch("shop.checkout.session.payment_refusal", return_value=""):
        response = client.post(reverse("checkout:preview"), {"action": "place_order"})
    assert response.status_code == 200
    assert "pays by card" in response.content.decode()
    assert not Order.objects.exists()


def test_a_bad_purchase_order_number_is_explained(client, demo):
    _login(client, JONAS)
    _add_a_stocked_product(client)
    client.post(reverse("checkout:shipping-address"), {
        "action": "ship_to_company_address",
        "company_address": CompanyAddress.objects.get(label="Workshop Bonn").pk,
    })  # fmt: skip
    client.get(reverse("checkout:shipping-method"), follow=True)
    for bad in ("<script>", "x" * 65):
        response = client.post(reverse("checkout:preview"), {"purchase_order_number": bad})
        assert response.status_code == 200
        html = response.content.decode()
        assert 'id="purchase-order-form"' in html
        assert "Use letters, digits" in html or "at most 64 characters" in html
        response = client.post(
            reverse("checkout:preview"), {"action": "place_order", "purchase_order_number": bad}
        )
        assert response.status_code == 200
        assert not Order.objects.exists()


def test_viewers_are_still_refused_before_the_payment_question(client, demo):
    _login(client, "lena.schmidt@rheinland-auto.example")
    response = client.get(reverse("checkout:index"))
    assert response["Location"] == reverse("basket:summary")
    assert any("can see orders and documents but not order" in m for m in _messages(response))


def test_on_account_terms_of_a_factory_company_keep_checking_out(client):
    Country.objects.get_or_create(
        iso_3166_1_a2="DE", defaults={"name": "Germany", "is_shipping_country": True}
    )
    member = CompanyMember.objects.create(
        company=Company.objects.create(
            legal_name="Net Fifteen GmbH", slug="net15", status=Company.Status.ACTIVE,
            payment_terms=Company.PaymentTerms.NET_15,
        ),
        user=UserFactory(email="net15@example.com"),
        role=CompanyMember.Role.BUYER,
    )  # fmt: skip
    product = ProductFactory()
    client.force_login(member.user)
    client.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": 1})
    response = client.get(reverse("checkout:shipping-address"))
    assert response.status_code == 200
    assert 'id="company_shipping_address"' not in response.content.decode()  # no address book
