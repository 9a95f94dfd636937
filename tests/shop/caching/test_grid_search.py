"""The search results' cached grid keeps prices and part numbers to their own company."""

import pytest
from django.test import Client
from django.urls import reverse

from shop.partnumbers.models import CustomerPartNumber
from tests.shop.caching.helpers import grid, prices, shop_create

pytestmark = pytest.mark.django_db


def _search(client):
    response = client.get(reverse("search:search"), {"q": "cache test bearing"})
    assert response.status_code == 200
    return response


def test_search_grids_never_cross_companies_or_reach_visitors():
    shop = shop_create()
    alpha_company = shop.alpha_buyer.company_memberships.get().company
    CustomerPartNumber.objects.create(
        company=alpha_company, product=shop.product, part_number="ALPHA-77"
    )
    alpha, beta, visitor = Client(), Client(), Client()
    alpha.force_login(shop.alpha_buyer)
    beta.force_login(shop.beta_buyer)
    for _round in range(2):
        seen = {name: _search(c) for name, c in (("alpha", alpha), ("beta", beta), ("v", visitor))}
        assert prices(seen["alpha"])[0].startswith("€9.00")
        assert prices(seen["beta"])[0].startswith("€12.50")
        assert prices(seen["v"])[0].startswith("€12.50")
        assert "ALPHA-77" in grid(seen["alpha"])
        for name in ("beta", "v"):
            html = seen[name].content.decode()
            assert "ALPHA-77" not in html and "100 in stock" not in grid(seen["v"])
        assert "{#" not in seen["alpha"].content.decode()  # no template comment leaks out
    assert seen["beta"].context["grid_cached"]
    shop.contract_entry.value = 8
    shop.contract_entry.save()
    assert prices(_search(alpha))[0].startswith("€8.00")
