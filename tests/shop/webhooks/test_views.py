"""The operator's webhook pages: superusers only (checked on the server), endpoints,
the delivery log with filters at a constant number of queries, detail and redelivery."""

import re

import pytest
from django.urls import reverse

from shop.webhooks import services
from shop.webhooks.models import WebhookDelivery, WebhookEndpoint
from tests.factories import CompanyFactory
from tests.helpers import session_queries

pytestmark = pytest.mark.django_db

LIST = reverse("webhooks:endpoint-list")
DELIVERIES = reverse("webhooks:delivery-list")
# Session, user, the page's own queries (see the tests), the request's savepoint pair and
# the dashboard's menus: the same at 2 rows as at 12.
QUERIES = {"deliveries": 9 + session_queries(), "endpoints": 7 + session_queries()}


@pytest.fixture
def operator(client, superuser, password):
    assert client.login(username=superuser.email, password=password)
    return client


def _delivery_pages(endpoint) -> list[str]:
    CompanyFactory()
    delivery = WebhookDelivery.objects.get()
    return [
        LIST,
        DELIVERIES,
        reverse("webhooks:endpoint-create"),
        reverse("webhooks:endpoint-update", kwargs={"pk": endpoint.pk}),
        reverse("webhooks:delivery-detail", kwargs={"pk": delivery.pk}),
    ]


@pytest.mark.parametrize("who", ["staff_user", "sales_manager", "account_manager", "buyer"])
def test_everyone_but_a_superuser_is_refused(client, request, password, endpoint, who):
    pages = _delivery_pages(endpoint)
    user = request.getfixturevalue(who)
    assert client.login(username=user.email, password=password)
    for url in pages:
        assert client.get(url).status_code == 403, url
    delivery = WebhookDelivery.objects.get()
    posts = [
        reverse("webhooks:delivery-redeliver", kwargs={"pk": delivery.pk}),
        reverse("webhooks:endpoint-deactivate", kwargs={"pk": endpoint.pk}),
        reverse("webhooks:endpoint-secret-rotate", kwargs={"pk": endpoint.pk}),
        reverse("webhooks:endpoint-create"),
    ]
    for url in posts:
        assert (
            client.post(
                url, {"url": "https://evil.example/", "events": ["order.placed"]}
            ).status_code
            == 403
        )
    endpoint.refresh_from_db()
    assert endpoint.active and WebhookEndpoint.objects.count() == 1
    assert WebhookDelivery.objects.get().redelivered_at is None


def test_anonymous_visitors_are_sent_to_log_in(client, endpoint):
    for url in _delivery_pages(endpoint):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"], url


def test_the_operator_adds_an_endpoint_and_sees_its_secret(operator):
    response = operator.post(
        reverse("webhooks:endpoint-create"),
        {
            "url": "https://erp.example/hooks",
            "description": "ERP",
            "events": ["order.placed", "shipment.created"],
            "active": "on",
        },
    )
    endpoint = WebhookEndpoint.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("webhooks:endpoint-update", kwargs={"pk": endpoint.pk})
    assert endpoint.events == ["order.placed", "shipment.created"] and endpoint.active
    html = operator.get(response["Location"]).content.decode()
    assert endpoint.secret in html and 'id="endpoint-secret-value"' in html
    # Real checkboxes (Oscar's field partial would give them a text input's form-control).
    assert re.search(
        r'<input class="form-check-input" type="checkbox" name="events" value="order.placed"[^>]* checked>',
        html,
    )

    old_secret = endpoint.secret
    operator.post(reverse("webhooks:endpoint-secret-rotate", kwargs={"pk": endpoint.pk}))
    endpoint.refresh_from_db()
    assert endpoint.secret != old_secret and endpoint.secret.startswith("phwhsec_")


@pytest.mark.parametrize(
    "url", ["ftp://erp.example/hooks", "javascript:alert(1)", "file:///etc/passwd", "not a url"]
)
def test_only_http_and_https_urls_are_taken(operator, url):
    response = operator.post(
        reverse("webhooks:endpoint-create"), {"url": url, "events": ["order.placed"]}
    )
    assert response.status_code == 400 and not WebhookEndpoint.objects.exists()


