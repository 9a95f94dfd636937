from django.urls import path

from shop.bulk import views

app_name = "bulk"

urlpatterns = [
    path("quick-order/", views.quick_order, name="quick-order"),
    path("quick-order/skus/", views.sku_suggest, name="sku-suggest"),
    path("basket/export.csv", views.basket_export, name="basket-export"),
    path("lists/", views.list_index, name="list-index"),
    path("lists/add/", views.list_add, name="list-add"),
    path("lists/<int:pk>/", views.list_detail, name="list-detail"),
    path("lists/<int:pk>/update/", views.list_update, name="list-update"),
    path("lists/<int:pk>/order/", views.list_order, name="list-order"),
    path("lists/<int:pk>/delete/", views.list_delete, name="list-delete"),
]
