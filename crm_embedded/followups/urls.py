"""The account team's follow-up pages (under the CRM's ``crm`` namespace)."""

from django.urls import path

from crm_embedded.followups import views

urlpatterns = [
    path("follow-ups/", views.followup_list, name="followup-list"),
    path("follow-ups/rules/", views.followup_rules, name="followup-rules"),
    path("follow-ups/run/", views.followup_run_now, name="followup-run"),
]
