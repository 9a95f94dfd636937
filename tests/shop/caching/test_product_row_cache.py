"""The product page's product row, cached under the "catalogue" version with its fragments.

A cached product page reads the row and the page's fragments in one round trip and asks
the database nothing about the product; a change to the product shows at once, and the
page still answers 404 and redirects as Oscar's view does.
"""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import CompanyMemberFactory, ProductFactory, UserFactory, category_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def product(db):
    return ProductFactory(title="Ball bearing 6204", category=category_create("Bearings"))


@pytest.fixture
def buyer_client(db):
    client = Client()
    client.force_login(CompanyMemberFactory(user=UserFactory()).user)
    return client


def _product_queries(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in ctx.captured_queries if 'FROM "catalogue_product"' in q["sql"]]


def test_a_cached_product_page_asks_the_database_nothing_about_the_product(product, buyer_client):
    url = product.get_absolute_url()
    buyer_client.get(url)
    assert _product_queries(buyer_client, url) == []
    assert _product_queries(Client(), url) == _product_queries(Client(), url) == []


def test_a_product_change_shows_at_once(product, buyer_client):
    url = product.get_absolute_url()
    assert "Ball bearing 6204" in buyer_client.get(url).content.decode()
    product.title = "Ball bearing 6204-2RS"
    product.save()
    html = buyer_client.get(url).content.decode()
    assert "<title>\n    Ball bearing 6204-2RS" in html or "Ball bearing 6204-2RS |" in html
    assert "<h1>Ball bearing 6204-2RS</h1>" in html


def test_a_product_taken_off_sale_answers_404_at_once(product, buyer_client):
    url = product.get_absolute_url()
    assert buyer_client.get(url).status_code == 200
    product.is_public = False
    product.save()
    assert buyer_client.get(url).status_code == 404
    assert Client().get(url).status_code == 404


def test_a_variant_answers_404_once_its_parent_is_taken_off_sale(db):
    from oscar.core.loading import get_model

    Product = get_model("catalogue", "Product")  # noqa: N806
    parent = ProductFactory(title="Hydraulic hose", structure=Product.PARENT, stock=False)
    child = ProductFactory(
        title="Hydraulic hose 1 m", structure=Product.CHILD, parent=parent, product_class=None
    )
    url = child.get_absolute_url()
    client = Client()
    assert client.get(url).status_code == 200
    parent.is_public = False
    parent.save()
    assert client.get(url).status_code == 404


def test_a_wrong_slug_still_redirects_and_an_unknown_product_is_404(product, buyer_client):
    url = product.get_absolute_url()
    buyer_client.get(url)  # the row is cached
    wrong = reverse("catalogue:detail", kwargs={"product_slug": "old-name", "pk": product.pk})
    response = buyer_client.get(wrong)
    assert response.status_code == 301 and response["Location"] == url
    unknown = reverse("catalogue:detail", kwargs={"product_slug": "gone", "pk": product.pk + 999})
    assert buyer_client.get(unknown).status_code == 404
    assert buyer_client.get(unknown).status_code == 404


def test_the_page_survives_a_cache_that_fails_to_read_the_row(product, buyer_client, monkeypatch):
    from shop.catalogue import views

    class Failing:
        def get_many(self, keys):
            raise ConnectionError("cache down")

        def __getattr__(self, name):
            return getattr(cache, name)

    monkeypatch.setattr(views, "cache", Failing())
    response = buyer_client.get(product.get_absolute_url())
    assert response.status_code == 200
    assert "Ball bearing 6204" in response.content.decode()
