from django.apps import AppConfig


class CrmEmbeddedConfig(AppConfig):
    """The account managers' workspace; it reads and acts through shop and orders only."""

    name = "crm_embedded"
    label = "crm_embedded"
    verbose_name = "CRM"
