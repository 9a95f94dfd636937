"""Requisition lists: save a basket, share with the company, order all or some lines again."""

from decimal import Decimal

import pytest
from django.urls import reverse
from oscar.core.loading import get_model

from shop.bulk.models import RequisitionList
from shop.companies.models import CompanyMember
from tests.factories import CompanyMemberFactory, ProductFactory, UserFactory, category_create

pytestmark = pytest.mark.django_db
Basket = get_model("basket", "Basket")


@pytest.fixture
def stocked(db):
    category = category_create("Belts")
    return [
        ProductFactory(upc=f"BLT-{i}", category=category, stock__price=Decimal("5.00"))
        for i in range(3)
    ]


@pytest.fixture
def saved_list(client, buyer_member, stocked):
    client.force_login(buyer_member.user)
    for product, quantity in zip(stocked, (2, 3, 4), strict=True):
        client.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": quantity})
    response = client.post(reverse("bulk:list-index"), {"name": "Monthly belts", "back": "basket"})
    assert response.status_code == 302
    return RequisitionList.objects.get(name="Monthly belts")


def test_basket_saved_as_a_list_and_ordered_again(client, buyer_member, saved_list):
    assert sorted(saved_list.lines.values_list("quantity", flat=True)) == [2, 3, 4]
    Basket.objects.filter(owner=buyer_member.user).delete()
    response = client.post(reverse("bulk:list-order", kwargs={"pk": saved_list.pk}))
    assert response["Location"] == reverse("basket:summary")
    basket = Basket.objects.get(owner=buyer_member.user, status="Open")
    assert sorted(basket.lines.values_list("quantity", flat=True)) == [2, 3, 4]


def test_ordering_only_the_chosen_lines(client, buyer_member, saved_list):
    Basket.objects.filter(owner=buyer_member.user).delete()
    line = saved_list.lines.order_by("id").first()
    client.post(
        reverse("bulk:list-order", kwargs={"pk": saved_list.pk}), {"chosen": "1", "line": [line.pk]}
    )
    basket = Basket.objects.get(owner=buyer_member.user, status="Open")
    assert list(basket.lines.values_list("product_id", "quantity")) == [
        (line.product_id, line.quantity)
    ]
    response = client.post(
        reverse("bulk:list-order", kwargs={"pk": saved_list.pk}), {"chosen": "1"}, follow=True
    )
    assert "Tick the lines to add first" in response.content.decode()


def test_duplicate_names_and_empty_baskets_are_refused(client, buyer_member, saved_list):
    response = client.post(reverse("bulk:list-index"), {"name": "monthly  BELTS"}, follow=True)
    assert "already have a list called" in response.content.decode()
    Basket.objects.filter(owner=buyer_member.user).delete()
    response = client.post(reverse("bulk:list-index"), {"name": "Other"}, follow=True)
    assert "Your basket is empty" in response.content.decode()


def test_owner_edits_quantities_removes_lines_and_shares(client, buyer_member, saved_list):
    first, second, third = saved_list.lines.order_by("id")
    client.post(reverse("bulk:list-update", kwargs={"pk": saved_list.pk}),
                {f"qty_{first.pk}": "10", f"qty_{second.pk}": "0", f"qty_{third.pk}": "4", "shared": "on"})  # fmt: skip
    saved_list.refresh_from_db()
    assert saved_list.is_shared
    assert dict(saved_list.lines.values_list("pk", "quantity")) == {first.pk: 10, third.pk: 4}
    response = client.post(
        reverse("bulk:list-update", kwargs={"pk": saved_list.pk}),
        {f"qty_{first.pk}": "-3"},
        follow=True,
    )
    assert "whole numbers from 0" in response.content.decode()


def test_shared_lists_are_seen_by_colleagues_not_by_other_companies(client, company, saved_list):
    colleague = CompanyMemberFactory(
        company=company, user=UserFactory(email="col@alpha.example")
    ).user
    stranger = CompanyMemberFactory(user=UserFactory(email="x@other.example")).user
    url = reverse("bulk:list-detail", kwargs={"pk": saved_list.pk})
    client.force_login(colleague)
    assert client.get(url).status_code == 404  # private until shared
    saved_list.is_shared = True
    saved_list.save()
    assert client.get(url).status_code == 200
    response = client.post(
        reverse("bulk:list-update", kwargs={"pk": saved_list.pk}), {"shared": ""}, follow=True
    )
    assert "Only the person who made this list" in response.content.decode()
    client.force_login(stranger)
    assert client.get(url).status_code == 404


def test_a_viewer_sees_shared_lists_but_cannot_order_them(client, company, saved_list):
    saved_list.is_shared = True
    saved_list.save()
    viewer = CompanyMemberFactory(company=company, role=CompanyMember.Role.VIEWER).user
    client.force_login(viewer)
    assert client.get(reverse("bulk:list-detail", kwargs={"pk": saved_list.pk})).status_code == 200
    response = client.post(reverse("bulk:list-order", kwargs={"pk": saved_list.pk}), follow=True)
    assert "not order" in response.content.decode()
    assert not Basket.objects.filter(owner=viewer, lines__isnull=False).exists()


def test_lines_that_cannot_be_ordered_any_more_are_reported(
    client, buyer_member, saved_list, stocked
):
    Basket.objects.filter(owner=buyer_member.user).delete()
    stocked[0].stockrecords.update(num_in_stock=0)
    response = client.post(reverse("bulk:list-order", kwargs={"pk": saved_list.pk}), follow=True)
    html = response.content.decode()
    assert "2 lines of" in html and "Not added (1)" in html
