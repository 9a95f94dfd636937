"""Each endpoint needs its one scope: without it 403 (naming it), with it success; bad keys 401.

Through a real HTTP client (requests) against the live server."""

import pytest
from django.urls import URLPattern, get_resolver
from django.utils import timezone

from shop.integrations.models import IntegrationToken, Scope
from shop.integrations.permissions import scope_required
from shop.integrations.services import token_revoke
from tests.factories import CompanyFactory
from tests.shop.integrations.conftest import ALL_SCOPES, key_for, order_create

pytestmark = pytest.mark.django_db(transaction=True)


def _shipment(order, carrier):
    from orders.services import shipment_create

    line = order.lines.get()
    return shipment_create(
        order=order, lines={line.pk: 1}, carrier_code=carrier.code, tracking_number="JD-1"
    )


# (name, scope, method, path, body, expected status); paths are filled per test.
ENDPOINTS = [
    ("orders list", Scope.ORDERS_READ, "GET", "orders/", None, 200),
    ("order detail", Scope.ORDERS_READ, "GET", "orders/{number}/", None, 200),
    ("order by ext", Scope.ORDERS_READ, "GET", "orders/ext:ERP-1/", None, 200),
    (
        "external id",
        Scope.ORDERS_WRITE,
        "PUT",
        "orders/{number}/external-id/",
        {"external_id": "ERP-9"},
        200,
    ),
    (
        "status",
        Scope.ORDERS_WRITE,
        "POST",
        "orders/{number}/status/",
        {"status": "On hold", "note": "credit check"},
        200,
    ),
    (
        "shipment",
        Scope.ORDERS_WRITE,
        "POST",
        "orders/{number}/shipments/",
        {"lines": [{"sku": "SKU-A", "quantity": 1}], "tracking_number": "T1"},
        201,
    ),
    (
        "tracking event",
        Scope.ORDERS_WRITE,
        "POST",
        "shipments/{shipment}/events/",
        {"kind": "in_transit", "location": "Köln"},
        201,
    ),
    ("companies list", Scope.COMPANIES_READ, "GET", "companies/", None, 200),
    ("company detail", Scope.COMPANIES_READ, "GET", "companies/{company}/", None, 200),
    ("company by ext", Scope.COMPANIES_READ, "GET", "companies/ext:C-1/", None, 200),
]


@pytest.fixture
def world(carrier):
    company = CompanyFactory(external_id="C-1")
    order = order_create(company=company, lines=(("SKU-A", 5),), external_id="ERP-1")
    shipment = _shipment(order, carrier)
    return {"number": order.number, "shipment": shipment.number, "company": company.pk}


@pytest.mark.parametrize(
    ("name", "scope", "method", "path", "body", "expected"),
    ENDPOINTS,
    ids=[e[0] for e in ENDPOINTS],
)
def test_each_endpoint_needs_its_scope(api_for, world, name, scope, method, path, body, expected):
    path = path.format(**world)
    others = api_for(*[s for s in ALL_SCOPES if s != scope])
    refused = others.request(method, path, json=body)
    assert refused.status_code == 403, refused.text
    assert scope in refused.json()["detail"]
    assert refused.json()["code"] == "permission_denied"

    allowed = api_for(scope).request(method, path, json=body)
    assert allowed.status_code == expected, allowed.text


@pytest.mark.parametrize(("method", "path"), [("GET", "orders/"), ("POST", "orders/1/status/")])
def test_without_a_token_the_answer_is_401_with_the_scheme(api_for, method, path):
    response = api_for(key="").request(method, path, json={})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Token")
    assert response.json()["detail"]


def test_an_unknown_or_malformed_key_is_401(api_for):
    unknown = api_for(key="phk_not-a-key").get("orders/")
    assert unknown.status_code == 401
    assert unknown.json() == {
        "detail": "Unknown or revoked token.",
        "field": None,
        "code": "authentication_failed",
    }
    malformed = api_for(key="").get("orders/", headers={"Authorization": "Token a b"})
    assert malformed.status_code == 401


def test_a_revoked_token_is_refused_at_once(api_for):
    key = key_for(*ALL_SCOPES)
    api = api_for(key=key)
    assert api.get("companies/").status_code == 200
    token_revoke(token=IntegrationToken.objects.get())
    response = api.get("companies/")
    assert response.status_code == 401
    assert response.json()["detail"] == "Unknown or revoked token."


def test_a_token_whose_user_was_deactivated_is_refused(api_for):
    key = key_for(Scope.COMPANIES_READ)
    user = IntegrationToken.objects.get().user
    user.is_active = False
    user.save()
    assert api_for(key=key).get("companies/").status_code == 401


def test_use_is_recorded_and_only_the_hash_is_stored(api_for):
    key = key_for(Scope.COMPANIES_READ)
    token = IntegrationToken.objects.get()
    assert key not in (token.key_hash, token.key_prefix) and key.startswith(token.key_prefix)
    assert token.last_used_at is None
    assert api_for(key=key).get("companies/").status_code == 200
    token.refresh_from_db()
    assert timezone.now() - token.last_used_at < timezone.timedelta(minutes=1)
    assert token.user.is_active and not token.user.is_staff and not token.user.has_usable_password()


def test_every_api_route_but_the_docs_names_a_scope():
    """A new view that forgets its scope fails here instead of being open to any token."""
    resolver = get_resolver()
    api = next(p for p in resolver.url_patterns if getattr(p, "namespace", None) == "api")
    public = {"schema", "docs"}
    for pattern in api.url_patterns:
        assert isinstance(pattern, URLPattern)
        if pattern.name in public:
            continue
        view = pattern.callback.view_class
        scopes = [getattr(p, "required_scope", None) for p in view.permission_classes]
        assert any(scopes), f"{pattern.name} ({view.__name__}) names no scope"
    assert scope_required(Scope.ORDERS_READ).required_scope == "orders:read"
