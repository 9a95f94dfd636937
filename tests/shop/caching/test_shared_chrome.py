"""A buyer's "save to list" choices and the site's header and footer, kept in the cache.

The choices are one user's, cached per user and company under ``lists:user:<id>``;
the header and footer are everybody's on a site in a language, kept rendered under the
"cms" version. Each must show a change at once and never another user's lists or
another visitor's search words.
"""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cms.navigation.models import NavigationSettings
from shop.bulk.models import RequisitionList
from shop.caching import versions
from tests.factories import CompanyMemberFactory, ProductFactory, UserFactory, category_create
from tests.shop.caching.helpers import buyer_signed_in, calls_counted

pytestmark = pytest.mark.django_db


@pytest.fixture
def buyer(db):
    return buyer_signed_in()


def test_a_cached_product_page_does_not_ask_the_database_for_the_users_lists(buyer):
    member, product, client = buyer
    RequisitionList.objects.create(name="Workshop", owner=member.user, company=member.company)
    url = product.get_absolute_url()
    assert "Workshop" in client.get(url).content.decode()
    with CaptureQueriesContext(connection) as ctx:
        assert "Workshop" in client.get(url).content.decode()
    assert not [q for q in ctx.captured_queries if "bulk_requisitionlist" in q["sql"]]


def test_a_new_renamed_or_deleted_list_shows_at_once_on_the_users_pages(buyer):
    member, product, client = buyer
    url = product.get_absolute_url()
    colleague = CompanyMemberFactory(company=member.company, user=UserFactory())
    mine = RequisitionList.objects.create(
        name="Workshop", owner=member.user, company=member.company
    )
    assert "Workshop" in client.get(url).content.decode()
    RequisitionList.objects.create(name="Theirs", owner=colleague.user, company=member.company)
    RequisitionList.objects.create(name="Night shift", owner=member.user, company=member.company)
    html = client.get(url).content.decode()
    assert "Night shift" in html and "Theirs" not in html
    mine.name = "Main workshop"
    mine.save()
    assert "Main workshop" in client.get(url).content.decode()
    mine.delete()
    assert "Main workshop" not in client.get(url).content.decode()
    # The colleague's choices were not served from the user's copy.
    other = Client()
    other.force_login(colleague.user)
    html = other.get(url).content.decode()
    assert "Theirs" in html and "Night shift" not in html


def test_a_list_given_to_another_owner_leaves_the_old_owners_choices(buyer):
    member, product, client = buyer
    url = product.get_absolute_url()
    colleague = CompanyMemberFactory(company=member.company, user=UserFactory())
    moved = RequisitionList.objects.create(
        name="Handover", owner=member.user, company=member.company
    )
    assert "Handover" in client.get(url).content.decode()
    moved.owner = colleague.user
    moved.save()
    assert "Handover" not in client.get(url).content.decode()


def test_the_header_and_footer_are_served_rendered_and_follow_an_editors_change(
    client, monkeypatch
):
    category_create("Bearings")
    url = reverse("catalogue:index")
    first = client.get(url).content.decode()
    import cms.navigation.templatetags.navigation_tags as tags

    built = calls_counted(monkeypatch, tags, "site_chrome_cached")
    second = client.get(url).content.decode()
    assert built == [], "the rendered header and footer come from the cache"
    assert second.count('id="site-nav"') == 1 and 'id="site-footer"' in second
    for start, end in (('id="site-nav"', "</nav>"), ('id="site-footer"', "</footer>")):
        a, b = first.index(start), second.index(start)
        assert first[a : first.index(end, a)] == second[b : second.index(end, b)]
    category_create("Hydraulics")  # bumps "cms": the header lists it at once
    html = client.get(url).content.decode()
    header = html[html.index('id="site-nav"') : html.index("</nav>", html.index('id="site-nav"'))]
    assert "Hydraulics" in header
    from wagtail.models import Site

    navigation = NavigationSettings.for_site(Site.objects.get(is_default_site=True))
    navigation.header_links = [
        {"type": "link", "value": {"label": "Spare parts help", "page": None, "url": "/help/"}}
    ]
    navigation.save()
    assert 'href="/help/">Spare parts help<' in client.get(url).content.decode()


def test_the_search_words_in_the_header_are_never_shared(client):
    ProductFactory(title="Hydraulic hose", category=category_create("Hydraulics"))
    client.get(reverse("catalogue:index"))  # the shared header, with an empty search box
    html = client.get(reverse("site-search"), {"q": "hose"}).content.decode()
    assert 'name="q" id="id_q" maxlength="100" value="hose"' in html
    html = client.get(reverse("catalogue:index")).content.decode()
    assert 'name="q" id="id_q" maxlength="100" value=""' in html


def test_the_lists_choices_survive_a_cache_outage(buyer, monkeypatch):
    member, product, client = buyer
    RequisitionList.objects.create(name="Workshop", owner=member.user, company=member.company)

    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    from shop.bulk import selectors

    monkeypatch.setattr(versions, "versions_token", down)
    monkeypatch.setattr(cache, "get", down)
    assert selectors.list_choices_for_member(member=member) == [
        {"pk": RequisitionList.objects.get().pk, "name": "Workshop"}
    ]


def test_a_deploy_with_new_static_files_renders_the_header_again(client, monkeypatch):
    import cms.caching
    import cms.navigation.templatetags.navigation_tags as tags

    category_create("Bearings")
    url = reverse("catalogue:index")
    monkeypatch.setattr(cms.caching, "_static_version", lambda: "manifest-1")
    client.get(url)
    built = calls_counted(monkeypatch, tags, "site_chrome_cached")
    client.get(url)
    assert built == []
    # The header links a script by its hashed name: another manifest, another copy.
    monkeypatch.setattr(cms.caching, "_static_version", lambda: "manifest-2")
    client.get(url)
    assert built, "the header was served from the copy rendered with the old static files"
