"""A cached grid carries each request's own CSRF token; the cached chrome follows changes."""

import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from oscar.core.loading import get_model

from shop.basket.services import QuotedLine, basket_add_quoted_lines
from shop.caching.grid import CSRF_PLACEHOLDER
from tests.factories import ProductFactory
from tests.shop.caching.helpers import grid, shop_create

pytestmark = pytest.mark.django_db
Basket = get_model("basket", "Basket")
Notification = get_model("communication", "Notification")


def _token(response) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', grid(response)).group(1)


def test_a_cached_grid_has_the_requests_own_token_and_its_form_posts():
    shop = shop_create()
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.force_login(shop.alpha_buyer)
    second.force_login(shop.beta_buyer)
    url = shop.category.get_absolute_url()
    first.get(url)
    hits = [second.get(url), second.get(url)]
    assert all(r.context["grid_cached"] for r in hits[1:])
    for response in hits:
        assert CSRF_PLACEHOLDER not in response.content.decode()
    add = reverse("basket:add", kwargs={"pk": shop.product.pk})
    posted = second.post(add, {"quantity": 1, "csrfmiddlewaretoken": _token(hits[-1])})
    assert posted.status_code == 302
    assert Basket.objects.get(owner=shop.beta_buyer, status="Open").num_lines == 1


def test_a_visitor_served_from_the_cache_can_add_to_the_basket():
    shop = shop_create()
    url = shop.category.get_absolute_url()
    Client().get(url)  # another visitor fills the cache
    visitor = Client(enforce_csrf_checks=True)
    response = visitor.get(url)
    assert response.context["grid_cached"]
    add = reverse("basket:add", kwargs={"pk": shop.product.pk})
    posted = visitor.post(add, {"quantity": 1, "csrfmiddlewaretoken": _token(response)})
    assert posted.status_code == 302
    assert "€12.50" in visitor.get(url).content.decode().split('class="basket-mini')[1][:400]


def test_the_header_basket_summary_follows_the_basket():
    shop = shop_create()
    client = Client()
    client.force_login(shop.alpha_buyer)
    url = shop.category.get_absolute_url()

    def summary() -> str:
        html = client.get(url).content.decode()
        return html.split('class="basket-mini')[1][:300]

    assert "€0.00" in summary()
    client.post(reverse("basket:add", kwargs={"pk": shop.product.pk}), {"quantity": 2})
    assert "€18.00" in summary()  # two at the contract's 9.00
    shop.contract_entry.value = 8
    shop.contract_entry.save()
    assert "€16.00" in summary()
    # Lines written in bulk send no signals: the quick order (and the lists and re-orders
    # that go through it) and an accepted quote bump the basket themselves.
    sku = shop.product.stockrecords.get().partner_sku
    added = client.post(reverse("bulk:quick-order"), {"sku": sku, "quantity": 1, "action": "add"})
    assert added.status_code == 302
    assert "€24.00" in summary()  # three at 8.00
    basket = Basket.objects.get(owner=shop.alpha_buyer, status="Open")
    other = ProductFactory(title="Quoted seal kit", category=shop.category)
    basket_add_quoted_lines(
        basket=basket,
        reference="Q-1",
        lines=[QuotedLine(product_id=other.pk, quantity=1, unit_price=Decimal("5.00"))],
    )
    assert "€29.00" in summary()


def test_the_unread_count_and_staff_links_follow_their_changes():
    from django.contrib.auth.models import Group, Permission

    shop = shop_create()
    client = Client()
    client.force_login(shop.alpha_buyer)
    url = shop.category.get_absolute_url()
    assert client.get(url).context["num_unread_notifications"] == 0
    note = Notification.objects.create(recipient=shop.alpha_buyer, subject="Hello")
    assert client.get(url).context["num_unread_notifications"] == 1
    note.delete()
    assert client.get(url).context["num_unread_notifications"] == 0
    editors = Group.objects.create(name="Cache editors")
    assert not client.get(url).context["nav_staff"]["cms"]
    editors.permissions.add(Permission.objects.get(codename="access_admin"))
    shop.alpha_buyer.groups.add(editors)
    assert client.get(url).context["nav_staff"]["cms"]
