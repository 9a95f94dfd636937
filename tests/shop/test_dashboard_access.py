"""Oscar's dashboard is store-wide: only superusers and sales managers may open it."""

import pytest

DASHBOARD_PAGES = [
    "/shop/dashboard/",
    "/shop/dashboard/orders/",
    "/shop/dashboard/reports/",
    "/shop/dashboard/users/",
]


@pytest.mark.parametrize("url", DASHBOARD_PAGES)
def test_an_account_manager_is_refused_the_dashboard_and_pointed_to_the_crm(
    client, account_manager, url
):
    client.force_login(account_manager)
    response = client.get(url)
    assert response.status_code == 403
    assert "Your workspace is the CRM at /crm/." in response.content.decode()


@pytest.mark.parametrize("url", DASHBOARD_PAGES)
def test_a_superuser_opens_the_dashboard(client, superuser, url):
    client.force_login(superuser)
    assert client.get(url).status_code == 200


def test_a_sales_manager_opens_the_dashboard(client, sales_manager):
    # Beyond the index, Oscar's own model permissions (e.g. order.view_order) still apply.
    client.force_login(sales_manager)
    assert client.get("/shop/dashboard/").status_code == 200


def test_the_dashboard_login_still_goes_through_the_login_door(client, db):
    response = client.get("/shop/dashboard/login/?next=/shop/dashboard/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_an_anonymous_visitor_is_sent_to_log_in(client, db):
    response = client.get("/shop/dashboard/orders/")
    assert response.status_code == 302


def test_the_top_bar_links_the_dashboard_for_sales_managers_only(
    client, account_manager, sales_manager
):
    client.force_login(account_manager)
    html = client.get("/shop/catalogue/").content.decode()
    assert 'id="nav_dashboard"' not in html
    assert 'id="nav_crm"' in html
    client.force_login(sales_manager)
    assert 'id="nav_dashboard"' in client.get("/shop/catalogue/").content.decode()


INTEGRATION_PAGES = ("/shop/integrations/tokens/", "/shop/webhooks/", "/shop/notifications/log/")


def test_the_integration_menu_is_the_operators_and_leads_to_its_pages(
    client, superuser, sales_manager
):
    client.force_login(superuser)
    page = client.get("/shop/dashboard/").content.decode()
    for url in INTEGRATION_PAGES:
        assert f'href="{url}"' in page
        assert client.get(url).status_code == 200
    # A sales manager's menu does not offer them (and the pages refuse them on the server).
    client.force_login(sales_manager)
    page = client.get("/shop/dashboard/").content.decode()
    for url in INTEGRATION_PAGES:
        assert f'href="{url}"' not in page
        assert client.get(url).status_code in (403, 404)
