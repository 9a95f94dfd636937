from django.apps import AppConfig


class PricesConfig(AppConfig):
    """Price-list authoring (the storefront's pricing engine stays in shop.pricing)."""

    name = "crm_embedded.prices"
    label = "crm_prices"
    verbose_name = "CRM prices"
