"""The demo data command is complete, believable and idempotent."""

from decimal import Decimal
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management import call_command
from oscar.core.loading import get_model
from wagtail.models import Page, Site

from cms.models import HomePage
from shop.companies.models import Company, CompanyAddress, CompanyMember

Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")
Category = get_model("catalogue", "Category")
Country = get_model("address", "Country")

pytestmark = pytest.mark.django_db


def _counts() -> dict[str, int]:
    return {
        "products": Product.objects.count(),
        "stock": StockRecord.objects.count(),
        "categories": Category.objects.count(),
        "users": get_user_model().objects.count(),
        "emails": EmailAddress.objects.count(),
        "companies": Company.objects.count(),
        "members": CompanyMember.objects.count(),
        "pages": Page.objects.count(),
        "countries": Country.objects.count(),
    }


def test_seed_demo_creates_a_complete_portal_and_prints_logins():
    out = StringIO()
    call_command("seed_demo", products=120, stdout=out)
    output = out.getvalue()
    assert Product.objects.count() == 120
    assert StockRecord.objects.filter(price__gt=0, price_currency="EUR").count() == 120
    assert Product.objects.filter(categories__isnull=True).count() == 0
    assert Product.objects.filter(pack_size__gt=1).exists()
    assert Category.objects.filter(depth=1).count() >= 8
    assert len(set(Product.objects.values_list("title", flat=True))) == 120
    assert Company.objects.filter(status=Company.Status.ACTIVE).count() == 3
    for company in Company.objects.all():
        assert company.customer_group is not None
        assert company.addresses.filter(kind="billing", is_default=True).count() == 1
        assert company.addresses.filter(kind="shipping", is_default=True).count() == 1
    assert not CompanyMember.objects.filter(role="buyer", order_limit__isnull=True).exists()
    # The README promises every company all four roles, to try each of them on the demo.
    for company in Company.objects.all():
        roles = set(company.members.filter(is_active=True).values_list("role", flat=True))
        assert roles == {r.value for r in CompanyMember.Role}, company
    # Checkout offers shipping countries only: every market and every company address's.
    shipping = set(
        Country.objects.filter(is_shipping_country=True).values_list("iso_3166_1_a2", flat=True)
    )
    assert {"DE", "AT", "CH", "NL", "BE", "FR", "IT", "ES", "PT", "SE", "DK", "NO", "FI", "PL",
            "GB", "IE"} <= shipping  # fmt: skip
    assert set(CompanyAddress.objects.values_list("country", flat=True)) <= shipping
    assert not Country.objects.filter(printable_name="").exists()
    User = get_user_model()
    assert User.objects.filter(is_superuser=True).count() == 1
    assert User.objects.filter(groups__name="Account managers").count() == 2
    assert User.objects.filter(groups__name="Sales managers").count() == 1
    # The content team: eddie drafts, maria also publishes; neither is staff.
    assert User.objects.filter(groups__name="Editors", is_staff=False).count() == 2
    assert list(
        User.objects.filter(groups__name="Moderators", is_staff=False).values_list(
            "email", flat=True
        )
    ) == ["maria.moderator@partshub.example"]
    assert "maria.moderator@partshub.example" in output
    assert not EmailAddress.objects.filter(verified=False).exists()
    assert Site.objects.get(is_default_site=True).root_page.specific_class is HomePage
    assert "jonas.weber@rheinland-auto.example" in output
    assert "partshub-demo-2026" in output
    assert "120/120" in output  # the progress bar reached the end


def test_seed_demo_twice_changes_nothing():
    call_command("seed_demo", products=60, verbosity=0)
    before = _counts()
    snapshot = list(Product.objects.order_by("id").values_list("id", "title", "date_updated"))
    call_command("seed_demo", products=60, verbosity=0)
    assert _counts() == before
    assert (
        list(Product.objects.order_by("id").values_list("id", "title", "date_updated")) == snapshot
    )


def test_seed_demo_grows_the_catalogue_to_the_requested_size():
    call_command("seed_demo", products=30, verbosity=0)
    call_command("seed_demo", products=75, verbosity=0)
    assert Product.objects.count() == 75


def test_demo_buyer_can_log_in_with_the_printed_password(client):
    call_command("seed_demo", products=10, verbosity=0)
    assert client.login(
        username="jonas.weber@rheinland-auto.example", password="partshub-demo-2026"
    )


def test_seed_demo_gives_the_stock_cost_prices_and_fills_only_missing_ones():
    call_command("seed_demo", products=30, verbosity=0)
    records = list(StockRecord.objects.order_by("id"))
    assert len(records) == 30
    for record in records:  # 55-70 % of the list price, so quote margins can be computed
        assert record.cost_price is not None, record.partner_sku
        assert (
            record.price * Decimal("0.549") <= record.cost_price <= record.price * Decimal("0.701")
        )
    assert len({record.cost_price / record.price for record in records}) > 1
    # A database seeded before cost prices existed gets them; a cost someone set is kept.
    missing, edited = records[0], records[1]
    StockRecord.objects.filter(pk=missing.pk).update(cost_price=None)
    StockRecord.objects.filter(pk=edited.pk).update(cost_price=Decimal("1.23"))
    call_command("seed_demo", products=30, verbosity=0)
    assert StockRecord.objects.get(pk=missing.pk).cost_price == missing.cost_price
    assert StockRecord.objects.get(pk=edited.pk).cost_price == Decimal("1.23")


def test_seed_demo_stocks_at_least_one_minimum_order_and_tops_up_old_databases():
    call_command("seed_demo", products=30, verbosity=0)
    records = list(StockRecord.objects.select_related("product").order_by("id"))
    for record in records:  # sold out, or enough for the minimum order (AUT-FL-000015: 5)
        assert record.num_in_stock == 0 or (
            record.num_in_stock >= record.product.min_order_quantity
        ), record.partner_sku
    oil_filter = next(r for r in records if r.partner_sku == "AUT-FL-000015")
    assert oil_filter.product.min_order_quantity == 5 and oil_filter.num_in_stock >= 5
    # A database seeded before: stock below the minimum is topped up, sold out stays sold out.
    low = next(r for r in records if r.product.min_order_quantity > 1 and r.num_in_stock)
    StockRecord.objects.filter(pk=low.pk).update(num_in_stock=1, num_allocated=0)
    sold_out = next((r for r in records if r.num_in_stock == 0), None)
    call_command("seed_demo", products=30, verbosity=0)
    assert StockRecord.objects.get(pk=low.pk).num_in_stock == low.product.min_order_quantity
    if sold_out is not None:
        assert StockRecord.objects.get(pk=sold_out.pk).num_in_stock == 0
    call_command("seed_demo", products=30, verbosity=0)  # idempotent
    assert StockRecord.objects.get(pk=low.pk).num_in_stock == low.product.min_order_quantity