def test_an_endpoint_needs_an_event(operator):
    response = operator.post(reverse("webhooks:endpoint-create"), {"url": "https://a.example/"})
    assert response.status_code == 400
    assert "Choose at least one event." in response.content.decode()


def test_the_operator_edits_and_deactivates_an_endpoint(operator, endpoint):
    url = reverse("webhooks:endpoint-update", kwargs={"pk": endpoint.pk})
    response = operator.post(
        url, {"url": "http://127.0.0.1:9/new", "events": ["company.updated"], "active": "on"}
    )
    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.url == "http://127.0.0.1:9/new" and endpoint.events == ["company.updated"]
    response = operator.post(reverse("webhooks:endpoint-deactivate", kwargs={"pk": endpoint.pk}))
    assert response.status_code == 302 and response["Location"] == LIST
    endpoint.refresh_from_db()
    assert not endpoint.active
    assert 'id="webhook-endpoints"' in operator.get(LIST).content.decode()


def _deliveries(endpoint, count: int) -> None:
    for _ in range(count):
        CompanyFactory()


@pytest.mark.parametrize("rows", [2, 12])
def test_the_delivery_log_costs_the_same_queries_for_more_rows(
    operator, endpoint, django_assert_num_queries, rows
):
    _deliveries(endpoint, rows)
    # Session and user, the filter's endpoint choices, count, the page (with its event and
    # endpoint joined), and the dashboard's menus.
    with django_assert_num_queries(QUERIES["deliveries"]):
        html = operator.get(DELIVERIES + f"?endpoint={endpoint.pk}&status=pending").content.decode()
    assert html.count("company.created</code>") == rows


@pytest.mark.parametrize("rows", [2, 12])
def test_the_endpoint_list_costs_the_same_queries_for_more_rows(
    operator, receiver, django_assert_num_queries, rows
):
    for n in range(rows):
        services.webhook_endpoint_create(url=f"{receiver.url}/{n}", events=["company.created"])
    CompanyFactory()
    with django_assert_num_queries(QUERIES["endpoints"]):
        assert operator.get(LIST).status_code == 200


def test_the_delivery_log_filters(operator, endpoint, receiver):
    other = services.webhook_endpoint_create(url=receiver.url + "/b", events=["company.updated"])
    company = CompanyFactory()
    company.save()  # company.updated: to both endpoints
    services.webhook_deliveries_due(limit=1)

    def rows(query: str) -> int:
        html = operator.get(DELIVERIES + query).content.decode()
        return len(re.findall(r'href="/shop/webhooks/deliveries/\d+/"', html))

    assert rows("") == 3
    assert rows(f"?endpoint={other.pk}") == 1
    assert rows("?event=company.created") == 1
    assert rows("?status=succeeded") == 1
    assert rows("?status=pending&event=company.updated") == 2 - (
        WebhookDelivery.objects.filter(status="succeeded", event__type="company.updated").count()
    )


def test_delivery_detail_shows_attempts_and_redeliver_queues_one(
    operator, endpoint, receiver, superuser
):
    receiver.answer((500, 0), (200, 0))
    CompanyFactory()
    services.webhook_deliveries_due()
    delivery = WebhookDelivery.objects.get()
    url = reverse("webhooks:delivery-detail", kwargs={"pk": delivery.pk})
    html = operator.get(url).content.decode()
    assert 'id="delivery-attempts"' in html and "HTTP 500" in html and "answer 500" in html
    assert str(delivery.uuid) in html and "company.created" in html

    response = operator.post(reverse("webhooks:delivery-redeliver", kwargs={"pk": delivery.pk}))
    assert response.status_code == 302 and response["Location"] == url
    delivery.refresh_from_db()
    assert delivery.status == "pending" and delivery.redelivered_by == superuser
    assert services.webhook_deliveries_due() == 1
    html = operator.get(url).content.decode()
    assert "HTTP 200" in html and "redelivery" in html


def test_redeliver_is_a_post(operator, endpoint):
    CompanyFactory()
    delivery = WebhookDelivery.objects.get()
    url = reverse("webhooks:delivery-redeliver", kwargs={"pk": delivery.pk})
    assert operator.get(url).status_code == 405
