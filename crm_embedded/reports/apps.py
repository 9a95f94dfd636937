from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """The account team's reports, computed from the storefront's data."""

    name = "crm_embedded.reports"
    label = "crm_reports"
    verbose_name = "CRM reports"
