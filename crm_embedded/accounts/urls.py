from django.urls import path

from crm_embedded.accounts import credit_views, customer_view, views, views_partnumbers

urlpatterns = [
    path("companies/", views.company_list, name="company-list"),
    path("companies/<int:pk>/", customer_view.company_detail, name="company-detail"),
    path("companies/<int:pk>/edit/", views.company_edit, name="company-edit"),
    path("companies/<int:pk>/credit/", credit_views.company_credit, name="company-credit"),
    path("companies/<int:pk>/reassign/", views.company_reassign, name="company-reassign"),
    path("companies/<int:pk>/act-as/<int:member_pk>/", views.company_act_as, name="company-act-as"),
    path(
        "companies/<int:pk>/part-numbers/",
        views_partnumbers.company_part_numbers,
        name="company-part-numbers",
    ),
    path(
        "companies/<int:pk>/part-numbers/<int:mapping_pk>/edit/",
        views_partnumbers.company_part_number_edit,
        name="company-part-number-edit",
    ),
    path(
        "companies/<int:pk>/part-numbers/<int:mapping_pk>/delete/",
        views_partnumbers.company_part_number_delete,
        name="company-part-number-delete",
    ),
    path(
        "companies/<int:pk>/part-numbers/import/",
        views_partnumbers.company_part_numbers_import,
        name="company-part-numbers-import",
    ),
    path(
        "companies/<int:pk>/part-numbers.csv",
        views_partnumbers.company_part_numbers_export,
        name="company-part-numbers-export",
    ),
    path("applications/", views.application_list, name="application-list"),
    path("applications/<int:pk>/", views.application_detail, name="application-detail"),
]
