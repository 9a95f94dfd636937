from django.urls import path

from crm_embedded import credit_views, pricing_views, views
from crm_embedded.quotes import views_staff as quote_views

app_name = "crm"

urlpatterns = [
    path("", views.workspace, name="home"),
    path("tasks/<int:pk>/done/", views.task_done, name="task-done"),
    path("quotes/", quote_views.quote_list, name="quote-list"),
    path("quotes/<int:pk>/", quote_views.quote_detail, name="quote-detail"),
    path("quotes/<int:pk>/lines/", quote_views.quote_lines, name="quote-lines"),
    path("quotes/<int:pk>/lines/add/", quote_views.quote_line_add, name="quote-line-add"),
    path("quotes/<int:pk>/terms/", quote_views.quote_terms, name="quote-terms"),
    path("quotes/<int:pk>/messages/", quote_views.quote_message, name="quote-message"),
    path("quotes/<int:pk>/v<int:version>.pdf", quote_views.quote_pdf, name="quote-pdf"),
    path("quotes/<int:pk>/approval/", quote_views.quote_approval, name="quote-approval"),
    path("approvals/", quote_views.approval_list, name="approval-list"),
    path("quotes/<int:pk>/<str:action>/", quote_views.quote_action, name="quote-action"),
    path("companies/", views.company_list, name="company-list"),
    path("companies/<int:pk>/", views.company_detail, name="company-detail"),
    path("companies/<int:pk>/edit/", views.company_edit, name="company-edit"),
    path("companies/<int:pk>/credit/", credit_views.company_credit, name="company-credit"),
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
