"""Journey: a quote's "Valid until" survives saving in the browser and reaches the buyer.

``<input type="date">`` shows only ISO dates (YYYY-MM-DD): a date rendered in the locale's
format (10/12/2026) shows as an empty field, and saving the terms again cleared it, so the
offer went out with the 30-day default (issue 10). The account manager sets a date, saves,
reloads, saves the terms once more, and sends; the buyer's quote page shows that date.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_journey_quote import (  # noqa: F401 (fixtures used by name)
    BUYER_EMAIL,
    BUYER_PASSWORD,
    CLAMP,
    HOSE,
    MANAGER_EMAIL,
    MANAGER_PASSWORD,
    _alert,
    _log_in,
    _no_error,
    manager_page,
    quote_people,
)

pytestmark = pytest.mark.browser


def _priced_request() -> int:
    """A request from the buyer with both lines priced (no approval needed), made in the DB."""
    from oscar.core.loading import get_model

    from crm_embedded.quotes import services
    from shop.companies.models import CompanyMember

    Product = get_model("catalogue", "Product")
    member = CompanyMember.objects.select_related("company", "user").get(user__email=BUYER_EMAIL)
    items = [
        services.RequestItem(Product.objects.get(upc=sku).pk, quantity)
        for sku, quantity in ((HOSE, 100), (CLAMP, 400))
    ]
    quote = services.quote_request(member=member, items=items)
    lines = {line.sku: line.pk for line in quote.lines.all()}
    services.quote_lines_update(
        quote=quote,
        by=quote.account_manager,
        changes={lines[HOSE]: {"unit_price": "18.00"}, lines[CLAMP]: {"unit_price": "7.50"}},
    )
    return quote.pk


def test_the_validity_date_survives_saving_and_reaches_the_buyer(
    page: Page,
    manager_page: Page,  # noqa: F811 (fixtures imported above)
    quote_people,  # noqa: F811 (fixtures imported above)
):
    from django.utils import timezone

    from crm_embedded.quotes.models import Quote

    pk = _priced_request()
    valid = timezone.localdate() + timedelta(days=45)  # not the 30-day default
    iso, shown = valid.isoformat(), f"{valid.day} {valid:%b %Y}"
    manager = manager_page
    _log_in(manager, MANAGER_EMAIL, MANAGER_PASSWORD, f"/crm/quotes/{pk}/")

    terms = manager.locator("#quote-terms-form")
    valid_until = terms.get_by_label("Valid until")
    expect(valid_until).to_have_attribute("type", "date")
    valid_until.fill(iso)
    terms.get_by_label("Terms").fill("Delivery in two drops.")
    terms.get_by_role("button", name="Save validity and terms").click()
    expect(_alert(manager, "success")).to_contain_text("Validity and terms saved.")
    _no_error(manager)
    expect(manager.locator("#quote-terms-form").get_by_label("Valid until")).to_have_value(iso)

    manager.reload()
    expect(manager.locator("#quote-terms-form").get_by_label("Valid until")).to_have_value(iso)
    # Saving the terms again (the date untouched) keeps the date.
    terms = manager.locator("#quote-terms-form")
    terms.get_by_label("Terms").fill("Delivery in two drops, the first within 10 days.")
    terms.get_by_role("button", name="Save validity and terms").click()
    expect(_alert(manager, "success")).to_contain_text("Validity and terms saved.")
    expect(manager.locator("#quote-terms-form").get_by_label("Valid until")).to_have_value(iso)
    assert Quote.objects.get(pk=pk).valid_until == valid

    manager.locator("#quote-send").click()
    expect(_alert(manager, "success")).to_contain_text("Offer sent to the buyer.")
    expect(manager.locator("#quote-versions")).to_contain_text(f"valid until {shown}")
    quote = Quote.objects.get(pk=pk)
    assert (quote.state, quote.valid_until) == ("offered", valid)
    assert quote.latest_version.valid_until == valid

    buyer = page
    _log_in(buyer, BUYER_EMAIL, BUYER_PASSWORD, f"/shop/quotes/{quote.number}/")
    expect(
        buyer.get_by_role("heading", name=re.compile(r"The offer \(version 1,"))
    ).to_contain_text(f"valid until {shown}")
    for who, person in (("buyer", buyer), ("account manager", manager)):
        assert person.page_errors == [], f"{who}: uncaught JavaScript errors: {person.page_errors}"
        assert person.console_errors == [], f"{who}: console errors: {person.console_errors}"
