from django.urls import path

from crm_embedded import pricing_views, views

app_name = "crm"

urlpatterns = [
    path("", views.workspace, name="home"),
    path("companies/", views.company_list, name="company-list"),
    path("companies/<int:pk>/", views.company_detail, name="company-detail"),
    path("companies/<int:pk>/edit/", views.company_edit, name="company-edit"),
    path("companies/<int:pk>/reassign/", views.company_reassign, name="company-reassign"),
    path("companies/<int:pk>/act-as/<int:member_pk>/", views.company_act_as, name="company-act-as"),
    path("applications/", views.application_list, name="application-list"),
    path("applications/<int:pk>/", views.application_detail, name="application-detail"),
    path(
        "companies/<int:pk>/price-check/",
        pricing_views.company_price_check,
        name="company-price-check",
    ),
    path("prices/", pricing_views.price_list_index, name="price-list-index"),
    path("prices/new/", pricing_views.price_list_edit, name="price-list-create"),
    path("prices/<int:pk>/", pricing_views.price_list_detail, name="price-list-detail"),
    path("prices/<int:pk>/edit/", pricing_views.price_list_edit, name="price-list-edit"),
    path("prices/<int:pk>/entries/", pricing_views.entry_add, name="price-entry-add"),
    path(
        "prices/<int:pk>/entries/<int:entry_pk>/delete/",
        pricing_views.entry_delete,
        name="price-entry-delete",
    ),
    path("prices/<int:pk>/import/", pricing_views.price_list_import, name="price-list-import"),
    path("prices/<int:pk>/export.csv", pricing_views.price_list_export, name="price-list-export"),
    path("prices/<int:pk>/copy/", pricing_views.price_list_copy, name="price-list-copy"),
]
