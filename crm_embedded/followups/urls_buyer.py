"""The buyer's follow-up links: restore a cart, opt out (by link or in the account)."""

from django.urls import path  # noqa: F401

app_name = "followups"

urlpatterns: list = []
