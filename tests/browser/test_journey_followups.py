"""Journey on the demo: a buyer abandons a cart, the follow-up job emails them, and the
link in the captured email brings the cart back after they log in.

Time passing is the one thing a browser cannot do: the test moves the cart's lines five
hours into the past, as the idle-cart rule's four-hour threshold needs, then runs the job
in process exactly as Celery beat would.
"""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_journey_demo import (
    BUYER,
    _log_in,
    _no_error,
    _no_script_errors,
    _pack_product,
)

pytestmark = pytest.mark.browser


def test_abandoned_cart_is_followed_up_and_restored_from_the_email(page: Page, demo_portal):
    from django.utils import timezone
    from oscar.core.loading import get_model

    from crm_embedded.followups.models import FollowUp
    from crm_embedded.followups.services import followups_run
    from shop.notifications.models import NotificationLog

    Basket = get_model("basket", "Basket")
    Line = get_model("basket", "Line")
    product, record, quantity = _pack_product()

    # The buyer puts a product in the cart and leaves without ordering.
    _log_in(page, BUYER, product.get_absolute_url())
    form = page.locator("#add_to_basket_form")
    form.locator('input[name="quantity"]').fill(str(quantity))
    form.get_by_role("button", name="Add to basket").click()
    expect(page.locator("#messages .alert-success")).to_contain_text(product.get_title())
    _no_error(page)
    page.context.clear_cookies()

    basket = Basket.objects.get(owner__email=BUYER, status=Basket.OPEN)
    in_cart = dict(basket.lines.values_list("product_id", "quantity"))
    assert in_cart[product.pk] == quantity
    # Five hours pass: the idle-cart rule acts after four.
    Line.objects.filter(basket=basket).update(
        date_created=timezone.now() - timedelta(hours=5),
        date_updated=timezone.now() - timedelta(hours=5),
    )

    followups_run()
    followups_run()  # beat may overlap itself: still one email

    emails = [
        e for e in NotificationLog.objects.filter(kind="followup_cart") if BUYER in e.recipients
    ]
    assert len(emails) == 1
    email = emails[0]
    assert product.get_title() in email.body_text
    assert FollowUp.objects.filter(basket_id=basket.pk, stage=FollowUp.Stage.FIRST).count() == 1
    restore = re.search(r"https?://\S+/shop/follow-ups/restore/\S+/", email.body_text)
    opt_out = re.search(r"https?://\S+/shop/follow-ups/opt-out/\S+/", email.body_text)
    assert restore and opt_out, email.body_text

    # Meanwhile the cart was emptied (on another device, by mistake).
    basket.flush()

    # The link logs nobody in: the buyer logs in first and lands on the restored basket.
    path = urlsplit(restore.group(0)).path
    page.goto(path)
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    page.locator('input[name="login"]').fill(BUYER)
    from shop.demo import DEMO_PASSWORD

    page.locator('input[name="password"]').fill(DEMO_PASSWORD)
    page.locator("form button[type=submit] >> nth=-1").click()
    expect(page).to_have_url(re.compile(r"/shop/basket/$"))
    expect(
        page.locator("#messages .alert-success").filter(has_text="Put back into your basket")
    ).to_have_count(1)
    expect(page.locator(f'#basket-lines tr[data-sku="{record.partner_sku}"]')).to_have_count(1)
    assert dict(basket.lines.values_list("product_id", "quantity")) == in_cart
    _no_error(page)

    # The same link again changes nothing.
    page.goto(path)
    expect(page).to_have_url(re.compile(r"/shop/basket/$"))
    assert dict(basket.lines.values_list("product_id", "quantity")) == in_cart

    # The opt-out link works without login; afterwards the buyer gets no more emails.
    page.context.clear_cookies()
    page.goto(urlsplit(opt_out.group(0)).path)
    page.locator("#followup-opt-out-confirm").click()
    expect(page.locator("#followup-opt-in")).to_be_visible()
    from crm_embedded.followups.models import FollowUpOptOut

    assert FollowUpOptOut.objects.filter(email=BUYER).exists()
    _no_script_errors(page)
