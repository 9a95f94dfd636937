"""Negotiated prices: precedence, tiers, validity, currency, categories, quote lock, quantity rules."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_model

from shop.companies.models import CustomerGroup
from shop.partner.strategy import CompanyPricing
from shop.pricing.engine import PriceBook, QuantityRule
from shop.pricing.models import PriceList, PriceListEntry
from tests.factories import CompanyMemberFactory, ProductFactory, UserFactory, category_create

pytestmark = pytest.mark.django_db
Basket = get_model("basket", "Basket")

FIXED = PriceListEntry.Kind.FIXED
PERCENT = PriceListEntry.Kind.PERCENT_OFF


@pytest.fixture
def group(db):
    return CustomerGroup.objects.create(name="Workshops", slug="workshops")


@pytest.fixture
def tree(db):
    parent = category_create("Automotive")
    child = category_create("Filters", parent=parent)
    return parent, child


@pytest.fixture
def product(tree):
    return ProductFactory(title="Oil filter M20", category=tree[1], stock__price=Decimal("20.00"))


def _list(company=None, group=None, **kwargs) -> PriceList:
    code = kwargs.pop("code", f"list-{PriceList.objects.count() + 1}")
    return PriceList.objects.create(
        code=code, name=code, company=company, customer_group=group, **kwargs
    )


def _entry(
    price_list, *, product=None, category=None, kind=FIXED, value="10", min_quantity=1, **kwargs
):
    return PriceListEntry.objects.create(
        price_list=price_list, product=product, category=category, kind=kind,
        value=Decimal(value), min_quantity=min_quantity, **kwargs,
    )  # fmt: skip


def _price(company, product, quantity=1) -> Decimal:
    return (
        PriceBook(company=company).price(product, product.stockrecords.get(), quantity).unit_price
    )


def test_without_lists_the_list_price_applies(company, product):
    assert _price(company, product) == Decimal("20.00")


def test_contract_beats_group_beats_list(company, group, product):
    company.customer_group = group
    company.save()
    group_list = _list(group=group)
    _entry(group_list, product=product, value="18.00")
    assert _price(company, product) == Decimal("18.00")
    _entry(_list(company=company), product=product, value="16.50")
    resolved = PriceBook(company=company).price(product, product.stockrecords.get())
    assert resolved.unit_price == Decimal("16.50")
    assert resolved.source == "contract"
    assert [step.label for step in resolved.chain] == [
        "List price",
        "Your contract",
        "Entry",
        "Tier",
    ]


def test_tiers_pick_the_highest_from_quantity_not_above_the_line(company, product):
    contract = _list(company=company)
    for quantity, value in ((1, "19"), (10, "17"), (50, "15")):
        _entry(contract, product=product, value=value, min_quantity=quantity)
    assert [_price(company, product, q) for q in (1, 9, 10, 49, 50, 500)] == [
        Decimal(v) for v in ("19", "19", "17", "17", "15", "15")
    ]
    resolved = PriceBook(company=company).price(product, product.stockrecords.get(), 12)
    assert resolved.tiers == ((1, Decimal("19.00")), (10, Decimal("17.00")), (50, Decimal("15.00")))


def test_a_tier_that_starts_above_the_quantity_falls_through_to_the_next_layer(
    company, group, product
):
    company.customer_group = group
    company.save()
    _entry(_list(company=company), product=product, value="12", min_quantity=100)
    _entry(_list(group=group), product=product, value="18")
    assert _price(company, product, 5) == Decimal("18.00")
    assert _price(company, product, 100) == Decimal("12.00")


def test_expired_future_and_inactive_lists_never_apply(company, product):
    today = timezone.localdate()
    _entry(
        _list(
            company=company,
            valid_until=today - timedelta(days=1),
            valid_from=today - timedelta(days=9),
        ),
        product=product,
        value="1",
    )
    _entry(_list(company=company, valid_from=today + timedelta(days=1)), product=product, value="2")
    _entry(_list(company=company, is_active=False), product=product, value="3")
    assert _price(company, product) == Decimal("20.00")
    current = _list(
        company=company, valid_from=today - timedelta(days=1), valid_until=today + timedelta(days=1)
    )
    _entry(current, product=product, value="14")
    assert _price(company, product) == Decimal("14.00")


def test_a_list_in_another_currency_is_not_applied_and_says_so(company, product):
    _entry(_list(company=company, currency="SEK"), product=product, value="100")
    resolved = PriceBook(company=company).price(product, product.stockrecords.get())
    assert resolved.unit_price == Decimal("20.00")
    assert any("in SEK, not EUR" in step.detail for step in resolved.chain)


def test_category_entries_reach_subcategories_and_product_entries_win(company, tree, product):
    parent, child = tree
    contract = _list(company=company)
    _entry(contract, category=parent, kind=PERCENT, value="10")
    assert _price(company, product) == Decimal("18.00")
    _entry(contract, category=child, kind=PERCENT, value="25")  # deeper category wins
    assert _price(company, product) == Decimal("15.00")
    _entry(contract, product=product, value="13.37")
    assert _price(company, product) == Decimal("13.37")


def test_percent_off_is_rounded_half_up_to_the_cent(company, tree):
    product = ProductFactory(category=tree[1], stock__price=Decimal("9.99"))
    _entry(_list(company=company), product=product, kind=PERCENT, value="12.5")
    assert _price(company, product) == Decimal("8.74")  # 8.74125


def test_other_companies_contracts_never_leak(company, product):
    other = CompanyMemberFactory().company
    _entry(_list(company=other), product=product, value="1.00")
    assert _price(company, product) == Decimal("20.00")


def test_database_refuses_nonsense_entries(company, product):
    from django.db import IntegrityError, transaction

    contract = _list(company=company)
    for bad in (
        {"value": "-1"},
        {"kind": PERCENT, "value": "101"},
        {"category": None, "product": None},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            _entry(contract, **{"product": product, **bad})
    with pytest.raises(IntegrityError), transaction.atomic():
        _list(company=company, group=CustomerGroup.objects.create(name="G", slug="g"))


def test_quantity_rule_messages_propose_the_nearest_valid_quantity():
    rule = QuantityRule(min_order_quantity=20, order_multiple=10)
    assert rule.problem(20) == "" and rule.problem(70) == ""
    assert "minimum order is 20" in rule.problem(5) and "order at least 20" in rule.problem(5)
    assert "packs of 10" in rule.problem(25) and "Order 20 or 30" in rule.problem(25)
    assert rule.nearest(21) == 30


def test_entry_overrides_quantity_rules(company, product):
    product.min_order_quantity, product.pack_size = 1, 1
    product.save()
    _entry(
        _list(company=company), product=product, value="15", min_order_quantity=6, order_multiple=3
    )
    strategy = CompanyPricing(company=company)
    assert strategy.quantity_rule(product) == QuantityRule(6, 3)


# Storefront -------------------------------------------------------------------


@pytest.fixture
def contract_buyer(company, product):
    member = CompanyMemberFactory(company=company, user=UserFactory(email="b@alpha.example"))
    contract = _list(company=company)
    _entry(contract, product=product, value="15.00")
    _entry(contract, product=product, value="12.00", min_quantity=10)
    return member.user


def test_buyer_sees_their_price_everywhere_and_anonymous_the_list_price(
    client, contract_buyer, product, tree
):
    html = client.get(tree[1].get_absolute_url()).content.decode()
    assert "€20.00" in html and "€15.00" not in html
    client.force_login(contract_buyer)
    assert "€15.00" in client.get(tree[1].get_absolute_url()).content.decode()
    assert "€15.00" in client.get(reverse("search:search"), {"q": "oil filter"}).content.decode()
    detail = client.get(product.get_absolute_url()).content.decode()
    assert 'id="list-price"' in detail and "<s>€20.00</s>" in detail
    assert 'id="price-tiers"' in detail and "€12.00" in detail
    assert 'id="price-explanation"' in detail


def test_pending_company_sees_list_prices(client, contract_buyer, company, tree):
    company.status = company.Status.PENDING
    company.save()
    client.force_login(contract_buyer)
    assert "€20.00" in client.get(tree[1].get_absolute_url()).content.decode()


def test_basket_reprices_a_line_when_it_crosses_a_tier(client, contract_buyer, product):
    client.force_login(contract_buyer)
    client.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": 2})
    basket = Basket.objects.get(owner=contract_buyer)
    assert "€30.00" in client.get(reverse("basket:summary")).content.decode()
    line = basket.lines.get()
    client.post(reverse("basket:summary"), {
        "form-TOTAL_FORMS": 1, "form-INITIAL_FORMS": 1, "form-MIN_NUM_FORMS": 0, "form-MAX_NUM_FORMS": 1000,
        "form-0-id": line.pk, "form-0-quantity": 10,
    })  # fmt: skip
    html = client.get(reverse("basket:summary")).content.decode()
    assert "€120.00" in html  # 10 x 12.00, the 10+ tier
    assert "10 units now cost €12.00 each (€15.00 at 2)" in html


def test_prices_posted_by_the_client_are_ignored(client, contract_buyer, product):
    client.force_login(contract_buyer)
    client.post(reverse("basket:add", kwargs={"pk": product.pk}),
                {"quantity": 1, "price": "0.01", "price_excl_tax": "0.01", "unit_price": "0.01"})  # fmt: skip
    line = Basket.objects.get(owner=contract_buyer).lines.get()
    client.post(reverse("basket:summary"), {
        "form-TOTAL_FORMS": 1, "form-INITIAL_FORMS": 1, "form-MIN_NUM_FORMS": 0, "form-MAX_NUM_FORMS": 1000,
        "form-0-id": line.pk, "form-0-quantity": 1, "form-0-price_excl_tax": "0.01", "form-0-quoted_unit_price": "0.01",
    })  # fmt: skip
    line.refresh_from_db()
    assert line.quoted_unit_price is None
    html = client.get(reverse("basket:summary")).content.decode()
    assert "€15.00" in html and "€0.01" not in html


def test_a_locked_quoted_price_beats_the_contract(client, contract_buyer, product):
    client.force_login(contract_buyer)
    client.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": 10})
    Basket.objects.get(owner=contract_buyer).lines.update(
        quoted_unit_price=Decimal("9.50"), quote_reference="Q-1"
    )
    assert "€95.00" in client.get(reverse("basket:summary")).content.decode()


def test_quantity_rules_are_enforced_on_add_with_a_proposal(client, contract_buyer, tree):
    packed = ProductFactory(category=tree[1], min_order_quantity=20, pack_size=10)
    client.force_login(contract_buyer)
    response = client.post(
        reverse("basket:add", kwargs={"pk": packed.pk}), {"quantity": 25}, follow=True
    )
    assert "Order 20 or 30" in response.content.decode()
    assert not Basket.objects.filter(owner=contract_buyer, lines__product=packed).exists()
    client.post(reverse("basket:add", kwargs={"pk": packed.pk}), {"quantity": 30})
    assert Basket.objects.get(owner=contract_buyer).lines.get(product=packed).quantity == 30


def _category_queries(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_category_page_costs_three_queries_more_for_a_contract_and_never_grows(
    client, company, tree
):
    parent, child = tree
    contract = _list(company=company)
    _entry(contract, category=parent, kind=PERCENT, value="10")
    member = CompanyMemberFactory(company=company)
    no_contract = UserFactory()
    for _ in range(3):
        _entry(contract, product=ProductFactory(category=child), value="5")
    client.force_login(no_contract)
    plain = _category_queries(client, parent.get_absolute_url())
    client.force_login(member.user)
    small = _category_queries(client, parent.get_absolute_url())
    for _ in range(45):
        _entry(contract, product=ProductFactory(category=child), value="5")
    large = _category_queries(client, parent.get_absolute_url())
    assert large == small, f"{small} queries with 3 products, {large} with 48"
    # Two for the price book, one for the buyer's tax facts (delivery country, exemption).
    assert small - plain <= 3, f"{plain} queries without a contract, {small} with one"


def test_basket_pricing_queries_do_not_grow_with_its_lines(client, contract_buyer, tree):
    products = [ProductFactory(category=tree[1]) for _ in range(30)]
    contract = PriceList.objects.get(company__members__user=contract_buyer)
    for product in products:
        _entry(contract, product=product, value="3.00")
    client.force_login(contract_buyer)
    for product in products[:3]:
        client.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": 1})
    small = _category_queries(client, reverse("basket:summary"))
    for product in products[3:]:
        client.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": 1})
    large = _category_queries(client, reverse("basket:summary"))
    assert large == small, f"{small} queries with 3 lines, {large} with 30"
    assert "€90.00" in client.get(reverse("basket:summary")).content.decode()


def test_anonymous_visitors_can_be_asked_to_log_in_for_a_price(
    client, settings, contract_buyer, tree
):
    settings.SHOP_ANONYMOUS_PRICES = "login"
    html = client.get(tree[1].get_absolute_url()).content.decode()
    assert "Log in for your price" in html and "€20.00" not in html
    client.force_login(contract_buyer)
    html = client.get(tree[1].get_absolute_url()).content.decode()
    assert "€15.00" in html and "Log in for your price" not in html


def test_order_again_respects_pack_sizes(client, contract_buyer, tree):
    from oscar.test.factories import create_order

    packed = ProductFactory(category=tree[1], min_order_quantity=10, pack_size=10)
    order = create_order(user=contract_buyer)
    line = order.lines.get()
    line.product, line.quantity = packed, 7  # a quantity that is no longer orderable
    line.save()
    order.company = contract_buyer.company_memberships.get().company
    order.save()
    client.force_login(contract_buyer)
    response = client.post(reverse("customer:order", kwargs={"order_number": order.number}),
                           {"order_id": order.pk, "action": "reorder"}, follow=True)  # fmt: skip
    assert "minimum order is 10" in response.content.decode()
    assert not Basket.objects.filter(owner=contract_buyer, lines__product=packed).exists()


def test_quantity_overrides_on_the_first_tier_hold_for_all_tiers(company, product):
    product.min_order_quantity, product.pack_size = 1, 1
    product.save()
    contract = _list(company=company)
    _entry(contract, product=product, value="15", min_order_quantity=4, order_multiple=2)
    _entry(contract, product=product, value="12", min_quantity=50)
    strategy = CompanyPricing(company=company)
    assert strategy.quantity_rule(product) == QuantityRule(4, 2)
    book = PriceBook(company=company)
    assert book.price(product, product.stockrecords.get(), 60).rule == QuantityRule(4, 2)


# Validity dates are days, both inclusive (issue 10) ------------------------------------------


def test_a_list_applies_through_the_whole_of_its_first_and_last_day(company, product):
    import time_machine

    contract = _list(company=company, valid_from=date(2027, 1, 1), valid_until=date(2027, 12, 31))
    _entry(contract, product=product, value="14")
    for moment, price in (
        (datetime(2026, 12, 31, 23, 59, 59, tzinfo=UTC), "20.00"),  # the day before
        (datetime(2027, 1, 1, 0, 0, tzinfo=UTC), "14.00"),  # its first minute
        (datetime(2027, 12, 31, 0, 0, tzinfo=UTC), "14.00"),  # midnight opening the last day
        (datetime(2027, 12, 31, 23, 59, tzinfo=UTC), "14.00"),  # 23:59 of the last day
        (datetime(2028, 1, 1, 0, 0, tzinfo=UTC), "20.00"),  # the day after
    ):
        with time_machine.travel(moment, tick=False):
            assert _price(company, product) == Decimal(price), moment
            assert contract.is_valid_at() == (price == "14.00"), moment


def test_a_one_day_list_is_allowed_and_an_end_before_the_start_is_refused(company, account_manager):
    from shop.pricing.services import PricingError, price_list_save

    day = date(2027, 6, 1)
    one_day = PriceList(code="one-day", name="Fair day", company=company,
                        valid_from=day, valid_until=day)  # fmt: skip
    assert price_list_save(price_list=one_day, by_user=account_manager).pk
    backwards = PriceList(code="back", name="Backwards", company=company,
                          valid_from=day, valid_until=day - timedelta(days=1))  # fmt: skip
    with pytest.raises(PricingError, match="cannot come before"):
        price_list_save(price_list=backwards, by_user=account_manager)


@pytest.mark.parametrize(
    ("valid_from", "valid_until", "words"),
    [
        (date(2026, 1, 1), date(2027, 12, 31), "valid from 1 Jan 2026 until 31 Dec 2027"),
        (date(2026, 1, 1), None, "valid from 1 Jan 2026, no end date"),
        (None, date(2099, 12, 31), "valid until 31 Dec 2099"),
        (None, None, "no end date"),
    ],
)
def test_the_price_explanation_says_the_validity_in_words(
    company, product, valid_from, valid_until, words
):
    import time_machine

    _entry(_list(company=company, valid_from=valid_from, valid_until=valid_until),
           product=product, value="14")  # fmt: skip
    with time_machine.travel(datetime(2026, 6, 1, 12, 0, tzinfo=UTC), tick=False):
        resolved = PriceBook(company=company).price(product, product.stockrecords.get())
    assert resolved.unit_price == Decimal("14.00")
    details = " | ".join(step.detail for step in resolved.chain)
    assert f"({words})" in details
    assert "open start" not in details and " to " not in details
