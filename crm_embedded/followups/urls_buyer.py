"""The buyer's follow-up links: restore a cart, opt out (by link or in the account)."""

from django.urls import path

from crm_embedded.followups import views_buyer as views

app_name = "followups"

urlpatterns = [
    path("restore/<str:token>/", views.restore, name="restore"),
    path("opt-out/<str:token>/", views.opt_out, name="opt-out"),
    path("preferences/", views.preferences, name="preferences"),
]
