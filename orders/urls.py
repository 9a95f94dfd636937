from django.urls import path

from orders import views

app_name = "fulfilment"
urlpatterns = [
    path(
        "orders/<str:number>/status/",
        views.OrderStatusChangeView.as_view(),
        name="order-status",
    ),
    path("orders/<str:number>/cancel/", views.OrderCancelView.as_view(), name="order-cancel"),
    path(
        "orders/<str:number>/shipments/",
        views.ShipmentCreateView.as_view(),
        name="shipment-create",
    ),
    path(
        "orders/<str:number>/shipments/<str:shipment_number>/events/",
        views.TrackingEventAddView.as_view(),
        name="tracking-event-add",
    ),
]
