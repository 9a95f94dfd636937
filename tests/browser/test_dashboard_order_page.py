"""Journey: a sales manager works an order on Oscar's dashboard order page, on the demo.

The page's start-up script used to stop at ``oscar.dashboard.orders.initTable is not a
function`` (Oscar 4.2's template calls what its dashboard.js no longer defines), and the
"change line status" and "create shipping event" lists were empty. Now the page runs
without script errors, its "select all lines" box works, and the lists offer the demo's
line statuses and shipping events. Since issue 12 the fulfilment panel replaces those lists:
the manager confirms the order and ships part of it through the state machine.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

SALES_MANAGER = "sofia.sales@partshub.example"
BUYER = "jonas.weber@rheinland-auto.example"


def _demo_order():
    """An order of the demo buyer's company with two lines, as checkout leaves it."""
    from django.contrib.auth import get_user_model
    from oscar.core.loading import get_class, get_model
    from oscar.test.factories import create_order

    from shop.companies.models import Company

    Basket = get_model("basket", "Basket")
    StockRecord = get_model("partner", "StockRecord")
    buyer = get_user_model().objects.get(email=BUYER)
    basket = Basket.objects.create(owner=buyer)
    basket.strategy = get_class("partner.strategy", "Selector")().strategy(user=buyer)
    in_stock = [
        record
        for record in StockRecord.objects.select_related("product").order_by("pk")
        if record.price and record.num_in_stock >= max(record.product.min_order_quantity or 1, 1)
    ][:2]
    for record in in_stock:
        basket.add_product(record.product, quantity=max(record.product.min_order_quantity or 1, 1))
    order = create_order(user=buyer, basket=basket)
    order.company = Company.objects.get(slug="rheinland-auto")
    order.save(update_fields=["company"])
    return order


def _go(page: Page) -> None:
    """Submit the "with selected lines" actions."""
    page.locator("#order_lines_form button[type=submit]").click()


def _log_in(page: Page, email: str, next_path: str) -> None:
    from shop.demo import DEMO_PASSWORD

    page.goto(f"/accounts/login/?next={next_path}")
    page.locator('input[name="login"]').fill(email)
    page.locator('input[name="password"]').fill(DEMO_PASSWORD)
    page.locator("form button[type=submit] >> nth=-1").click()
    expect(page).to_have_url(re.compile(re.escape(next_path) + r"$"))


def test_a_sales_manager_opens_an_order_and_records_a_shipment_without_script_errors(
    page: Page, demo_portal
):
    order = _demo_order()
    path = f"/shop/dashboard/orders/{order.number}/"
    _log_in(page, SALES_MANAGER, path)

    expect(page.locator("#order_lines_form")).to_be_visible()
    page.wait_for_load_state("load")
    # jQuery rethrows an error of a ready handler from a timer: let that timer run first.
    page.evaluate("() => new Promise((resolve) => setTimeout(resolve, 50))")
    assert page.page_errors == [], page.page_errors
    assert page.console_errors == [], page.console_errors
    # The start-up script ran to its end: the "select all lines" box is there and works.
    select_all = page.locator("#select_all_lines")
    expect(select_all).to_be_visible()
    select_all.check()
    boxes = page.locator('#order_lines_form input[name="selected_line"]')
    expect(boxes).to_have_count(2)
    for index in range(2):
        expect(boxes.nth(index)).to_be_checked()

    # Oscar's own status and shipping-event forms are gone: the fulfilment panel (the state
    # machine) offers only the allowed next states. Confirm, then ship part of the order.
    expect(page.locator("#new_status_select")).to_have_count(0)
    expect(page.locator("#shipping_event_type_select")).to_have_count(0)
    page.locator("#fulfilment-status-form select[name=status]").select_option("Confirmed")
    page.locator("#fulfilment-status-form button[type=submit]").click()
    expect(page.locator("#messages")).to_contain_text("Confirmed")
    first = order.lines.order_by("pk").first()
    page.locator(f"#fulfilment-shipment-form input[name=line_{first.pk}]").fill(str(first.quantity))
    page.locator("#fulfilment-shipment-form select[name=carrier]").select_option("dhl")
    page.locator("#fulfilment-shipment-form input[name=tracking_number]").fill(
        "00340434161094042557"
    )
    page.locator("#fulfilment-shipment-form button[type=submit]").click()
    expect(page.locator("#messages")).to_contain_text("Partially shipped")
    expect(page.locator(".tracking-link")).to_have_text("00340434161094042557")
    order.refresh_from_db()
    assert order.status == "Partially shipped"
    assert order.shipments.get().created_by.email == SALES_MANAGER
    assert page.page_errors == [] and page.console_errors == []
