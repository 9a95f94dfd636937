"""No cached grid ever shows one audience's prices, stock or ordering controls to another."""

from decimal import Decimal

import pytest
from django.test import Client, override_settings

from tests.shop.caching.helpers import grid, prices, shop_create, stock_labels

pytestmark = pytest.mark.django_db


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _page(client, shop):
    response = client.get(shop.category.get_absolute_url())
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("first", ["alpha", "beta", "gamma", "viewer", "visitor", "nobody"])
def test_every_audience_gets_its_own_grid_whoever_filled_the_cache(first):
    shop = shop_create()
    clients = {
        "alpha": _client(shop.alpha_buyer),
        "viewer": _client(shop.alpha_viewer),
        "beta": _client(shop.beta_buyer),
        "gamma": _client(shop.gamma_buyer),
        "visitor": _client(),
        "nobody": _client(shop.no_company_user),
    }
    expected = {
        "alpha": ["€9.00"], "viewer": ["€9.00"], "gamma": ["€10.00"],
        "beta": ["€12.50"], "visitor": ["€12.50"], "nobody": ["€12.50"],
    }  # fmt: skip
    order = [first, *(name for name in clients if name != first)]
    for _round in range(2):  # the second round is served from the cache
        for name in order:
            response = _page(clients[name], shop)
            shown = [p.split("<")[0].strip() for p in prices(response)]
            assert shown == expected[name], name
            assert response.context["grid_cached"] is bool(_round), name
            html = grid(response)
            # Stock figures only for buyers of a company; add buttons only for those who order.
            has_figures = name in ("alpha", "viewer", "beta", "gamma")
            assert ("100 in stock" in html) is has_figures, name
            assert ("basket/add" in html) is (name != "viewer"), name


@override_settings(SHOP_ANONYMOUS_PRICES="login")
def test_a_signed_in_user_without_company_never_fills_the_visitors_grid():
    shop = shop_create()
    assert "€12.50" in grid(_page(_client(shop.no_company_user), shop))
    visitor = grid(_page(_client(), shop))
    assert "Log in for your price" in visitor and "€12.50" not in visitor


def test_a_contract_price_change_reaches_the_company_at_once():
    shop = shop_create()
    alpha = _client(shop.alpha_buyer)
    assert "€9.00" in grid(_page(alpha, shop))
    shop.contract_entry.value = Decimal("8.25")
    shop.contract_entry.save()
    response = _page(alpha, shop)
    assert "€8.25" in grid(response) and not response.context["grid_cached"]


def test_a_group_list_change_reaches_its_companies_and_no_one_else_misses():
    shop = shop_create()
    gamma, beta = _client(shop.gamma_buyer), _client(shop.beta_buyer)
    _page(gamma, shop), _page(beta, shop)
    shop.group_entry.value = Decimal("10.75")
    shop.group_entry.save()
    assert "€10.75" in grid(_page(gamma, shop))
    assert _page(beta, shop).context["grid_cached"]  # another audience keeps its copy


def test_a_list_price_change_reaches_every_audience():
    shop = shop_create()
    clients = [_client(), _client(shop.beta_buyer), _client(shop.alpha_buyer)]
    for client in clients:
        _page(client, shop)
    shop.record.price = Decimal("13.10")
    shop.record.save()
    assert "€13.10" in grid(_page(clients[0], shop))
    assert "€13.10" in grid(_page(clients[1], shop))
    assert "€9.00" in grid(_page(clients[2], shop))  # the contract's fixed price stays


def test_deleting_a_contract_entry_falls_back_to_the_list_price():
    shop = shop_create()
    alpha = _client(shop.alpha_buyer)
    _page(alpha, shop)
    shop.contract_entry.delete()
    assert "€12.50" in grid(_page(alpha, shop))


@override_settings(SHOP_STOCK_DISPLAY="band", SHOP_STOCK_LOW_BELOW=10)
def test_a_stock_band_keeps_the_grid_until_the_band_changes():
    shop = shop_create()
    beta = _client(shop.beta_buyer)
    assert stock_labels(_page(beta, shop)) == ["In stock"]
    shop.record.num_in_stock = 40  # still "In stock": the cached grid stays valid
    shop.record.save()
    response = _page(beta, shop)
    assert response.context["grid_cached"] and stock_labels(response) == ["In stock"]
    shop.record.num_in_stock = 3  # low stock now
    shop.record.save()
    response = _page(beta, shop)
    assert not response.context["grid_cached"] and stock_labels(response) == ["Low stock"]
    shop.record.allocate(3)  # an order takes the rest: Oscar's atomic update, then signals
    assert stock_labels(_page(beta, shop)) == ["Out of stock"]


def test_stock_shown_as_a_number_changes_with_every_sale():
    shop = shop_create()
    beta = _client(shop.beta_buyer)
    assert stock_labels(_page(beta, shop)) == ["100 in stock"]
    shop.record.allocate(4)
    assert stock_labels(_page(beta, shop)) == ["96 in stock"]


def test_a_company_moved_to_another_group_gets_that_groups_prices():
    shop = shop_create()
    beta = _client(shop.beta_buyer)
    assert "€12.50" in grid(_page(beta, shop))
    company = shop.beta_buyer.company_memberships.get().company
    company.customer_group = shop.gamma_buyer.company_memberships.get().company.customer_group
    company.save()
    assert "€10.00" in grid(_page(beta, shop))
