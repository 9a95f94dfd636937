"""Targeted banners: who sees which banner, when, on shop and CMS pages, and in previews."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Site

from cms.models import ContentPage
from cms.promotions.models import Banner
from cms.promotions.preview import AudiencePreviewMixin, audience_preview_modes
from cms.promotions.selectors import Audience, audience_from_preview_mode, banner_for_audience
from shop.companies.models import CustomerGroup
from tests.factories import CompanyFactory, CompanyMemberFactory, UserFactory

pytestmark = pytest.mark.django_db
ADD_URL = reverse("wagtailsnippets_cms_promotions_banner:add")


def banner(title, audience="everyone", **kwargs):
    companies = kwargs.pop("companies", [])
    made = Banner.objects.create(title=title, audience=audience, **kwargs)
    made.companies.set(companies)
    return made


@pytest.fixture
def world(db):
    workshops = CustomerGroup.objects.create(name="Workshops", slug="workshops")
    rheinland = CompanyFactory(legal_name="Rheinland Auto GmbH", customer_group=workshops)
    iberia = CompanyFactory(legal_name="Iberia Fleet SL")
    jonas = CompanyMemberFactory(company=rheinland).user
    pablo = CompanyMemberFactory(company=iberia).user
    root = Site.objects.get(is_default_site=True).root_page
    page = root.add_child(instance=ContentPage(title="Offers", slug="offers"))
    page.save_revision().publish()
    return {
        "page": page,
        "group": workshops,
        "rheinland": rheinland,
        "iberia": iberia,
        "jonas": jonas,
        "pablo": pablo,
    }


def shown(client, url="/") -> str:
    html = client.get(url).content.decode()
    start = html.find('class="container promotion-banner"')
    if start == -1:
        return ""
    title_at = html.index('class="promotion-banner-title">', start) + len(
        'class="promotion-banner-title">'
    )
    return html[title_at : html.index("<", title_at)]


def test_the_most_specific_live_banner_wins(world):
    banner("For all", priority=9)
    banner("Signed in", "buyers")
    banner("Workshops", "group", customer_group=world["group"])
    banner("Rheinland only", "companies", companies=[world["rheinland"]])
    rheinland = Audience(
        signed_in=True, company_id=world["rheinland"].pk, group_id=world["group"].pk
    )
    iberia = Audience(signed_in=True, company_id=world["iberia"].pk)
    assert banner_for_audience(audience=rheinland).title == "Rheinland only"
    assert (
        banner_for_audience(audience=Audience(signed_in=True, group_id=world["group"].pk)).title
        == "Workshops"
    )
    assert banner_for_audience(audience=iberia).title == "Signed in"
    assert banner_for_audience(audience=Audience()).title == "For all"


def test_priority_breaks_a_tie_and_the_schedule_and_switch_are_respected(world):
    now = timezone.now()
    banner("Low", priority=1)
    banner("High", priority=5)
    banner("Not yet", priority=9, starts_at=now + timedelta(hours=1))
    banner("Over", priority=9, starts_at=now - timedelta(days=2), ends_at=now - timedelta(days=1))
    banner("Off", priority=9, is_active=False)
    assert banner_for_audience(audience=Audience()).title == "High"
    assert banner_for_audience(audience=Audience(), now=now + timedelta(hours=2)).title == "Not yet"


def test_a_visitor_banner_is_not_shown_to_signed_in_buyers(world):
    banner("Open an account", "visitors")
    assert banner_for_audience(audience=Audience()).title == "Open an account"
    assert banner_for_audience(audience=Audience(signed_in=True)) is None


def test_shop_and_cms_pages_show_the_banner_of_the_buyers_company_only(client, world):
    banner("Spring deal for Rheinland", "companies", companies=[world["rheinland"]])
    banner("Welcome, visitor", "visitors")
    client.force_login(world["jonas"])
    for url in ("/offers/", reverse("catalogue:index")):
        assert shown(client, url) == "Spring deal for Rheinland", url
    client.force_login(world["pablo"])
    assert shown(client, "/offers/") == ""
    client.logout()
    assert shown(client, "/offers/") == "Welcome, visitor"


def test_no_cache_serves_one_audiences_banner_to_another(client, world):
    """The page is rendered per request and marked as varying by cookie: neither our code nor a
    shared cache in front may hand Rheinland's banner to the next visitor or company."""
    banner("Rheinland contract news", "companies", companies=[world["rheinland"]])
    banner("Iberia fleet offer", "companies", companies=[world["iberia"]])
    sequence = [("jonas", "Rheinland contract news"), (None, ""), ("pablo", "Iberia fleet offer"),
                ("jonas", "Rheinland contract news"), (None, "")]  # fmt: skip
    for who, expected in sequence:
        client.logout()
        if who:
            client.force_login(world[who])
        for url in ("/offers/", reverse("catalogue:index")):
            response = client.get(url)
            assert shown(client, url) == expected, (who, url)
            assert "Cookie" in response.get("Vary", ""), (url, response.headers)
            assert "public" not in response.get("Cache-Control", "")


