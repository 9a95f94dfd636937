"""The ERP's REST API, mounted at /api/v1/ (namespace ``api``)."""

from importlib.util import find_spec

from django.urls import path

from shop.integrations import docs, views

app_name = "api"
urlpatterns = [
    path("orders/", views.OrderListView.as_view(), name="order-list"),
    path("orders/<str:ref>/", views.OrderDetailView.as_view(), name="order-detail"),
    path(
        "orders/<str:ref>/external-id/",
        views.OrderExternalIdView.as_view(),
        name="order-external-id",
    ),
    path("orders/<str:ref>/status/", views.OrderStatusView.as_view(), name="order-status"),
    path(
        "orders/<str:ref>/shipments/",
        views.ShipmentCreateView.as_view(),
        name="order-shipment-create",
    ),
    path(
        "shipments/<str:number>/events/",
        views.TrackingEventCreateView.as_view(),
        name="shipment-event-create",
    ),
    path("companies/", views.CompanyListView.as_view(), name="company-list"),
    path("companies/<str:ref>/", views.CompanyDetailView.as_view(), name="company-detail"),
    path("schema/", docs.SchemaView.as_view(), name="schema"),
    path("docs/", docs.DocsView.as_view(url_name="api:schema"), name="docs"),
]

# Products, stock and price lists (bulk upserts) live in catalogue_api.py, written beside
# this module; its urlpatterns join ours under the same namespace.
if find_spec("shop.integrations.catalogue_api") is not None:
    from shop.integrations import catalogue_api

    urlpatterns += getattr(catalogue_api, "urlpatterns", [])
