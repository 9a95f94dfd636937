"""Every main page renders, for the users who may see it, and only for them."""

import re

import pytest
from django.urls import reverse

from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def home_page(db):
    from cms.demo import home_page_ensure

    home_page_ensure()


@pytest.fixture
def product(category):
    return ProductFactory(title="Tapered roller bearing 30205", category=category)


def test_home_page_is_the_wagtail_home_with_categories(client, home_page, category):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Industrial parts at your negotiated prices" in html  # editor-run hero
    assert category.get_absolute_url() in html  # categories from shop's selector
    assert 'id="login_link"' in html  # the portal's one navigation


def test_content_page_renders_in_the_same_layout(client, home_page):
    response = client.get("/about/")
    assert response.status_code == 200
    assert "About PartsHub" in response.content.decode()
    assert 'id="top_page"' in response.content.decode()


def test_catalogue_category_and_product_pages(client, product, category):
    assert client.get(reverse("catalogue:index")).status_code == 200
    response = client.get(category.get_absolute_url())
    assert response.status_code == 200
    assert "Tapered roller bearing 30205" in response.content.decode()
    response = client.get(product.get_absolute_url())
    assert response.status_code == 200
    assert "Tapered roller bearing 30205" in response.content.decode()
    assert "12.50" in response.content.decode()


def test_category_url_with_a_stale_slug_redirects_to_the_canonical_one(client, category):
    url = reverse("catalogue:category", kwargs={"category_slug": "old-name", "pk": category.pk})
    response = client.get(url)
    assert response.status_code == 301
    assert response["Location"] == category.get_absolute_url()


def test_unknown_category_is_404(client, db):
    url = reverse("catalogue:category", kwargs={"category_slug": "nope", "pk": 999999})
    assert client.get(url).status_code == 404


def test_search_finds_by_title_word_and_by_sku(client, product):
    by_word = client.get(reverse("search:search"), {"q": "tapered 30205"})
    assert by_word.status_code == 200
    assert "Tapered roller bearing 30205" in by_word.content.decode()
    # An exact SKU (any case) goes straight to its product.
    by_sku = client.get(reverse("search:search"), {"q": product.upc.lower()}, follow=True)
    assert by_sku.redirect_chain[-1][0] == product.get_absolute_url()
    assert "Tapered roller bearing 30205" in by_sku.content.decode()
    nothing = client.get(reverse("search:search"), {"q": "unobtainium"})
    assert 'No products match "unobtainium"' in nothing.content.decode()


def test_search_with_an_empty_or_huge_query_answers_politely(client, product):
    assert "Type a product name" in client.get(reverse("search:search")).content.decode()
    response = client.get(reverse("search:search"), {"q": "x" * 5000})
    assert response.status_code == 200


def test_out_of_range_page_number_shows_the_first_page(client, product, category):
    response = client.get(category.get_absolute_url(), {"page": "999"})
    assert response.status_code == 200
    assert "Tapered roller bearing 30205" in response.content.decode()


def test_basket_add_and_view(client, buyer, password, product):
    client.login(username=buyer.email, password=password)
    response = client.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": 3})
    assert response.status_code == 302
    response = client.get(reverse("basket:summary"))
    assert response.status_code == 200
    assert "Tapered roller bearing 30205" in response.content.decode()


@pytest.mark.parametrize(
    "name",
    [
        "customer:profile-view",
        "customer:order-list",
        "customer:address-list",
        "customer:email-list",
    ],
)
def test_account_pages_render_for_a_logged_in_buyer(client, buyer, name):
    client.force_login(buyer)
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert buyer.email in response.content.decode()


