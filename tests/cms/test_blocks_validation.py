"""Blocks tell the editor what is wrong: empty carousel, deleted product, bad link, bad count."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from wagtail.models import Page, Site
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from cms.blocks import (
    CallToActionBlock,
    HeroBlock,
    LinkBlock,
    ProductCarouselBlock,
    link_problem,
)
from cms.models import HomePage, LandingPage
from tests.factories import ProductFactory, category_create

pytestmark = pytest.mark.django_db


def _errors(block, value) -> str:
    with pytest.raises(ValidationError) as caught:
        block.clean(block.to_python(value))
    error = caught.value
    parts = [str(e) for e in getattr(error, "non_block_errors", [])]
    parts += [f"{name}: {' '.join(e.messages)}" for name, e in getattr(error, "block_errors", {}).items()]  # fmt: skip
    return " | ".join(parts) or " ".join(error.messages)


def _carousel(**value):
    return {"heading": "", "products": [], "category": None, "count": 8, **value}


def test_an_empty_carousel_asks_for_products_or_a_category():
    message = _errors(ProductCarouselBlock(), _carousel())
    assert "This carousel is empty: pick at least one product, or choose a category" in message


def test_a_deleted_product_in_a_carousel_is_named_as_such():
    product = ProductFactory()
    value = _carousel(products=[product.pk])
    product.delete()
    message = _errors(ProductCarouselBlock(), value)
    assert message.startswith("products: One of the products picked here no longer exists")


@pytest.mark.parametrize("count", [0, 13, -2])
def test_a_count_out_of_range_says_the_range(count):
    category = category_create("Filters")
    message = _errors(ProductCarouselBlock(), _carousel(category=category.pk, count=count))
    assert f"count: Show between 1 and 12 products (you entered {count})." == message


def test_a_carousel_with_products_or_a_category_is_valid():
    category = category_create("Filters")
    block = ProductCarouselBlock()
    assert block.clean(block.to_python(_carousel(category=category.pk)))["category"] == category
    product = ProductFactory()
    assert block.clean(block.to_python(_carousel(products=[product.pk])))["products"][0] == product


def test_a_new_carousel_starts_without_an_empty_product_entry():
    """The editor who only chooses a category is not told to remove an entry never filled."""
    block = ProductCarouselBlock()
    assert list(block.get_default()["products"]) == []
    category = category_create("Filters")
    value = block.get_default()
    value["category"] = category
    assert block.clean(value)["category"] == category


@pytest.mark.parametrize(
    "url,expected",
    [
        ("shop/catalogue", "start with / for a page on this site"),
        ("www.example.com", "start with / for a page on this site"),
        ("javascript:alert(1)", "is not a link we can follow"),
        ("//evil.example/x", "is not a link we can follow"),
        ("/shop/ catalogue/", "A link cannot contain spaces"),
        ("https://localhost", "has no site name after https://"),
    ],
)
def test_bad_links_are_refused_with_a_fix(url, expected):
    assert expected in link_problem(url)
    with pytest.raises(ValidationError) as caught:
        LinkBlock().clean(url)
    assert expected in caught.value.messages[0]


@pytest.mark.parametrize(
    "url",
    [
        "/shop/catalogue/",
        "https://www.example.com/a?b=1",
        "mailto:sales@partshub.example",
        "tel:+49421",
    ],
)
def test_good_links_pass(url):
    assert link_problem(url) == ""
    assert LinkBlock().clean(url) == url


def test_a_call_to_action_with_a_bad_link_names_the_field():
    message = _errors(
        CallToActionBlock(),
        {"title": "Apply", "text": "", "button_label": "Go", "button_url": "apply-now"},
    )
    assert message.startswith("button_url: 'apply-now' is not a link we can follow")


def test_a_hero_button_needs_both_label_and_link():
    block = HeroBlock()
    base = {"heading": "Hi", "text": "", "image": None}
    assert "Give the button a link" in _errors(
        block, {**base, "button_label": "Go", "button_url": ""}
    )
    assert "Give the button a label" in _errors(
        block, {**base, "button_label": "", "button_url": "/x/"}
    )
    assert block.clean(block.to_python({**base, "button_label": "", "button_url": ""}))


# In the editor: the messages reach the page form -----------------------------------


@pytest.fixture
def home(db):
    home = Page.get_first_root_node().add_child(instance=HomePage(title="Home", slug="home-v"))
    site = Site.objects.get(is_default_site=True)
    site.root_page = home
    site.save()
    return home


def _add_landing(client, home, body):
    data = nested_form_data(
        {
            "title": "Campaign",
            "slug": "campaign",
            "body": streamfield(body),
            "comments": inline_formset([]),
            "action-publish": "action-publish",
        }
    )
    url = reverse("wagtailadmin_pages:add", args=["cms", "landingpage", home.pk])
    return client.post(url, data)


def test_the_editor_sees_why_a_landing_page_cannot_be_published(client, superuser, home):
    client.force_login(superuser)
    response = _add_landing(
        client,
        home,
        [
            ("product_carousel", {"heading": "Picks", "products": streamfield([]), "category": "", "count": "8"}),
            ("call_to_action", {"title": "Go", "text": "", "button_label": "Go", "button_url": "go.html"}),
        ],
    )  # fmt: skip
    assert response.status_code == 200  # the form again, not a redirect
    html = response.content.decode()
    assert "This carousel is empty" in html
    assert (
        "&#x27;go.html&#x27; is not a link we can follow" in html
        or "'go.html' is not a link" in html
    )
    assert not LandingPage.objects.exists()


def test_the_editor_publishes_a_landing_page_with_a_category_carousel(client, superuser, home):
    category = category_create("Brakes")
    client.force_login(superuser)
    response = _add_landing(
        client,
        home,
        [("product_carousel", {"heading": "Brakes", "products": streamfield([]), "category": str(category.pk), "count": "4"})],
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    page = LandingPage.objects.get()
    assert page.live and page.body[0].value["category"] == category


def test_the_product_chooser_lists_and_finds_shop_products(client, superuser):
    ProductFactory(title="Hex bolt M8")
    ProductFactory(title="Oil filter W712")
    client.force_login(superuser)
    html = client.get(reverse("product_chooser:choose")).content.decode()
    assert "Hex bolt M8" in html and "Oil filter W712" in html
    found = client.get(reverse("product_chooser:choose_results"), {"q": "filter"}).content.decode()
    assert "Oil filter W712" in found and "Hex bolt M8" not in found
