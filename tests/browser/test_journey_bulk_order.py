"""Journey: a buyer pastes a 50-line quick order with 3 bad lines, fixes them in place,
adds everything to the basket, saves the basket as a requisition list and orders the
list again from an empty basket.

The catalogue, the company and its buyer are made with the ORM in the live server's
database (``tests/factories.py``); baskets and lists are checked there too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

LINE_COUNT = 50
LIST_NAME = "Workshop restock, monthly"
BUYER_EMAIL = "mara.buyer@hollmann-werkstatt.example"
BUYER_PASSWORD = "Hollmann-Einkauf-2291"

# The three bad lines (pasted line numbers) and what makes each one bad.
TYPO_LINE, TYPO_SKU, REAL_SKU = 7, "HYD-PUMP-202", "HYD-PUMP-220"  # a typo of a real SKU
PACK_LINE, PACK_SKU, PACK_SIZE, PACK_PASTED, PACK_PROPOSED = 23, "BRG-6204-2RS", 5, 7, 10
WORD_LINE, WORD_SKU, WORD_PASTED, WORD_FIXED = 41, "SEAL-KIT-30", "abc", 6
SEPARATORS = (" ", "\t", ", ")  # as typed, copied from a spreadsheet, from a CSV


@dataclass
class Order:
    """What the buyer pastes, and what the basket must hold once every line is fixed."""

    text: str
    expected: dict[str, int] = field(default_factory=dict)  # SKU -> quantity


def _sku(number: int) -> str:
    special = {TYPO_LINE: REAL_SKU, PACK_LINE: PACK_SKU, WORD_LINE: WORD_SKU}
    return special.get(number, f"WKS-{number:05d}")


def _quantity(number: int) -> int:
    return number % 9 + 2


@pytest.fixture
def buyer_and_order(portal_server) -> Order:
    """An active company with a buyer, 50 stocked products and the 50 lines to paste."""
    from shop.companies.models import CompanyMember
    from tests.factories import (
        CompanyFactory,
        CompanyMemberFactory,
        ProductFactory,
        UserFactory,
        category_create,
    )

    company = CompanyFactory(legal_name="Hollmann Werkstatt GmbH", slug="hollmann-werkstatt")
    CompanyMemberFactory(
        company=company,
        role=CompanyMember.Role.BUYER,
        user=UserFactory(email=BUYER_EMAIL, username="mara", password=BUYER_PASSWORD),
    )
    category = category_create("Workshop supplies")
    titles = {
        REAL_SKU: "Hydraulic hand pump 220 bar",
        PACK_SKU: "Deep groove ball bearing 6204-2RS",
        WORD_SKU: "Shaft seal kit 30 mm",
    }
    for number in range(1, LINE_COUNT + 1):
        sku = _sku(number)
        ProductFactory(
            upc=sku,
            title=titles.get(sku, f"Workshop consumable {number:02d}"),
            category=category,
            pack_size=PACK_SIZE if sku == PACK_SKU else 1,
            min_order_quantity=1,
            stock__price=Decimal("3.50") + number,
            stock__num_in_stock=10_000,
        )

    lines, expected = [], {}
    for number in range(1, LINE_COUNT + 1):
        sku, quantity = _sku(number), str(_quantity(number))
        expected[sku] = _quantity(number)
        if number == TYPO_LINE:
            sku = TYPO_SKU
        elif number == PACK_LINE:
            quantity, expected[sku] = str(PACK_PASTED), PACK_PROPOSED
        elif number == WORD_LINE:
            quantity, expected[sku] = WORD_PASTED, WORD_FIXED
        lines.append(f"{sku}{SEPARATORS[number % len(SEPARATORS)]}{quantity}")
    return Order(text="\n".join(lines), expected=expected)


# --- helpers ------------------------------------------------------------------------------


def _log_in(page: Page, next_path: str) -> None:
    page.goto(f"/accounts/login/?next={next_path}")
    page.locator('input[name="login"]').fill(BUYER_EMAIL)
    page.locator('input[name="password"]').fill(BUYER_PASSWORD)
    # The nav's search form comes first: its button is not the login button.
    page.locator("form button[type=submit] >> nth=-1").click()
    expect(page.locator("#nav_account")).to_contain_text(BUYER_EMAIL)
    expect(page).to_have_url(re.compile(re.escape(next_path) + r"$"))


def _alert(page: Page, kind: str):
    return page.locator(f"#messages .alert-{kind}")


def _row(page: Page, number: int):
    return page.locator(f'#quick-order-table tr[data-line="{number}"]')


def _basket_quantities() -> dict[str, int]:
    from django.contrib.auth import get_user_model
    from oscar.core.loading import get_model

    Basket = get_model("basket", "Basket")
    user = get_user_model().objects.get(email__iexact=BUYER_EMAIL)
    basket = Basket.objects.get(owner=user, status=Basket.OPEN)
    pairs = list(basket.lines.values_list("stockrecord__partner_sku", "quantity"))
    assert len(pairs) == LINE_COUNT, f"the basket has {len(pairs)} lines"
    return dict(pairs)


# --- steps --------------------------------------------------------------------------------


def _paste_and_check(page: Page, order: Order) -> None:
    expect(page.locator("h1")).to_contain_text("Quick order")
    form = page.locator("#quick-order-form")
    form.locator('textarea[name="lines"]').fill(order.text)
    form.get_by_role("button", name="Check lines").click()

    expect(page.locator("#quick-order-summary")).to_contain_text("47 ready, 3 to fix")
    table = page.locator("#quick-order-table")
    expect(table.locator("tr[data-line]")).to_have_count(LINE_COUNT)
    expect(table.locator("tr.table-success")).to_have_count(LINE_COUNT - 3)
    expect(table.locator("tr.table-warning")).to_have_count(3)
    for number in (TYPO_LINE, PACK_LINE, WORD_LINE):
        expect(_row(page, number)).to_have_class(re.compile(r"\btable-warning\b"))
    # Checking adds nothing.
    from oscar.core.loading import get_model

    Basket = get_model("basket", "Basket")
    assert not Basket.objects.filter(owner__email=BUYER_EMAIL, lines__isnull=False).exists()


def _see_what_is_wrong(page: Page) -> None:
    # (a) An unknown SKU, with the real one it is probably a typo of.
    typo = _row(page, TYPO_LINE)
    expect(typo).to_contain_text(f"Unknown SKU {TYPO_SKU}. Did you mean {REAL_SKU}?")
    expect(typo).to_contain_text(f"Replace the SKU with {REAL_SKU} and check again.")
    expect(page.get_by_label(f"SKU of line {TYPO_LINE}", exact=True)).to_have_value(TYPO_SKU)

    # (b) Not a whole number of packs: the nearest valid quantity is proposed in the field.
    pack = _row(page, PACK_LINE)
    expect(pack).to_contain_text(
        f"This is sold in packs of {PACK_SIZE}: {PACK_PASTED} is not a multiple of {PACK_SIZE}."
    )
    expect(pack).to_contain_text(f"Order {PACK_SIZE} or {PACK_PROPOSED}.")
    expect(pack).to_contain_text(f"The quantity field now proposes {PACK_PROPOSED}.")
    expect(pack).to_contain_text("Deep groove ball bearing 6204-2RS")
    expect(page.get_by_label(f"Quantity of line {PACK_LINE}", exact=True)).to_have_value(
        str(PACK_PROPOSED)
    )

    # (c) A quantity that is not a number, shown back as typed.
    word = _row(page, WORD_LINE)
    expect(word).to_contain_text(f"'{WORD_PASTED}' is not a whole number.")
    expect(page.get_by_label(f"Quantity of line {WORD_LINE}", exact=True)).to_have_value(
        WORD_PASTED
    )

    # A good line: ready, with its product and price.
    good = _row(page, 1)
    expect(good).to_contain_text("ready")
    expect(good).to_contain_text("Workshop consumable 01")
    expect(good).to_contain_text("4.50")


def _fix_in_place_and_add(page: Page, order: Order) -> None:
    page.get_by_label(f"SKU of line {TYPO_LINE}", exact=True).fill(REAL_SKU)
    # The pack line keeps the proposed quantity; the word becomes a number.
    page.get_by_label(f"Quantity of line {WORD_LINE}", exact=True).fill(str(WORD_FIXED))
    page.locator('#quick-order-table button[name="action"][value="check"]').click()

    expect(page.locator("#quick-order-summary")).to_contain_text("50 ready, 0 to fix")
    table = page.locator("#quick-order-table")
    expect(table.locator("tr.table-success")).to_have_count(LINE_COUNT)
    expect(table.locator("tr.table-warning")).to_have_count(0)
    expect(_row(page, TYPO_LINE)).to_contain_text("Hydraulic hand pump 220 bar")
    expect(page.get_by_label(f"Quantity of line {PACK_LINE}", exact=True)).to_have_value(
        str(PACK_PROPOSED)
    )
    add = page.locator("#quick-order-add")
    expect(add).to_have_text("Add the 50 ready lines to the basket")
    add.click()

    expect(page).to_have_url(re.compile(r"/shop/basket/$"))
    expect(_alert(page, "success")).to_contain_text(f"{LINE_COUNT} lines added to your basket.")
    expect(_alert(page, "warning")).to_have_count(0)  # nothing left to fix
    assert _basket_quantities() == order.expected


def _save_basket_as_list(page: Page, order: Order) -> int:
    from shop.bulk.models import RequisitionList

    form = page.locator("#save-as-list")
    form.locator('input[name="name"]').fill(LIST_NAME)
    form.locator('button[type="submit"]').click()

    expect(page).to_have_url(re.compile(r"/shop/lists/\d+/$"))
    expect(_alert(page, "success")).to_contain_text(
        f"Your basket was saved as the list '{LIST_NAME}'."
    )
    expect(page.locator("h1")).to_have_text(LIST_NAME)
    expect(page.locator("#list-lines tbody tr")).to_have_count(LINE_COUNT)
    expect(page.get_by_label("Quantity of Deep groove ball bearing 6204-2RS")).to_have_value(
        str(PACK_PROPOSED)
    )
    expect(page.get_by_label("Quantity of Shaft seal kit 30 mm")).to_have_value(str(WORD_FIXED))

    requisition = RequisitionList.objects.get(owner__email=BUYER_EMAIL, name=LIST_NAME)
    assert requisition.company.legal_name == "Hollmann Werkstatt GmbH"
    assert not requisition.is_shared
    saved = dict(requisition.lines.values_list("product__upc", "quantity"))
    assert saved == order.expected
    return requisition.pk


def _order_the_list_again(page: Page, order: Order, list_pk: int) -> None:
    from django.contrib.auth import get_user_model
    from oscar.core.loading import get_model

    Basket = get_model("basket", "Basket")
    user = get_user_model().objects.get(email__iexact=BUYER_EMAIL)
    Basket.objects.get(owner=user, status=Basket.OPEN).lines.all().delete()

    page.goto(f"/shop/lists/{list_pk}/")
    expect(page.locator("h1")).to_have_text(LIST_NAME)
    expect(page.locator("#list-lines tbody tr")).to_have_count(LINE_COUNT)
    order_all = page.locator("#list-order-form").get_by_role("button", name="Add all to basket")
    expect(order_all).to_have_attribute("id", "order-list")
    order_all.click()

    expect(page).to_have_url(re.compile(r"/shop/basket/$"))
    expect(_alert(page, "success")).to_contain_text(
        f"{LINE_COUNT} lines of '{LIST_NAME}' added to your basket."
    )
    expect(_alert(page, "warning")).to_have_count(0)  # no line was refused
    assert _basket_quantities() == order.expected


def _add_one_by_sku(page: Page, order: Order) -> None:
    """The basket's "Add by SKU" row: suggestions while typing, then one more line."""
    sku = _sku(1)
    entry = page.locator("#id_entry_sku")
    entry.fill(sku[:6])
    expect(page.locator("#sku-suggestions option").first).to_have_attribute(
        "value", re.compile("WKS-")
    )
    entry.fill(sku)
    page.locator("#id_entry_quantity").fill("4")
    page.locator("#sku-entry").get_by_role("button", name="Add").click()
    expect(page).to_have_url(re.compile(r"/shop/basket/$"))
    expect(_alert(page, "success")).to_contain_text("1 line added to your basket.")
    assert _basket_quantities()[sku] == order.expected[sku] + 4


# --- the journey --------------------------------------------------------------------------


def test_quick_order_fix_lines_save_as_list_and_order_again(page: Page, buyer_and_order: Order):
    order = buyer_and_order

    # 1-2. Sign in, paste 50 lines, check them: 47 ready, 3 to fix, each saying why.
    _log_in(page, "/shop/quick-order/")
    _paste_and_check(page, order)
    _see_what_is_wrong(page)

    # 3. Fix the three lines in place, check again, add all 50 to the basket.
    _fix_in_place_and_add(page, order)

    # 4. Save the basket as a requisition list.
    list_pk = _save_basket_as_list(page, order)

    # 5. With an empty basket, order the whole list again.
    _order_the_list_again(page, order, list_pk)

    # 6. One more by SKU from the basket page, with autocomplete.
    _add_one_by_sku(page, order)

    assert page.page_errors == [], f"uncaught JavaScript errors: {page.page_errors}"
    assert page.console_errors == [], f"console errors: {page.console_errors}"
