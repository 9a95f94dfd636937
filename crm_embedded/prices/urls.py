from django.urls import path

from crm_embedded.prices import views

urlpatterns = [
    path("companies/<int:pk>/price-check/", views.company_price_check, name="company-price-check"),
    path("prices/", views.price_list_index, name="price-list-index"),
    path("prices/new/", views.price_list_edit, name="price-list-create"),
    path("prices/<int:pk>/", views.price_list_detail, name="price-list-detail"),
    path("prices/<int:pk>/edit/", views.price_list_edit, name="price-list-edit"),
    path("prices/<int:pk>/entries/", views.entry_add, name="price-entry-add"),
    path(
        "prices/<int:pk>/entries/<int:entry_pk>/delete/",
        views.entry_delete,
        name="price-entry-delete",
    ),
    path("prices/<int:pk>/import/", views.price_list_import, name="price-list-import"),
    path("prices/<int:pk>/export.csv", views.price_list_export, name="price-list-export"),
    path("prices/<int:pk>/copy/", views.price_list_copy, name="price-list-copy"),
]