def test_account_pages_send_anonymous_visitors_to_allauth_login(client, db):
    response = client.get(reverse("customer:profile-view"))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    ("user_fixture", "dashboard", "cms", "django_admin"),
    [
        ("buyer", 403, 302, 302),
        ("editor", 403, 200, 302),
        # Staff who are not sales managers (account managers) work in the CRM instead.
        ("staff_user", 403, 302, 302),
        ("sales_manager", 200, 302, 302),
        ("superuser", 200, 200, 200),
    ],
)
def test_staff_areas_open_only_for_the_right_staff(
    request, client, user_fixture, dashboard, cms, django_admin
):
    client.force_login(request.getfixturevalue(user_fixture))
    assert client.get(reverse("dashboard:index")).status_code == dashboard
    assert client.get(reverse("wagtailadmin_home")).status_code == cms
    assert client.get(reverse("admin:index")).status_code == django_admin


def test_navigation_shows_each_user_the_staff_areas_they_may_open(client, editor, superuser):
    client.force_login(editor)
    html = client.get(reverse("catalogue:index")).content.decode()
    assert 'id="nav_cms"' in html
    assert 'id="nav_dashboard"' not in html
    client.force_login(superuser)
    html = client.get(reverse("catalogue:index")).content.decode()
    assert all(f'id="nav_{area}"' in html for area in ("cms", "dashboard", "admin"))


def test_editor_can_edit_the_home_page_in_wagtail(client, editor, home_page):
    from cms.models import HomePage

    client.force_login(editor)
    home = HomePage.objects.get()
    response = client.get(reverse("wagtailadmin_pages:edit", args=[home.pk]))
    assert response.status_code == 200


def test_403_page_has_the_layout_an_explanation_and_ways_out(client, viewer_member):
    client.force_login(viewer_member.user)
    response = client.get(reverse("crm:home"))
    assert response.status_code == 403
    html = response.content.decode()
    assert 'id="top_page"' in html  # the site's navigation, not a bare "403 Forbidden"
    assert 'id="error_403"' in html
    assert "The CRM is for the seller&#x27;s account team." in html
    assert "Log in as someone else" in html
    assert 'href="/"' in html
    assert "mailto:am@partshub.example" in html  # the company's account manager


def test_403_logs_one_line_without_a_traceback(client, viewer_member, caplog):
    client.force_login(viewer_member.user)
    with caplog.at_level("WARNING"):
        assert client.get(reverse("crm:home")).status_code == 403
    records = [r for r in caplog.records if r.name == "django.request"]
    assert len(records) == 1
    assert records[0].levelname == "WARNING"
    assert records[0].exc_info is None
    assert "Forbidden" in records[0].getMessage()


def test_404_page_has_the_layout_and_links(client, home_page):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert 'id="top_page"' in html
    assert 'id="error_404"' in html
    assert reverse("catalogue:index") in html


def test_500_page_is_self_contained(rf):
    from django.views.defaults import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert 'id="error_500"' in response.content.decode()


@pytest.mark.parametrize(
    ("user_fixture", "company_link", "basket"),
    [
        (None, False, True),  # a visitor shops and may apply for a business account
        ("buyer", True, True),  # signed up, no company yet: the link leads to the application
        ("buyer_member", True, True),
        ("editor", False, False),  # content editors neither belong to a company nor shop
        ("account_manager", False, True),
        ("superuser", False, True),
    ],
)
def test_the_top_bar_offers_company_and_basket_only_to_those_who_use_them(
    request, client, user_fixture, company_link, basket
):
    if user_fixture:
        user = request.getfixturevalue(user_fixture)
        client.force_login(getattr(user, "user", user))
    html = client.get(reverse("catalogue:index")).content.decode()
    assert ('id="nav_company"' in html) is company_link
    assert ('class="basket-mini' in html) is basket


def test_the_language_switch_names_languages_not_locales(client, db):
    html = client.get(reverse("catalogue:index")).content.decode()
    switch = re.search(r'<form id="language_switch".*?</form>', html, re.S).group(0)
    labels = [label.strip() for label in re.findall(r"<button[^>]*>(.*?)</button>", switch, re.S)]
    assert labels == ["EN", "DE"]
