from django.urls import path

from crm_embedded.accounts import credit_views, customer_view, views

urlpatterns = [
    path("companies/", views.company_list, name="company-list"),
    path("companies/<int:pk>/", customer_view.company_detail, name="company-detail"),
    path("companies/<int:pk>/edit/", views.company_edit, name="company-edit"),
    path("companies/<int:pk>/credit/", credit_views.company_credit, name="company-credit"),
    path("companies/<int:pk>/reassign/", views.company_reassign, name="company-reassign"),
    path("companies/<int:pk>/act-as/<int:member_pk>/", views.company_act_as, name="company-act-as"),
    path("applications/", views.application_list, name="application-list"),
    path("applications/<int:pk>/", views.application_detail, name="application-detail"),
]
