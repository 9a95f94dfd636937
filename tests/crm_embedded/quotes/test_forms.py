"""The quote forms: what a person typed wrong is refused beside the field, saying how to fix
it, and the page comes back (400) with what was typed."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from crm_embedded.quotes import services
from crm_embedded.quotes.forms import (
    LineAddForm,
    QuoteLineFormSet,
    RejectForm,
    RequestLinesForm,
    TermsForm,
)
from crm_embedded.quotes.models import Quote
from crm_embedded.quotes.services import RequestItem
from crm_embedded.quotes.states import State
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def product():
    return ProductFactory(upc="FRM-1", title="Brake disc", stock__price=Decimal("20.00"))


@pytest.fixture
def quote(buyer_member, account_manager, product):
    quote = services.quote_request(member=buyer_member, items=[RequestItem(product.pk, 5)])
    services.quote_start_review(quote=quote, by=account_manager)
    return Quote.objects.get(pk=quote.pk)


def _formset_data(quote, **typed) -> dict:
    line = quote.lines.get()
    data = {
        "lines-TOTAL_FORMS": "1", "lines-INITIAL_FORMS": "1", "lines-0-line": str(line.pk),
        "lines-0-quantity": str(line.quantity), "lines-0-unit_price": "",
        "lines-0-percent_off": "",
    }  # fmt: skip
    data.update({f"lines-0-{name}": value for name, value in typed.items()})
    return data


@pytest.mark.parametrize(
    ("typed", "field", "message"),
    [
        (
            {"quantity": "zero"},
            "quantity",
            "'zero' is not a quantity: use a whole number (0 removes).",
        ),
        ({"quantity": "²"}, "quantity", "'²' is not a quantity"),
        ({"quantity": "1_000"}, "quantity", "'1_000' is not a quantity"),
        ({"quantity": "-2"}, "quantity", "cannot be negative: use 0 to remove the line"),
        ({"unit_price": "abc"}, "unit_price", "Prices and percentages must be numbers"),
        ({"percent_off": "ten"}, "percent_off", "Prices and percentages must be numbers"),
    ],
)
def test_the_lines_formset_says_what_is_wrong_beside_the_field(quote, typed, field, message):
    formset = QuoteLineFormSet(
        _formset_data(quote, **typed), lines=quote.lines.all(), prefix="lines"
    )
    assert not formset.is_valid()
    assert message in " ".join(formset.forms[0].errors[field])


def test_the_lines_formset_reads_a_decimal_comma_and_a_percentage_replaces_the_price(quote):
    line = quote.lines.get()
    formset = QuoteLineFormSet(
        _formset_data(quote, quantity="7", unit_price="12,50"), lines=[line], prefix="lines"
    )
    assert formset.is_valid()
    assert formset.changes() == {line.pk: {"quantity": 7, "unit_price": Decimal("12.50")}}
    formset = QuoteLineFormSet(
        _formset_data(quote, unit_price="12.50", percent_off="15"), lines=[line], prefix="lines"
    )
    assert formset.is_valid()
    assert formset.changes() == {line.pk: {"quantity": 5, "percent_off": Decimal("15")}}
    # Each input is labelled with its line's SKU.
    assert 'aria-label="Offered price of FRM-1"' in str(formset.forms[0]["unit_price"])


@pytest.mark.parametrize("quantity", ["", "0", "abc", "1.5"])
def test_adding_a_line_needs_a_whole_quantity_from_one(quantity):
    form = LineAddForm({"sku": "FRM-1", "quantity": quantity})
    assert not form.is_valid()
    assert form.errors["quantity"] == ["The quantity must be a whole number from 1."]
    form = LineAddForm({"sku": " ", "quantity": "2"})
    assert form.errors["sku"] == ["Give the SKU of the product to add."]


def test_a_rejection_and_a_validity_say_what_is_missing():
    assert RejectForm({"text": "  "}).errors["text"] == [
        "Say why the request is rejected: the buyer sees the reason."
    ]
    assert TermsForm({"valid_until": "next week", "terms": ""}).errors["valid_until"] == [
        "Give the validity as a date (dd.mm.yyyy or the date picker)."
    ]


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("abc", "Brake disc: 'abc' is not an amount."),
        ("-3", "Brake disc: a target price cannot be negative."),
        ("nan", "is not a price we can quote"),
        ("1e30", "is not a price we can quote"),
    ],
)
def test_a_request_refuses_odd_target_prices_beside_the_product(product, target, message):
    rows = [{"product": product, "quantity": 5, "key": "product"}]
    form = RequestLinesForm(
        {"quantity_product": "5", "target_product": target}, rows=rows, source="product"
    )
    assert not form.is_valid()
    assert message in " ".join(form.errors["target_product"])


def test_a_request_reads_quantities_and_targets_into_items(product):
    rows = [{"product": product, "quantity": 5, "key": "product"}]
    form = RequestLinesForm(
        {"quantity_product": "0", "target_product": ""}, rows=rows, source="product"
    )
    assert form.errors["quantity_product"] == [
        "Brake disc: the quantity must be a whole number from 1."
    ]
    form = RequestLinesForm(
        {"quantity_product": "12", "target_product": "9,505"}, rows=rows, source="product"
    )
    assert form.is_valid()
    assert form.items() == ([RequestItem(product.pk, 12, Decimal("9.51"))], set())


# Through the pages: 400, the message beside the field, what was typed kept ----------------


def test_a_bad_quantity_in_the_staff_editor_comes_back_with_what_was_typed(
    client, quote, account_manager
):
    client.force_login(account_manager)
    response = client.post(
        reverse("crm:quote-lines", args=[quote.pk]),
        _formset_data(quote, quantity="zero", unit_price="18.50"),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "&#x27;zero&#x27; is not a quantity: use a whole number (0 removes)." in html
    assert re.search(r'<input[^>]*name="lines-0-quantity"[^>]*value="zero"', html)
    assert re.search(r'<input[^>]*name="lines-0-unit_price"[^>]*value="18.50"', html)
    line = quote.lines.get()
    assert (line.quantity, line.offered_price) == (5, None)


def test_a_refusal_of_the_service_keeps_the_lines_as_typed(client, quote, account_manager):
    client.force_login(account_manager)
    response = client.post(
        reverse("crm:quote-lines", args=[quote.pk]), _formset_data(quote, percent_off="150")
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "FRM-1: the percentage off must be from 0 to 100." in html
    assert re.search(r'<input[^>]*name="lines-0-percent_off"[^>]*value="150"', html)


def test_a_rejection_without_a_reason_and_an_unknown_sku_come_back_with_the_message(
    client, quote, account_manager
):
    client.force_login(account_manager)
    response = client.post(reverse("crm:quote-action", args=[quote.pk, "reject"]), {"text": " "})
    assert response.status_code == 400
    assert "Say why the request is rejected" in response.content.decode()
    response = client.post(
        reverse("crm:quote-line-add", args=[quote.pk]), {"sku": "NOPE-1", "quantity": "3"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "No product with the SKU &#x27;NOPE-1&#x27; is sold" in html
    assert re.search(r'<input[^>]*name="sku"[^>]*value="NOPE-1"', html)
    assert Quote.objects.get(pk=quote.pk).state == State.IN_REVIEW


def test_a_buyer_declining_without_a_reason_is_asked_for_one(
    client, quote, buyer_member, account_manager
):
    services.quote_lines_update(
        quote=quote, by=account_manager, changes={quote.lines.get().pk: {"unit_price": "19.00"}}
    )
    services.quote_send(quote=quote, by=account_manager)
    client.force_login(buyer_member.user)
    response = client.post(
        reverse("quotes:action", args=[quote.number, "decline"]), {"text": "   "}
    )
    assert response.status_code == 400
    assert "Tell your account manager why you decline" in response.content.decode()
    assert Quote.objects.get(pk=quote.pk).state == State.OFFERED


def test_a_bad_target_on_the_request_page_keeps_what_was_typed(client, buyer_member, product):
    client.force_login(buyer_member.user)
    url = reverse("quotes:request") + f"?product={product.pk}"
    response = client.post(
        url, {"product": product.pk, "quantity_product": "40", "target_product": "12 euro",
              "note": "For the spring"},
    )  # fmt: skip
    assert response.status_code == 400
    html = response.content.decode()
    assert "Brake disc: &#x27;12 euro&#x27; is not an amount." in html
    assert re.search(r'<input[^>]*name="target_product"[^>]*value="12 euro"', html)
    assert re.search(r'<input[^>]*name="quantity_product"[^>]*value="40"', html)
    assert "For the spring" in html
    assert not Quote.objects.exists()
