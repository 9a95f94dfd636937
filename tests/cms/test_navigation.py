"""Header and footer: editors' menus and contact details, the shop's categories, /shop/."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.blocks import StructBlockValidationError
from wagtail.models import Site

from cms.models import ContentPage
from cms.navigation.demo import navigation_ensure
from cms.navigation.models import ContactSettings, MenuLinkBlock, NavigationSettings
from tests.factories import category_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(db):
    site = Site.objects.get(is_default_site=True)
    for slug, title in (("about", "About PartsHub"), ("delivery-and-returns", "Delivery")):
        page = site.root_page.add_child(instance=ContentPage(title=title, slug=slug))
        page.save_revision().publish()
    return site


def _link(page=None, url="", label=""):
    return {
        "type": "link",
        "value": {"label": label, "page": page.pk if page else None, "url": url},
    }


def test_the_header_shows_the_categories_beside_the_editors_menu(client, site):
    category_create("Bearings")
    category_create("Hydraulics")
    about = ContentPage.objects.get(slug="about")
    hidden = ContentPage.objects.get(slug="delivery-and-returns")
    hidden.unpublish()
    navigation = NavigationSettings.for_site(site)
    navigation.header_links = [_link(about, label="About us"), _link(hidden),
                               _link(url="/shop/quick-order/", label="Quick order")]  # fmt: skip
    navigation.save()
    html = client.get(reverse("catalogue:index")).content.decode()
    header = html[html.index('id="site-nav"') : html.index("</nav>", html.index('id="site-nav"'))]
    assert "Bearings" in header and "Hydraulics" in header
    assert 'href="/about/">About us<' in header
    assert 'href="/shop/quick-order/">Quick order<' in header
    assert "Delivery" not in header  # an unpublished page drops out instead of a dead link
    assert f'action="{reverse("site-search")}"' in header


def _queries(client, url) -> int:
    # Warm first: a change to the menus or categories purges the cached header and page
    # (cms.caching), and the measure is what a page costs, not its first render after one.
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_header_queries_do_not_grow_with_categories_or_menu_entries(client, site):
    about = ContentPage.objects.get(slug="about")
    navigation = NavigationSettings.for_site(site)
    category_create("Bearings")
    navigation.header_links = [_link(about)]
    navigation.save()
    _queries(client, "/about/")  # warm Oscar's and Wagtail's per-process caches
    few = _queries(client, "/about/")
    for name in ("Fasteners", "Hydraulics", "Pneumatics", "Electrical", "Safety"):
        category_create(name)
    navigation.header_links = [_link(about, label=f"About {n}") for n in range(6)]
    navigation.save()
    assert _queries(client, "/about/") == few


def test_the_footer_shows_the_menus_contact_details_and_social_links(client, site):
    navigation_ensure()
    html = client.get("/about/").content.decode()
    footer = html[html.index('id="site-footer"') :]
    assert 'href="/about/">About PartsHub<' in footer
    assert 'href="/shop/catalogue/">All products<' in footer
    assert "PartsHub GmbH" in footer and 'href="tel:+492215550100"' in footer
    assert 'href="mailto:service@partshub.example"' in footer
    assert ">LinkedIn<" in footer
    contact = ContactSettings.for_site(site)
    contact.phone = "+49 30 1234"
    contact.save()
    assert "+49 30 1234" in client.get("/about/").content.decode()


def test_navigation_ensure_fills_once_and_keeps_the_editors_changes(site):
    assert navigation_ensure() is True
    navigation = NavigationSettings.for_site(site)
    assert [b.value["label"] for b in navigation.header_links] == [
        "Delivery and returns",
        "About us",
    ]
    navigation.header_links = []
    navigation.footer_columns = [("column", navigation.footer_columns[0].value)]
    navigation.save()
    assert navigation_ensure() is False
    assert len(NavigationSettings.for_site(site).footer_columns) == 1


@pytest.mark.parametrize(
    "value, message",
    [
        ({"label": "", "page": None, "url": ""}, "Choose a page or enter an address"),
        ({"label": "x", "page": None, "url": "www.example.com"}, "Start the address with /"),
        ({"label": "", "page": None, "url": "/shop/"}, "An address needs a label"),
    ],
)
def test_a_menu_link_explains_what_is_wrong(value, message):
    block = MenuLinkBlock()
    with pytest.raises(StructBlockValidationError) as error:
        block.clean(block.to_python(value))
    assert message in str(error.value.as_json_data())


def test_shop_lands_on_the_catalogue_not_the_home_page(client):
    response = client.get("/shop/")
    assert response.status_code == 302
    assert response["Location"] == reverse("catalogue:index")


def test_editors_may_edit_menus_and_contact_details(client, editor, site):
    client.force_login(editor)
    for model in ("navigationsettings", "contactsettings"):
        url = reverse("wagtailsettings:edit", args=["cms_navigation", model, site.pk])
        assert client.get(url).status_code == 200, model
