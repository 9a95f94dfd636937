"""Visitors share one cached copy of a Wagtail page; signed-in users never see or fill it.

The copy is purged on publish and unpublish and when the shop data in its product blocks
changes; banners keep their audiences; the CSRF token and CSP nonce are each request's own.
"""

import re
from decimal import Decimal

import pytest
from django.contrib.messages.storage.fallback import FallbackStorage
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from oscar.core.loading import get_model
from wagtail.models import Page, Site

from cms.caching import CSRF_PLACEHOLDER, NONCE_PLACEHOLDER, visitor_copy_allowed
from cms.models import LandingPage
from cms.promotions.models import Banner
from tests.factories import CompanyFactory, CompanyMemberFactory, ProductFactory

pytestmark = pytest.mark.django_db
StockRecord = get_model("partner", "StockRecord")
TOKEN_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def landing(db):
    root = Page.get_first_root_node()
    site = Site.objects.get(is_default_site=True)
    page = root.add_child(instance=LandingPage(title="Offers", slug="offers-cache"))
    site.root_page = page
    site.save()
    return page


def _publish(page, *blocks) -> None:
    page = LandingPage.objects.get(pk=page.pk)
    page.body = list(blocks)
    page.save_revision().publish()


def _heading(text: str) -> dict:
    return {"type": "heading", "value": text}


def _picks(product) -> dict:
    return {
        "type": "product_carousel",
        "value": {"heading": "Picks", "products": [product.pk], "category": None, "count": 8},
    }


def test_a_visitor_is_served_from_the_cache(landing):
    _publish(landing, _heading("Spring offers"))
    first = Client().get("/")
    assert first["X-Page-Cache"] == "miss" and "Spring offers" in first.content.decode()
    second = Client().get("/")
    assert second["X-Page-Cache"] == "hit" and "Spring offers" in second.content.decode()
    assert "Cookie" in second["Vary"] and "public" not in second.get("Cache-Control", "")


def test_publish_and_unpublish_purge_the_visitors_copy(landing):
    _publish(landing, _heading("Spring offers"))
    Client().get("/")
    _publish(landing, _heading("Summer offers"))
    html = Client().get("/").content.decode()
    assert "Summer offers" in html and "Spring offers" not in html
    child = landing.add_child(instance=LandingPage(title="Brakes week", slug="brakes-week"))
    child.save_revision().publish()
    assert Client().get("/brakes-week/").status_code == 200
    assert Client().get("/brakes-week/")["X-Page-Cache"] == "hit"
    LandingPage.objects.get(pk=child.pk).unpublish()
    assert Client().get("/brakes-week/").status_code == 404


def test_a_signed_in_user_never_gets_nor_fills_the_visitors_copy(landing):
    _publish(landing, _heading("Spring offers"))
    buyer = CompanyMemberFactory().user
    client = Client()
    client.force_login(buyer)
    first = client.get("/")
    assert "X-Page-Cache" not in first and "private" in first["Cache-Control"]
    assert Client().get("/")["X-Page-Cache"] == "miss"  # the buyer's request filled nothing
    second = client.get("/")
    assert "X-Page-Cache" not in second
    html = second.content.decode()
    assert reverse("account_logout") in html  # rendered for the buyer, not a visitor's copy


def test_banners_keep_their_audiences_with_the_cache(landing):
    company = CompanyFactory(legal_name="Rheinland Auto GmbH")
    jonas = CompanyMemberFactory(company=company).user
    Banner.objects.create(title="Welcome, visitor", audience="visitors")
    for_rheinland = Banner.objects.create(title="Rheinland deal", audience="companies")
    for_rheinland.companies.set([company])
    _publish(landing, _heading("Offers"))
    for _ in range(2):
        assert "Welcome, visitor" in Client().get("/").content.decode()
        client = Client()
        client.force_login(jonas)
        html = client.get("/").content.decode()
        assert "Rheinland deal" in html and "Welcome, visitor" not in html
    # A banner switched off leaves the visitors' copy at once.
    Banner.objects.filter(audience="visitors").update(is_active=False)
    Banner.objects.get(title="Welcome, visitor").save()
    assert "Welcome, visitor" not in Client().get("/").content.decode()


def test_a_list_price_change_in_a_product_block_purges_the_copy(landing):
    product = ProductFactory(title="Brake disc 300mm", stock__price=Decimal("80.00"))
    _publish(landing, _picks(product))
    assert "€80.00" in Client().get("/").content.decode()
    record = StockRecord.objects.get(product=product)
    record.price = Decimal("84.00")
    record.save()
    html = Client().get("/").content.decode()
    assert "€84.00" in html and "€80.00" not in html


