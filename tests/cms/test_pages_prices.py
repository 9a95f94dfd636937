"""Product blocks show live prices per viewer, never a cached copy of another company's.

Also: unavailable and deleted products drop out of a carousel, and a page's query count
does not grow with the number of products in its carousels.
"""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from oscar.core.loading import get_model
from wagtail.models import Page, Site

from cms.models import LandingPage
from shop.pricing.models import PriceList, PriceListEntry
from tests.factories import CompanyMemberFactory, ProductFactory, UserFactory, category_create

pytestmark = pytest.mark.django_db
StockRecord = get_model("partner", "StockRecord")


@pytest.fixture
def landing(db):
    root = Page.get_first_root_node()
    site = Site.objects.get(is_default_site=True)
    page = root.add_child(instance=LandingPage(title="Offers", slug="offers-test"))
    site.root_page = page
    site.save()
    return page


def _set_body(page, *blocks):
    page.body = list(blocks)
    page.save_revision().publish()


def _picks(products, heading="Picks"):
    return {
        "type": "product_carousel",
        "value": {"heading": heading, "products": [p.pk for p in products], "category": None, "count": 8},
    }  # fmt: skip


def _contract(company, product, price: str) -> None:
    price_list = PriceList.objects.create(code=f"c-{company.pk}", name="Contract", company=company)
    PriceListEntry.objects.create(
        price_list=price_list, product=product, kind=PriceListEntry.Kind.FIXED,
        value=Decimal(price), min_quantity=1,
    )  # fmt: skip


def _carousel(html: str) -> str:
    start = html.index('class="cms-carousel-block"')
    return html[start : html.index("</ul>", start)]


def test_each_buyer_sees_their_company_price_and_a_visitor_the_list_price(client, landing):
    product = ProductFactory(title="Brake disc 300mm", stock__price=Decimal("80.00"))
    alpha = CompanyMemberFactory(user=UserFactory(email="a@alpha.example"))
    beta = CompanyMemberFactory(user=UserFactory(email="b@beta.example"))
    _contract(alpha.company, product, "61.00")
    _contract(beta.company, product, "72.50")
    _set_body(landing, _picks([product]))

    seen = {}
    # Twice round, in turns: a cache of any kind would hand one viewer another's copy.
    for _ in range(2):
        for name, user in (("alpha", alpha.user), ("beta", beta.user), ("visitor", None)):
            client.logout()
            if user is not None:
                client.force_login(user)
            response = client.get("/")
            assert response.status_code == 200
            seen.setdefault(name, []).append(_carousel(response.content.decode()))
            if user is not None:
                assert "private" in response["Cache-Control"]
            assert "Cookie" in response["Vary"]
    for name, price in (("alpha", "€61.00"), ("beta", "€72.50"), ("visitor", "€80.00")):
        for html in seen[name]:
            assert price in html, name
            others = {"€61.00", "€72.50", "€80.00"} - {price}
            assert not any(other in html for other in others), name
    # Buyers are told the stock on hand; visitors only that it is in stock.
    assert "100 in stock" in seen["alpha"][0] and "100 in stock" not in seen["visitor"][0]


def test_no_cache_middleware_or_fragment_cache_serves_cms_pages():
    cache_middleware = {
        "django.middleware.cache.UpdateCacheMiddleware",
        "django.middleware.cache.FetchFromCacheMiddleware",
        "django.middleware.cache.CacheMiddleware",
    }
    assert not cache_middleware & set(settings.MIDDLEWARE)
    # The templates a CMS page renders, and the shop's price partial its carousel includes.
    templates = [
        *Path(settings.BASE_DIR, "cms", "templates").rglob("*.html"),
        Path(settings.BASE_DIR, "shop/templates/shop/partials/price_and_stock.html"),
        Path(settings.BASE_DIR, "shop/templates/oscar/layout.html"),
    ]
    cache_tag = re.compile(r"{%\s*(cache|wagtailcache|wagtailpagecache)\b")
    for template in templates:
        assert not cache_tag.search(template.read_text()), template


def test_visitors_see_log_in_for_your_price_when_the_setting_says_so(client, landing, settings):
    settings.SHOP_ANONYMOUS_PRICES = "login"
    product = ProductFactory(title="Oil filter W712", stock__price=Decimal("9.40"))
    _set_body(landing, _picks([product]))
    html = _carousel(client.get("/").content.decode())
    assert "Log in for your price" in html and "9.40" not in html
    assert "Add to basket" not in html
    client.force_login(CompanyMemberFactory().user)
    html = _carousel(client.get("/").content.decode())
    assert "€9.40" in html and "Log in for your price" not in html


