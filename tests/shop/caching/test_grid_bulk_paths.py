"""Bulk writes that send no model signals still make the cached grids stale."""

import pytest
from django.test import Client

from shop.partner.services import stock_upsert
from shop.pricing.models import PriceList
from shop.pricing.services import price_list_entries_upsert
from tests.shop.caching.helpers import grid, shop_create

pytestmark = pytest.mark.django_db


def _grid(client, shop) -> str:
    return grid(client.get(shop.category.get_absolute_url()))


def test_the_erps_stock_upsert_reaches_cached_grids():
    shop = shop_create()
    visitor, beta = Client(), Client()
    beta.force_login(shop.beta_buyer)
    assert "€12.50" in _grid(visitor, shop) and "100 in stock" in _grid(beta, shop)
    item = {"sku": shop.product.upc, "partner": shop.record.partner.code, "price": "14.20",
            "num_in_stock": 7}  # fmt: skip
    result = stock_upsert(items=[item], atomic=True, by_user=shop.no_company_user)
    assert result.applied and result.items[0].status == "updated"
    assert "€14.20" in _grid(visitor, shop)
    assert "7 in stock" in _grid(beta, shop)


def test_a_bulk_price_list_upsert_reaches_the_companys_cached_grid():
    shop = shop_create()
    alpha = Client()
    alpha.force_login(shop.alpha_buyer)
    assert "€9.00" in _grid(alpha, shop)
    contract = PriceList.objects.get(code="alpha-contract")
    result = price_list_entries_upsert(
        price_list=contract, items=[{"sku": shop.product.upc, "price": "7.40"}], atomic=True,
        by_user=shop.no_company_user,
    )  # fmt: skip
    assert result.applied and result.items[0].status == "updated"
    assert "€7.40" in _grid(alpha, shop)
