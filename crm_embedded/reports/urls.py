from django.urls import path

from crm_embedded.reports import views

urlpatterns = [
    path("reports/", views.report_index, name="report-index"),
]
