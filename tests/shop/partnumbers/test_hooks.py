"""Part numbers where buyers order: quick order, the SKU suggestions, requisition lists, basket."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from oscar.core.loading import get_model

from shop.bulk.models import RequisitionLine, RequisitionList
from shop.partnumbers.models import CustomerPartNumber
from tests.factories import ProductFactory

Basket = get_model("basket", "Basket")
Line = get_model("basket", "Line")

pytestmark = pytest.mark.django_db


@pytest.fixture
def numbered(company, other_company, products):
    """Alpha calls AUT-FL-0001 RAS-FIL-0815; Beta calls AUT-FL-0002 the same."""
    CustomerPartNumber.objects.create(
        company=company, product=products[0], part_number="RAS-FIL-0815"
    )
    CustomerPartNumber.objects.create(
        company=other_company, product=products[1], part_number="BETA-77"
    )
    return products


def _basket(user):
    return Basket.objects.get(owner=user, status="Open")


def test_quick_order_takes_the_companys_part_number_and_shows_both(client, buyer_member, numbered):
    client.force_login(buyer_member.user)
    html = client.post(
        reverse("bulk:quick-order"), {"lines": "ras.fil.0815 3\nAUT-FL-0001 2", "action": "check"}
    ).content.decode()
    # One product: the part number and the SKU lines are merged into one line.
    assert 'value="AUT-FL-0001"' in html and "yours: RAS-FIL-0815" in html
    assert "Your part number RAS-FIL-0815 is our AUT-FL-0001." in html
    assert "had the same SKU as line 1: merged here" in html
    client.post(reverse("bulk:quick-order"), {"lines": "RASFIL0815 3", "action": "add"})
    assert dict(_basket(buyer_member.user).lines.values_list("product__upc", "quantity")) == {
        "AUT-FL-0001": 3
    }


def test_another_companys_part_number_is_unknown_in_quick_order(client, buyer_member, numbered):
    client.force_login(buyer_member.user)
    html = client.post(
        reverse("bulk:quick-order"), {"lines": "BETA-77 1", "action": "add"}
    ).content.decode()
    assert "Unknown SKU BETA-77." in html and "not one of your part numbers either" in html
    assert not Basket.objects.filter(owner=buyer_member.user, lines__isnull=False).exists()


def test_quick_order_queries_stay_constant_with_part_numbers(client, buyer_member, company):
    products = [ProductFactory(upc=f"PN-{i:04d}") for i in range(60)]
    CustomerPartNumber.objects.bulk_create(
        CustomerPartNumber(company=company, product=p, part_number=f"C-{i}", normalized=f"C{i}")
        for i, p in enumerate(products)
    )
    client.force_login(buyer_member.user)

    def cost(n: int) -> int:
        Basket.objects.filter(owner=buyer_member.user).delete()
        text = "\n".join(f"C-{i} 2" for i in range(n))
        client.get(reverse("bulk:quick-order"))
        with CaptureQueriesContext(connection) as ctx:
            response = client.post(reverse("bulk:quick-order"), {"lines": text, "action": "add"})
        assert response.status_code == 302
        assert _basket(buyer_member.user).lines.count() == n
        return len(ctx.captured_queries)

    cost(10)  # the first run fills per-process caches (content types, the price book's versions)
    assert cost(10) == cost(60)


def test_sku_suggestions_put_the_companys_part_numbers_first(
    client, buyer_member, other_admin, numbered
):
    client.force_login(buyer_member.user)
    results = client.get(reverse("bulk:sku-suggest"), {"q": "ras-fil"}).json()["results"]
    assert results == [
        {"sku": "AUT-FL-0001", "title": "Oil filter 1", "part_number": "RAS-FIL-0815"}
    ]
    assert client.get(reverse("bulk:sku-suggest"), {"q": "BETA-7"}).json()["results"] == []
    client.force_login(other_admin.user)
    results = client.get(reverse("bulk:sku-suggest"), {"q": "beta"}).json()["results"]
    assert results[0]["part_number"] == "BETA-77"


def test_requisition_list_adds_by_part_number_and_shows_both(client, buyer_member, numbered):
    requisition = RequisitionList.objects.create(
        company=buyer_member.company, owner=buyer_member.user, name="Monthly"
    )
    RequisitionLine.objects.create(requisition=requisition, product=numbered[1], quantity=1)
    client.force_login(buyer_member.user)
    html = client.get(reverse("bulk:list-detail", args=[requisition.pk])).content.decode()
    assert 'id="list-add-code"' in html and "yours:" not in html
    response = client.post(
        reverse("bulk:quick-order"),
        {"sku": "ras-fil-0815", "quantity": "4", "action": "save_list", "list": requisition.pk},
    )
    assert response.status_code == 302
    assert dict(requisition.lines.values_list("product__upc", "quantity")) == {
        "AUT-FL-0001": 4,
        "AUT-FL-0002": 1,
    }
    html = client.get(reverse("bulk:list-detail", args=[requisition.pk])).content.decode()
    assert "yours: RAS-FIL-0815" in html and "BETA-77" not in html


def test_the_basket_shows_the_companys_part_number_beside_the_sku(client, buyer_member, numbered):
    basket = Basket.objects.create(owner=buyer_member.user)
    for product in numbered[:2]:
        record = product.stockrecords.get()
        Line.objects.create(
            basket=basket, line_reference=f"{product.pk}_{record.pk}", product=product,
            stockrecord=record, quantity=1, price_currency="EUR", price_excl_tax=Decimal("12.50"),
        )  # fmt: skip
    client.force_login(buyer_member.user)
    html = client.get(reverse("basket:summary")).content.decode()
    assert "yours: RAS-FIL-0815" in html
    assert "BETA-77" not in html  # another company's number for the second product


def test_part_numbers_with_spaces_resolve_in_quick_order_and_lists(client, buyer_member, numbered):
    """Typed with spaces, or stored with spaces: compared as letters and digits everywhere."""
    CustomerPartNumber.objects.create(
        company=buyer_member.company, product=numbered[2], part_number="RAS KIT 12"
    )
    client.force_login(buyer_member.user)
    html = client.post(
        reverse("bulk:quick-order"),
        {"lines": "RAS FIL 0815 3\nras-kit-12 2\nRAS KIT 12;1\nBETA 77 1", "action": "check"},
    ).content.decode()
    assert "Your part number RAS-FIL-0815 is our AUT-FL-0001." in html
    assert "Your part number RAS KIT 12 is our AUT-FL-0003." in html
    assert 'value="AUT-FL-0001"' in html and 'value="AUT-FL-0003"' in html
    assert "had the same SKU as line 2: merged here" in html  # "RAS KIT 12;1" is the same
    # Another company's number is still unknown, with the usual explanation.
    assert "Write one SKU and one quantity per line." in html
    client.post(reverse("bulk:quick-order"), {"lines": "RAS FIL 0815 3", "action": "add"})
    # The basket's "Add by SKU" row sends one code field and one quantity field.
    client.post(
        reverse("bulk:quick-order"), {"sku": "ras kit 12", "quantity": "2", "action": "add"}
    )
    assert dict(_basket(buyer_member.user).lines.values_list("product__upc", "quantity")) == {
        "AUT-FL-0001": 3,
        "AUT-FL-0003": 2,
    }
    requisition = RequisitionList.objects.create(
        company=buyer_member.company, owner=buyer_member.user, name="Monthly"
    )
    response = client.post(
        reverse("bulk:quick-order"),
        {"sku": "RAS FIL 0815", "quantity": "4", "action": "save_list", "list": requisition.pk},
    )
    assert response.status_code == 302
    assert dict(requisition.lines.values_list("product__upc", "quantity")) == {"AUT-FL-0001": 4}


def test_a_code_with_spaces_without_a_quantity_is_not_read_as_a_count(
    client, buyer_member, numbered
):
    client.force_login(buyer_member.user)
    html = client.post(
        reverse("bulk:quick-order"), {"lines": "RAS FIL 0815", "action": "check"}
    ).content.decode()
    assert "Write one SKU and one quantity per line." in html
    assert "Your part number" not in html