def test_previewing_as_a_company_shows_that_companys_banner(world):
    banner("Rheinland only", "companies", companies=[world["rheinland"]])
    banner("Workshops", "group", customer_group=world["group"])
    banner("Visitors", "visitors")
    home = ContentPage.objects.get(pk=world["page"].pk)
    editor = UserFactory(email="ed@partshub.example")
    editor.groups.add(Group.objects.get(name="Editors"))
    original = RequestFactory().get("/cms/")
    original.user = editor
    modes = dict(audience_preview_modes())
    rheinland_mode = next(m for m, label in modes.items() if "Rheinland" in label)
    cases = [(rheinland_mode, "Rheinland only"), (f"audience:group:{world['group'].pk}", "Workshops"),
             ("audience:visitor", "Visitors"), ("audience:buyer", "")]  # fmt: skip
    for mode, expected in cases:
        html = home.make_preview_request(original, mode).content.decode()
        assert (f">{expected}<" in html) if expected else ("promotion-banner" not in html), mode


def test_the_preview_modes_list_the_audiences_and_reject_garbage(world):
    class Previewable:
        preview_modes = [("", "Default")]

    class Page(AudiencePreviewMixin, Previewable):
        pass

    modes = dict(Page().preview_modes)
    assert "" in modes and "audience:visitor" in modes and "audience:buyer" in modes
    assert f"audience:group:{world['group'].pk}" in modes
    assert f"audience:company:{world['rheinland'].pk}:{world['group'].pk}" in modes
    assert f"audience:company:{world['iberia'].pk}" in modes
    for garbage in ("audience:company:x", "audience:group:", "audience:nobody", "other"):
        assert audience_from_preview_mode(garbage) is None


def _form(**overrides):
    now = timezone.localtime()
    data = {"title": "Spring deal", "text": "", "cta_label": "", "link_url": "", "audience": "everyone",
            "starts_at": now.strftime("%Y-%m-%d %H:%M"), "ends_at": "", "is_active": "on", "priority": "0"}  # fmt: skip
    data.update(overrides)
    return data


def test_the_banner_editor_explains_each_mistake(client, world, superuser):
    client.force_login(superuser)
    cases = [
        ({"audience": "companies"}, "Choose at least one company"),
        ({"audience": "group"}, "Choose the customer group"),
        ({"companies": [world["iberia"].pk]}, "Companies only apply"),
        ({"link_url": "www.example.com"}, "Start the address with /"),
        ({"cta_label": "Shop now"}, "A button needs a link"),
        ({"ends_at": "2020-01-01 10:00"}, "must end after it starts"),
        ({"title": "Deal\r\nBcc: x"}, "control"),
    ]
    for overrides, message in cases:
        response = client.post(ADD_URL, _form(**overrides))
        assert response.status_code == 200, overrides
        assert message in response.content.decode(), overrides
    assert not Banner.objects.exists()
    response = client.post(ADD_URL, _form(audience="companies", companies=[world["rheinland"].pk],
                                          cta_label="See offers", link_url="/shop/catalogue/"))  # fmt: skip
    assert response.status_code == 302
    assert list(Banner.objects.get().companies.all()) == [world["rheinland"]]


def test_the_demo_banners_are_made_once_and_target_visitors_and_groups(client, world):
    from cms.promotions.demo import banners_ensure

    world["group"].slug = "automotive-workshops"
    world["group"].save()
    assert banners_ensure() == 2
    assert banners_ensure() == 0
    assert shown(client, "/offers/").startswith("Business customers: sign in")
    client.force_login(world["jonas"])  # Rheinland is in the workshops group
    assert shown(client, "/offers/").startswith("Workshop week")
    client.force_login(world["pablo"])
    assert shown(client, "/offers/") == ""


def test_a_banner_linking_to_an_unpublished_page_shows_without_its_button(client, world):
    banner("Read the offer", cta_label="Open", link_page=world["page"])
    assert 'href="/offers/">Open<' in client.get(reverse("catalogue:index")).content.decode()
    world["page"].unpublish()
    html = client.get(reverse("catalogue:index")).content.decode()
    assert ">Read the offer<" in html and ">Open<" not in html
