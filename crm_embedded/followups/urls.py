"""The account team's follow-up pages (under the CRM's ``crm`` namespace)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