def test_each_visitor_gets_their_own_csrf_token_and_nonce(landing):
    product = ProductFactory(title="Brake disc 300mm", stock__price=Decimal("80.00"))
    _publish(landing, _picks(product))
    Client().get("/")
    client = Client(enforce_csrf_checks=True)
    response = client.get("/")
    html = response.content.decode()
    assert response["X-Page-Cache"] == "hit"
    assert CSRF_PLACEHOLDER not in html and NONCE_PLACEHOLDER not in html
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    assert f'nonce="{nonce}"' in html
    token = TOKEN_RE.search(html).group(1)
    added = client.post(
        reverse("basket:add", kwargs={"pk": product.pk}),
        {"csrfmiddlewaretoken": token, "quantity": 1},
    )
    assert added.status_code == 302


def test_messages_a_basket_or_a_query_string_skip_the_copy(rf, landing):
    request = rf.get("/")
    request.user = type("Anon", (), {"is_authenticated": False})()
    request.session = {}
    storage = FallbackStorage(request)
    request._messages = storage
    assert visitor_copy_allowed(request)
    storage.add(20, "Added to your basket")
    assert not visitor_copy_allowed(request)
    basket = rf.get("/", HTTP_COOKIE="oscar_open_basket=1:abc")
    basket.user = request.user
    assert not visitor_copy_allowed(basket)
    query = rf.get("/", {"page": "2"})
    query.user = request.user
    assert not visitor_copy_allowed(query)


@pytest.fixture
def early(settings):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "cms.caching.VisitorPageMiddleware"]


def test_the_middleware_serves_the_visitors_copy_without_a_query(landing, early):
    _publish(landing, _heading("Spring offers"))
    Client().get("/")  # filled by the page's serve
    client = Client()
    client.get("/")
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/")
    assert response["X-Page-Cache"] == "hit" and "Spring offers" in response.content.decode()
    assert len(ctx.captured_queries) == 0
    buyer = Client()
    buyer.force_login(CompanyMemberFactory().user)
    assert "X-Page-Cache" not in buyer.get("/")


def test_a_restricted_page_is_never_shared(landing, early):
    from wagtail.models import PageViewRestriction

    child = landing.add_child(instance=LandingPage(title="Partners", slug="partners"))
    child.save_revision().publish()
    PageViewRestriction.objects.create(
        page=child, restriction_type=PageViewRestriction.PASSWORD, password="s3cret"
    )
    # A visitor who gave the password sees the page, and fills no shared copy.
    client = Client()
    session = client.session
    session[PageViewRestriction.passed_view_restrictions_session_key] = [
        PageViewRestriction.objects.get(page=child).pk
    ]
    session.save()
    assert client.get("/partners/").status_code == 200
    stranger = Client().get("/partners/")
    assert stranger.status_code == 200 and "X-Page-Cache" not in stranger
    assert 'name="password"' in stranger.content.decode()


def test_a_cached_copy_or_banner_lasts_no_longer_than_until_a_banner_starts_or_ends(db):
    from datetime import timedelta

    from django.utils import timezone

    from cms.caching import PAGE_SECONDS, _timeout

    assert _timeout() == PAGE_SECONDS
    Banner.objects.create(title="Soon", starts_at=timezone.now() + timedelta(seconds=90))
    assert 1 <= _timeout() <= 91
    Banner.objects.all().delete()
    Banner.objects.create(title="Ending", ends_at=timezone.now() + timedelta(seconds=30))
    assert 1 <= _timeout() <= 31


def test_the_banner_is_cached_per_audience_and_follows_changes(landing):
    company = CompanyFactory(legal_name="Rheinland Auto GmbH")
    jonas = CompanyMemberFactory(company=company).user
    pablo = CompanyMemberFactory().user
    deal = Banner.objects.create(title="Rheinland deal", audience="companies")
    deal.companies.set([company])
    for _ in range(2):
        for user, expected in ((jonas, True), (pablo, False)):
            client = Client()
            client.force_login(user)
            assert ("Rheinland deal" in client.get("/shop/catalogue/").content.decode()) == expected
    deal.companies.set([])  # the m2m change purges the cached banner
    client = Client()
    client.force_login(jonas)
    assert "Rheinland deal" not in client.get("/shop/catalogue/").content.decode()


def test_a_page_key_is_safe_for_any_cache_whatever_the_path(rf):
    from django.contrib.auth.models import AnonymousUser
    from django.core.cache.backends.base import memcache_key_warnings

    from cms.caching import _page_key

    keys = set()
    for path in ("/", "/news/", "/lorem لا بسم الله ipsum 你好/", "/" + "x" * 400 + "/"):
        request = rf.get(path)
        request.user = AnonymousUser()
        key = _page_key(request)
        assert list(memcache_key_warnings(f":1:{key}")) == [], key
        keys.add(key)
    assert len(keys) == 4  # still one key per page
