"""Operator pages of the ERP API, mounted at /shop/integrations/ (namespace ``integrations``)."""

from django.urls import path

from shop.integrations import dashboard_views

app_name = "integrations"
urlpatterns = [
    path("tokens/", dashboard_views.TokenListView.as_view(), name="token-list"),
    path(
        "tokens/<int:pk>/revoke/",
        dashboard_views.TokenRevokeView.as_view(),
        name="token-revoke",
    ),
]
