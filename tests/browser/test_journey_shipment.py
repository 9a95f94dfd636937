"""Journey (issue 12 acceptance): staff ship part of a Rheinland Auto order with a tracking
number on the dashboard; the buyer sees the partial shipment on the order's timeline; staff
ship the rest and record "delivered"; the buyer sees the order delivered.

On the demo data (``seed_demo``): sofia.sales works Oscar's dashboard order page (the
fulfilment panel of ``orders/templates/orders/dashboard/_fulfilment.html``), jonas.weber
follows the order on his account's order page.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

pytestmark = pytest.mark.browser

SALES_MANAGER = "sofia.sales@partshub.example"
BUYER = "jonas.weber@rheinland-auto.example"
FIRST_TRACKING = "00340434161094042557"
SECOND_TRACKING = "1Z999AA10123456784"


def _rheinland_order():
    """A fresh order of the demo buyer's company with two lines, as checkout leaves it."""
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


def _log_in(page: Page, email: str, next_path: str) -> None:
    from shop.demo import DEMO_PASSWORD

    page.goto(f"/accounts/login/?next={next_path}")
    page.locator('input[name="login"]').fill(email)
    page.locator('input[name="password"]').fill(DEMO_PASSWORD)
    page.locator("form button[type=submit] >> nth=-1").click()
    expect(page).to_have_url(re.compile(re.escape(next_path) + r"$"))


def _ship(page: Page, *, quantities: dict[int, int], carrier: str, tracking: str) -> None:
    form = page.locator("#fulfilment-shipment-form")
    for line_id, quantity in quantities.items():
        form.locator(f'input[name="line_{line_id}"]').fill(str(quantity))
    form.locator('select[name="carrier"]').select_option(carrier)
    form.locator('input[name="tracking_number"]').fill(tracking)
    form.locator("button[type=submit]").click()
    expect(page.locator("#messages")).to_contain_text("recorded")


def _delivered(page: Page, shipment_number: str, location: str) -> None:
    form = page.locator(f"#shipment-{shipment_number} form.tracking-event-form")
    form.locator('select[name$="-kind"]').select_option("delivered")
    form.locator('input[name$="-location"]').fill(location)
    form.locator("button[type=submit]").click()
    expect(page.locator("#messages")).to_contain_text(shipment_number)


def test_staff_ship_an_order_in_two_parts_and_the_buyer_follows_it_to_delivered(
    page: Page, browser: Browser, demo_portal
):
    order = _rheinland_order()
    first_line, second_line = order.lines.order_by("pk")
    staff_path = f"/shop/dashboard/orders/{order.number}/"
    buyer_path = f"/shop/accounts/orders/{order.number}/"

    # Staff confirm the order, then ship the first line only, with a DHL tracking number.
    _log_in(page, SALES_MANAGER, staff_path)
    page.locator('#fulfilment-status-form select[name="status"]').select_option("Confirmed")
    page.locator("#fulfilment-status-form button[type=submit]").click()
    expect(page.locator("#fulfilment-status")).to_have_text("Confirmed")
    _ship(
        page,
        quantities={first_line.pk: first_line.quantity},
        carrier="dhl",
        tracking=FIRST_TRACKING,
    )
    expect(page.locator("#fulfilment-status")).to_have_text("Partially shipped")

    # The buyer, in a browser of his own, sees the partial shipment on the timeline.
    buyer_context = browser.new_context(base_url=demo_portal.url, locale="en-GB")
    try:
        buyer = buyer_context.new_page()
        _log_in(buyer, BUYER, buyer_path)
        expect(buyer.locator("#order-status")).to_have_text("Partially shipped")
        first = buyer.locator(f"#timeline-shipment-{order.number}-1")
        expect(first).to_contain_text(f"Shipment {order.number}-1 sent")
        expect(first).to_contain_text("DHL")
        link = first.locator("a.tracking-link")
        expect(link).to_have_text(FIRST_TRACKING)
        expect(link).to_have_attribute("href", re.compile(FIRST_TRACKING))
        expect(first).to_contain_text(f"{first_line.quantity} × {first_line.title}")
        expect(buyer.locator(f"#line-shipped-{first_line.pk}")).to_have_text(
            f"{first_line.quantity} of {first_line.quantity} shipped"
        )
        expect(buyer.locator(f"#line-shipped-{second_line.pk}")).to_have_text(
            f"0 of {second_line.quantity} shipped"
        )
        # Staff are the seller to the buyer, never a name.
        expect(buyer.locator("#order-timeline")).to_contain_text("PartsHub staff")
        expect(buyer.locator("#order-timeline")).not_to_contain_text("Sofia")

        # Staff ship the rest with UPS and record both parcels delivered.
        _ship(
            page,
            quantities={second_line.pk: second_line.quantity},
            carrier="ups",
            tracking=SECOND_TRACKING,
        )
        expect(page.locator("#fulfilment-status")).to_have_text("Shipped")
        _delivered(page, f"{order.number}-1", "Köln")
        _delivered(page, f"{order.number}-2", "Köln")
        expect(page.locator("#fulfilment-status")).to_have_text("Delivered")

        # The buyer reloads: everything shipped, both parcels and the order delivered.
        buyer.reload()
        expect(buyer.locator("#order-status")).to_have_text("Delivered")
        expect(buyer.locator(f"#timeline-shipment-{order.number}-2 a.tracking-link")).to_have_text(
            SECOND_TRACKING
        )
        expect(buyer.locator(f"#line-shipped-{second_line.pk}")).to_have_text(
            f"{second_line.quantity} of {second_line.quantity} shipped"
        )
        expect(buyer.locator(".timeline-tracking .tracking-event-label")).to_have_text(
            ["Delivered", "Delivered"]
        )
        expect(buyer.locator(".timeline-status .timeline-status-label").last).to_have_text(
            "Delivered"
        )
        expect(buyer.locator("#order-expected-delivery")).to_have_count(0)

        # The order list shows it delivered too.
        buyer.goto(f"/shop/accounts/orders/?q={order.number}")
        row = buyer.locator(f'tr.order-row[data-order-number="{order.number}"]')
        expect(row.locator(".order-row-status")).to_have_text("Delivered")
    finally:
        buyer_context.close()
    assert page.page_errors == [] and page.console_errors == []