def test_unavailable_and_deleted_products_drop_out_of_a_carousel(client, landing):
    shown = ProductFactory(title="Shown part")
    hidden = ProductFactory(title="Withdrawn part")
    sold_out = ProductFactory(title="Sold out part", stock__num_in_stock=0)
    no_price = ProductFactory(title="No stock record part", stock=False)
    deleted = ProductFactory(title="Deleted part")
    _set_body(landing, _picks([hidden, shown, sold_out, no_price, deleted]))
    hidden.is_public = False
    hidden.save()
    deleted.delete()
    response = client.get("/")
    assert response.status_code == 200
    html = _carousel(response.content.decode())
    assert "Shown part" in html
    for gone in ("Withdrawn part", "Sold out part", "No stock record part", "Deleted part"):
        assert gone not in html


def test_a_carousel_with_nothing_left_to_show_leaves_no_empty_box(client, landing):
    gone = ProductFactory(title="Gone part")
    _set_body(landing, _picks([gone], heading="Nothing here"))
    gone.delete()
    html = client.get("/").content.decode()
    assert "Nothing here" not in html and "cms-carousel-block" not in html


def test_a_category_carousel_shows_its_newest_buyable_products_up_to_the_count(client, landing):
    parent = category_create("Automotive")
    brakes = category_create("Brakes", parent=parent)
    made = [ProductFactory(title=f"Brake pad set {i}", category=brakes) for i in range(6)]
    ProductFactory(title="Brake pad set sold out", category=brakes, stock__num_in_stock=0)
    _set_body(
        landing,
        {"type": "product_carousel",
         "value": {"heading": "Brakes", "products": [], "category": parent.pk, "count": 4}},
    )  # fmt: skip
    html = _carousel(client.get("/").content.decode())
    assert html.count('data-product-id="') == 4
    assert f'data-product-id="{made[-1].pk}"' in html  # newest first
    assert "sold out" not in html


def _queries(client, url="/") -> int:
    client.get(url)  # warm the per-process caches (content types, thumbnails, site)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("viewer", ["visitor", "buyer"])
def test_page_queries_do_not_grow_with_the_products_in_a_carousel(client, landing, viewer):
    picked = [ProductFactory() for _ in range(12)]
    category = category_create("Valves")
    for _ in range(12):
        ProductFactory(category=category)
    if viewer == "buyer":
        member = CompanyMemberFactory()
        _contract(member.company, picked[0], "5.00")
        client.force_login(member.user)
    tiles = {"type": "category_tiles", "value": {"heading": "", "categories": []}}
    by_category = {"type": "product_carousel",
                   "value": {"heading": "", "products": [], "category": category.pk, "count": 3}}  # fmt: skip
    _set_body(landing, _picks(picked[:3]), dict(by_category), tiles)
    small = _queries(client)
    by_category["value"] = {**by_category["value"], "count": 12}
    _set_body(landing, _picks(picked), by_category, tiles)
    large = _queries(client)
    html = client.get("/").content.decode()
    assert html.count('data-product-id="') == 24
    assert large == small, f"{small} queries with 3 products per carousel, {large} with 12"


def test_an_editor_previewing_as_a_company_sees_that_companys_prices(landing, settings):
    from django.contrib.auth.models import Group
    from django.test import RequestFactory

    settings.SHOP_ANONYMOUS_PRICES = "login"
    product = ProductFactory(title="Brake disc 300mm", stock__price=Decimal("80.00"))
    alpha = CompanyMemberFactory().company
    _contract(alpha, product, "61.00")
    _set_body(landing, _picks([product]))
    editor = UserFactory(email="ed@partshub.example")
    editor.groups.add(Group.objects.get(name="Editors"))
    original = RequestFactory().get("/cms/")
    original.user = editor
    modes = dict(LandingPage.objects.get(pk=landing.pk).preview_modes)
    assert f"audience:company:{alpha.pk}" in modes and "audience:visitor" in modes

    def previewed(mode: str) -> str:
        page = LandingPage.objects.get(pk=landing.pk)
        return _carousel(page.make_preview_request(original, mode).content.decode())

    assert "€61.00" in previewed(f"audience:company:{alpha.pk}")
    assert "Log in for your price" in previewed("audience:visitor")
    buyer = previewed("audience:buyer")
    assert "€80.00" in buyer and "€61.00" not in buyer


def test_a_carousel_card_says_its_quantity_and_the_buyers_own_part_number(client, landing):
    from shop.partnumbers.models import CustomerPartNumber

    packed = ProductFactory(title="Brake pad set", min_order_quantity=2)
    alpha = CompanyMemberFactory(user=UserFactory(email="p@alpha.example"))
    beta = CompanyMemberFactory(user=UserFactory(email="p@beta.example"))
    CustomerPartNumber.objects.create(
        company=alpha.company, product=packed, part_number="ALP-77", normalized="ALP77"
    )
    _set_body(landing, _picks([packed]))
    client.force_login(alpha.user)
    html = _carousel(client.get("/").content.decode())
    assert "Add 2 to basket" in html and 'name="quantity" value="2"' in html
    assert "ALP-77" in html
    client.force_login(beta.user)
    assert "ALP-77" not in _carousel(client.get("/").content.decode())
    client.logout()
    assert "ALP-77" not in _carousel(client.get("/").content.decode())
