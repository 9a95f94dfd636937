from django.urls import path

from shop.webhooks import views

app_name = "webhooks"
urlpatterns = [
    path("", views.EndpointListView.as_view(), name="endpoint-list"),
    path("endpoints/new/", views.EndpointCreateView.as_view(), name="endpoint-create"),
    path("endpoints/<int:pk>/", views.EndpointUpdateView.as_view(), name="endpoint-update"),
    path(
        "endpoints/<int:pk>/deactivate/",
        views.EndpointDeactivateView.as_view(),
        name="endpoint-deactivate",
    ),
    path(
        "endpoints/<int:pk>/secret/",
        views.EndpointSecretRotateView.as_view(),
        name="endpoint-secret-rotate",
    ),
    path("deliveries/", views.DeliveryListView.as_view(), name="delivery-list"),
    path("deliveries/<int:pk>/", views.DeliveryDetailView.as_view(), name="delivery-detail"),
    path(
        "deliveries/<int:pk>/redeliver/",
        views.DeliveryRedeliverView.as_view(),
        name="delivery-redeliver",
    ),
]
